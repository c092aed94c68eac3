import type Database from "better-sqlite3";
import { gradeAttempt } from "../app/lib/quiz-grading";
import { checkPlausibility, questionTextLength } from "../app/lib/quiz-plausibility";
import { drawQuestions, optionOrder, shuffled } from "../app/lib/quiz-shuffle";
import { keyOf, paperDeadline } from "../app/.server/quiz/paper";
import { all, get, run, sql } from "../app/.server/sql";

// Submitted quiz attempts for the demo's history (prisma/seed-history.ts: the year's closed quizzes;
// prisma/seed-class-history.ts: the classes' exams and a 补考), written as startAttempt and
// finishAttempt (app/.server/quiz/attempts.ts) write them: the paper drawn from the slot's bank by the
// attempt's seed and shuffled by it, each answer in bank letters with its time, graded by the app's
// gradeAttempt and checked by its plausibility rules. The grade a quiz shows is the attempt's score,
// never a number made up beside it. Rows go through the raw-SQL helper on the seed's connection, inside
// the caller's transaction.

export type QuestionRow = { id: number; bankId: number; type: string; stem: string; options: string | null; answer: string; tags: string; difficulty: number };

/** The paper of a quiz with one bank slot, as the attempt sees it. */
export type Paper = { id: number; bankId: number; count: number; markEach: number; timeLimitSec: number; closesAt: Date; passPercent: number };

export type TakenAttempt = { attemptId: number; percent: number; passed: boolean; finishedAt: Date };

export function loadQuestions(db: Database.Database): QuestionRow[] {
  return all<QuestionRow>(
    db,
    sql`SELECT "id", "bankId", "type", "stem", "options", "answer", "tags", "difficulty" FROM "Question" WHERE "archivedAt" IS NULL ORDER BY "id"`,
  );
}

/** A writer of attempts drawing from `questions` with the seed's generator `rand`. */
export function quizAttemptWriter(db: Database.Database, rand: () => number, questions: readonly QuestionRow[]) {
  const between = (a: number, b: number) => a + rand() * (b - a);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const questionById = new Map(questions.map((q) => [q.id, q]));
  const pools = new Map<number, { id: string; tags: string[]; difficulty: number }[]>();
  for (const q of questions) {
    const pool = pools.get(q.bankId) ?? [];
    pool.push({ id: String(q.id), tags: JSON.parse(q.tags) as string[], difficulty: q.difficulty });
    pools.set(q.bankId, pool);
  }
  const letters = (q: QuestionRow) => (q.options ? Object.keys(JSON.parse(q.options) as Record<string, string>).sort() : []);

  /** What a person answers, in bank letters: the key, a plausible mistake, or (now and then) nothing. */
  function respond(q: QuestionRow, right: boolean): unknown {
    const key = keyOf(q.type, q.answer);
    if (right) return key.type === "fill" ? key.answer[0] : key.answer;
    if (rand() < 0.05) return null;
    switch (key.type) {
      case "single":
        return pick(letters(q).filter((l) => l !== key.answer));
      case "multiple":
        return key.answer.length > 1
          ? key.answer.slice(0, -1)
          : [
              ...key.answer,
              ...letters(q)
                .filter((l) => !key.answer.includes(l))
                .slice(0, 1),
            ].sort();
      case "judge":
        return !key.answer;
      default:
        return pick(["不清楚", "不记得了", "民主"]);
    }
  }

  /**
   * One submitted attempt: `knows(question, position)` says whether the person answers it right (it is
   * asked once per question, in the order shown). Answers come 18–70 s apart from `startedAt`.
   */
  function take(paper: Paper, personId: number, number: number, startedAt: Date, knows: (q: QuestionRow, position: number) => boolean): TakenAttempt {
    const seed = Array.from({ length: 4 }, () =>
      Math.floor(rand() * 2 ** 32)
        .toString(16)
        .padStart(8, "0"),
    ).join("");
    const pool = pools.get(paper.bankId) ?? [];
    const drawn = drawQuestions(pool, { count: paper.count }, `${seed}/slot/1`).ids.map((id) => questionById.get(Number(id))!);
    const ordered = shuffled(drawn, `${seed}/order`);
    let t = startedAt.getTime();
    const items = ordered.map((q, position) => {
      const response = respond(q, knows(q, position));
      t += between(18, 70) * 1000;
      const order = q.type === "single" || q.type === "multiple" ? letters(q) : [];
      return { q, response, answeredAt: response === null ? null : new Date(t), order: order.length ? optionOrder(order, `${seed}/${q.id}`) : null };
    });
    const finishedAt = new Date(t + between(10, 60) * 1000);
    const deadlineAt = paperDeadline(startedAt, paper.timeLimitSec, paper.closesAt);
    const grade = gradeAttempt(items.map((i) => ({ key: keyOf(i.q.type, i.q.answer), response: i.response, maxMark: paper.markEach })));
    const percent = Math.round(grade.percent * 10);
    const passed = percent >= paper.passPercent * 10;
    const verdict = checkPlausibility(
      startedAt,
      items.map((i) => ({
        textLength: questionTextLength(i.q.stem, i.q.options ? (JSON.parse(i.q.options) as Record<string, string>) : null),
        answeredAt: i.answeredAt,
      })),
    );
    const { id: attemptId } = get<{ id: number }>(
      db,
      sql`INSERT INTO "QuizAttempt" ("quizId", "personId", "number", "state", "seed", "startedAt", "deadlineAt", "finishedAt", "mark", "maxMark", "percent",
            "passed", "flagged", "flagReason")
          VALUES (${paper.id}, ${personId}, ${number}, 'submitted', ${seed}, ${startedAt}, ${deadlineAt}, ${finishedAt}, ${grade.mark}, ${grade.maxMark}, ${percent},
            ${passed}, ${verdict.flagged}, ${verdict.flagged ? JSON.stringify(verdict.evidence) : null})
          RETURNING "id"`,
    )!;
    items.forEach((i, k) =>
      run(
        db,
        sql`INSERT INTO "AttemptItem" ("attemptId", "position", "questionId", "optionOrder", "maxMark", "response", "answeredAt", "answerCount", "mark", "correct")
            VALUES (${attemptId}, ${k + 1}, ${i.q.id}, ${i.order ? JSON.stringify(i.order) : null}, ${paper.markEach}, ${i.response === null ? null : JSON.stringify(i.response)},
              ${i.answeredAt}, ${i.response === null ? 0 : 1}, ${grade.results[k]!.mark}, ${grade.results[k]!.correct})`,
      ),
    );
    return { attemptId, percent, passed, finishedAt };
  }

  /** The quiz's grade of a person by the 'highest' method (the one the seeded quizzes use), as recomputeGrade stores it. */
  function grade(paper: Pick<Paper, "id" | "passPercent">, personId: number, attempts: readonly TakenAttempt[]) {
    const best = Math.max(...attempts.map((a) => a.percent));
    run(
      db,
      sql`INSERT INTO "QuizGrade" ("quizId", "personId", "percent", "passed", "attempts", "updatedAt")
          VALUES (${paper.id}, ${personId}, ${best}, ${best >= paper.passPercent * 10}, ${attempts.length}, ${attempts[attempts.length - 1]!.finishedAt})`,
    );
    return best;
  }

  return { take, grade };
}
