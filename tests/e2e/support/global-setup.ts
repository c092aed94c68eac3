import fs from "node:fs";
import path from "node:path";
import { type FullConfig } from "@playwright/test";
import { seedDemoUniversity } from "../../../prisma/seed";
import { buildIfNeeded } from "../../../scripts/lib/build";
import { migrate } from "../../../scripts/lib/migrate";
import { spawnServer } from "../../support/spawn-server";
import { E2E_APP_DIR, E2E_CONTENT_ENV, E2E_DB, E2E_SERVER_FILE, E2E_SERVER_LOG, E2E_TMP } from "./paths";

// Once per run: build when the sources changed, seed a fresh demo university into tests/.tmp/e2e.db,
// start the built server on a free port, and publish its address (E2E_BASE_URL and a file).
// The server runs from a snapshot of build/ (tests/.tmp/e2e-app/build: server.ts serves the `build`
// under its working directory), so a rebuild during the run cannot pull the assets from under it.
// The function it returns is the teardown: it stops the server, and fails the run if the server
// wrote anything to stderr (an error logged on the server is a bug a page may hide).

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

export default async function globalSetup(_config: FullConfig) {
  fs.mkdirSync(E2E_TMP, { recursive: true });
  const t0 = performance.now();
  const appDir = snapshotBuild();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(E2E_DB + suffix, { force: true });
  migrate(E2E_DB);
  const seeded = await seedDemoUniversity(E2E_DB);

  const log = fs.openSync(E2E_SERVER_LOG, "w");
  // The server runs in the build's snapshot, where relative paths find no content: the rule and pipeline packs
  // are read from the repository's own.
  const server = await spawnServer({
    dbFile: E2E_DB,
    cwd: appDir,
    logFd: log,
    env: E2E_CONTENT_ENV,
  });
  const url = server.url;
  process.env.E2E_BASE_URL = url;
  fs.writeFileSync(E2E_SERVER_FILE, JSON.stringify({ url, pid: server.child.pid }));
  console.info(`e2e: ${seeded.people} people seeded, server at ${url} (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  return async () => {
    await server.stop();
    fs.closeSync(log);
    fs.rmSync(E2E_SERVER_FILE, { force: true });
    const logged = server.stderr.join("").trim();
    if (logged) throw new Error(`the e2e server wrote to stderr (see ${path.relative(ROOT, E2E_SERVER_LOG)}):\n${logged}`);
  };
}

function snapshotBuild(): string {
  const build = path.join(ROOT, "build");
  const appDir = E2E_APP_DIR;
  const stamp = () => (fs.existsSync(path.join(build, ".source-hash")) ? fs.readFileSync(path.join(build, ".source-hash"), "utf8") : "");
  for (let attempt = 1; ; attempt++) {
    buildIfNeeded();
    const before = stamp();
    fs.rmSync(appDir, { recursive: true, force: true });
    fs.cpSync(build, path.join(appDir, "build"), { recursive: true });
    // Another process rebuilding at the same moment leaves a half-copied build: take it again.
    if (before && before === stamp() && fs.existsSync(path.join(appDir, "build", "server", "index.js"))) return appDir;
    if (attempt === 3) throw new Error("build/ kept changing while it was copied for the e2e server");
  }
}
