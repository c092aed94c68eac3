import path from "node:path";
import webpush from "web-push";
import { env } from "../env";
import { readOrCreateKeyFile } from "../key-file";

// The server's VAPID key pair (RFC 8292), which push services use to know the pushes come from us:
// VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when set, otherwise a pair generated once and kept in
// DATA_DIR/keys/vapid.json. Changing it invalidates every browser's subscription (they were made
// with the old public key), so it is backed up with the data like the certificate key.

export type VapidKeys = { publicKey: string; privateKey: string; subject: string };

/** The contact push services see when no VAPID_SUBJECT is set. */
const DEFAULT_SUBJECT = "mailto:admin@localhost";

export function loadVapidKeys({ dataDir, configured }: { dataDir: string; configured: Partial<VapidKeys> }): VapidKeys {
  const subject = configured.subject ?? DEFAULT_SUBJECT;
  if (configured.publicKey && configured.privateKey) return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject };
  const file = path.join(dataDir, "keys", "vapid.json");
  const stored = JSON.parse(readOrCreateKeyFile(file, () => `${JSON.stringify(webpush.generateVAPIDKeys())}\n`)) as Partial<VapidKeys>;
  if (typeof stored.publicKey !== "string" || typeof stored.privateKey !== "string")
    throw new Error(`${file} holds no VAPID key pair: restore it from a backup`);
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject };
}

let cached: VapidKeys | undefined;
export function vapidKeys(): VapidKeys {
  return (cached ??= loadVapidKeys({ dataDir: env.dataDir, configured: env.vapid }));
}
