import { z } from "zod";
import { AppError } from "./app-error";
import { CHINA_OFFSET_MS, asChinaWallClock, formatChinaDateTime } from "./dates";
import { DateTimeLocalSchema } from "./date-fields";
import { numberField } from "./form-number";

// The pure rules of written assignments (心得体会, 读书报告, 思想汇报): the settings an organiser gives,
// the rubric, when a hand-in is accepted and whether it is late, and a grade by the rubric. Decision 044.

export const ASSIGNMENT_KINDS = ["essay", "book_report", "thought_report"] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];
export const ASSIGNMENT_KIND_LABELS: Record<AssignmentKind, string> = { essay: "心得体会", book_report: "读书报告", thought_report: "思想汇报" };

export const SUBMISSION_STATUSES = ["draft", "submitted", "returned", "graded"] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];
export const SUBMISSION_STATUS_LABELS: Record<SubmissionStatus, string> = { draft: "草稿", submitted: "待批阅", returned: "退回修改", graded: "已批阅" };

/** A hand-in's text may hold this many characters, whatever the assignment's limit (a 20,000-字 essay with its spacing). */
export const MAX_TEXT_LENGTH = 100_000;
/** The text of a hand-in or a draft as a form posts it: conform reads an empty textarea as absent, which is an empty text. */
export const SubmissionTextSchema = z
  .string()
  .max(MAX_TEXT_LENGTH, `正文不能超过 ${MAX_TEXT_LENGTH} 个字符`)
  .optional()
  .transform((t) => t ?? "");

/** The one file a submission may carry: its form field and its size limit (app/.server/assignments/attachment-file.ts). */
export const ATTACHMENT_FIELD = "attachment";
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Where a submission's attachment is downloaded: the current one, or the one handed in with a version. */
export function attachmentHref(submissionId: number, version?: number): string {
  return `/assignments/attachments/${submissionId}${version === undefined ? "" : `?version=${version}`}`;
}
/** The largest limit an organiser may set. */
export const MAX_CHARS_LIMIT = 50_000;

/** One criterion of a rubric: its label and its maximum, in hundredths of a point. */
export type Criterion = { label: string; max: number };

/** The rubric as stored on the assignment. */
export const RubricSchema = z
  .array(z.object({ label: z.string().min(1).max(40), max: z.number().int().positive().max(10_000) }))
  .min(1)
  .max(10);

export function readRubric(json: string): Criterion[] {
  return RubricSchema.parse(JSON.parse(json));
}

/** A stored rubric's full marks in hundredths (the sum of its maxima), or null when it cannot be read. */
export function rubricFullMarks(json: string): number | null {
  try {
    return readRubric(json).reduce((sum, c) => sum + c.max, 0);
  } catch {
    return null;
  }
}

/** "12.5" for 1250 hundredths. */
export function pointsText(hundredths: number): string {
  return String(Math.round(hundredths) / 100);
}

/** Points typed with at most two decimals, as hundredths; NaN when there are more. */
function toHundredths(points: number): number {
  const h = Math.round(points * 100);
  return Math.abs(h - points * 100) < 1e-6 ? h : Number.NaN;
}

