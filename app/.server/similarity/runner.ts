import { prisma, sqlDb } from "../db";
import { env } from "../env";
import { type SqlTx, sql } from "../sql";
import { DeadlineWorker, WorkerStopped, workerEntry } from "../workers/deadline-worker";
import { type CheckOutcome } from "./check-job";
import type { CheckReply, CheckRequest } from "./check-worker";
import { storeCorpus, storeFingerprint } from "./fingerprints";
import { log } from "../ops/log";

// The similarity checks run off the request path: a queued report (a row: the queue is the table, so a
// check queued by another process, or before a restart, is not lost) is claimed by the runner the
// server starts with its sweeper, and checked in a worker thread, one at a time, with a time limit
// and a memory limit, like the MDX compiler (decision 027; both use the DeadlineWorker, decision 046): past either, the thread is terminated and
// the report marked failed with the reason; the next check gets a fresh thread. The event loop only
// claims, and stores the outcome in one transaction. A hand-in wakes the runner at once; a poll every
// two seconds (an indexed query that finds nothing) catches the rest. Decision 045.

export const SIMILARITY_MEMORY_MB = 256;
const POLL_MS = 2_000;
const ENTRY = "check-worker-entry.mjs";

export const timeoutReason = (ms: number) => `查重超时：超过 ${ms >= 1000 ? `${Math.round(ms / 1000)} 秒` : `${ms} 毫秒`}仍未完成，已停止。可稍后重新查重。`;
export const MEMORY_REASON = "查重所需内存超出上限，已停止。";
export const ERROR_REASON = "查重出错，已停止，请联系管理员。";

export class SimilarityRunner {
  private readonly thread: DeadlineWorker<CheckRequest, CheckReply>;
  private started = false;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly limits = { timeMs: env.similarityTimeLimitMs, memoryMb: SIMILARITY_MEMORY_MB }) {
    this.thread = new DeadlineWorker(() => workerEntry(import.meta.url, "app/.server/similarity", ENTRY), limits, "similarity check");
  }

  /** Starts claiming queued checks in this process; returns the stop. */
  start(): () => Promise<void> {
    this.started = true;
    this.timer = setInterval(() => this.wake(), POLL_MS);
    // Never the reason the process stays alive.
    this.timer.unref();
    this.wake();
    return async () => {
      this.started = false;
      if (this.timer) clearInterval(this.timer);
      await this.thread.close();
    };
  }

  /** Looks for queued checks now (a hand-in in this process). Does nothing where the runner was not started. */
  wake() {
    if (!this.started) return;
    this.again = true;
    if (!this.pumping) void this.pump();
  }

  private async pump() {
    this.pumping = true;
    try {
      while (this.again && this.started) {
        this.again = false;
        for (let id = await claimNextReport(this.limits.timeMs); id !== null && this.started; id = await claimNextReport(this.limits.timeMs)) {
          await this.check(id);
        }
      }
    } catch (e) {
      log.error("similarity check failed", e);
    } finally {
      this.pumping = false;
    }
  }

  private async check(reportId: number) {
    let outcome: CheckOutcome;
    try {
      outcome = await this.exchange(reportId);
    } catch (e) {
      // Stopped with the server: the claim stays, and is taken again once its lease runs out.
      if (!this.started) return;
      if (!(e instanceof WorkerStopped) || e.kind === "crashed") log.error("similarity check failed", e, { reportId });
      await failReport(reportId, e instanceof WorkerStopped ? this.reasonFor(e) : ERROR_REASON);
      return;
    }
    await finishReport(reportId, outcome);
  }

  private async exchange(reportId: number): Promise<CheckOutcome> {
    const reply = await this.thread.call({ reportId });
    if (reply.ok) return reply.outcome;
    throw new Error(reply.error);
  }

  private reasonFor(stopped: WorkerStopped): string {
    if (stopped.kind === "timeout") return timeoutReason(this.limits.timeMs);
    return stopped.kind === "memory" ? MEMORY_REASON : ERROR_REASON;
  }
}

