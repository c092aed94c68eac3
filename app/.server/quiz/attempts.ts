import { AppError } from "~/lib/app-error";
import crypto from "node:crypto";
import { z } from "zod";
import { formatChinaDateTime } from "~/lib/dates";
import { gradeAttempt } from "~/lib/quiz-grading";
import { checkPlausibility } from "~/lib/quiz-plausibility";
import { GRADE_METHODS, QUIZ_LAYOUTS, REVIEW_POLICIES, answersReviewable } from "~/lib/quiz-settings";
import { QUESTION_TYPES } from "~/lib/bank-format";
import { optionOrder, shuffled, toPresented } from "~/lib/quiz-shuffle";
import { classQuizIdsFor } from "../audience/class-papers";
import { PAPER_HEAD, SOONEST_CLOSING_FIRST, paperOpenTo, papersOpenTo } from "../audience/open-papers";
import { auditOn } from "../audit";
import { prisma, sqlDb } from "../db";
import { closeEach } from "../expired-sweeps";
import { type CreditResult, creditHours } from "../hours/ledger";
import { OWN_CREDIT_SETTINGS, withholdsOwnCredit } from "../hours/self-credit";
import { type Sql, type SqlRunner, type SqlTx, forShare, inList, join, sql } from "../sql";
import { MalformedAnswer, drawPaper, keyOf, paperDeadline, parseJson, presentedOptions, presentedResponse, toBankResponse } from "./paper";
import { bankOrderFor, questionsAt, questionsOfItems, versionOf } from "./question-cache";

// Attempts at a quiz: the state machine in_progress → submitted | expired, with the paper (questions,
// their order, each question's option order) fixed at the start and stored on the attempt, answers
// saved one by one as they are given, and grading on the server. The deadline is the server's: an
// attempt past it is closed and graded with what was saved, by whichever comes first of a read of it
// and the sweeper. The key, the correct options and the explanations leave this module only through
// getReview, and only when the quiz's review policy allows.

const NOT_FOUND = () => new AppError("not_found", "没有找到这次作答");

// The stored words, checked where they are read: a word outside the vocabulary is a bug that fails
// loudly, never a label or a rule picked by accident.
const ReviewPolicySchema = z.enum(REVIEW_POLICIES);
const GradeMethodSchema = z.enum(GRADE_METHODS);
type GradeMethod = z.infer<typeof GradeMethodSchema>;
const QuestionTypeSchema = z.enum(QUESTION_TYPES);
const QuizLayoutSchema = z.enum(QUIZ_LAYOUTS);
const FinishedStateSchema = z.enum(["submitted", "expired"]);
type FinishedState = z.infer<typeof FinishedStateSchema>;

// ---------- list and intro ----------

// Who sees a quiz and its window are the reads contests share (../audience/open-papers.ts); a quiz is
// also open to the members of a class whose exam or 补考 it is (../audience/class-papers.ts).

/** The published quizzes whose audience covers the person, with the person's attempts and grade. */
export async function quizzesForPerson(personId: number, now = new Date()) {
  const quizzes = await papersOpenTo(personId, now, {
    closeExpired: closeOwnExpiredAttempts,
    linked: classQuizIdsFor,
    read: (where) =>
      prisma.quiz.findMany({
        where,
        select: {
          ...PAPER_HEAD,
          maxAttempts: true,
          passPercent: true,
          attempts: { where: { personId }, select: { id: true, state: true }, orderBy: { number: "asc" } },
          grades: { where: { personId }, select: { percent: true, passed: true } },
        },
        orderBy: SOONEST_CLOSING_FIRST,
      }),
  });
  return quizzes.map((q) => {
    const grade = q.grades[0] ?? null;
    return {
      id: q.id,
      title: q.title,
      opensAt: q.opensAt,
      closesAt: q.closesAt,
      timeLimitSec: q.timeLimitSec,
      maxAttempts: q.maxAttempts,
      passPercent: q.passPercent,
      window: q.window,
      attemptsUsed: q.attempts.length,
      inProgressAttemptId: inProgressId(q.attempts),
      grade: grade ? { percent: grade.percent, passed: grade.passed } : null,
    };
  });
}

