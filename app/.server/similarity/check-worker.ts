import { parentPort } from "node:worker_threads";
import Database from "better-sqlite3";
import { env } from "../env";
import { type SqlRunner } from "../sql";
import { SqliteSqlDb } from "../sql-sqlite";
import { type CheckOutcome, runCheck } from "./check-job";

// Inside the check's thread: a connection of its own to the database, one check at a time, the
// outcome posted back for the server to store. On SQLite a read-only connection to the file (WAL
// lets it read beside the server's writes); on PostgreSQL a `pg` pool of one connection (decision
// 083), closed when idle and, like the SQLite one, with the thread when it is terminated (its time
// or memory limit, the server stopping). Loaded only on PostgreSQL, so the SQLite setup never loads `pg`.

export type CheckRequest = { reportId: number };
export type CheckReply = { ok: true; outcome: CheckOutcome } | { ok: false; error: string };

async function connect(): Promise<SqlRunner> {
  if (env.databaseEngine === "postgres") return (await import("../sql-pg")).createPgSqlDb(env.databaseUrl, { max: 1 });
  return new SqliteSqlDb(new Database(env.databaseFile, { readonly: true, timeout: 5000 }));
}

const port = parentPort;
if (port) {
  let db: Promise<SqlRunner> | null = null;
  port.on("message", ({ reportId }: CheckRequest) => {
    void (async () => {
      try {
        // A connection that could not be opened is tried again at the next check, as before.
        db ??= connect().catch((e: unknown) => {
          db = null;
          throw e;
        });
        const outcome = await runCheck(await db, reportId);
        port.postMessage({ ok: true, outcome } satisfies CheckReply);
      } catch (e) {
        port.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies CheckReply);
      }
    })();
  });
  port.postMessage("ready");
}
