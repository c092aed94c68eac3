import { z } from "zod";
import { DateTimeLocalSchema } from "./date-fields";
import { OptionalHoursSchema } from "./hours-fields";
import { numberField } from "./form-number";

// The settings and paper sections a trainer gives a contest, as forms post them, with Chinese
// messages. Pure: shared by the contest builder's action and its tests. Audiences use the quiz
// builder's AudienceSchema (a unit's subtree, optionally one political status).

export const CONTEST_STATUS_LABELS: Record<string, string> = { draft: "草稿", published: "已发布", archived: "已归档" };
export const DIFFICULTY_LABELS = { "1": "易", "2": "中", "3": "难" } as const;

export const RequiredDateTime = (message: string) => DateTimeLocalSchema.refine((d): d is Date => d !== null, message);

export const ContestSettingsSchema = z
  .object({
    title: z.string({ error: "请填写竞赛名称" }).trim().min(1, "请填写竞赛名称").max(100, "名称最多 100 字"),
    description: z.preprocess((v) => (v === "" ? null : v), z.string().trim().max(2000, "说明最多 2000 字").nullable().optional()),
    opensAt: RequiredDateTime("请填写开始时间"),
    closesAt: RequiredDateTime("请填写截止时间"),
    timeLimitMin: numberField("答题时长", (n) => n.int("时长须为整数分钟").min(1, "时长至少 1 分钟").max(600, "时长最多 600 分钟")),
    creditHours: OptionalHoursSchema({ max: 100 }),
  })
  .refine((v) => v.opensAt < v.closesAt, { path: ["closesAt"], message: "截止时间须晚于开始时间" });
export type ContestSettingsInput = z.infer<typeof ContestSettingsSchema>;

export const SectionSchema = z.object({
  bankId: z.coerce.number({ error: "请选择题库" }).int().positive("请选择题库"),
  tag: z.preprocess((v) => (v === "" ? null : v), z.string().trim().max(30, "标签最多 30 字").nullable().optional()),
  difficulty: z.preprocess((v) => (v === "" || v === undefined ? null : v), z.coerce.number().int().min(1).max(3).nullable()),
  count: numberField("抽题数量", (n) => n.int("抽题数量须为整数").min(1, "至少抽 1 题").max(200, "最多抽 200 题")),
  points: numberField("分值", (n) => n.min(0.5, "每题分值至少 0.5 分").max(100, "每题分值最多 100 分")),
});
export type SectionInput = z.infer<typeof SectionSchema>;

export const DrawSchema = z.object({
  prizes: numberField("奖项数量", (n) => n.int("奖项数量须为整数").min(1, "至少抽 1 名").max(1000, "最多抽 1000 名")),
});

/** The participation rate (percent) a unit needs for the organisation award, unless the trainer says otherwise. */
export const DEFAULT_AWARD_THRESHOLD = 80;

export const AwardThresholdSchema = z.preprocess(
  (v) => (v === "" || v === null || v === undefined ? DEFAULT_AWARD_THRESHOLD : v),
  numberField("参与率门槛", (n) => n.min(0, "参与率门槛在 0 到 100 之间").max(100, "参与率门槛在 0 到 100 之间")),
);

/**
 * The results page's and its export's query: the organisation table's level (none or a bad one: the
 * first level) and the award threshold, read with AwardThresholdSchema apart so that one out of range
 * is said on the page while the table keeps the default.
 */
export const ResultsQuerySchema = z.object({
  unit: z.coerce.number().int().positive().optional().catch(undefined),
  threshold: z.string().optional(),
});