/** One quiz as its intro page shows it, or a 404 when the person is not in its audience. */
export async function quizForPerson(personId: number, quizId: number, now = new Date()) {
  const quiz = await paperOpenTo(personId, quizId, now, {
    closeExpired: closeOwnExpiredAttempts,
    linked: classQuizIdsFor,
    missing: () => new AppError("not_found", "没有找到这个测验，或它不面向您"),
    read: (where) =>
      prisma.quiz.findFirst({
        where,
        select: {
          ...PAPER_HEAD,
          description: true,
          maxAttempts: true,
          gradeMethod: true,
          passPercent: true,
          reviewPolicy: true,
          creditHours: true,
          attempts: {
            where: { personId },
            select: { id: true, number: true, state: true, startedAt: true, finishedAt: true, percent: true, passed: true },
            orderBy: { number: "asc" },
          },
          grades: { where: { personId }, select: { percent: true, passed: true } },
        },
      }),
  });
  const { grades, ...rest } = quiz;
  return {
    ...rest,
    gradeMethod: GradeMethodSchema.parse(rest.gradeMethod),
    reviewPolicy: ReviewPolicySchema.parse(rest.reviewPolicy),
    grade: grades[0] ?? null,
    inProgressAttemptId: inProgressId(quiz.attempts),
  };
}

/** The person's attempt in progress among theirs, if any (at most one is). */
function inProgressId(attempts: { id: number; state: string }[]): number | null {
  return attempts.find((a) => a.state === "in_progress")?.id ?? null;
}

// ---------- starting ----------

/**
 * Starts an attempt, or returns the one in progress (resuming it). The paper is drawn here, once:
 * fixed slots in slot order, then each draw from the slot's bank (non-archived questions matching
 * its tag and difficulty, excluding those already on the paper). A draw that finds fewer questions
 * than asked gives what there is rather than refusing the learner for a builder's mistake.
 */
export async function startAttempt(personId: number, quizId: number, now = new Date()): Promise<{ attemptId: number; resumed: boolean }> {
  const quiz = await paperOpenTo(personId, quizId, now, {
    closeExpired: closeOwnExpiredAttempts,
    linked: classQuizIdsFor,
    missing: () => new AppError("not_eligible", "这个测验不面向您，不能作答"),
    read: (where) =>
      prisma.quiz.findFirst({
        where,
        select: {
          id: true,
          opensAt: true,
          closesAt: true,
          timeLimitSec: true,
          maxAttempts: true,
          shuffleQuestions: true,
          shuffleOptions: true,
          slots: {
            select: { position: true, questionId: true, bankId: true, tag: true, difficulty: true, count: true, markEach: true },
            orderBy: { position: "asc" },
          },
        },
      }),
  });
  const { window } = quiz;
  if (window === "upcoming") throw new AppError("not_open", "测验尚未开始，请在开放时间内作答");
  if (window === "closed") throw new AppError("closed", "测验已经结束，不能再作答");

  const prior = await ownAttemptsAt(quizId, personId);
  const inProgress = prior.find((a) => a.state === "in_progress");
  if (inProgress) return { attemptId: inProgress.id, resumed: true };
  if (prior.length >= quiz.maxAttempts) throw exhausted(quiz.maxAttempts);

  const seed = crypto.randomBytes(16).toString("hex");
  const items = await drawPaper(quiz.slots, seed);
  if (items.length === 0) throw new AppError("conflict", "这个测验还没有题目，请联系教员");

  const ordered = quiz.shuffleQuestions ? shuffled(items, `${seed}/order`) : items;
  const deadlineAt = paperDeadline(now, quiz.timeLimitSec, quiz.closesAt);
  const maxMark = ordered.reduce((s, i) => s + i.maxMark, 0);

  // The attempt and its paper in one write transaction, two statements. The person's attempts are
  // read again inside it, holding the write lock: two taps on "开始" (or two processes) see each
  // other's attempt; on a server of several writers (PostgreSQL) the unique (quiz, person, number)
  // decides: the second insert waits for the first to commit and then inserts nothing.
  const started = await sqlDb().transaction(async (tx): Promise<{ attemptId: number; resumed: boolean } | null> => {
    const existing = await tx.all<{ id: number; state: string }>(ownAttemptsSql(quizId, personId));
    const open = existing.find((a) => a.state === "in_progress");
    if (open) return { attemptId: open.id, resumed: true };
    if (existing.length >= quiz.maxAttempts) throw exhausted(quiz.maxAttempts);
    const inserted = await tx.get<{ id: number }>(
      sql`INSERT INTO "QuizAttempt" ("quizId", "personId", "number", "state", "seed", "startedAt", "deadlineAt", "maxMark", "flagged")
          VALUES (${quizId}, ${personId}, ${existing.length + 1}, 'in_progress', ${seed}, ${now}, ${deadlineAt}, ${maxMark}, ${false})
          ON CONFLICT ("quizId", "personId", "number") DO NOTHING RETURNING "id"`,
    );
    if (!inserted) return null;
    const rows = ordered.map((item, i) => {
      const order = quiz.shuffleOptions && item.optionLetters ? JSON.stringify(optionOrder(item.optionLetters, `${seed}/${item.questionId}`)) : null;
      return sql`(${inserted.id}, ${i + 1}, ${item.questionId}, ${item.maxMark}, ${order}, ${0}, ${false})`;
    });
    await tx.run(
      sql`INSERT INTO "AttemptItem" ("attemptId", "position", "questionId", "maxMark", "optionOrder", "answerCount", "marked") VALUES ${join(rows)}`,
    );
    return { attemptId: inserted.id, resumed: false };
  });
  if (started) return started;
  // Another process's tap won the number: resume its attempt.
  const again = (await ownAttemptsAt(quizId, personId)).find((a) => a.state === "in_progress");
  if (again) return { attemptId: again.id, resumed: true };
  throw new AppError("conflict", "开始作答未成功，请重试");
}