const RUBRIC_LINE = /^(.+?)[\s:：,，、]+([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分?$/;

/**
 * The rubric typed one criterion a line, "思想认识 40" or "联系实际：30分": each line a label and its
 * maximum. Refuses with the line that is wrong.
 */
export function parseRubricText(text: string): { rubric: Criterion[] } | { error: string } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return { error: "请至少填写一项评分标准" };
  if (lines.length > 10) return { error: "评分标准最多 10 项" };
  const rubric: Criterion[] = [];
  for (const [i, line] of lines.entries()) {
    const m = RUBRIC_LINE.exec(line);
    const max = m ? toHundredths(Number(m[2].normalize("NFKC"))) : Number.NaN;
    if (!m || !(max > 0) || max > 10_000) return { error: `第 ${i + 1} 行「${line}」应为“标准名称 满分”，满分为 0.01 至 100 之间的数，如“思想认识 40”` };
    const label = m[1].trim();
    if (label.length > 40) return { error: `第 ${i + 1} 行的标准名称超过 40 个字` };
    if (rubric.some((c) => c.label === label)) return { error: `评分标准「${label}」重复` };
    rubric.push({ label, max });
  }
  return { rubric };
}

const dateField = (label: string) => DateTimeLocalSchema.refine((d) => d !== null, `请填写${label}`);

/** The organiser's form for a class assignment. */
export const AssignmentSettingsSchema = z
  .object({
    title: z.string({ error: "请填写作业名称" }).trim().min(1, "请填写作业名称").max(80, "作业名称不超过 80 个字"),
    kind: z.enum(["essay", "book_report"], { error: "请选择作业类型" }),
    prompt: z.string({ error: "请填写作业要求" }).trim().min(1, "请填写作业要求").max(5000, "作业要求不超过 5000 个字"),
    minChars: numberField("最少字数", (n) => n.int("最少字数须为整数").min(0, "最少字数不能为负数").max(MAX_CHARS_LIMIT, `字数不超过 ${MAX_CHARS_LIMIT}`)),
    maxChars: numberField("最多字数", (n) => n.int("最多字数须为整数").min(1, "最多字数至少为 1").max(MAX_CHARS_LIMIT, `字数不超过 ${MAX_CHARS_LIMIT}`)),
    opensAt: dateField("开始时间"),
    dueAt: dateField("截止时间"),
    lateUntil: DateTimeLocalSchema.optional().transform((d) => d ?? null),
    allowAttachments: z
      .boolean()
      .optional()
      .transform((b) => b ?? false),
    rubric: z.string({ error: "请填写评分标准" }).transform((text, ctx) => {
      const parsed = parseRubricText(text);
      if ("error" in parsed) {
        ctx.addIssue({ code: "custom", message: parsed.error });
        return z.NEVER;
      }
      return parsed.rubric;
    }),
  })
  .superRefine((v, ctx) => {
    if (v.minChars > v.maxChars) ctx.addIssue({ code: "custom", path: ["maxChars"], message: "最多字数不能少于最少字数" });
    if (v.opensAt && v.dueAt && v.dueAt <= v.opensAt) ctx.addIssue({ code: "custom", path: ["dueAt"], message: "截止时间应晚于开始时间" });
    if (v.lateUntil && v.dueAt && v.lateUntil <= v.dueAt) ctx.addIssue({ code: "custom", path: ["lateUntil"], message: "补交截止时间应晚于截止时间" });
  });
export type AssignmentSettings = z.output<typeof AssignmentSettingsSchema>;

type Window = { opensAt: Date; dueAt: Date; lateUntil: Date | null };
type Standing = { status: string; resubmitBy: Date | null };

/**
 * Whether a hand-in is accepted now and whether it is late: on time until dueAt; late until lateUntil;
 * refused after. A submission returned for revision with a date of its own is on time until that date.
 * A 补交 the organiser granted one member (`extendedTo`, with a reason) is that member's own due date:
 * on time until then, the assignment's late rule after it.
 */
export function handInTiming(a: Window, s: Standing | null, now: Date, extendedTo: Date | null = null): { late: boolean } {
  if (now < a.opensAt) throw new AppError("not_open", `作业将于 ${formatChinaDateTime(a.opensAt)} 开放提交`);
  if (s?.status === "returned" && s.resubmitBy) {
    if (now <= s.resubmitBy) return { late: false };
    throw new AppError("deadline", `修改后重新提交的截止时间（${formatChinaDateTime(s.resubmitBy)}）已过，不再接收`);
  }
  if (now <= a.dueAt) return { late: false };
  if (extendedTo && now <= extendedTo) return { late: false };
  if (a.lateUntil && now <= a.lateUntil) return { late: true };
  throw new AppError(
    "deadline",
    extendedTo && (!a.lateUntil || extendedTo > a.lateUntil)
      ? `准予补交的截止时间（${formatChinaDateTime(extendedTo)}）已过，不再接收`
      : a.lateUntil
        ? `补交截止时间（${formatChinaDateTime(a.lateUntil)}）已过，不再接收`
        : `截止时间（${formatChinaDateTime(a.dueAt)}）已过，不再接收（本作业不接受补交）`,
  );
}

/** The late rule as the learner reads it. */
export function lateRuleText(a: { dueAt: Date | string; lateUntil: Date | string | null }): string {
  return a.lateUntil
    ? `截止后至 ${formatChinaDateTime(a.lateUntil)} 仍可补交，记为迟交；此后不再接收`
    : `截止时间（${formatChinaDateTime(a.dueAt)}）后不再接收`;
}

/** The length rule: refused below the minimum (with the count) and above the maximum. */
export function checkLength(count: number, a: { minChars: number; maxChars: number }) {
  if (count < a.minChars) throw new AppError("invalid", `字数不足：要求至少 ${a.minChars} 字，当前 ${count} 字`, { field: "text" });
  if (count > a.maxChars) throw new AppError("invalid", `字数超出：要求不超过 ${a.maxChars} 字，当前 ${count} 字`, { field: "text" });
}

/** A grade by the rubric: each criterion's points within its maximum, the total their sum (hundredths). */
export function scoreByRubric(rubric: Criterion[], points: readonly number[]): { scores: number[]; total: number } {
  if (points.length !== rubric.length) throw new AppError("invalid", "请为每一项评分标准打分");
  const scores = rubric.map((c, i) => {
    const h = toHundredths(points[i]);
    if (!Number.isFinite(h) || h < 0 || h > c.max) {
      throw new AppError("invalid", `「${c.label}」的得分应在 0 至 ${pointsText(c.max)} 分之间（最多两位小数）`, { field: `points[${i}]` });
    }
    return h;
  });
  return { scores, total: scores.reduce((a, b) => a + b, 0) };
}

/** A 思想汇报's length: a page at least, as branches ask; the same ceiling as any written work. */
export const THOUGHT_REPORT_LIMITS = { minChars: 200, maxChars: 20_000 };

/** A 思想汇报 as the two reading pages show it (the secretaries' and the 培养联系人's). */
export type ReportToRead = {
  id: number;
  name: string;
  unitName: string;
  title: string;
  read: boolean;
  chars: number;
  submittedAt: string;
  text: string;
  comment: string;
};

/** A reader's comment on a 思想汇报 (已阅 with the comment). */
export const ThoughtCommentSchema = z.object({
  intent: z.literal("comment"),
  submissionId: z.number().int().positive(),
  comment: z.string({ error: "请填写意见" }).trim().min(1, "请填写意见").max(2000, "意见不超过 2000 个字"),
});

/**
 * The quarter (in China) a 思想汇报 handed in at `now` is for: activists report each quarter, as
 * branches ask. Open from its first day, due at its last second; no late hand-in, the next quarter's
 * report is the next one.
 */
export function thoughtReportQuarter(now: Date) {
  const wall = asChinaWallClock(now);
  const year = wall.getUTCFullYear();
  const quarter = Math.floor(wall.getUTCMonth() / 3) + 1;
  return {
    series: `thought_report:${year}Q${quarter}`,
    title: `${year} 年第 ${quarter} 季度思想汇报`,
    opensAt: new Date(Date.UTC(year, (quarter - 1) * 3, 1) - CHINA_OFFSET_MS),
    dueAt: new Date(Date.UTC(year, quarter * 3, 1) - CHINA_OFFSET_MS - 1000),
  };
}
