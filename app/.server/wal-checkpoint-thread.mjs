// The WAL checkpointer's thread (started by wal-checkpoints.ts, decision 092). Plain JavaScript with no
// import of the app, so it starts the same way from the built server, the dev server and vitest. On a
// connection of its own it copies the WAL's committed pages into the database file every `everyMs`
// (a PASSIVE checkpoint: it never waits for a reader or a writer, and none waits for it), and posts what
// it found. Its fsyncs and copying happen here, not in a commit on a process's event loop.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, everyMs } = workerData;
const db = new Database(file, { fileMustExist: true, timeout: 0 });
db.pragma("synchronous = NORMAL");
// This connection writes nothing; should it ever commit, it must not checkpoint inside that commit either.
db.pragma("wal_autocheckpoint = 0");

function checkpoint() {
  const started = performance.now();
  try {
    // busy 1 (with -1 frames) when it cannot run now: another checkpoint or a WAL recovery is under way.
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ busy: row.busy, log: row.log, checkpointed: row.checkpointed, ms: performance.now() - started });
  } catch (e) {
    // An I/O error, a corrupt WAL: reported (and logged) by the parent; the next tick tries again.
    parentPort.postMessage({ error: String(e?.code ?? e?.message ?? e), ms: performance.now() - started });
  }
}

const timer = setInterval(checkpoint, everyMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage("ready");
