import { Worker } from "node:worker_threads";
import { log } from "./ops/log";
import { workerEntry } from "./workers/deadline-worker";

// WAL checkpoints off the event loop (decision 092, SQLite only). By default SQLite checkpoints inside
// the commit that takes the WAL past 1,000 pages: that commit copies the pages into the database file
// and fsyncs both files, while better-sqlite3 holds the event loop. On the contest morning those
// commits took 5 to 50 ms, hundreds of times a minute, each a stall of every request of the process.
// Here one thread of the process that runs the background work checkpoints every CHECKPOINT_EVERY_MS on
// a connection of its own (wal-checkpoint-thread.mjs), and every serving process's connections
// checkpoint only as a backstop, past BACKSTOP_PAGES, should that thread be stopped or fall behind.

/** How often the thread copies the WAL's committed pages into the database file. */
export const CHECKPOINT_EVERY_MS = 250;
/**
 * A serving connection's `wal_autocheckpoint` (pages) while the thread does the work: about 40 MB of
 * 4 KiB pages, reached only when the thread has not checkpointed for many seconds of heavy writing.
 */
export const BACKSTOP_PAGES = 10_000;
/** A thread that died, or did not start, is started again after this long. */
const RESTART_MS = 2_000;
/** How long `stop()` waits for the thread's last checkpoint before terminating it. */
const STOP_LIMIT_MS = 5_000;
/** A failing checkpoint is logged at most once in this long (it is tried every tick). */
const WARN_EVERY_MS = 60_000;

const ENTRY = "wal-checkpoint-thread.mjs";

/**
 * One checkpoint as the thread saw it: the WAL's frames and how many of them are in the database file now;
 * `busy` 1 (and -1 frames) when it could not run now (another checkpoint, a WAL recovery under way).
 */
export type CheckpointReport = { busy: number; log: number; checkpointed: number; ms: number } | { error: string; ms: number };

export type WalCheckpoints = {
  /** Checkpoints tried (one each tick, whether there was anything to copy or it could not run). */
  readonly runs: number;
  /** The last checkpoint's report; null before the first. */
  readonly last: CheckpointReport | null;
  /** Stops the thread after one last checkpoint. */
  stop(): Promise<void>;
};

/** Starts the checkpointing thread on the database `file`; resolves once its connection is open. */
export async function startWalCheckpoints(file: string, everyMs = CHECKPOINT_EVERY_MS): Promise<WalCheckpoints> {
  let runs = 0;
  let last: CheckpointReport | null = null;
  let stopped = false;
  let worker: Worker | null = null;
  let restart: NodeJS.Timeout | null = null;
  let warnedAt = -Infinity;

  const startAgainLater = () => {
    if (stopped || restart) return;
    restart = setTimeout(() => {
      restart = null;
      if (stopped) return;
      start().catch((e: unknown) => {
        log.error("the WAL checkpoint thread did not start again", e);
        startAgainLater();
      });
    }, RESTART_MS);
    restart.unref();
  };

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(workerEntry(import.meta.url, "app/.server", ENTRY), { workerData: { file, everyMs } });
      worker = w;
      let ready = false;
      w.on("message", (m: CheckpointReport | "ready") => {
        if (m === "ready") {
          ready = true;
          // A thread that only checkpoints does not keep the process alive.
          w.unref();
          return resolve();
        }
        runs++;
        last = m;
        if ("error" in m && performance.now() - warnedAt > WARN_EVERY_MS) {
          warnedAt = performance.now();
          log.warn("WAL checkpoint failed", { error: m.error });
        }
      });
      w.on("error", (e) => {
        if (!ready) return reject(e);
        log.error("the WAL checkpoint thread failed", e);
      });
      w.on("exit", (code) => {
        if (worker === w) worker = null;
        if (!ready) return reject(new Error(`the WAL checkpoint thread exited (${code}) before it was ready`));
        // The serving connections' backstop holds the WAL meanwhile.
        startAgainLater();
      });
    });

  await start();
  return {
    get runs() {
      return runs;
    },
    get last() {
      return last;
    },
    async stop() {
      stopped = true;
      if (restart) clearTimeout(restart);
      const w = worker;
      if (!w) return;
      const exited = new Promise((r) => w.once("exit", r));
      w.postMessage("stop");
      const limit = setTimeout(() => void w.terminate(), STOP_LIMIT_MS);
      await exited;
      clearTimeout(limit);
    },
  };
}
