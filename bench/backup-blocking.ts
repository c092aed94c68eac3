import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { migrate } from "../scripts/lib/migrate";

// `npx tsx bench/backup-blocking.ts`: which online copy of the SQLite database blocks the server less
// (decision 075), on the demo university's database. Three ways, each while a writer on another
// connection commits a row every 2 ms (as the server's batch writers do) and a timer measures the
// event loop of this process (the server's, when the server makes the backup):
//   1. better-sqlite3's backup() API on this thread (100 pages a step, a step per setImmediate);
//   2. `VACUUM INTO` on this thread;
//   3. `VACUUM INTO` in a worker thread (what app/.server/ops/backup.ts does).
// Prints wall time, the event loop's worst and p99 delay, the writes committed meanwhile, the worst
// time one write took (SQLite's locks) and the longest gap between two writes (what a writer on the
// server's thread waits when the copy blocks it; 2 ms when nothing does); each round starts with the reference of the same run: the writer and the timer for
// three seconds with no copy at all, and the load average. Asserts nothing.

const root = path.resolve(import.meta.dirname, "..");
const tmp = path.join(root, "bench", ".tmp");
fs.mkdirSync(tmp, { recursive: true });
const dbFile = path.join(tmp, `backup-blocking-${process.pid}.db`);
const dataDir = path.join(tmp, `backup-blocking-data-${process.pid}`);
const cleanup = () => {
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
};
cleanup();
migrate(dbFile);
process.env.DATABASE_URL = `file:${dbFile}`;
process.env.DATA_DIR = dataDir;
const { default: Database } = await import("better-sqlite3");
const { seedDemoUniversity } = await import("../prisma/seed");
const { createBackup } = await import("../app/.server/ops/backup");

const seeded = await seedDemoUniversity(dbFile, new Date(), { dataDir });
const writer = new Database(dbFile, { timeout: 5000 });
writer.pragma("journal_mode = WAL");
writer.pragma("synchronous = NORMAL");
writer.exec(`CREATE TABLE IF NOT EXISTS "BenchWrite" ("id" INTEGER PRIMARY KEY, "at" REAL NOT NULL)`);
const insert = writer.prepare(`INSERT INTO "BenchWrite" ("at") VALUES (?)`);
const mb = (fs.statSync(dbFile).size / 1e6).toFixed(1);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.info(`database: ${seeded.people} people, ${mb} MB; node ${process.version}; ${os.cpus().length} cores; load ${load()}`);

async function measure(name: string, copy: (dest: string) => Promise<unknown> | unknown) {
  const dest = path.join(tmp, `backup-blocking-${process.pid}-copy.db`);
  fs.rmSync(dest, { force: true });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let writes = 0;
  let worstWrite = 0;
  let worstGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    insert.run(t);
    const done = performance.now();
    worstWrite = Math.max(worstWrite, done - t);
    worstGap = Math.max(worstGap, done - last);
    last = done;
    writes++;
  }, 2);
  loop.enable();
  const t0 = performance.now();
  let outcome = "ok";
  try {
    await copy(dest);
  } catch (e) {
    outcome = e instanceof Error ? e.message : String(e);
  }
  const wall = performance.now() - t0;
  // Let the timers that a synchronous copy held up fire, so the histogram and the gap see the stall.
  await new Promise((r) => setTimeout(r, 50));
  loop.disable();
  clearInterval(timer);
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.info(
    `${name.padEnd(34)} wall ${wall.toFixed(0).padStart(6)} ms  loop max ${ms(loop.max).padStart(7)} ms  p99 ${ms(loop.percentile(99)).padStart(6)} ms  writes ${String(writes).padStart(5)} (worst ${worstWrite.toFixed(1)} ms, gap ${worstGap.toFixed(1).padStart(6)} ms)  ${outcome}`,
  );
  fs.rmSync(dest, { force: true });
}

for (let round = 1; round <= 3; round++) {
  console.info(`round ${round} (load ${load()})`);
  await measure("no copy (reference), 3 s", () => new Promise((r) => setTimeout(r, 3000)));
  await measure("backup() API, this thread", (dest) => {
    const source = new Database(dbFile, { readonly: true });
    let steps = 0;
    // A step restarts from the first page when another connection wrote meanwhile; give up after 20,000 steps.
    return source
      .backup(dest, {
        progress: () => {
          if (++steps > 20_000) throw new Error(`gave up after ${steps} steps (restarted by the writer)`);
          return 100;
        },
      })
      .finally(() => source.close());
  });
  await measure("VACUUM INTO, this thread", (dest) => {
    const source = new Database(dbFile, { readonly: true });
    try {
      source.prepare("VACUUM INTO ?").run(dest);
    } finally {
      source.close();
    }
  });
  await measure("VACUUM INTO, worker (ops/backup.ts)", async () => {
    const backupDir = path.join(tmp, `backup-blocking-${process.pid}-backups`);
    await createBackup({ databaseUrl: `file:${dbFile}`, dataDir, backupDir });
    fs.rmSync(backupDir, { recursive: true, force: true });
  });
}
writer.close();
cleanup();
