import { parentPort } from "node:worker_threads";
import Database from "better-sqlite3";
import { env } from "../env";
import { type CheckOutcome, runCheck } from "./check-job";

// Inside the check's thread: one read-only connection to the database (WAL lets it read beside the
// server's writes), one check at a time, the outcome posted back for the server to store.

export type CheckRequest = { reportId: number };
export type CheckReply = { ok: true; outcome: CheckOutcome } | { ok: false; error: string };

const port = parentPort;
if (port) {
  let db: Database.Database | null = null;
  port.on("message", ({ reportId }: CheckRequest) => {
    try {
      db ??= new Database(env.databaseFile, { readonly: true, timeout: 5000 });
      port.postMessage({ ok: true, outcome: runCheck(db, reportId) } satisfies CheckReply);
    } catch (e) {
      port.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies CheckReply);
    }
  });
  port.postMessage("ready");
}