const exhausted = (max: number) => new AppError("exhausted", `您已用完全部 ${max} 次作答机会`);
const ownAttemptsSql = (quizId: number, personId: number) =>
  sql`SELECT "id", "state" FROM "QuizAttempt" WHERE "quizId" = ${quizId} AND "personId" = ${personId}`;

function ownAttemptsAt(quizId: number, personId: number) {
  return sqlDb().all<{ id: number; state: string }>(ownAttemptsSql(quizId, personId));
}

// ---------- taking ----------

// The reads of an attempt's page are two raw statements (sqlDb()): the attempt with its quiz's
// settings, then its items with their questions' versions; the questions' texts come from the cache
// (./question-cache.ts), read from the database only when new or edited.

type HeadRow = {
  id: number;
  personId: number;
  quizId: number;
  number: number;
  state: string;
  startedAt: string | Date;
  deadlineAt: string | Date | null;
  finishedAt: string | Date | null;
  mark: number | null;
  maxMark: number;
  percent: number | null;
  passed: number | boolean | null;
  title: string;
  layout: string;
  reviewPolicy: string;
  closesAt: string | Date | null;
  passPercent: number;
};

const dateOf = (v: string | Date) => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: string | Date | null) => (v === null ? null : dateOf(v));

/** The person's own attempt with its quiz's settings, or undefined (someone else's, or none). */
async function attemptHead(personId: number, attemptId: number): Promise<HeadRow | undefined> {
  if (!Number.isSafeInteger(attemptId)) return undefined;
  return sqlDb().get<HeadRow>(
    sql`SELECT a."id", a."personId", a."quizId", a."number", a."state", a."startedAt", a."deadlineAt", a."finishedAt", a."mark", a."maxMark",
        a."percent", a."passed", q."title", q."layout", q."reviewPolicy", q."closesAt", q."passPercent"
      FROM "QuizAttempt" a JOIN "Quiz" q ON q."id" = a."quizId" WHERE a."id" = ${attemptId} AND a."personId" = ${personId}`,
  );
}

type PaperRow = { id: number; position: number; questionId: number; maxMark: number; optionOrder: string | null; updatedAt: string | Date };

/** An item as saving needs it: where it is, and what its question's letters mean on this paper. */
type PaperEntry = { itemId: number; questionId: number; version: string; optionOrder: string | null };

// What an answer needs to know of an attempt's paper never changes once drawn (which item sits at a
// position, its question, the option order shown), so it is kept per attempt for the autosave; the
// question's own version is checked by the save's write. Bounded: the oldest attempt goes first.
const MAX_PAPERS = 20_000;
const papers = new Map<number, { personId: number; items: Map<number, PaperEntry> }>();

function rememberPaper(attemptId: number, personId: number, rows: readonly PaperRow[]) {
  papers.delete(attemptId);
  papers.set(attemptId, {
    personId,
    items: new Map(rows.map((r) => [r.position, { itemId: r.id, questionId: r.questionId, version: versionOf(r.updatedAt), optionOrder: r.optionOrder }])),
  });
  while (papers.size > MAX_PAPERS) papers.delete(papers.keys().next().value!);
}

/**
 * The attempt's page: while in progress, the paper as the learner takes it (stems, options in presented
 * order, saved answers in presented letters; nothing that says which option is right: no answer, no
 * explanation, no bank letters); once finished, the review as `getReview` gives it.
 */
