import Database from "better-sqlite3";
import { LoginThrottle } from "../../app/.server/auth/throttle";
import { databaseFileFromUrl } from "../../app/.server/env";
import { SqliteSqlDb } from "../../app/.server/sql-sqlite";

// One of several processes claiming sign-in attempts for one account from one address on one database
// file at the same instant (tests/integration/throttle-store.test.ts): waits for CLAIM_AT, makes
// CLAIMS claims in a row without ending them, and prints how many were granted.

const db = new Database(databaseFileFromUrl(process.env.DATABASE_URL!), { timeout: 5000 });
db.pragma("journal_mode = WAL");
db.pragma("busy_timeout = 5000");
const throttle = new LoginThrottle(new SqliteSqlDb(db));
await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.CLAIM_AT) - Date.now())));
let granted = 0;
for (let i = 0; i < Number(process.env.CLAIMS); i++) if (await throttle.begin("RACED", "203.0.113.99")) granted++;
db.close();
process.stdout.write(`${granted}\n`);
