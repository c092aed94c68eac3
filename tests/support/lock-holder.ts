import { withStartupLock } from "../../scripts/lib/startup-lock";

// Takes the start-up lock LOCK_NAME of the SQLite file LOCK_FILE, prints HELD and holds it until it is
// killed (tests/integration/startup-lock.test.ts: a holder that dies must not leave the lock behind).

await withStartupLock(process.env.LOCK_NAME!, { sqliteFile: process.env.LOCK_FILE! }, async () => {
  console.info("HELD");
  await new Promise(() => setInterval(() => {}, 1_000));
});