export async function getAttemptPage(personId: number, attemptId: number, now = new Date()) {
  await closeOwnExpiredAttempts(now, personId);
  const head = await attemptHead(personId, attemptId);
  if (!head) throw NOT_FOUND();
  const quiz = { id: head.quizId, title: head.title, layout: QuizLayoutSchema.parse(head.layout) };
  if (head.state !== "in_progress") return { mode: "review" as const, quiz, review: await reviewOf(head, now) };

  const db = sqlDb();
  const rows = await db.all<PaperRow & { response: string | null; marked: number | boolean }>(
    sql`SELECT i."id", i."position", i."questionId", i."maxMark", i."optionOrder", i."response", i."marked", q."updatedAt"
      FROM "AttemptItem" i JOIN "Question" q ON q."id" = i."questionId" WHERE i."attemptId" = ${attemptId} ORDER BY i."position"`,
  );
  rememberPaper(attemptId, personId, rows);
  const questions = await questionsOfItems(db, rows);
  return {
    mode: "taking" as const,
    quiz,
    id: head.id,
    number: head.number,
    deadlineAt: dateOrNull(head.deadlineAt),
    items: rows.map((item) => {
      const q = questions.get(item.questionId)!;
      return {
        position: item.position,
        type: QuestionTypeSchema.parse(q.type),
        stem: q.stem,
        maxMark: item.maxMark,
        options: presentedOptions(q, parseJson<string[]>(item.optionOrder)),
        response: presentedResponse(q.type, bankOrderFor(q, item.optionOrder), parseJson<unknown>(item.response)),
        marked: Boolean(item.marked),
      };
    }),
  };
}

/**
 * Refuses, as not found, an attempt that is not the person's own at the quiz the address names: the
 * actions of /quizzes/:quizId/attempts/:attemptId act by the attempt id, and one's own attempt at
 * another quiz must not be reached (or changed) through this quiz's address.
 */
export async function requireAttemptOfQuiz(personId: number, attemptId: number, quizId: number): Promise<void> {
  // On the autosave's path: one indexed raw read, not a Prisma round trip.
  const attempt = await sqlDb().get<{ id: number }>(
    sql`SELECT "id" FROM "QuizAttempt" WHERE "id" = ${attemptId} AND "personId" = ${personId} AND "quizId" = ${quizId}`,
  );
  if (!attempt) throw NOT_FOUND();
}

/**
 * Sets the learner's 标记 on questions of their own attempt in progress (the answer sheet's "come back
 * to this one"). It never touches an answer or its time, so it says nothing to the plausibility check.
 * The write re-checks the state and the deadline like an answer's.
 */
export async function setMarks(personId: number, attemptId: number, marks: { position: number; marked: boolean }[], now = new Date()): Promise<void> {
  const attempt = await prisma.quizAttempt.findFirst({ where: { id: attemptId, personId }, select: { id: true, state: true, deadlineAt: true } });
  if (!attempt) throw NOT_FOUND();
  if (attempt.state !== "in_progress") throw new AppError("closed", "本次作答已经结束，标记未保存");
  if (attempt.deadlineAt && attempt.deadlineAt <= now) {
    await finishAttempt(attempt.id, "expired", now);
    throw new AppError("deadline", "已超过作答时间，标记未保存");
  }
  const positions = marks.map((m) => m.position);
  // A position the form made up (NaN, 1e30) is refused as one not on the paper, never handed to the database.
  if (!positions.every((p) => Number.isSafeInteger(p) && p > 0)) throw new AppError("bad_position", "这道题不在本次作答中，标记未保存");
  const known = await prisma.attemptItem.count({ where: { attemptId, position: { in: positions } } });
  if (known !== new Set(positions).size) throw new AppError("bad_position", "这道题不在本次作答中，标记未保存");
  const open = { attempt: { state: "in_progress", OR: [{ deadlineAt: null }, { deadlineAt: { gt: now } }] } };
  await prisma.$transaction(async (tx) => {
    for (const marked of [true, false]) {
      const at = marks.filter((m) => m.marked === marked).map((m) => m.position);
      if (at.length === 0) continue;
      await tx.attemptItem.updateMany({ where: { attemptId, position: { in: at }, ...open }, data: { marked } });
    }
  });
}

export type SaveResult = { status: "saved" | "unchanged" };

/**
 * An attempt's write may land only while it is the person's, in progress and before its deadline. The
 * attempt's row is read FOR SHARE (PostgreSQL; SQLite has one writer): a finish, which claims the row
 * with an UPDATE, then waits for an answer being written and reads it among the scored ones, or, if
 * it claimed first, the answer's check waits for its commit, is evaluated again on the closed row and
 * refuses it. An acknowledged answer is scored or was refused; never stored unscored (decision 074).
 */
