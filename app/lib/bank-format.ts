import { z } from "zod";
import { OPTION_LETTERS, type QuestionType } from "./quiz-grading";

// The format of a question bank file (content/banks/*.yaml): one bank, its questions, and the rules
// a trainer breaks most often, reported in Chinese with the path of the offending field. Pure: the
// caller reads and parses the YAML and hands the data in.

export const QUESTION_TYPES = ["single", "multiple", "judge", "fill"] as const satisfies readonly QuestionType[];

// A blank in a fill-in stem: two or more full-width low lines (＿＿) or four or more underscores (____).
const BLANK_PATTERN = /＿{2,}|_{4,}/g;

export function countBlanks(stem: string): number {
  return stem.match(BLANK_PATTERN)?.length ?? 0;
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The longest 题干, option, 出处 or tag (characters); 解析 may be longer. A question is read on a phone. */
export const MAX_TEXT_CHARS = 1000;
export const MAX_EXPLANATION_CHARS = 3000;

const text = (field: string, max = MAX_TEXT_CHARS) =>
  z
    .string({ error: `${field}必须是文字` })
    .trim()
    .min(1, `${field}不能为空`)
    .max(max, `${field}不能超过 ${max} 字`);

// Unknown keys are refused rather than dropped: a misspelt "answers:" would otherwise vanish silently.
const strictObject = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `不认识的字段：${issue.keys.join("、")}` : undefined),
  });

const optionKey = z.enum(OPTION_LETTERS, { error: "选项字母只能是 A、B、C、D、E、F" });

const options = z.partialRecord(optionKey, text("选项内容"), { error: "选项必须写成 {A: …, B: …} 的形式" }).superRefine((opts, ctx) => {
  const keys = Object.keys(opts);
  if (keys.length < 2 || keys.length > 6) {
    ctx.addIssue({ code: "custom", message: `选项须有 2 到 6 个，现有 ${keys.length} 个` });
    return;
  }
  const expected = OPTION_LETTERS.slice(0, keys.length);
  if (!expected.every((k) => k in opts)) {
    ctx.addIssue({ code: "custom", message: `选项须从 A 起连续编排（应为 ${expected.join("、")}）` });
  }
  const texts = Object.values(opts);
  if (new Set(texts).size !== texts.length) {
    ctx.addIssue({ code: "custom", message: "选项内容有重复" });
  }
});

const questionId = z.string({ error: "题目编号必须是文字" }).regex(KEBAB, "题目编号只能由小写字母、数字和连字符组成，如 pc-001");

const noOptions = (label: string) => z.never({ error: `${label}不设选项（options）` }).optional();

const tagList = z.array(text("标签"), { error: "标签必须写成列表，如 [党章, 党员]" });

