import crypto from "node:crypto";
import Database from "better-sqlite3";
import { type QuizInput, openQuizFactory } from "../../quiz-factories";
import { E2E_DB } from "./paths";

// Per-test quiz data for the end-to-end quiz specs, written into the shared e2e database while the
// server runs. Every call makes its own bank and quiz under a unique slug and title, so tests running
// side by side (and the mobile and desktop projects) never meet each other's rows.

/** Same format as the factories and Prisma's SQLite adapter write (a string compared as text). */
export const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");

/** A short suffix unique to this call, for titles and slugs. */
export function uniqueSuffix(): string {
  return crypto.randomBytes(4).toString("hex");
}

function withWritableDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(E2E_DB, { timeout: 5000, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

type Person = { id: number; unitId: number };

export type SeededQuiz = {
  quizId: number;
  title: string;
  bankId: number;
  /** The explanation each question carries (`EXPLAIN-<slug>-<type>-1`), to search pages for. */
  explanations: { single: string; judge: string };
};

/**
 * A published quiz for the learner's own unit with two questions in a fixed order and fixed option
 * order, 10 points each: a single choice (key B, "乙选项1") then a judgement (key 正确).
 */
export function seedTwoQuestionQuiz(
  learnerNumber: string,
  titlePrefix: string,
  settings: Partial<Pick<QuizInput, "reviewPolicy" | "timeLimitSec" | "closesAt" | "passPercent" | "layout">> & {
    /** The second question's type: the judgement (key 正确) or a fill-in (key 三会一课). */
    second?: "judge" | "fill";
  } = {},
): SeededQuiz {
  const { second = "judge", ...quizSettings } = settings;
  return withWritableDb((db) => {
    const learner = db.prepare("SELECT id, unitId FROM Person WHERE number = ?").get(learnerNumber) as Person;
    const slug = `e2e-${uniqueSuffix()}`;
    const title = `${titlePrefix}-${slug}`;
    const qf = openQuizFactory(db);
    return db
      .transaction(() => {
        const { bankId, ids } = qf.standardBank({ slug, unitId: learner.unitId, perType: 1 });
        const quizId = qf.quiz({
          title,
          unitId: learner.unitId,
          createdById: learner.id,
          opensAt: new Date(Date.now() - 3600_000),
          closesAt: new Date(Date.now() + 24 * 3600_000),
          shuffleQuestions: false,
          shuffleOptions: false,
          ...quizSettings,
          slots: [ids.single[0], ids[second][0]].map((questionId) => ({ questionId, markEach: 1000 })),
          audiences: [{ unitId: learner.unitId }],
        });
        return { quizId, title, bankId, explanations: { single: `EXPLAIN-${slug}-single-1`, judge: `EXPLAIN-${slug}-judge-1` } };
      })
      .immediate();
  });
}

/**
 * A bank at the root unit (where shipped banks sit, so every builder sees it) with the standard four
 * questions and one fill-in question whose stem carries `marker`, for a builder to find by search.
 */
export function seedBuilderBank(marker: string): { bankId: number; title: string; stem: string } {
  return withWritableDb((db) => {
    const root = db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL ORDER BY id LIMIT 1").get() as { id: number };
    const slug = `e2e-builder-${marker}`;
    const qf = openQuizFactory(db);
    const stem = `组卷专用填空题${marker}：党的根本宗旨是全心全意为人民＿＿。`;
    const bankId = db
      .transaction(() => {
        const { bankId } = qf.standardBank({ slug, unitId: root.id, perType: 1 });
        qf.question(bankId, `fill-marker-${marker}`, { type: "fill", stem, answer: ["服务"] });
        return bankId;
      })
      .immediate();
    return { bankId, title: `题库 ${slug}`, stem };
  });
}

/** Moves a quiz's closing time (the after_close review policy turns on it). */
export function setQuizClosesAt(quizId: number, closesAt: Date) {
  withWritableDb((db) => db.prepare("UPDATE Quiz SET closesAt = ? WHERE id = ?").run(sqliteTime(closesAt), quizId));
}

/** Moves an attempt's deadline, which only the server keeps: every read and write of the attempt checks it. */
export function setAttemptDeadline(attemptId: number, deadlineAt: Date) {
  withWritableDb((db) => db.prepare("UPDATE QuizAttempt SET deadlineAt = ? WHERE id = ?").run(sqliteTime(deadlineAt), attemptId));
}