const openAttempt = (attemptId: number, personId: number, now: Date) =>
  sql`EXISTS (SELECT 1 FROM "QuizAttempt" a WHERE a."id" = ${attemptId} AND a."personId" = ${personId} AND a."state" = 'in_progress'
    AND (a."deadlineAt" IS NULL OR a."deadlineAt" > ${now})${forShare()})`;

/** Stores one answer (bank letters, JSON) unless it is the one stored; the number of rows changed (0 or 1). */
function writeAnswer(
  db: SqlRunner,
  item: { itemId: number; attemptId: number; personId: number },
  json: string | null,
  now: Date,
  guard?: Sql,
): Promise<number> {
  // Re-sending the same answer (the submit button re-posts every field) must not move its time:
  // answer times are the evidence of the plausibility check.
  return db.run(
    sql`UPDATE "AttemptItem" SET "response" = ${json}, "answeredAt" = ${now}, "answerCount" = "answerCount" + 1
      WHERE "id" = ${item.itemId} AND "attemptId" = ${item.attemptId} AND "response" IS DISTINCT FROM ${json}
      AND ${openAttempt(item.attemptId, item.personId, now)}${guard ? sql` AND ${guard}` : sql``}`,
  );
}

function toJson(type: string, order: string[], values: string[]): string | null {
  let response: unknown;
  try {
    response = toBankResponse(type, order, values);
  } catch (e) {
    if (e instanceof MalformedAnswer) throw new AppError("malformed", e.message);
    throw e;
  }
  return response === null ? null : JSON.stringify(response);
}

/**
 * Saves the answer to one question of the learner's own attempt in progress. As an answer arrives it
 * is one statement: the paper is known (kept from the page's read), and the write itself checks the
 * attempt (the person's, in progress, before its deadline), that the answer differs from the stored
 * one and that the question is the version it was translated with. When that write changes nothing,
 * the reads below say why, in the order the refusals have always been given, and the answer is stored
 * by them when it still may be. Acknowledged means stored: "saved" is returned only after a write
 * that changed the row.
 */
export async function saveAnswer(personId: number, attemptId: number, position: number, values: string[], now = new Date()): Promise<SaveResult> {
  const db = sqlDb();
  const known = papers.get(attemptId);
  const entry = known?.personId === personId ? known.items.get(position) : undefined;
  if (entry) {
    const q = (await questionsAt(db, [{ questionId: entry.questionId, version: entry.version }])).get(entry.questionId);
    if (q && q.version === entry.version) {
      let json: string | null | undefined;
      try {
        json = toJson(q.type, bankOrderFor(q, entry.optionOrder), values);
      } catch {
        json = undefined; // refused below, after the attempt's own refusals as before
      }
      if (json !== undefined) {
        const stillThat = sql`EXISTS (SELECT 1 FROM "Question" q WHERE q."id" = ${entry.questionId} AND q."updatedAt" = ${q.version})`;
        if ((await writeAnswer(db, { itemId: entry.itemId, attemptId, personId }, json, now, stillThat)) === 1) return { status: "saved" };
      }
    }
  }
  return saveAnswers(personId, attemptId, [{ position, values }], now);
}

/**
 * Saves answers to questions of the learner's own attempt in progress, in the order given (a form
 * post: the no-script 保存, or the hand-in's re-post of every field). One read of the attempt and one
 * of its items; a write only for an answer that differs from the stored one, which with the script
 * (every answer already saved as it was given) is none. Refusals as for one answer, at the first
 * answer refused; the ones before it are stored.
 */
export async function saveAnswers(
  personId: number,
  attemptId: number,
  answers: { position: number; values: string[] }[],
  now = new Date(),
): Promise<SaveResult> {
  if (answers.length === 0) return { status: "unchanged" };
  const head = await attemptHead(personId, attemptId);
  if (!head) throw NOT_FOUND();
  if (head.state !== "in_progress") throw new AppError("closed", "本次作答已经结束，答案未保存");
  if (head.deadlineAt && dateOf(head.deadlineAt) <= now) {
    await finishAttempt(attemptId, "expired", now);
    throw new AppError("deadline", "已超过作答时间，答案未保存");
  }
  const db = sqlDb();
  const rows = await db.all<PaperRow & { response: string | null }>(
    sql`SELECT i."id", i."position", i."questionId", i."maxMark", i."optionOrder", i."response", q."updatedAt"
      FROM "AttemptItem" i JOIN "Question" q ON q."id" = i."questionId" WHERE i."attemptId" = ${attemptId} ORDER BY i."position"`,
  );
  rememberPaper(attemptId, personId, rows);
  const byPosition = new Map(rows.map((r) => [r.position, r]));
  const questions = await questionsOfItems(db, rows);
  let saved = false;
  for (const { position, values } of answers) {
    const item = Number.isSafeInteger(position) ? byPosition.get(position) : undefined;
    if (!item) throw new AppError("bad_position", "这道题不在本次作答中，答案未保存");
    const q = questions.get(item.questionId)!;
    const json = toJson(q.type, bankOrderFor(q, item.optionOrder), values);
    if (json === item.response) continue;
    if ((await writeAnswer(db, { itemId: item.id, attemptId, personId }, json, now)) === 0) throw new AppError("closed", "本次作答已经结束，答案未保存");
    saved = true;
  }
  return { status: saved ? "saved" : "unchanged" };
}