/** A claim older than this is taken again: the server that claimed it stopped mid-check. */
const leaseMs = (limitMs: number) => limitMs + 60_000;

/** Takes the oldest queued report no live runner holds; null when there is none. Safe between processes: the claim is a conditional update. */
export async function claimNextReport(limitMs: number, now = new Date()): Promise<number | null> {
  const stale = new Date(now.getTime() - leaseMs(limitMs));
  for (let tries = 0; tries < 5; tries++) {
    const next = await prisma.similarityReport.findFirst({
      where: { status: "queued", OR: [{ claimedAt: null }, { claimedAt: { lt: stale } }] },
      orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
      select: { id: true, claimedAt: true },
    });
    if (!next) return null;
    const { count } = await prisma.similarityReport.updateMany({
      where: { id: next.id, status: "queued", claimedAt: next.claimedAt },
      data: { claimedAt: now },
    });
    if (count === 1) return next.id;
  }
  return null;
}

/** Backlog fingerprints stored per transaction: each is a fact of its own, and SQLite has one writer. */
const BACKLOG_PER_TRANSACTION = 10;

/**
 * Stores a finished check. The backlog's fingerprints (other hand-ins, lesson texts) come first, a few
 * per transaction with the event loop free between them: in one transaction a check that fingerprinted
 * 200 hand-ins and every lesson held SQLite's only write lock for seconds, and every other writer (an
 * answer, a heartbeat, a check-in) waited behind it or failed at busy_timeout. Each is a fingerprint of
 * a text as it stands, true on its own and replaced if written again, so a stop between them leaves
 * nothing wrong; the report's own fingerprint and its result are then written together.
 */
export async function finishReport(reportId: number, outcome: CheckOutcome, now = new Date()): Promise<void> {
  const db = sqlDb();
  const backlog: ((tx: SqlTx) => Promise<void>)[] = [
    ...outcome.others.map((o) => (tx: SqlTx) => storeFingerprint(tx, { submissionId: o.submissionId, version: o.version }, o.fingerprint, now)),
    ...outcome.lessons.map((l) => (tx: SqlTx) => storeFingerprint(tx, { lessonId: l.lessonId }, l.fingerprint, now)),
  ];
  for (let i = 0; i < backlog.length; i += BACKLOG_PER_TRANSACTION) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await db.transaction(async (tx) => {
      for (const store of backlog.slice(i, i + BACKLOG_PER_TRANSACTION)) await store(tx);
    });
  }
  await db.transaction(async (tx) => {
    const { submissionId, version, fingerprint } = outcome.submission;
    await storeFingerprint(tx, { submissionId, version }, fingerprint, now);
    if (outcome.corpus) await storeCorpus(tx, outcome.corpus);
    await tx.run(
      sql`UPDATE "SimilarityReport" SET "status" = 'done', "permille" = ${outcome.permille}, "matches" = ${JSON.stringify(outcome.matches)},
            "reason" = NULL, "finishedAt" = ${now}
          WHERE "id" = ${reportId} AND "status" = 'queued'`,
    );
  });
}

export async function failReport(reportId: number, reason: string, now = new Date()): Promise<void> {
  await prisma.similarityReport.updateMany({ where: { id: reportId, status: "queued" }, data: { status: "failed", reason, finishedAt: now } });
}

// One runner for the process: server.ts (which starts it) and the Remix build (whose hand-in wakes it)
// are two module graphs (decision 003), so the instance lives on globalThis.
const KEY = Symbol.for("wsdx.similarityRunner");
const g = globalThis as typeof globalThis & { [KEY]?: SimilarityRunner };

export function similarityRunner(): SimilarityRunner {
  return (g[KEY] ??= new SimilarityRunner());
}

export function startSimilarityRunner(): () => Promise<void> {
  return similarityRunner().start();
}
