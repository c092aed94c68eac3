import { z } from "zod";
import { formatDate, todayInChina } from "./dates";
import { DateOnlySchema } from "./date-fields";
import { HoursSchema } from "./hours-fields";
import { type HoursCategory } from "./hours-categories";

// Manual credit: external training a member asks to have counted, with a certificate image, decided by
// a secretary. Pure: the form's schema and labels, shared by the pages and the domain module.

export const CLAIM_CATEGORIES = ["party_school", "offline", "online"] as const satisfies readonly HoursCategory[];
export const CLAIM_STATUS_LABELS: Record<string, string> = { pending: "待审核", approved: "已通过", rejected: "未通过" };

export const ClaimSchema = z.object({
  title: z.string({ error: "请填写培训名称" }).trim().min(1, "请填写培训名称").max(100, "培训名称最多 100 字"),
  organizer: z.preprocess((v) => (v === "" ? null : v), z.string().trim().max(100, "主办单位最多 100 字").nullable().optional()),
  category: z.enum(CLAIM_CATEGORIES, { error: "请选择学时类别" }),
  hours: HoursSchema({ max: 200 }),
  earnedOn: DateOnlySchema.refine((d) => formatDate(d) <= todayInChina(), "培训日期不能晚于今天"),
});
export type ClaimInput = z.infer<typeof ClaimSchema>;

export const DecisionReasonSchema = z.string({ error: "请填写不通过的原因" }).trim().min(2, "请填写不通过的原因（至少 2 个字）").max(200, "原因最多 200 字");
