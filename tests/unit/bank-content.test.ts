import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Bank, QUESTION_TYPES, bankSchema, countBlanks, questionSchema } from "~/lib/bank-format";

const BANKS_DIR = path.resolve(import.meta.dirname, "../../content/banks");

type LoadedBank = { file: string; bank: Bank };

function loadBanks(): LoadedBank[] {
  const files = readdirSync(BANKS_DIR)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
  return files.map((file) => {
    const data: unknown = parse(readFileSync(path.join(BANKS_DIR, file), "utf8"));
    const result = bankSchema.safeParse(data);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
      throw new Error(`${file} 不符合题库格式：\n${problems}`);
    }
    return { file, bank: result.data };
  });
}

describe("demo question banks in content/banks", () => {
  const banks = loadBanks();
  const questions = banks.flatMap((b) => b.bank.questions);

  it("has bank files, each named after its id", () => {
    expect(banks.length).toBeGreaterThan(0);
    for (const { file, bank } of banks) expect(file.replace(/\.ya?ml$/, "")).toBe(bank.id);
  });

  it("holds at least 150 questions in all", () => {
    expect(questions.length).toBeGreaterThanOrEqual(150);
  });

  it("uses every question type and every difficulty", () => {
    const types = new Set(questions.map((q) => q.type));
    for (const t of QUESTION_TYPES) expect(types, `no ${t} question`).toContain(t);
    expect(new Set(questions.map((q) => q.difficulty))).toEqual(new Set([1, 2, 3]));
  });

  it("names the document or article every explanation rests on", () => {
    const missing = questions.filter((q) => !/《|第/.test(q.explanation)).map((q) => q.id);
    expect(missing).toEqual([]);
  });

  it("gives each bank one id prefix of its own, so ids are unique across banks", () => {
    const prefixes = banks.map(({ bank }) => {
      const own = new Set(bank.questions.map((q) => q.id.split("-")[0]));
      expect(own.size, `${bank.id} mixes id prefixes: ${[...own].join(", ")}`).toBe(1);
      return [...own][0];
    });
    expect(new Set(prefixes).size).toBe(prefixes.length);
    const ids = questions.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("has no two questions with the same stem", () => {
    const normalise = (s: string) => s.replace(/\s+/g, "");
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const q of questions) {
      const key = normalise(q.stem);
      const earlier = seen.get(key);
      if (earlier) duplicates.push(`${earlier} = ${q.id}`);
      else seen.set(key, q.id);
    }
    expect(duplicates).toEqual([]);
  });
});

describe("bank format", () => {
  const base = {
    id: "t-001",
    stem: "党员的预备期为多长时间？",
    explanation: "依据《中国共产党章程》第七条。",
    difficulty: 1,
    tags: ["党章"],
    source: "《中国共产党章程》第七条",
  };
  const single = { ...base, type: "single", options: { A: "半年", B: "一年" }, answer: "B" };

  function messages(schema: typeof questionSchema | typeof bankSchema, data: unknown): string[] {
    const result = schema.safeParse(data);
    expect(result.success).toBe(false);
    return result.success ? [] : result.error.issues.map((i) => i.message);
  }

  it("accepts one question of each type", () => {
    const ok = [
      single,
      { ...base, type: "multiple", options: { A: "甲", B: "乙", C: "丙" }, answer: ["A", "C"] },
      { ...base, type: "judge", answer: true },
      { ...base, type: "fill", stem: "预备期为＿＿。", answer: ["一年", "1年"] },
      { ...base, type: "fill", stem: "预备期为____。", answer: ["一年"] },
    ];
    for (const q of ok) expect(questionSchema.safeParse(q).success, JSON.stringify(q)).toBe(true);
  });

  it("refuses an answer that is not among the options", () => {
    expect(messages(questionSchema, { ...single, answer: "C" })).toContain("答案 C 不在选项中");
    expect(messages(questionSchema, { ...single, type: "multiple", answer: ["A", "D"] })).toContain("答案 D 不在选项中");
  });

  it("refuses a multiple-choice question with a single correct answer", () => {
    expect(messages(questionSchema, { ...single, type: "multiple", answer: ["B"] })).toContain("多选题至少要有两个正确答案");
  });

  it("refuses options that skip a letter or number fewer than two", () => {
    expect(messages(questionSchema, { ...single, options: { A: "半年", C: "一年" }, answer: "A" })).toContain("选项须从 A 起连续编排（应为 A、B）");
    expect(messages(questionSchema, { ...single, options: { A: "一年" }, answer: "A" })).toContain("选项须有 2 到 6 个，现有 1 个");
  });

  it("wants a boolean answer and no options for true/false", () => {
    expect(messages(questionSchema, { ...base, type: "judge", answer: "对" })).toContain("判断题答案只能是 true（正确）或 false（错误）");
    expect(messages(questionSchema, { ...base, type: "judge", answer: true, options: { A: "对", B: "错" } })).toContain("判断题不设选项（options）");
  });

  it("refuses a fill-in question without a blank, with two blanks, or without an answer", () => {
    expect(messages(questionSchema, { ...base, type: "fill", answer: ["一年"] })).toContain("填空题题干中没有空，请用 ＿＿ 或 ____ 标出");
    expect(messages(questionSchema, { ...base, type: "fill", stem: "＿＿和＿＿", answer: ["一年"] })).toContain("填空题只能有一个空，现有 2 个");
    expect(messages(questionSchema, { ...base, type: "fill", stem: "预备期为＿＿。", answer: [] })).toContain("填空题至少要有一个答案");
    expect(messages(questionSchema, { ...base, type: "fill", stem: "预备期为＿＿。", answer: ["  "] })).toContain("填空题答案不能为空");
  });

  it("refuses an empty explanation", () => {
    expect(messages(questionSchema, { ...single, explanation: "   " })).toContain("解析不能为空");
  });

  it("refuses an unknown type, an unknown field and a difficulty out of range", () => {
    expect(messages(questionSchema, { ...single, type: "essay" })).toContain("题型只能是 single（单选）、multiple（多选）、judge（判断）或 fill（填空）");
    expect(messages(questionSchema, { ...single, answers: "B" })).toContain("不认识的字段：answers");
    expect(messages(questionSchema, { ...single, difficulty: 4 })).toContain("难度只能是 1（易）、2（中）或 3（难）");
  });

  it("refuses a bank with a question id used twice, pointing at the second one", () => {
    const bank = { id: "demo", title: "演示", description: "演示题库", questions: [single, { ...single, stem: "另一道题" }] };
    const result = bankSchema.safeParse(bank);
    expect(result.success).toBe(false);
    const issue = result.success ? undefined : result.error.issues[0];
    expect(issue?.message).toBe("题目编号 t-001 重复（第 1 题已使用）");
    expect(issue?.path).toEqual(["questions", 1, "id"]);
  });

  it("counts blanks written either way", () => {
    expect(countBlanks("甲＿＿乙____丙")).toBe(2);
    expect(countBlanks("没有空_")).toBe(0);
  });
});