/** Submits the learner's attempt; a second submit is refused and changes nothing. */
export async function submitAttempt(personId: number, attemptId: number, now = new Date()) {
  const attempt = await attemptHead(personId, attemptId);
  if (!attempt) throw NOT_FOUND();
  if (attempt.state === "expired") throw new AppError("closed", "作答时间已到，系统已按截止前保存的答案收卷，无需再交卷");
  if (attempt.state !== "in_progress") throw new AppError("closed", "本次作答已经提交，不能重复提交");
  if (attempt.deadlineAt && dateOf(attempt.deadlineAt) <= now) {
    await finishAttempt(attempt.id, "expired", now);
    throw new AppError("deadline", "已超过作答时间，系统已按截止前保存的答案评分");
  }
  const finished = await finishAttempt(attempt.id, "submitted", now);
  // Another request (a second tab, or the sweeper at the deadline) closed it first.
  if (!finished) throw new AppError("closed", "本次作答已经结束，不能重复提交");
}

// ---------- closing and grading ----------

/** Before a read of the person's own papers (decision 090). */
function closeOwnExpiredAttempts(now: Date, personId: number) {
  return closeExpiredAttempts(now, { personId });
}

/**
 * Grades attempts in progress whose deadline has passed, as "expired", with what was saved: one person's,
 * before a read of their own; some quizzes', before their figures are read (a report, a class's 结业
 * list); or, for the sweeper, everyone's; 500 at a time (as contest entries: `closeExpiredEntries`).
 */
export async function closeExpiredAttempts(now = new Date(), of?: { personId: number } | { quizIds: readonly number[] }): Promise<number> {
  if (of && "quizIds" in of && of.quizIds.length === 0) return 0;
  // One query on the (state, deadlineAt) index, or the (personId, state) one; almost always empty.
  const whose = !of ? sql`` : "personId" in of ? sql` AND "personId" = ${of.personId}` : sql` AND "quizId" ${inList(of.quizIds)}`;
  const due = await sqlDb().all<{ id: number }>(
    sql`SELECT "id" FROM "QuizAttempt" WHERE "state" = 'in_progress' AND "deadlineAt" <= ${now}${whose} ORDER BY "deadlineAt" LIMIT 500`,
  );
  return closeEach(due, (a) => finishAttempt(a.id, "expired", now), "quiz attempt");
}

type GradedItemRow = { id: number; maxMark: number; response: string | null; answeredAt: string | Date | null; questionId: number; updatedAt: string | Date };

/**
 * Closes and grades an attempt once, in one write transaction: the state change first (of two
 * concurrent finishes, a submit and the sweeper, exactly one changes the row and grades; the other
 * returns false; on PostgreSQL the claim's row lock also orders it with the answers being written, see
 * `openAttempt`), then one read of the stored answers with their questions' versions, the
 * grading (the pure `gradeAttempt`, keys from the question cache), one statement for every item's mark,
 * one for the attempt's score and flag, and the person's grade by the quiz's method. Passing credits
 * the quiz's 学时 afterwards, through `creditQuizPass` as before.
 */
