import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A secret kept in a file under DATA_DIR/keys (so it lives and is backed up with the database): read
 * it, or create it once with `create()`. The new file is written whole under another name, then
 * linked into place: of two processes starting at once, one key wins and neither ever reads a
 * half-written file. The certificate signing key (decision 023) and the VAPID keys (decision 054).
 */
export function readOrCreateKeyFile(file: string, create: () => string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomUUID()}`;
  fs.writeFileSync(tmp, create(), { flag: "wx", mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return fs.readFileSync(file, "utf8");
}
