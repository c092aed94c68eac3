import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { prisma, prismaIdle, rawDb } from "../db";
import { env } from "../env";
import { run, sql } from "../sql";
import { type CheckOutcome } from "./check-job";
import type { CheckReply, CheckRequest } from "./check-worker";
import { storeCorpus, storeFingerprint } from "./fingerprints";

// The similarity checks run off the request path: a queued report (a row: the queue is the table, so a
// check queued by another process, or before a restart, is not lost) is claimed by the runner the
// server starts with its sweeper, and checked in a worker thread, one at a time, with a time limit
// and a memory limit, like the MDX compiler (decision 027): past either, the thread is terminated and
// the report marked failed with the reason; the next check gets a fresh thread. The event loop only
// claims, and stores the outcome in one transaction. A hand-in wakes the runner at once; a poll every
// two seconds (an indexed query that finds nothing) catches the rest. Decision 045.

export const SIMILARITY_MEMORY_MB = 256;
const POLL_MS = 2_000;
/** Starting a thread (tsx, the engine) takes about a second; one that never says it is ready is broken. */
const START_LIMIT_MS = 60_000;
const ENTRY = "check-worker-entry.mjs";

export const timeoutReason = (ms: number) => `查重超时：超过 ${ms >= 1000 ? `${Math.round(ms / 1000)} 秒` : `${ms} 毫秒`}仍未完成，已停止。可稍后重新查重。`;
export const MEMORY_REASON = "查重所需内存超出上限，已停止。";
export const ERROR_REASON = "查重出错，已停止，请联系管理员。";

class CheckStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The thread's entry: beside this module from the sources, found by walking up from the Remix build. */
function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    for (const file of [path.join(dir, ENTRY), path.join(dir, "app", ".server", "similarity", ENTRY)]) if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) throw new Error(`${ENTRY} not found above ${here}`);
  }
}

export class SimilarityRunner {
  private worker: Worker | null = null;
  private started = false;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly limits = { timeMs: env.similarityTimeLimitMs, memoryMb: SIMILARITY_MEMORY_MB }) {}

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
      const worker = this.worker;
      this.worker = null;
      await worker?.terminate();
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
      console.error("similarity check:", e);
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
      if (!(e instanceof CheckStopped)) console.error(`similarity check of report ${reportId}:`, e);
      await failReport(reportId, e instanceof CheckStopped ? e.reason : ERROR_REASON);
      return;
    }
    await finishReport(reportId, outcome);
  }

  private async exchange(reportId: number): Promise<CheckOutcome> {
    const worker = await this.ready();
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const stop = (reason: string) => {
        settle();
        if (this.worker === worker) this.worker = null;
        void worker.terminate();
        reject(new CheckStopped(reason));
      };
      const onMessage = (reply: CheckReply) => {
        settle();
        if (reply.ok) resolve(reply.outcome);
        else reject(new Error(reply.error));
      };
      const onError = (e: Error & { code?: string }) => (e.code === "ERR_WORKER_OUT_OF_MEMORY" ? stop(MEMORY_REASON) : stop(ERROR_REASON));
      const onExit = () => stop(ERROR_REASON);
      const timer = setTimeout(() => stop(timeoutReason(this.limits.timeMs)), this.limits.timeMs);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ reportId } satisfies CheckRequest);
    });
  }

  private async ready(): Promise<Worker> {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile(), { resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb } });
    worker.on("error", () => this.worker === worker && (this.worker = null));
    worker.on("exit", () => this.worker === worker && (this.worker = null));
    await new Promise<void>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", fail);
        worker.off("exit", fail);
      };
      const fail = (e: unknown) => {
        settle();
        void worker.terminate();
        reject(e instanceof Error ? e : new Error(`similarity check thread exited (${String(e)}) while starting`));
      };
      const onMessage = (m: unknown) => (m === "ready" ? (settle(), resolve()) : fail(new Error(`similarity check thread said ${String(m)}`)));
      const timer = setTimeout(() => fail(new Error("similarity check thread did not start")), START_LIMIT_MS);
      worker.on("message", onMessage);
      worker.on("error", fail);
      worker.on("exit", fail);
    });
    // An idle thread does not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
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

/** Stores a finished check: the fingerprints it made and the report, in one transaction. */
export async function finishReport(reportId: number, outcome: CheckOutcome, now = new Date()): Promise<void> {
  await prismaIdle();
  const db = rawDb();
  db.transaction(() => {
    const { submissionId, version, fingerprint } = outcome.submission;
    storeFingerprint(db, { submissionId, version }, fingerprint, now);
    if (outcome.corpus) storeCorpus(db, outcome.corpus);
    for (const o of outcome.others) storeFingerprint(db, { submissionId: o.submissionId, version: o.version }, o.fingerprint, now);
    for (const l of outcome.lessons) storeFingerprint(db, { lessonId: l.lessonId }, l.fingerprint, now);
    run(
      db,
      sql`UPDATE "SimilarityReport" SET "status" = 'done', "permille" = ${outcome.permille}, "matches" = ${JSON.stringify(outcome.matches)},
            "reason" = NULL, "finishedAt" = ${now}
          WHERE "id" = ${reportId} AND "status" = 'queued'`,
    );
  })();
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