async function finishAttempt(attemptId: number, state: FinishedState, now: Date): Promise<boolean> {
  const graded = await sqlDb().transaction(async (tx) => {
    const attempt = await tx.get<{
      quizId: number;
      personId: number;
      startedAt: string | Date;
      deadlineAt: string | Date | null;
      passPercent: number;
      gradeMethod: string;
    }>(
      sql`SELECT a."quizId", a."personId", a."startedAt", a."deadlineAt", q."passPercent", q."gradeMethod"
          FROM "QuizAttempt" a JOIN "Quiz" q ON q."id" = a."quizId" WHERE a."id" = ${attemptId}`,
    );
    if (!attempt) return null;
    const deadline = dateOrNull(attempt.deadlineAt);
    // An expired attempt ended at its deadline, whenever the server noticed.
    const finishedAt = state === "expired" && deadline && deadline < now ? deadline : now;
    const claimed = await tx.run(
      sql`UPDATE "QuizAttempt" SET "state" = ${state}, "finishedAt" = ${finishedAt} WHERE "id" = ${attemptId} AND "state" = 'in_progress'`,
    );
    if (claimed === 0) return null;

    const items = await tx.all<GradedItemRow>(
      sql`SELECT i."id", i."maxMark", i."response", i."answeredAt", i."questionId", q."updatedAt"
          FROM "AttemptItem" i JOIN "Question" q ON q."id" = i."questionId" WHERE i."attemptId" = ${attemptId} ORDER BY i."position"`,
    );
    const questions = await questionsOfItems(tx, items);
    const question = (i: GradedItemRow) => questions.get(i.questionId)!;
    const grade = gradeAttempt(
      items.map((i) => ({ key: keyOf(question(i).type, question(i).answer), response: parseJson<unknown>(i.response), maxMark: i.maxMark })),
    );
    // A quiz gives no partial credit: a question earns its whole mark or none (gradeQuestion without
    // `partial`), so two lists say every item's mark and whether it was right.
    const full = items.filter((_, k) => grade.results[k].mark === items[k].maxMark).map((i) => i.id);
    const right = items.filter((_, k) => grade.results[k].correct).map((i) => i.id);
    if (grade.results.some((r, k) => r.mark !== 0 && r.mark !== items[k].maxMark)) throw new Error(`attempt ${attemptId}: a partial mark has no column rule`);
    await tx.run(
      sql`UPDATE "AttemptItem" SET "mark" = CASE WHEN "id" ${inList(full)} THEN "maxMark" ELSE 0 END, "correct" = ("id" ${inList(right)})
          WHERE "attemptId" = ${attemptId}`,
    );
    const percentTenths = Math.round(grade.percent * 10);
    const verdict = checkPlausibility(
      dateOf(attempt.startedAt),
      items.map((i) => ({ textLength: question(i).textLength, answeredAt: dateOrNull(i.answeredAt) })),
    );
    await tx.run(
      sql`UPDATE "QuizAttempt" SET "mark" = ${grade.mark}, "percent" = ${percentTenths}, "passed" = ${percentTenths >= attempt.passPercent * 10},
          "flagged" = ${verdict.flagged}, "flagReason" = ${verdict.flagged ? JSON.stringify(verdict.evidence) : null} WHERE "id" = ${attemptId}`,
    );
    if (verdict.flagged) {
      // For the trainer's eyes: the score stands and the learner is not told anything punitive.
      await auditOn(tx, { actorId: null, action: "attempt.flag", targetKind: "attempt", targetId: attemptId, detail: verdict.evidence }, now);
    }
    const passed = await recomputeGrade(tx, attempt.quizId, attempt.personId, GradeMethodSchema.parse(attempt.gradeMethod), attempt.passPercent, now);
    return { quizId: attempt.quizId, personId: attempt.personId, finishedAt, passed };
  });
  if (!graded) return false;
  // Once credited, hours stay even if a later attempt lowers an average or last grade: the person
  // did pass, and the ledger's unique source key would refuse a second credit anyway.
  if (graded.passed) await creditQuizPass(graded.quizId, graded.personId, graded.finishedAt);
  return true;
}

/** The grade that counts, by the quiz's method, written inside the finish's transaction; whether it passes. */
async function recomputeGrade(tx: SqlTx, quizId: number, personId: number, method: GradeMethod, passPercent: number, now: Date): Promise<boolean> {
  const finished = await tx.all<{ percent: number | null }>(
    sql`SELECT "percent" FROM "QuizAttempt" WHERE "quizId" = ${quizId} AND "personId" = ${personId} AND "state" IN ('submitted', 'expired') ORDER BY "number"`,
  );
  if (finished.length === 0) return false;
  const percents = finished.map((a) => a.percent ?? 0);
  const percent =
    method === "last"
      ? percents[percents.length - 1]
      : method === "average"
        ? Math.floor(percents.reduce((s, p) => s + p, 0) / percents.length)
        : Math.max(...percents);
  const passed = percent >= passPercent * 10;
  await tx.run(
    sql`INSERT INTO "QuizGrade" ("quizId", "personId", "percent", "passed", "attempts", "updatedAt")
      VALUES (${quizId}, ${personId}, ${percent}, ${passed}, ${finished.length}, ${now})
      ON CONFLICT ("quizId", "personId") DO UPDATE SET "percent" = excluded."percent", "passed" = excluded."passed",
        "attempts" = excluded."attempts", "updatedAt" = excluded."updatedAt"`,
  );
  return passed;
}