// One set of rules for every way a question enters: bank files, the browser editor and Excel
// import. A bank file must cite its source and explain and tag every question; a trainer's own
// question may leave 出处, 解析 and 标签 out (a school that wants them says so: QUESTION_REQUIRED_FIELDS).
function buildQuestionSchema<S extends z.ZodType<string | undefined>, E extends z.ZodType<string>, T extends z.ZodType<string[]>>(
  source: S,
  explanation: E,
  tags: T,
) {
  const common = {
    id: questionId,
    stem: text("题干"),
    explanation,
    difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)], {
      error: "难度只能是 1（易）、2（中）或 3（难）",
    }),
    tags,
    source,
  };

  const singleQuestion = strictObject({
    ...common,
    type: z.literal("single"),
    options,
    answer: optionKey,
  }).superRefine((q, ctx) => {
    if (!(q.answer in q.options)) {
      ctx.addIssue({ code: "custom", path: ["answer"], message: `答案 ${q.answer} 不在选项中` });
    }
  });

  const multipleQuestion = strictObject({
    ...common,
    type: z.literal("multiple"),
    options,
    answer: z.array(optionKey, { error: "多选题答案必须写成列表，如 [A, C]" }).min(2, "多选题至少要有两个正确答案"),
  }).superRefine((q, ctx) => {
    const missing = q.answer.filter((k) => !(k in q.options));
    if (missing.length > 0) {
      ctx.addIssue({ code: "custom", path: ["answer"], message: `答案 ${missing.join("、")} 不在选项中` });
    }
    if (new Set(q.answer).size !== q.answer.length) {
      ctx.addIssue({ code: "custom", path: ["answer"], message: "多选题答案有重复的字母" });
    }
  });

  const judgeQuestion = strictObject({
    ...common,
    type: z.literal("judge"),
    options: noOptions("判断题"),
    answer: z.boolean({ error: "判断题答案只能是 true（正确）或 false（错误）" }),
  });

  const fillQuestion = strictObject({
    ...common,
    type: z.literal("fill"),
    options: noOptions("填空题"),
    answer: z.array(text("填空题答案"), { error: '填空题答案必须写成列表，如 ["答案", "可接受的别称"]' }).min(1, "填空题至少要有一个答案"),
  }).superRefine((q, ctx) => {
    const blanks = countBlanks(q.stem);
    if (blanks === 0) {
      ctx.addIssue({ code: "custom", path: ["stem"], message: "填空题题干中没有空，请用 ＿＿ 或 ____ 标出" });
    } else if (blanks > 1) {
      // The answer list holds alternatives for one blank, so a second blank could not be graded.
      ctx.addIssue({ code: "custom", path: ["stem"], message: `填空题只能有一个空，现有 ${blanks} 个` });
    }
  });

  return z.discriminatedUnion("type", [singleQuestion, multipleQuestion, judgeQuestion, fillQuestion], {
    error: "题型只能是 single（单选）、multiple（多选）、judge（判断）或 fill（填空）",
  });
}

export const questionSchema = buildQuestionSchema(text("出处"), text("解析", MAX_EXPLANATION_CHARS), tagList.min(1, "至少要有一个标签"));

/** The same rules for a question written in the browser or imported from Excel, where 出处, 解析 and 标签 may be left out. */
export const editableQuestionSchema = buildQuestionSchema(
  text("出处").optional(),
  z.string({ error: "解析必须是文字" }).trim().max(MAX_EXPLANATION_CHARS, `解析不能超过 ${MAX_EXPLANATION_CHARS} 字`),
  tagList,
);

/** What a school may require of every question beyond the rules (QUESTION_REQUIRED_FIELDS). */
export type RequiredExtras = { explanation: boolean; tags: boolean };

/** The extras a question lacks, as the columns' Chinese names. */
export function missingExtras(q: Pick<EditableQuestion, "explanation" | "tags">, required: RequiredExtras): ("解析" | "标签")[] {
  const missing: ("解析" | "标签")[] = [];
  if (required.explanation && q.explanation.trim() === "") missing.push("解析");
  if (required.tags && q.tags.length === 0) missing.push("标签");
  return missing;
}

export const bankSchema = strictObject({
  id: z.string({ error: "题库编号必须是文字" }).regex(KEBAB, "题库编号只能由小写字母、数字和连字符组成，如 party-constitution"),
  title: text("题库名称"),
  description: text("题库说明"),
  questions: z.array(questionSchema, { error: "questions 必须是题目列表" }).min(1, "题库至少要有一道题"),
}).superRefine((bank, ctx) => {
  const firstSeen = new Map<string, number>();
  bank.questions.forEach((q, i) => {
    const earlier = firstSeen.get(q.id);
    if (earlier === undefined) {
      firstSeen.set(q.id, i);
    } else {
      ctx.addIssue({
        code: "custom",
        path: ["questions", i, "id"],
        message: `题目编号 ${q.id} 重复（第 ${earlier + 1} 题已使用）`,
      });
    }
  });
});

export type Bank = z.infer<typeof bankSchema>;
export type Question = z.infer<typeof questionSchema>;
export type EditableQuestion = z.infer<typeof editableQuestionSchema>;
export type SingleQuestion = Extract<Question, { type: "single" }>;
export type MultipleQuestion = Extract<Question, { type: "multiple" }>;
export type JudgeQuestion = Extract<Question, { type: "judge" }>;
export type FillQuestion = Extract<Question, { type: "fill" }>;
