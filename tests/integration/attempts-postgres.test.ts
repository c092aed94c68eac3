import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase } from "../support/postgres";
import { type AppOnPostgres, appOnPostgres, lockWaits } from "../support/postgres-races";

// Attempt save against finish on PostgreSQL (decision 074): the app's own functions on a database of
// this file's own on the test cluster, each on a connection of the `pg` pool, and a third connection
// holding a row lock so that the two meet in the order each case needs. An acknowledged save must be
// among the scored answers or refused; never stored and left out of the score.

let onPg: AppOnPostgres;
let database: TestDatabase;
let app: typeof import("~/.server/db");
let attempts: typeof import("~/.server/quiz/attempts");
let monitor: pg.Client;
let personId: number;
let quizId: number;

const QUESTIONS = 3;

beforeAll(async () => {
  onPg = await appOnPostgres();
  ({ database, app, monitor } = onPg);
  attempts = await import("~/.server/quiz/attempts");

  const { prisma } = app;
  const unit = await prisma.orgUnit.create({ data: { name: "测试党委", kind: "committee", path: "/", depth: 0 } });
  await prisma.orgUnit.update({ where: { id: unit.id }, data: { path: `/${unit.id}/` } });
  const person = await prisma.person.create({ data: { number: "P0001", name: "张三", category: "student", unitId: unit.id, politicalStatus: "member" } });
  personId = person.id;
  const bank = await prisma.questionBank.create({ data: { slug: "race", title: "题库", unitId: unit.id } });
  const quiz = await prisma.quiz.create({
    data: {
      title: "测验",
      unitId: unit.id,
      createdById: person.id,
      status: "published",
      maxAttempts: 100,
      passPercent: 60,
      shuffleQuestions: false,
      shuffleOptions: false,
    },
  });
  quizId = quiz.id;
  for (let i = 1; i <= QUESTIONS; i++) {
    const q = await prisma.question.create({
      data: {
        bankId: bank.id,
        key: `q${i}`,
        type: "single",
        stem: `第 ${i} 题`,
        options: JSON.stringify({ A: "对的", B: "错的" }),
        answer: JSON.stringify("A"),
        explanation: "",
        difficulty: 1,
        tags: "[]",
      },
    });
    await prisma.quizSlot.create({ data: { quizId, position: i, questionId: q.id, markEach: 100 } });
  }
  await prisma.quizAudience.create({ data: { quizId, unitId: unit.id } });
}, 120_000);

afterAll(async () => {
  await onPg?.close();
});

/** A new attempt with every answer wrong (B), its paper read as the page reads it (so a save is the one statement). */
async function attemptAnsweredWrong() {
  const { attemptId } = await attempts.startAttempt(personId, quizId);
  await attempts.getAttemptPage(personId, attemptId);
  for (let p = 1; p <= QUESTIONS; p++) await attempts.saveAnswer(personId, attemptId, p, ["B"]);
  return attemptId;
}

/** A blocker on a third connection: holds the row lock of the attempt's item at `position` until released. */
async function holdItem(attemptId: number, position: number) {
  const blocker = new pg.Client({ connectionString: database.url });
  await blocker.connect();
  await blocker.query("BEGIN");
  await blocker.query(`SELECT 1 FROM "AttemptItem" WHERE "attemptId" = $1 AND "position" = $2 FOR UPDATE`, [attemptId, position]);
  return async () => {
    await blocker.query("COMMIT");
    await blocker.end();
  };
}

async function scored(attemptId: number) {
  const { rows } = await monitor.query<{ position: number; response: string | null; correct: boolean | null; mark: number | null }>(
    `SELECT "position", "response", "correct", "mark" FROM "AttemptItem" WHERE "attemptId" = $1 ORDER BY "position"`,
    [attemptId],
  );
  const head = await monitor.query<{ state: string; mark: number }>(`SELECT "state", "mark" FROM "QuizAttempt" WHERE "id" = $1`, [attemptId]);
  return { items: rows, ...head.rows[0] };
}

/** Every stored answer was graded as stored: a right answer (A) is marked right and counted in the attempt's mark. */
function expectScoredAsStored(s: Awaited<ReturnType<typeof scored>>) {
  expect(s.state).toBe("submitted");
  for (const item of s.items) expect({ position: item.position, correct: item.correct }).toEqual({ position: item.position, correct: item.response === '"A"' });
  expect(s.mark).toBe(s.items.filter((i) => i.correct).length * 100);
}

describe("attempt save against finish, on PostgreSQL", () => {
  it("a save whose statement began before the hand-in is scored: the finish waits for it", async () => {
    const attemptId = await attemptAnsweredWrong();
    const release = await holdItem(attemptId, 1);
    // The save reads the attempt open (FOR SHARE) and then waits for the item's row.
    const save = attempts.saveAnswer(personId, attemptId, 1, ["A"]);
    await lockWaits(monitor, 1);
    // The hand-in's claim of the attempt now waits for the save; without the shared lock it would
    // claim, read the old answer and grade it while the save goes on to store the new one.
    const submit = attempts.submitAttempt(personId, attemptId);
    await lockWaits(monitor, 2, submit);
    await release();
    expect(await save).toEqual({ status: "saved" });
    await submit;
    const s = await scored(attemptId);
    expect(s.items[0]).toMatchObject({ response: '"A"', correct: true, mark: 100 });
    expectScoredAsStored(s);
  });

  it("a save that arrives after the hand-in claimed the attempt is refused, not stored unscored", async () => {
    const attemptId = await attemptAnsweredWrong();
    const release = await holdItem(attemptId, 1);
    // The hand-in claims the attempt, reads the answers and waits to write the marks (item 1 is held).
    const submit = attempts.submitAttempt(personId, attemptId);
    await lockWaits(monitor, 1);
    // The save's check waits for the claim's commit, then finds the attempt closed.
    const save = attempts.saveAnswer(personId, attemptId, 2, ["A"]);
    await lockWaits(monitor, 2, save);
    await release();
    await submit;
    await expect(save).rejects.toThrow("本次作答已经结束");
    const s = await scored(attemptId);
    expect(s.items[1]).toMatchObject({ response: '"B"', correct: false, mark: 0 });
    expectScoredAsStored(s);
  });

  it("many saves racing one hand-in: each acknowledged save is scored", async () => {
    for (let round = 0; round < 5; round++) {
      const attemptId = await attemptAnsweredWrong();
      const saves = Array.from({ length: QUESTIONS }, (_, i) =>
        attempts.saveAnswer(personId, attemptId, i + 1, ["A"]).then(
          () => true,
          () => false,
        ),
      );
      await attempts.submitAttempt(personId, attemptId).catch(() => undefined);
      const acknowledged = await Promise.all(saves);
      const s = await scored(attemptId);
      expectScoredAsStored(s);
      s.items.forEach((item, i) => {
        if (acknowledged[i]) expect(item.response).toBe('"A"');
      });
    }
  });
});