/**
 * Credits the quiz's 学时 to a person whose grade passed, once (the ledger's source key). The one
 * rule for whether a pass earns hours: grading asks it after each finish, and the credit repair
 * (app/.server/credit-repair.ts) asks it for a passed grade whose credit never ran.
 */
export async function creditQuizPass(quizId: number, personId: number, earnedAt: Date): Promise<CreditResult | null> {
  const quiz = await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { ...OWN_CREDIT_SETTINGS, title: true, passPercent: true } });
  if (!quiz.creditHours || quiz.creditHours <= 0 || withholdsOwnCredit(quiz, personId)) return null;
  // The grade must pass the pass mark in force, not only the one it was graded against: a setter's own
  // pass under a mark of 0, withheld, must not be credited later (by the repair) because someone
  // else has since become the setter by raising the mark.
  const grade = await prisma.quizGrade.findUnique({ where: { quizId_personId: { quizId, personId } }, select: { percent: true } });
  if (!grade || grade.percent < quiz.passPercent * 10) return null;
  return creditHours({
    personId,
    amount: quiz.creditHours,
    category: "quiz",
    sourceKind: "quiz",
    sourceId: String(quizId),
    earnedAt,
    note: quiz.title,
  });
}

// ---------- review ----------

export type ReviewMode = "full" | "marks_only";

/**
 * A finished attempt as the learner may see it, read from what the finish stored (score, marks,
 * right or wrong). The key and explanations are included only when the quiz's review policy allows it
 * now; otherwise the score alone, and a sentence saying when (or that never) the answers can be seen.
 */
async function reviewOf(attempt: HeadRow, now: Date) {
  const policy = ReviewPolicySchema.parse(attempt.reviewPolicy);
  const closesAt = dateOrNull(attempt.closesAt);
  const full = answersReviewable(policy, closesAt, now);
  const summary = {
    id: attempt.id,
    number: attempt.number,
    state: FinishedStateSchema.parse(attempt.state),
    finishedAt: dateOrNull(attempt.finishedAt),
    mark: attempt.mark ?? 0,
    maxMark: attempt.maxMark,
    percent: attempt.percent ?? 0,
    passed: Boolean(attempt.passed),
    quiz: { id: attempt.quizId, title: attempt.title, passPercent: attempt.passPercent },
  };
  if (!full) {
    const why =
      policy === "never"
        ? "本测验不公布答案与解析。"
        : closesAt
          ? `测验结束后（${formatChinaDateTime(closesAt)}）可查看答案与解析。`
          : "测验结束后可查看答案与解析。";
    return { mode: "marks_only" as const, why, ...summary, items: null };
  }

  const db = sqlDb();
  const items = await db.all<{
    position: number;
    optionOrder: string | null;
    response: string | null;
    mark: number | null;
    maxMark: number;
    correct: number | boolean | null;
    questionId: number;
    updatedAt: string | Date;
    explanation: string;
  }>(
    sql`SELECT i."position", i."optionOrder", i."response", i."mark", i."maxMark", i."correct", i."questionId", q."updatedAt", q."explanation"
      FROM "AttemptItem" i JOIN "Question" q ON q."id" = i."questionId" WHERE i."attemptId" = ${attempt.id} ORDER BY i."position"`,
  );
  const questions = await questionsOfItems(db, items);
  return {
    mode: "full" as const,
    why: null,
    ...summary,
    items: items.map((item) => {
      const q = questions.get(item.questionId)!;
      const order = bankOrderFor(q, item.optionOrder);
      const answer = JSON.parse(q.answer) as unknown;
      const correctAnswer =
        q.type === "judge" ? [String(answer)] : q.type === "fill" ? (answer as string[]) : ([] as string[]).concat(toPresented(order, answer) ?? []);
      return {
        position: item.position,
        type: QuestionTypeSchema.parse(q.type),
        stem: q.stem,
        options: presentedOptions(q, parseJson<string[]>(item.optionOrder)),
        response: presentedResponse(q.type, order, parseJson<unknown>(item.response)),
        correctAnswer,
        explanation: item.explanation,
        mark: item.mark ?? 0,
        maxMark: item.maxMark,
        correct: Boolean(item.correct),
      };
    }),
  };
}
