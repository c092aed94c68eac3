import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// Builds the app when its sources changed since the last build (a content hash kept beside it).

const root = path.resolve(import.meta.dirname, "..", "..");
const INPUTS = ["app", "public", "vite.config.ts", "package-lock.json", "tsconfig.json"];
const stampFile = path.join(root, "build", ".source-hash");

function* files(p: string): Generator<string> {
  if (!fs.existsSync(p)) return;
  const stat = fs.statSync(p);
  if (stat.isFile()) {
    yield p;
    return;
  }
  for (const entry of fs.readdirSync(p).sort()) {
    if (entry === "generated" || entry === "node_modules" || entry.endsWith(".test.ts")) continue;
    yield* files(path.join(p, entry));
  }
}

export function sourceHash(): string {
  const h = crypto.createHash("sha256");
  for (const input of INPUTS) {
    for (const f of files(path.join(root, input))) {
      h.update(path.relative(root, f));
      h.update(fs.readFileSync(f));
    }
  }
  return h.digest("hex");
}

export function buildIfNeeded({ quiet = false } = {}): boolean {
  const hash = sourceHash();
  const built = fs.existsSync(path.join(root, "build", "server", "index.js")) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === hash;
  if (built) return false;
  build({ quiet, hash });
  return true;
}

/** Builds the app and records the hash of the sources it was built from (`npm run build` too, so the next start does not build again). */
export function build({ quiet = false, hash = sourceHash() } = {}): void {
  if (!quiet) console.info("正在构建应用 (building the app)…");
  execFileSync(path.join(root, "node_modules", ".bin", "remix"), ["vite:build"], {
    cwd: root,
    stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit",
    // Started from a test run, VITEST is set, and vite.config.ts leaves the Remix plugin out under it.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))), NODE_ENV: "production" },
  });
  fs.writeFileSync(stampFile, hash);
}
