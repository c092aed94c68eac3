import { sqlDb } from "../db";
import { type SqlTx, isTransientConflict, withRetry } from "../sql";

// Every study write (a session begun, a video or reading heartbeat, a checkpoint answered) goes through
// one group commit, as the contest answers do (decision 019): a request hands in a job and waits; every
// TICK_MS (or at MAX_BATCH pending) one transaction (sqlDb(), IMMEDIATE on SQLite) runs the jobs pending, in the
// order they came, each in a savepoint of its own, and only after the commit is any of them answered.
// At 11,000 viewers (~730 heartbeats a second) one commit per heartbeat cost more than the heartbeat;
// one per tick costs one. A job that throws is rolled back to its savepoint and answered with its error;
// the others commit. If the commit fails, every job of the batch fails and nothing of it is stored.
//
// The jobs run one after another inside one transaction, each awaited before the next begins, so the
// rules' "heartbeats of one account strictly one after another" holds as it did with one transaction
// each, and every job of a batch judges by the same server clock, read when the batch starts (later
// batches read a later one). On SQLite nothing else runs on the connection meanwhile (sql-sqlite.ts);
// on PostgreSQL, where another node's batch runs at the same time, the jobs lock the rows they decide
// on (study.ts). Decisions 070 and 074.
//
// One writer per process (globalThis, like the database connections and the contest intake).

const TICK_MS = 4;
const MAX_BATCH = 500;

/** What the jobs of one batch share: the server's clock, and lookups made once per batch. */
export type StudyBatch = {
  /** The batch's transaction: each job's statements run on it, in a savepoint of the job's own. */
  tx: SqlTx;
  now: Date;
  /** A value computed once per batch under `key` (a lesson's facts read by several heartbeats). */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
};

type Job = { run: (batch: StudyBatch) => Promise<unknown>; resolve: (value: unknown) => void; reject: (e: unknown) => void };

export class StudyWriter {
  private pending: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Jobs committed and transactions run since start, for the benchmark's and the operator's eyes. */
  readonly stats = { committed: 0, batches: 0 };

  /** Jobs waiting for the next commit (/metrics). */
  get queued(): number {
    return this.pending.length;
  }

  /** Runs `run` in the next batch's transaction; resolves with its result once that has committed. */
  submit<T>(run: (batch: StudyBatch) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length >= MAX_BATCH) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        void this.flush();
      } else {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          void this.flush();
        }, TICK_MS);
      }
    });
  }

  /** One flush at a time; each takes what is pending when it starts. */
  private flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch() {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const db = sqlDb();
    try {
      // On PostgreSQL two nodes' batches may lock two accounts' rows in opposite orders: the one the
      // server picks as the deadlock's victim runs again, whole (decision 074). On SQLite: once.
      await withRetry(db, () =>
        db.transaction(async (tx) => {
          outcomes = [];
          const memo = new Map<string, Promise<unknown>>();
          const context: StudyBatch = {
            tx,
            now: new Date(),
            once<T>(key: string, compute: () => Promise<T>): Promise<T> {
              let value = memo.get(key) as Promise<T> | undefined;
              if (!value) {
                value = compute();
                memo.set(key, value);
                // A lookup that failed is tried again by the next job, as it was before it was memoised.
                value.catch(() => memo.delete(key));
              }
              return value;
            },
          };
          for (const job of batch) {
            try {
              outcomes.push({ ok: true, value: await tx.savepoint(() => job.run(context)) });
            } catch (error) {
              // A deadlock is the batch's, not the job's: the whole batch runs again.
              if (isTransientConflict(error)) throw error;
              outcomes.push({ ok: false, error });
            }
          }
        }),
      );
    } catch (e) {
      // Nothing of the batch was written: each request fails, and the player sends it again.
      for (const job of batch) job.reject(e);
      return;
    }
    this.stats.batches++;
    batch.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) {
        this.stats.committed++;
        job.resolve(outcome.value);
      } else job.reject(outcome.error);
    });
  }
}

const g = globalThis as typeof globalThis & { __studyWriter?: StudyWriter };

export function studyWriter(): StudyWriter {
  return (g.__studyWriter ??= new StudyWriter());
}
