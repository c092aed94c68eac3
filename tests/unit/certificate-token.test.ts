import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCertificateKey, signCertificateToken, verifyCertificateToken } from "~/.server/hours/certificate-token";
import { maskName, maskPersonNumber } from "~/lib/mask";

// The token on a printed 学时证明: only this server's key makes one, and any change breaks it.

const key = crypto.randomBytes(32);
const otherKey = crypto.randomBytes(32);

/** The token with the character at `i` replaced by another base64url character. */
function changeChar(token: string, i: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const replacement = alphabet[(alphabet.indexOf(token[i]) + 1) % alphabet.length];
  return token.slice(0, i) + replacement + token.slice(i + 1);
}

describe("certificate token", () => {
  it("is compact, URL-safe and verifies to the id it was signed for", () => {
    for (const id of [1, 42, 999_999, 2 ** 32 - 1]) {
      const token = signCertificateToken(id, key);
      expect(token).toMatch(/^[A-Za-z0-9_-]{28}$/);
      expect(verifyCertificateToken(token, key)).toBe(id);
    }
  });

  it("tells a 结业证书's token from a 学时证明's of the same id under the one key", () => {
    const classToken = signCertificateToken(42, key, "class");
    expect(classToken).toMatch(/^[A-Za-z0-9_-]{28}$/);
    expect(verifyCertificateToken(classToken, key, "class")).toBe(42);
    expect(verifyCertificateToken(classToken, key)).toBeNull();
    expect(verifyCertificateToken(signCertificateToken(42, key), key, "class")).toBeNull();
    expect(verifyCertificateToken(classToken, otherKey, "class")).toBeNull();
  });

  it("carries nothing but a version and the id", () => {
    const bytes = Buffer.from(signCertificateToken(258, key), "base64url");
    expect(bytes.length).toBe(21);
    expect([...bytes.subarray(0, 5)]).toEqual([1, 0, 0, 1, 2]);
  });

  it("refuses a token with any one character changed", () => {
    const token = signCertificateToken(7, key);
    for (let i = 0; i < token.length; i++) expect(verifyCertificateToken(changeChar(token, i), key), `character ${i}`).toBeNull();
  });

  it("refuses a payload changed to another id with the old signature", () => {
    const bytes = Buffer.from(signCertificateToken(7, key), "base64url");
    bytes.writeUInt32BE(8, 1);
    expect(verifyCertificateToken(bytes.toString("base64url"), key)).toBeNull();
  });

  it("refuses a changed signature and a signature from another token", () => {
    const a = Buffer.from(signCertificateToken(7, key), "base64url");
    const b = Buffer.from(signCertificateToken(8, key), "base64url");
    const flipped = Buffer.from(a);
    flipped[20] ^= 0x01;
    expect(verifyCertificateToken(flipped.toString("base64url"), key)).toBeNull();
    const spliced = Buffer.concat([a.subarray(0, 5), b.subarray(5)]);
    expect(verifyCertificateToken(spliced.toString("base64url"), key)).toBeNull();
  });

  it("refuses a token signed with another key", () => {
    expect(verifyCertificateToken(signCertificateToken(7, otherKey), key)).toBeNull();
  });

  it("refuses malformed tokens without throwing", () => {
    const token = signCertificateToken(7, key);
    for (const bad of ["", "x", token.slice(1), `${token}A`, `${token.slice(0, 27)}=`, `${token.slice(0, 27)}/`, "A".repeat(28), "0".repeat(1000)]) {
      expect(verifyCertificateToken(bad, key)).toBeNull();
    }
  });

  it("refuses another format version even when correctly signed", () => {
    const payload = Buffer.from([2, 0, 0, 0, 7]);
    const mac = crypto.createHmac("sha256", key).update("wsdx/hours-certificate\0").update(payload).digest().subarray(0, 16);
    expect(verifyCertificateToken(Buffer.concat([payload, mac]).toString("base64url"), key)).toBeNull();
  });

  it("signs ids in range only", () => {
    for (const id of [0, -1, 1.5, 2 ** 32]) expect(() => signCertificateToken(id, key)).toThrow(RangeError);
  });
});

describe("certificate key", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "cert-key-"));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("uses CERT_SECRET when given", () => {
    const dataDir = tmp();
    expect(loadCertificateKey({ secret: "s".repeat(32), dataDir }).toString()).toBe("s".repeat(32));
    expect(fs.existsSync(path.join(dataDir, "keys"))).toBe(false);
  });

  it("creates a random key file once, readable by its owner only, and keeps it", () => {
    const dataDir = tmp();
    const first = loadCertificateKey({ dataDir });
    expect(first.length).toBe(32);
    const file = path.join(dataDir, "keys", "certificate.key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadCertificateKey({ dataDir }).equals(first)).toBe(true);
    expect(loadCertificateKey({ dataDir: tmp() }).equals(first)).toBe(false);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["certificate.key"]);
  });

  it("takes a key file's text as CERT_SECRET (base64url:…), so certificates signed on one machine verify on the nodes", () => {
    const dataDir = tmp();
    const fileKey = loadCertificateKey({ dataDir });
    const token = signCertificateToken(42, fileKey);
    const text = fs.readFileSync(path.join(dataDir, "keys", "certificate.key"), "utf8");
    const nodeKey = loadCertificateKey({ secret: `base64url:${text}`, dataDir: tmp() });
    expect(verifyCertificateToken(token, nodeKey)).toBe(42);
    // The same text without the prefix is another key: what the prefix is for.
    expect(verifyCertificateToken(token, loadCertificateKey({ secret: text.trim(), dataDir: tmp() }))).toBeNull();
    expect(() => loadCertificateKey({ secret: `base64url:${text.slice(0, 20)}`, dataDir: tmp() })).toThrow(/fewer than 32/);
  });

  it("refuses a damaged key file instead of replacing it", () => {
    const dataDir = tmp();
    fs.mkdirSync(path.join(dataDir, "keys"));
    fs.writeFileSync(path.join(dataDir, "keys", "certificate.key"), "short\n");
    expect(() => loadCertificateKey({ dataDir })).toThrow(/no valid key/);
  });
});

describe("masks on certificates", () => {
  it("masks a name's middle, keeping the surname", () => {
    expect(maskName("王积极")).toBe("王*极");
    expect(maskName("李明")).toBe("李*");
    expect(maskName("欧阳小明")).toBe("欧**明");
    expect(maskName("张")).toBe("张");
    expect(maskName("")).toBe("");
  });

  it("masks a student or staff number", () => {
    expect(maskPersonNumber("2024070001")).toBe("2024****01");
    expect(maskPersonNumber("member")).toBe("m****r");
    expect(maskPersonNumber("A1")).toBe("**");
    expect(maskPersonNumber(null)).toBe("");
  });
});
