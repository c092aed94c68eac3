import { AppError } from "~/lib/app-error";
import crypto from "node:crypto";
import { z } from "zod";
import { formatChinaDateTime } from "~/lib/dates";
import { gradeAttempt } from "~/lib/quiz-grading";
import { checkPlausibility, questionTextLength } from "~/lib/quiz-plausibility";
import { GRADE_METHODS, QUIZ_LAYOUTS, REVIEW_POLICIES, answersReviewable } from "~/lib/quiz-settings";
import { QUESTION_TYPES } from "~/lib/bank-format";
import { optionOrder, shuffled, toPresented } from "~/lib/quiz-shuffle";
import { classQuizIdsFor } from "../audience/class-papers";
import { PAPER_HEAD, SOONEST_CLOSING_FIRST, paperOpenTo, papersOpenTo } from "../audience/open-papers";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import { type CreditResult, creditHours } from "../hours/ledger";
import { OWN_CREDIT_SETTINGS, withholdsOwnCredit } from "../hours/self-credit";
import { MalformedAnswer, bankOrderOf, drawPaper, keyOf, paperDeadline, parseJson, presentedOptions, presentedResponse, toBankResponse } from "./paper";

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
    closeExpired: closeExpiredAttempts,
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
    closeExpired: closeExpiredAttempts,
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
    closeExpired: closeExpiredAttempts,
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

  const existing = await prisma.quizAttempt.findMany({ where: { quizId, personId }, select: { id: true, state: true } });
  const inProgress = existing.find((a) => a.state === "in_progress");
  if (inProgress) return { attemptId: inProgress.id, resumed: true };
  if (existing.length >= quiz.maxAttempts) throw new AppError("exhausted", `您已用完全部 ${quiz.maxAttempts} 次作答机会`);

  const seed = crypto.randomBytes(16).toString("hex");
  const items = await drawPaper(quiz.slots, seed);
  if (items.length === 0) throw new AppError("conflict", "这个测验还没有题目，请联系教员");

  const ordered = quiz.shuffleQuestions ? shuffled(items, `${seed}/order`) : items;
  const deadlineAt = paperDeadline(now, quiz.timeLimitSec, quiz.closesAt);
  const maxMark = ordered.reduce((s, i) => s + i.maxMark, 0);

  try {
    const attempt = await prisma.$transaction(async (tx) => {
      // Counted again inside the transaction: two taps on "开始" must not make two attempts.
      const count = await tx.quizAttempt.count({ where: { quizId, personId } });
      return tx.quizAttempt.create({
        data: {
          quizId,
          personId,
          number: count + 1,
          seed,
          startedAt: now,
          deadlineAt,
          maxMark,
          items: {
            create: ordered.map((item, i) => ({
              position: i + 1,
              questionId: item.questionId,
              maxMark: item.maxMark,
              optionOrder: quiz.shuffleOptions && item.optionLetters ? JSON.stringify(optionOrder(item.optionLetters, `${seed}/${item.questionId}`)) : null,
            })),
          },
        },
        select: { id: true },
      });
    });
    return { attemptId: attempt.id, resumed: false };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      const again = await prisma.quizAttempt.findFirst({ where: { quizId, personId, state: "in_progress" }, select: { id: true } });
      if (again) return { attemptId: again.id, resumed: true };
    }
    throw e;
  }
}

// ---------- taking ----------

/**
 * The attempt as the learner takes it: stems, options in presented order, saved answers in presented
 * letters. Nothing here says which option is right: no answer, no explanation, no bank letters.
 */
