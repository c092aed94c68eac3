import { type DocumentKind } from "~/lib/library";
import { prisma, sqlDb } from "../db";
import { sql } from "../sql";
import { DeadlineWorker, WorkerStopped, workerEntry } from "../workers/deadline-worker";
import type { ExtractOutcome, ExtractReply, ExtractRequest } from "./extract-worker";
import { reindexOn } from "./library-index";
import { log } from "../ops/log";

// Text extraction for the search index, off the request path (decision 050), the way similarity
// checks run (decision 045): the queue is the table (documents whose textState is "pending"), claimed
// by a conditional update so two processes never take the same one, and each file is read in a worker
// thread with a time limit and a memory limit (the DeadlineWorker, decision 046); past either the
// thread is terminated, the document marked "failed" with the reason (its title stays searchable), and
// the next one gets a fresh thread. An upload wakes the runner; a poll every few seconds catches the rest.

export const EXTRACT_TIME_LIMIT_MS = 30_000;
export const EXTRACT_MEMORY_MB = 256;
const POLL_MS = 5_000;
const ENTRY = "extract-worker-entry.mjs";
const UNREADABLE = "无法读取文件内容";

export class ExtractRunner {
  private readonly thread: DeadlineWorker<ExtractRequest, ExtractReply>;
  private started = false;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly limits = { timeMs: EXTRACT_TIME_LIMIT_MS, memoryMb: EXTRACT_MEMORY_MB }) {
    this.thread = new DeadlineWorker(() => workerEntry(import.meta.url, "app/.server/library", ENTRY), limits, "text extraction");
  }

  start(): () => Promise<void> {
    this.started = true;
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
    return async () => {
      this.started = false;
      if (this.timer) clearInterval(this.timer);
      await this.thread.close();
    };
  }

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
        for (let doc = await claimNextDocument(this.limits.timeMs); doc && this.started; doc = await claimNextDocument(this.limits.timeMs)) {
          let outcome: ExtractOutcome;
          try {
            const reply = await this.thread.call(doc);
            if (!reply.ok) {
              await failExtraction(doc.id, UNREADABLE);
              continue;
            }
            outcome = reply.outcome;
          } catch (e) {
            if (!this.started) return;
            if (!(e instanceof WorkerStopped)) log.error("text extraction failed", e, { documentId: doc.id });
            await failExtraction(doc.id, e instanceof WorkerStopped ? this.reasonFor(e) : UNREADABLE);
            continue;
          }
          // A store that fails (the database busy) is not the file's fault: the claim stays and is taken again after its lease.
          await finishExtraction(doc.id, outcome).catch((e: unknown) => log.error("text extraction failed (store)", e, { documentId: doc.id }));
        }
      }
    } catch (e) {
      log.error("text extraction failed", e);
    } finally {
      this.pumping = false;
    }
  }

  private reasonFor(stopped: WorkerStopped): string {
    if (stopped.kind === "timeout") return `读取文件内容超过 ${Math.round(this.limits.timeMs / 1000)} 秒，已停止`;
    return stopped.kind === "memory" ? "读取文件内容所需内存超出上限" : "读取文件内容出错";
  }
}

type Claimed = ExtractRequest & { id: number };

/** Takes the oldest pending document no live runner holds; safe between processes (a conditional update). */
export async function claimNextDocument(limitMs: number, now = new Date()): Promise<Claimed | null> {
  const stale = new Date(now.getTime() - limitMs - 60_000);
  for (let tries = 0; tries < 5; tries++) {
    const next = await prisma.libraryDocument.findFirst({
      // A file under review is not read until approved: its text must not reach the index before it does.
      where: { textState: "pending", deletedAt: null, unpublished: false, OR: [{ textClaimedAt: null }, { textClaimedAt: { lt: stale } }] },
      orderBy: { id: "asc" },
      select: { id: true, textClaimedAt: true, storedPath: true, kind: true, title: true },
    });
    if (!next) return null;
    const { count } = await prisma.libraryDocument.updateMany({
      where: { id: next.id, textState: "pending", textClaimedAt: next.textClaimedAt },
      data: { textClaimedAt: now },
    });
    if (count === 1) return { id: next.id, storedPath: next.storedPath, kind: next.kind as DocumentKind, title: next.title };
  }
  return null;
}

/** Stores the terms and marks the document done, in one transaction; a document deleted meanwhile stays out of the index. */
export async function finishExtraction(documentId: number, outcome: ExtractOutcome, now = new Date()) {
  await sqlDb().transaction(async (tx) => {
    const changed = await tx.run(
      sql`UPDATE "LibraryDocument" SET "textState" = 'done', "textError" = NULL WHERE "id" = ${documentId} AND "textState" = 'pending' AND "deletedAt" IS NULL
        AND "unpublished" = ${false}`,
    );
    if (changed !== 1) return;
    await reindexOn(tx, documentId, new Map(outcome.weights), outcome.excerpt, now);
  });
}

export async function failExtraction(documentId: number, reason: string) {
  await prisma.libraryDocument.updateMany({ where: { id: documentId, textState: "pending" }, data: { textState: "failed", textError: reason } });
}

// One runner for the process, on globalThis: server.ts starts it, the Remix build's upload wakes it.
const KEY = Symbol.for("wsdx.extractRunner");
const g = globalThis as typeof globalThis & { [KEY]?: ExtractRunner };

export function extractRunner(): ExtractRunner {
  return (g[KEY] ??= new ExtractRunner());
}

export function startExtractRunner(): () => Promise<void> {
  return extractRunner().start();
}
