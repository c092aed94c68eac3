import { z } from "zod";
import { asChinaWallClock } from "./dates";
import { DateTimeLocalSchema } from "./date-fields";
import { OptionalHoursSchema } from "./hours-fields";
import { PoliticalStatusSchema } from "./vocabulary-fields";
import { numberField, optionalNumberField } from "./form-number";

// The settings a trainer gives a quiz, as forms post them, with Chinese messages. Pure: shared by
// the builder's action and its tests.

export const GRADE_METHODS = ["highest", "last", "average"] as const;
export const GRADE_METHOD_LABELS: Record<(typeof GRADE_METHODS)[number], string> = { highest: "取最高分", last: "取最后一次", average: "取平均分" };
export const REVIEW_POLICIES = ["never", "after_submit", "after_close"] as const;
export const REVIEW_POLICY_LABELS: Record<(typeof REVIEW_POLICIES)[number], string> = {
  never: "不允许查看答案",
  after_submit: "交卷后可查看答案与解析",
  after_close: "测试截止后可查看答案与解析",
};
/** Whether a finished attempt's key and marks per question may be shown to its learner now. */
export function answersReviewable(policy: string, closesAt: Date | null, now: Date): boolean {
  return policy === "after_submit" || (policy === "after_close" && closesAt !== null && closesAt <= now);
}
/** How the learner sees the paper (decision 064): the whole paper on one page, or one question per screen. */
export const QUIZ_LAYOUTS = ["page", "single"] as const;
export type QuizLayout = (typeof QUIZ_LAYOUTS)[number];
export const QUIZ_LAYOUT_LABELS: Record<QuizLayout, string> = { page: "整页作答（全部题目在一页）", single: "逐题作答（一屏一题）" };
export const QUIZ_STATUS_LABELS: Record<string, string> = { draft: "草稿", published: "已发布", archived: "已归档" };

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === "1", z.boolean());

export const QuizSettingsSchema = z
  .object({
    title: z.string({ error: "请填写测试名称" }).trim().min(1, "请填写测试名称").max(100, "名称最多 100 字"),
    description: z.preprocess((v) => (v === "" ? null : v), z.string().trim().max(2000, "说明最多 2000 字").nullable().optional()),
    opensAt: DateTimeLocalSchema,
    closesAt: DateTimeLocalSchema,
    timeLimitMin: optionalNumberField("答题时长", (n) => n.int("时长须为整数分钟").min(1, "时长至少 1 分钟").max(600, "时长最多 600 分钟")),
    maxAttempts: numberField("作答次数", (n) => n.int("作答次数须为整数").min(1, "至少允许作答 1 次").max(20, "最多 20 次")),
    gradeMethod: z.enum(GRADE_METHODS, { error: "请选择计分方式" }),
    passPercent: numberField("及格线", (n) => n.int("及格线须为整数").min(0, "及格线在 0 到 100 之间").max(100, "及格线在 0 到 100 之间")),
    shuffleQuestions: checkbox,
    shuffleOptions: checkbox,
    reviewPolicy: z.enum(REVIEW_POLICIES, { error: "请选择查看答案的规则" }),
    // Absent (a form older than the setting): the quiz keeps its layout.
    layout: z.enum(QUIZ_LAYOUTS, { error: "请选择作答方式" }).optional(),
    creditHours: OptionalHoursSchema({ max: 100 }),
  })
  .refine((v) => !v.opensAt || !v.closesAt || v.opensAt < v.closesAt, { path: ["closesAt"], message: "截止时间须晚于开始时间" });
export type QuizSettingsInput = z.infer<typeof QuizSettingsSchema>;

export const SlotSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("fixed"),
    questionId: z.coerce.number({ error: "请选择题目" }).int().positive("请选择题目"),
    mark: numberField("分值", (n) => n.min(0.5, "每题分值至少 0.5 分").max(100, "每题分值最多 100 分")),
  }),
  z.object({
    kind: z.literal("draw"),
    bankId: z.coerce.number({ error: "请选择题库" }).int().positive("请选择题库"),
    tag: z.preprocess((v) => (v === "" ? null : v), z.string().trim().max(30).nullable().optional()),
    difficulty: z.preprocess((v) => (v === "" || v === undefined ? null : v), z.coerce.number().int().min(1).max(3).nullable()),
    count: numberField("抽题数量", (n) => n.int("抽题数量须为整数").min(1, "至少抽 1 题").max(200, "最多抽 200 题")),
    mark: numberField("分值", (n) => n.min(0.5, "每题分值至少 0.5 分").max(100, "每题分值最多 100 分")),
  }),
]);
export type SlotInput = z.infer<typeof SlotSchema>;

export const AudienceSchema = z.object({
  unitId: z.coerce.number({ error: "请选择党组织" }).int().positive("请选择党组织"),
  politicalStatus: z.preprocess((v) => (v === "" ? null : v), PoliticalStatusSchema.nullable()),
});

/** For <input type="datetime-local">: an instant as Beijing wall-clock time. */
export function toLocalInput(d: Date | string | null | undefined): string {
  if (!d) return "";
  return asChinaWallClock(d).toISOString().slice(0, 16);
}
