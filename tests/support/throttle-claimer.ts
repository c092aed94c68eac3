import { LoginThrottle } from "../../app/.server/auth/throttle";
import { closeDatabase, sqlDb } from "../../app/.server/db";

// One of several processes claiming sign-in attempts for one account from one address on one database
// (DATABASE_URL: a SQLite file, or PostgreSQL) at the same instant (tests/integration/throttle-store.test.ts):
// waits for CLAIM_AT, makes CLAIMS claims in a row without ending them through the app's own connection
// (sqlDb()), and prints how many were granted.

const throttle = new LoginThrottle(sqlDb());
await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.CLAIM_AT) - Date.now())));
let granted = 0;
for (let i = 0; i < Number(process.env.CLAIMS); i++) if (await throttle.begin("RACED", "203.0.113.99")) granted++;
await closeDatabase();
process.stdout.write(`${granted}\n`);
