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
  await new Promise(() => setInterval(() => {}, 1_000));
});
