import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

// One consistent copy of a SQLite database, made off the server's event loop (decision 075):
// `VACUUM INTO` reads the whole database inside one read transaction on a connection of its own, so
// the copy is the database as of that transaction's start; in WAL mode writers carry on meanwhile.
// SQLite-only SQL, like the PRAGMAs of db.ts: the PostgreSQL counterpart is pg_dump, not this file.

const { source, dest } = workerData;
const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
try {
  db.prepare("VACUUM INTO ?").run(dest);
  const { version } = db.prepare("SELECT sqlite_version() AS version").get();
  parentPort.postMessage({ ok: true, sqliteVersion: version });
} catch (e) {
  parentPort.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
} finally {
  db.close();
}