export async function getAttemptForTaking(personId: number, attemptId: number, now = new Date()) {
  await closeExpiredAttempts(now);
  const attempt = await prisma.quizAttempt.findFirst({
    where: { id: attemptId, personId },
    select: {
      id: true,
      number: true,
      state: true,
      deadlineAt: true,
      quiz: { select: { id: true, title: true, layout: true } },
      items: {
        select: {
          position: true,
          maxMark: true,
          optionOrder: true,
          response: true,
          marked: true,
          question: { select: { type: true, stem: true, options: true } },
        },
        orderBy: { position: "asc" },
      },
    },
  });
  if (!attempt) throw NOT_FOUND();
  return {
    id: attempt.id,
    number: attempt.number,
    state: attempt.state,
    deadlineAt: attempt.deadlineAt,
    quiz: { id: attempt.quiz.id, title: attempt.quiz.title, layout: QuizLayoutSchema.parse(attempt.quiz.layout) },
    items: attempt.items.map((item) => {
      const order = bankOrderOf(item.question, item.optionOrder);
      return {
        position: item.position,
        type: QuestionTypeSchema.parse(item.question.type),
        stem: item.question.stem,
        maxMark: item.maxMark,
        options: presentedOptions(item.question, parseJson<string[]>(item.optionOrder)),
        response: presentedResponse(item.question.type, order, parseJson<unknown>(item.response)),
        marked: item.marked,
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
  const attempt = await prisma.quizAttempt.findFirst({ where: { id: attemptId, personId, quizId }, select: { id: true } });
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
 * Saves the answer to one question of the learner's own attempt in progress. The write itself
 * re-checks the state and the deadline, so a save racing a submit or the deadline changes nothing.
 */
export async function saveAnswer(personId: number, attemptId: number, position: number, values: string[], now = new Date()): Promise<SaveResult> {
  const attempt = await prisma.quizAttempt.findFirst({ where: { id: attemptId, personId }, select: { id: true, state: true, deadlineAt: true } });
  if (!attempt) throw NOT_FOUND();
  if (attempt.state !== "in_progress") throw new AppError("closed", "本次作答已经结束，答案未保存");
  if (attempt.deadlineAt && attempt.deadlineAt <= now) {
    await finishAttempt(attempt.id, "expired", now);
    throw new AppError("deadline", "已超过作答时间，答案未保存");
  }
  const item = Number.isSafeInteger(position)
    ? await prisma.attemptItem.findUnique({
        where: { attemptId_position: { attemptId, position } },
        select: { id: true, optionOrder: true, response: true, question: { select: { type: true, stem: true, options: true } } },
      })
    : null;
  if (!item) throw new AppError("bad_position", "这道题不在本次作答中，答案未保存");

  let response: unknown;
  try {
    response = toBankResponse(item.question.type, bankOrderOf(item.question, item.optionOrder), values);
  } catch (e) {
    if (e instanceof MalformedAnswer) throw new AppError("malformed", e.message);
    throw e;
  }
  const json = response === null ? null : JSON.stringify(response);
  // Re-sending the same answer (the submit button re-posts every field) must not move its time:
  // answer times are the evidence of the plausibility check.
  if (json === item.response) return { status: "unchanged" };

  const { count } = await prisma.attemptItem.updateMany({
    where: { id: item.id, attempt: { state: "in_progress", OR: [{ deadlineAt: null }, { deadlineAt: { gt: now } }] } },
    data: { response: json, answeredAt: now, answerCount: { increment: 1 } },
  });
  if (count === 0) throw new AppError("closed", "本次作答已经结束，答案未保存");
  return { status: "saved" };
}

/** Submits the learner's attempt; a second submit is refused and changes nothing. */
export async function submitAttempt(personId: number, attemptId: number, now = new Date()) {
  const attempt = await prisma.quizAttempt.findFirst({ where: { id: attemptId, personId }, select: { id: true, state: true, deadlineAt: true } });
  if (!attempt) throw NOT_FOUND();
  if (attempt.state === "expired") throw new AppError("closed", "作答时间已到，系统已按截止前保存的答案收卷，无需再交卷");
  if (attempt.state !== "in_progress") throw new AppError("closed", "本次作答已经提交，不能重复提交");
  if (attempt.deadlineAt && attempt.deadlineAt <= now) {
    await finishAttempt(attempt.id, "expired", now);
    throw new AppError("deadline", "已超过作答时间，系统已按截止前保存的答案评分");
  }
  const finished = await finishAttempt(attempt.id, "submitted", now);
  // Another request (a second tab, or the sweeper at the deadline) closed it first.
  if (!finished) throw new AppError("closed", "本次作答已经结束，不能重复提交");
}

// ---------- closing and grading ----------

/** Grades every attempt in progress whose deadline has passed, as "expired", with what was saved. */
export async function closeExpiredAttempts(now = new Date()): Promise<number> {
  // One query on the (state, deadlineAt) index; almost always empty.
  const due = await prisma.quizAttempt.findMany({
    where: { state: "in_progress", deadlineAt: { lte: now } },
    select: { id: true },
    orderBy: { deadlineAt: "asc" },
    take: 500,
  });
  let closed = 0;
  for (const a of due) if (await finishAttempt(a.id, "expired", now)) closed++;
  return closed;
}

/**
 * Closes and grades an attempt once. The state change is the first write of the transaction, so of
 * two concurrent finishes (a submit and the sweeper) exactly one grades; the other returns false.
 */
async function finishAttempt(attemptId: number, state: FinishedState, now: Date): Promise<boolean> {
  const graded = await prisma.$transaction(async (tx) => {
    const deadline = await tx.quizAttempt.findUnique({ where: { id: attemptId }, select: { deadlineAt: true } });
    // An expired attempt ended at its deadline, whenever the server noticed.
    const finishedAt = state === "expired" && deadline?.deadlineAt && deadline.deadlineAt < now ? deadline.deadlineAt : now;
    const { count } = await tx.quizAttempt.updateMany({ where: { id: attemptId, state: "in_progress" }, data: { state, finishedAt } });
    if (count === 0) return null;

    const attempt = await tx.quizAttempt.findUniqueOrThrow({
      where: { id: attemptId },
      select: {
        quizId: true,
        personId: true,
        startedAt: true,
        quiz: { select: { passPercent: true } },
        items: {
          select: { id: true, maxMark: true, response: true, answeredAt: true, question: { select: { type: true, answer: true, stem: true, options: true } } },
          orderBy: { position: "asc" },
        },
      },
    });
    const grade = gradeAttempt(
      attempt.items.map((i) => ({ key: keyOf(i.question.type, i.question.answer), response: parseJson<unknown>(i.response), maxMark: i.maxMark })),
    );
    for (const [k, item] of attempt.items.entries()) {
      await tx.attemptItem.update({ where: { id: item.id }, data: { mark: grade.results[k].mark, correct: grade.results[k].correct } });
    }
    const percentTenths = Math.round(grade.percent * 10);
    const verdict = checkPlausibility(
      attempt.startedAt,
      attempt.items.map((i) => ({
        textLength: questionTextLength(i.question.stem, parseJson<Record<string, string>>(i.question.options)),
        answeredAt: i.answeredAt,
      })),
    );
    await tx.quizAttempt.update({
      where: { id: attemptId },
      data: {
        mark: grade.mark,
        percent: percentTenths,
        passed: percentTenths >= attempt.quiz.passPercent * 10,
        flagged: verdict.flagged,
        flagReason: verdict.flagged ? JSON.stringify(verdict.evidence) : null,
      },
    });
    return { quizId: attempt.quizId, personId: attempt.personId, finishedAt, verdict };
  });
  if (!graded) return false;

  if (graded.verdict.flagged) {
    // For the trainer's eyes: the score stands and the learner is not told anything punitive.
    await audit({ actorId: null, action: "attempt.flag", targetKind: "attempt", targetId: attemptId, detail: graded.verdict.evidence });
  }
  await recomputeGrade(graded.quizId, graded.personId, graded.finishedAt);
  return true;
}

/** The grade that counts, by the quiz's method; passing credits the quiz's 学时 once through the ledger. */
async function recomputeGrade(quizId: number, personId: number, finishedAt: Date) {
  const quiz = await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { gradeMethod: true, passPercent: true } });
  const finished = await prisma.quizAttempt.findMany({
    where: { quizId, personId, state: { in: ["submitted", "expired"] } },
    select: { percent: true },
    orderBy: { number: "asc" },
  });
  if (finished.length === 0) return;
  const percents = finished.map((a) => a.percent ?? 0);
  const method = GradeMethodSchema.parse(quiz.gradeMethod);
  const percent =
    method === "last"
      ? percents[percents.length - 1]
      : method === "average"
        ? Math.floor(percents.reduce((s, p) => s + p, 0) / percents.length)
        : Math.max(...percents);
  const passed = percent >= quiz.passPercent * 10;
  await prisma.quizGrade.upsert({
    where: { quizId_personId: { quizId, personId } },
    create: { quizId, personId, percent, passed, attempts: finished.length },
    update: { percent, passed, attempts: finished.length },
  });
  // Once credited, hours stay even if a later attempt lowers an average or last grade: the person
  // did pass, and the ledger's unique source key would refuse a second credit anyway.
  if (passed) await creditQuizPass(quizId, personId, finishedAt);
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
 * A finished attempt as the learner may see it. The key and explanations are included only when the
 * quiz's review policy allows it now; otherwise the score alone, and a sentence saying when (or that
 * never) the answers can be seen.
 */
export async function getReview(personId: number, attemptId: number, now = new Date()) {
  await closeExpiredAttempts(now);
  const attempt = await prisma.quizAttempt.findFirst({
    where: { id: attemptId, personId },
    select: {
      id: true,
      number: true,
      state: true,
      startedAt: true,
      finishedAt: true,
      mark: true,
      maxMark: true,
      percent: true,
      passed: true,
      quiz: { select: { id: true, title: true, reviewPolicy: true, closesAt: true, passPercent: true } },
    },
  });
  if (!attempt) throw NOT_FOUND();
  if (attempt.state === "in_progress") throw new AppError("closed", "作答尚未结束，结束后才能查看结果");

  const policy = ReviewPolicySchema.parse(attempt.quiz.reviewPolicy);
  const full = answersReviewable(policy, attempt.quiz.closesAt, now);
  const summary = {
    id: attempt.id,
    number: attempt.number,
    state: FinishedStateSchema.parse(attempt.state),
    finishedAt: attempt.finishedAt,
    mark: attempt.mark ?? 0,
    maxMark: attempt.maxMark,
    percent: attempt.percent ?? 0,
    passed: attempt.passed ?? false,
    quiz: { id: attempt.quiz.id, title: attempt.quiz.title, passPercent: attempt.quiz.passPercent },
  };
  if (!full) {
    const why =
      policy === "never"
        ? "本测验不公布答案与解析。"
        : attempt.quiz.closesAt
          ? `测验结束后（${formatChinaDateTime(attempt.quiz.closesAt)}）可查看答案与解析。`
          : "测验结束后可查看答案与解析。";
    return { mode: "marks_only" as const, why, ...summary, items: null };
  }

  const items = await prisma.attemptItem.findMany({
    where: { attemptId },
    select: {
      position: true,
      optionOrder: true,
      response: true,
      mark: true,
      maxMark: true,
      correct: true,
      question: { select: { type: true, stem: true, options: true, answer: true, explanation: true } },
    },
    orderBy: { position: "asc" },
  });
  return {
    mode: "full" as const,
    why: null,
    ...summary,
    items: items.map((item) => {
      const q = item.question;
      const order = bankOrderOf(q, item.optionOrder);
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
        explanation: q.explanation,
        mark: item.mark ?? 0,
        maxMark: item.maxMark,
        correct: item.correct ?? false,
      };
    }),
  };
}
