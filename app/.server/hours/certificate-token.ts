import crypto from "node:crypto";
import path from "node:path";
import { env } from "../env";
import { readOrCreateKeyFile } from "../key-file";

// The token a printed 学时证明's QR code carries: a format version and the certificate's id, with a
// truncated HMAC-SHA256 over both (decision 023). It names no person: whoever scans it learns only
// what the verify page shows. 1 + 4 + 16 bytes = 21 bytes = exactly 28 base64url characters, so every
// character carries signed bits and changing any one of them breaks the signature.

// The first byte names what the token is for: the one key signs both kinds of certificate, and the
// byte is under the signature, so a 结业证书's token never reads as a 学时证明's of the same id.
export type CertificateKind = "hours" | "class";
const VERSIONS: Record<CertificateKind, number> = { hours: 1, class: 2 };
const ID_BYTES = 4;
const MAC_BYTES = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{28}$/;
// Domain separation: the same key must never sign anything else into a valid certificate token.
const CONTEXT = Buffer.from("wsdx/hours-certificate\0", "utf8");
const MIN_KEY_BYTES = 32;

function mac(key: Buffer, payload: Buffer): Buffer {
  return crypto.createHmac("sha256", key).update(CONTEXT).update(payload).digest().subarray(0, MAC_BYTES);
}

export function signCertificateToken(certificateId: number, key: Buffer, kind: CertificateKind = "hours"): string {
  if (!Number.isSafeInteger(certificateId) || certificateId <= 0 || certificateId >= 2 ** (8 * ID_BYTES)) {
    throw new RangeError(`certificate id out of range: ${certificateId}`);
  }
  const payload = Buffer.alloc(1 + ID_BYTES);
  payload.writeUInt8(VERSIONS[kind], 0);
  payload.writeUInt32BE(certificateId, 1);
  return Buffer.concat([payload, mac(key, payload)]).toString("base64url");
}

/** The id of the certificate of `kind` a token was signed for, or null for anything this server did not sign for that kind. */
export function verifyCertificateToken(token: string, key: Buffer, kind: CertificateKind = "hours"): number | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length !== 1 + ID_BYTES + MAC_BYTES) return null;
  const payload = bytes.subarray(0, 1 + ID_BYTES);
  if (!crypto.timingSafeEqual(bytes.subarray(1 + ID_BYTES), mac(key, payload))) return null;
  if (payload.readUInt8(0) !== VERSIONS[kind]) return null;
  const id = payload.readUInt32BE(1);
  return id > 0 ? id : null;
}

/** CERT_SECRET's form for a key file's content (`base64url:` and the file's text): a school moving to PostgreSQL keeps its key. */
const FILE_KEY_PREFIX = "base64url:";

/**
 * The signing key: CERT_SECRET when set, otherwise a random key created once in
 * `<dataDir>/keys/certificate.key` (so it lives and is backed up with the database and uploads).
 * Losing or changing it makes every certificate printed so far show as not genuine. A school that
 * moves to several nodes (which need CERT_SECRET, decision 076) sets `CERT_SECRET=base64url:<the key
 * file's text>`, so the certificates it printed on one machine stay genuine.
 */
export function loadCertificateKey({ secret, dataDir }: { secret?: string; dataDir: string }): Buffer {
  if (secret?.startsWith(FILE_KEY_PREFIX)) {
    const key = Buffer.from(secret.slice(FILE_KEY_PREFIX.length).trim(), "base64url");
    if (key.length < MIN_KEY_BYTES)
      throw new Error(`CERT_SECRET ${FILE_KEY_PREFIX}… holds ${key.length} bytes, fewer than ${MIN_KEY_BYTES}: copy the whole key file`);
    return key;
  }
  if (secret) return Buffer.from(secret, "utf8");
  const file = path.join(dataDir, "keys", "certificate.key");
  const key = Buffer.from(readOrCreateKeyFile(file, () => `${crypto.randomBytes(MIN_KEY_BYTES).toString("base64url")}\n`).trim(), "base64url");
  if (key.length < MIN_KEY_BYTES) throw new Error(`${file} holds no valid key: restore it from a backup (decision 023)`);
  return key;
}

let cached: Buffer | undefined;
export function certificateKey(): Buffer {
  return (cached ??= loadCertificateKey({ secret: env.certSecret, dataDir: env.dataDir }));
}
