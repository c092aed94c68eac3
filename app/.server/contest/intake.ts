import { setImmediate } from "node:timers";
import { gradeQuestion } from "~/lib/quiz-grading";
import { sqlDb } from "../db";
import { MalformedAnswer, keyOf, toBankResponse } from "../quiz/paper";
import { bankOrderFor, questionsOfItems } from "../quiz/question-cache";
import { AppError } from "~/lib/app-error";
import { forShare, sql, typed, withRetry } from "../sql";

// Contest answers under load (10,000 people in the same hour): each answer is checked and graded in
// memory against the entry's paper (read once per entry and kept), then handed to one batched writer
// that commits everything pending in one transaction: at the end of the event loop's turn the answers
// came in when the answer lane asks (decision 097), otherwise after a short tick. A request is
// acknowledged only after the transaction holding its answer has committed, so an acknowledged answer
// survives a killed process (WAL: a commit is in the file before the call returns). ContestAnswer's key
// (entry, position) makes a retried answer harmless: the first answer stands.
//
// The lateness that counts is the server's clock when the request arrived, not when its batch is
// written. The writer re-checks in SQL that the entry is still in progress, so an answer racing the
// hand-in or the sweeper is refused rather than added to a finished score. That check reads the entry
// `forShare()`: on PostgreSQL, where the hand-in may run on another node, the hand-in's row lock
// (entries.ts, `finish`) then waits for this batch to commit and counts its answers, or this batch
// waits for the hand-in and finds the entry closed; never an answer stored after its score was summed
// (decision 074). SQLite's one writer gives the same order.
//
// One instance per process (globalThis, like the database connections): the HTTP endpoint in server.ts
// and the Remix build load this module separately, and both must see the same queue and papers.

const TICK_MS = 4;
const MAX_BATCH = 1000;
const MAX_PAPERS = 50_000;

type PaperItem = { type: string; order: string[]; answer: string; points: number };
type Paper = { personId: number; deadlineMs: number; items: Map<number, PaperItem> };

export type AnswerOutcome = { status: "saved" | "duplicate" };

type Pending = {
  entryId: number;
  position: number;
  response: string;
  correct: boolean;
  points: number;
  receivedAt: Date;
  resolve: (o: AnswerOutcome) => void;
  reject: (e: unknown) => void;
};

export class ContestIntake {
  private papers = new Map<number, Paper>();
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The flush after this turn of the event loop (`flushAfterThisTurn`), while one is coming. */
  private immediate: NodeJS.Immediate | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Answers committed and transactions run since start, for the benchmark's and the operator's eyes. */
  readonly stats = { committed: 0, batches: 0 };

  /** Answers waiting for the next commit (/metrics). */
  get queued(): number {
    return this.pending.length;
  }

