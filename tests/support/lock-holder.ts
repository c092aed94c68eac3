import pg from "pg";
import { type StartupLockTarget, withStartupLock } from "../../scripts/lib/startup-lock";

// Takes the start-up lock LOCK_NAME, prints HELD and holds it until it is killed: of the SQLite file
// LOCK_FILE, or of the PostgreSQL database LOCK_URL on a session of its own (the startup-lock tests: a
// holder that dies must not leave the lock behind).

let target: StartupLockTarget;
if (process.env.LOCK_URL) {
  const session = new pg.Client({ connectionString: process.env.LOCK_URL });
  await session.connect();
  target = { postgres: session };
} else {
  target = { sqliteFile: process.env.LOCK_FILE! };
}

await withStartupLock(process.env.LOCK_NAME!, target, async () => {
  console.info("HELD");
  // Run with --expose-gc, a collection once this function has returned its promise: a lock that only
  // this never-settling promise kept would be dropped then, not at some later collection
  // (better-sqlite3 closes a collected connection).
  setTimeout(() => (globalThis as { gc?: () => void }).gc?.(), 100);
  await new Promise(() => setInterval(() => {}, 1_000));
});
