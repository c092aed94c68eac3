import type Database from "better-sqlite3";

// Builders for question banks and quizzes, written straight into a SQLite file like tests/factories.ts
// (and with the same timestamp format), for the attempt tests and the end-to-end quiz test.

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

export type QuestionInput =
  | { type: "single"; stem: string; options: Record<string, string>; answer: string }
  | { type: "multiple"; stem: string; options: Record<string, string>; answer: string[] }
  | { type: "judge"; stem: string; answer: boolean }
  | { type: "fill"; stem: string; answer: string[] };

export type QuizInput = {
  title: string;
  unitId: number;
  createdById: number;
  status?: "draft" | "published" | "archived";
  opensAt?: Date | null;
  closesAt?: Date | null;
  timeLimitSec?: number | null;
  maxAttempts?: number;
  gradeMethod?: "highest" | "last" | "average";
  passPercent?: number;
  shuffleQuestions?: boolean;
  shuffleOptions?: boolean;
  reviewPolicy?: "never" | "after_submit" | "after_close";
  layout?: "page" | "single";
  creditHours?: number | null;
  /** Fixed questions or draws, in order; marks in hundredths. */
  slots?: ({ questionId: number; markEach: number } | { bankId: number; count: number; markEach: number; tag?: string; difficulty?: number })[];
  audiences?: { unitId: number; politicalStatus?: string | null }[];
};

export function openQuizFactory(db: Database.Database) {
  const now = () => ts(new Date());
  const insertBank = db.prepare(`INSERT INTO QuestionBank (slug, title, description, unitId, createdAt, updatedAt) VALUES (?, ?, NULL, ?, ?, ?)`);
  const insertQuestion = db.prepare(
    `INSERT INTO Question (bankId, key, type, stem, options, answer, explanation, difficulty, tags, source, createdAt, updatedAt)
     VALUES (@bankId, @key, @type, @stem, @options, @answer, @explanation, @difficulty, @tags, NULL, @now, @now)`,
  );
  const insertQuiz = db.prepare(
    `INSERT INTO Quiz (title, description, unitId, createdById, status, opensAt, closesAt, timeLimitSec, maxAttempts, gradeMethod,
       passPercent, shuffleQuestions, shuffleOptions, reviewPolicy, layout, creditHours, createdAt, updatedAt)
     VALUES (@title, NULL, @unitId, @createdById, @status, @opensAt, @closesAt, @timeLimitSec, @maxAttempts, @gradeMethod,
       @passPercent, @shuffleQuestions, @shuffleOptions, @reviewPolicy, @layout, @creditHours, @now, @now)`,
  );
  const insertSlot = db.prepare(
    `INSERT INTO QuizSlot (quizId, position, questionId, bankId, tag, difficulty, count, markEach) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAudience = db.prepare(`INSERT INTO QuizAudience (quizId, unitId, politicalStatus) VALUES (?, ?, ?)`);

  function bank(input: { slug: string; title: string; unitId: number }): number {
    return Number(insertBank.run(input.slug, input.title, input.unitId, now(), now()).lastInsertRowid);
  }

  function question(bankId: number, key: string, q: QuestionInput, extra: { difficulty?: number; tags?: string[]; explanation?: string } = {}): number {
    return Number(
      insertQuestion.run({
        bankId,
        key,
        type: q.type,
        stem: q.stem,
        options: "options" in q ? JSON.stringify(q.options) : null,
        answer: JSON.stringify(q.answer),
        explanation: extra.explanation ?? `解析：${key}`,
        difficulty: extra.difficulty ?? 1,
        tags: JSON.stringify(extra.tags ?? ["党章"]),
        now: now(),
      }).lastInsertRowid,
    );
  }

  /**
   * A bank with `perType` questions of each type. Every explanation carries `EXPLAIN-<key>` so a test
   * can search a page for it; single answers are B, multiple A+C, judge true, fill "三会一课".
   */
  function standardBank(input: { slug: string; unitId: number; perType: number }) {
    const bankId = bank({ slug: input.slug, title: `题库 ${input.slug}`, unitId: input.unitId });
    const ids: Record<"single" | "multiple" | "judge" | "fill", number[]> = { single: [], multiple: [], judge: [], fill: [] };
    for (let i = 1; i <= input.perType; i++) {
      const opts = { A: `甲选项${i}`, B: `乙选项${i}`, C: `丙选项${i}`, D: `丁选项${i}` };
      const add = (type: keyof typeof ids, q: QuestionInput) =>
        ids[type].push(question(bankId, `${type}-${i}`, q, { explanation: `EXPLAIN-${input.slug}-${type}-${i}` }));
      add("single", { type: "single", stem: `单选题第${i}题：党的最高领导机关是什么？`, options: opts, answer: "B" });
      add("multiple", { type: "multiple", stem: `多选题第${i}题：下列哪些属于党员的义务？`, options: opts, answer: ["A", "C"] });
      add("judge", { type: "judge", stem: `判断题第${i}题：预备党员的预备期为一年。`, answer: true });
      add("fill", { type: "fill", stem: `填空题第${i}题：党支部应当组织党员按期参加＿＿。`, answer: ["三会一课"] });
    }
    return { bankId, ids };
  }

  function quiz(input: QuizInput): number {
    const id = Number(
      insertQuiz.run({
        title: input.title,
        unitId: input.unitId,
        createdById: input.createdById,
        status: input.status ?? "published",
        opensAt: input.opensAt ? ts(input.opensAt) : null,
        closesAt: input.closesAt ? ts(input.closesAt) : null,
        timeLimitSec: input.timeLimitSec ?? null,
        maxAttempts: input.maxAttempts ?? 1,
        gradeMethod: input.gradeMethod ?? "highest",
        passPercent: input.passPercent ?? 60,
        shuffleQuestions: input.shuffleQuestions === false ? 0 : 1,
        shuffleOptions: input.shuffleOptions === false ? 0 : 1,
        reviewPolicy: input.reviewPolicy ?? "after_submit",
        layout: input.layout ?? "page",
        creditHours: input.creditHours ?? null,
        now: now(),
      }).lastInsertRowid,
    );
    (input.slots ?? []).forEach((s, i) => {
      if ("questionId" in s) insertSlot.run(id, i + 1, s.questionId, null, null, null, 1, s.markEach);
      else insertSlot.run(id, i + 1, null, s.bankId, s.tag ?? null, s.difficulty ?? null, s.count, s.markEach);
    });
    for (const a of input.audiences ?? []) insertAudience.run(id, a.unitId, a.politicalStatus ?? null);
    return id;
  }

  return { bank, question, standardBank, quiz };
}

export type QuizFactory = ReturnType<typeof openQuizFactory>;