  /**
   * Takes one answer of the person's own entry in progress: refused (AppError) when the entry is
   * not theirs or not in progress, the deadline has passed by the server's clock, the position is
   * not in their paper, or the input is not an answer; otherwise resolved once committed.
   */
  async answer(personId: number, entryId: number, position: number, values: string[], now = new Date()): Promise<AnswerOutcome> {
    const paper = this.papers.get(entryId) ?? (await this.paper(entryId));
    if (!paper || paper.personId !== personId) throw new AppError("not_found", "没有找到这次参赛记录");
    if (now.getTime() > paper.deadlineMs) throw new AppError("deadline", "已超过作答时间，这道题的答案未被接收");
    const item = Number.isSafeInteger(position) ? paper.items.get(position) : undefined;
    if (!item) throw new AppError("bad_position", "这道题不在您的试卷中");
    let response: unknown;
    try {
      response = toBankResponse(item.type, item.order, values);
    } catch (e) {
      if (e instanceof MalformedAnswer) throw new AppError("malformed", e.message);
      throw e;
    }
    if (response === null) throw new AppError("malformed", "请先选择或填写答案");
    const grade = gradeQuestion(keyOf(item.type, item.answer), response, item.points);
    return new Promise<AnswerOutcome>((resolve, reject) => {
      this.pending.push({
        entryId,
        position,
        response: JSON.stringify(response),
        correct: grade.correct,
        points: grade.mark,
        receivedAt: now,
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  /**
   * Commits what is pending once the event loop has handled the requests of this turn (its check phase,
   * `setImmediate`): the answer lane calls it as a request arrives, just after asking for the session's
   * check (whose epoch read is then queued first and runs first), so the answers of one turn are written
   * together in that turn instead of a tick later (decision 097). An answer pushed after that flush has
   * run (its body or session took longer) waits for the tick.
   */
  flushAfterThisTurn() {
    this.immediate ??= setImmediate(() => {
      this.immediate = null;
      if (this.pending.length > 0) void this.drain();
    });
  }

  /** Commits everything pending now (before an entry is scored). */
  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.flush();
  }

  /** Drops an entry's paper once it is finished: later answers find no entry in progress. */
  forget(entryId: number) {
    this.papers.delete(entryId);
  }

  private schedule() {
    if (this.pending.length >= MAX_BATCH) {
      void this.drain();
      return;
    }
    if (this.immediate) return; // this turn's flush takes it
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, TICK_MS);
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
    let outcomes: ("saved" | "duplicate" | "closed")[] = [];
    const db = sqlDb();
    try {
      // A deadlock between two nodes' batches (PostgreSQL) runs the victim again, whole; on SQLite: once.
      await withRetry(db, () =>
        db.transaction(async (tx) => {
          outcomes = [];
          for (const a of batch) {
            const inserted = await tx.run(
              sql`INSERT INTO "ContestAnswer" ("entryId", "position", "response", "correct", "points", "receivedAt")
             SELECT ${typed(a.entryId, "integer")}, ${typed(a.position, "integer")}, ${typed(a.response, "text")}, ${typed(a.correct, "boolean")},
               ${typed(a.points, "integer")}, ${typed(a.receivedAt, "timestamptz")}
             WHERE EXISTS (SELECT 1 FROM "ContestEntry" WHERE "id" = ${a.entryId} AND "state" = 'in_progress' AND "deadlineAt" >= ${a.receivedAt}${forShare()})
             ON CONFLICT ("entryId", "position") DO NOTHING`,
            );
            if (inserted === 1) outcomes.push("saved");
            else
              outcomes.push(
                (await tx.get(sql`SELECT 1 FROM "ContestAnswer" WHERE "entryId" = ${a.entryId} AND "position" = ${a.position}`)) ? "duplicate" : "closed",
              );
          }
        }),
      );
    } catch (e) {
      // Nothing of the batch was written: each request fails and the phone sends it again.
      for (const a of batch) a.reject(e);
      return;
    }
    this.stats.batches++;
    batch.forEach((a, i) => {
      const outcome = outcomes[i];
      if (outcome === "closed") {
        this.forget(a.entryId);
        a.reject(new AppError("closed", "本次参赛已经结束，这道题的答案未被接收"));
        return;
      }
      if (outcome === "saved") this.stats.committed++;
      a.resolve({ status: outcome });
    });
  }

  /** The entry's paper with its keys, from memory or read once; null when not in progress. */
  private async paper(entryId: number): Promise<Paper | null> {
    if (!Number.isSafeInteger(entryId)) return null;
    const cached = this.papers.get(entryId);
    if (cached) return cached;
    const db = sqlDb();
    const entry = await db.get<{ personId: number; deadlineAt: string }>(
      sql`SELECT "personId", "deadlineAt" FROM "ContestEntry" WHERE "id" = ${entryId} AND "state" = 'in_progress'`,
    );
    if (!entry) return null;
    // The keys from question-cache.ts, at the versions read beside the items (the paper's texts are there already).
    const rows = await db.all<{ position: number; optionOrder: string | null; points: number; questionId: number; updatedAt: string | Date }>(
      sql`SELECT i."position", i."optionOrder", i."points", i."questionId", q."updatedAt"
        FROM "ContestItem" i JOIN "Question" q ON q."id" = i."questionId" WHERE i."entryId" = ${entryId}`,
    );
    const questions = await questionsOfItems(db, rows);
    const items = new Map(
      rows.map((r) => {
        const q = questions.get(r.questionId)!;
        return [r.position, { type: q.type, order: bankOrderFor(q, r.optionOrder), answer: q.answer, points: r.points }];
      }),
    );
    if (this.papers.size >= MAX_PAPERS) this.papers.delete(this.papers.keys().next().value!);
    const paper = { personId: entry.personId, deadlineMs: new Date(entry.deadlineAt).getTime(), items };
    this.papers.set(entryId, paper);
    return paper;
  }
}

const g = globalThis as typeof globalThis & { __contestIntake?: ContestIntake };

export function contestIntake(): ContestIntake {
  return (g.__contestIntake ??= new ContestIntake());
}
