import { z } from "zod";
import { HOURS_CATEGORIES } from "./hours-categories";
import { hoursToHundredths } from "./hours";
import { meetingRulesSchema } from "./meeting-compliance";
import { reminderLeadsSchema } from "./reminder-leads";
import { CADRE_LEVELS, CADRE_LEVEL_LABELS, POLITICAL_STATUSES, POLITICAL_STATUS_LABELS } from "./vocabulary";

// The format of a rule pack (content/rule-packs/<id>.yaml): the study-hour requirements of the
// regulations a school follows, each citing its document and article, and the two pipeline gates.
// Pure: the caller reads and parses the YAML; this checks it and turns 学时 into hundredths.

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const PRORATE_RULES = ["by-months-in-status", "none"] as const;
export type ProrateRule = (typeof PRORATE_RULES)[number];
export const PRORATE_LABELS: Record<ProrateRule, string> = {
  "by-months-in-status": "按年内符合条件的月数折算",
  none: "不折算",
};

const text = (field: string) =>
  z
    .string({ error: `${field}必须是文字` })
    .trim()
    .min(1, `${field}不能为空`);

// Unknown keys are refused rather than dropped: a misspelt "hour:" would otherwise vanish silently.
const strictObject = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `不认识的字段：${issue.keys.join("、")}` : undefined),
  });

const id = (field: string) => z.string({ error: `${field}必须是文字` }).regex(KEBAB, `${field}只能由小写字母、数字和连字符组成`);

/** A number of 学时 as a pack file or the override form gives it, in hundredths. */
export const requirementHours = (n: z.ZodNumber) =>
  n
    .positive("学时必须大于 0")
    .max(10000, "学时过大")
    .refine((h) => Math.abs(h * 100 - Math.round(h * 100)) < 1e-6, "学时最多两位小数")
    .transform(hoursToHundredths);

const hours = requirementHours(z.number({ error: "学时必须是数字" }));

const counts = z
  .array(z.enum(HOURS_CATEGORIES, { error: `学时类别只能是 ${HOURS_CATEGORIES.join("、")}` }), { error: "counts 必须是学时类别的列表" })
  .min(1, "至少列出一种计入的学时类别");

const citation = {
  source: text("出处（source）"),
  article: text("条款（article）"),
  note: text("说明（note）"),
};

const appliesTo = strictObject({
  statuses: z
    .array(z.enum(POLITICAL_STATUSES, { error: `政治面貌只能是 ${POLITICAL_STATUSES.join("、")}` }))
    .min(1)
    .optional(),
  cadreLevels: z
    .array(z.enum(CADRE_LEVELS, { error: `干部级别只能是 ${CADRE_LEVELS.join("、")}` }))
    .min(1)
    .optional(),
  committee: z.literal(true, { error: "committee 只能写 true" }).optional(),
}).refine((a) => a.statuses || a.cadreLevels || a.committee, "appliesTo 至少要有一项条件");

const requirement = strictObject({
  id: id("要求编号"),
  label: text("名称（label）"),
  appliesTo,
  hours,
  period: z.literal("year", { error: "period 目前只能是 year（按年度考核）" }),
  counts,
  prorate: z.enum(PRORATE_RULES, { error: `prorate 只能是 ${PRORATE_RULES.join(" 或 ")}` }),
  supersedes: z.array(id("被替代的要求编号")).optional(),
  ...citation,
});

const gates = strictObject({
  targetTraining: strictObject({
    id: id("门槛编号"),
    label: text("名称（label）"),
    hours,
    counts,
    window: z.literal("since-target", { error: "window 目前只能是 since-target" }),
    ...citation,
  }),
  activistTime: strictObject({
    months: z.number({ error: "months 必须是数字" }).int("months 必须是整数").min(1).max(60),
    ...citation,
  }),
});

export const rulePackSchema = strictObject({
  id: id("规则包编号"),
  name: text("名称（name）"),
  version: z.number({ error: "version 必须是数字" }).int().positive(),
  description: text("说明（description）"),
  requirements: z.array(requirement).min(1, "至少要有一项学时要求"),
  gates,
  // How often each kind of meeting must be held (decision 056); optional so an older pack still loads.
  meetings: meetingRulesSchema.optional(),
  // When reminders go out before things are due (decision 058); optional, the defaults apply without it.
  reminders: reminderLeadsSchema.optional(),
}).superRefine((pack, ctx) => {
  const ids = pack.requirements.map((r) => r.id);
  const seen = new Set<string>();
  ids.forEach((rid, i) => {
    if (seen.has(rid)) ctx.addIssue({ code: "custom", path: ["requirements", i, "id"], message: `要求编号 ${rid} 重复` });
    seen.add(rid);
  });
  if (seen.has(pack.gates.targetTraining.id)) {
    ctx.addIssue({ code: "custom", path: ["gates", "targetTraining", "id"], message: "门槛编号不能与要求编号相同" });
  }
  pack.requirements.forEach((r, i) => {
    if (r.prorate === "by-months-in-status" && !r.appliesTo.statuses) {
      ctx.addIssue({ code: "custom", path: ["requirements", i, "prorate"], message: "按月折算须在 appliesTo 中列出政治面貌（statuses）" });
    }
  });
  pack.requirements.forEach((r, i) =>
    r.supersedes?.forEach((s, j) => {
      if (!seen.has(s) || s === r.id) ctx.addIssue({ code: "custom", path: ["requirements", i, "supersedes", j], message: `被替代的要求 ${s} 不存在` });
    }),
  );
});

export type RulePack = z.infer<typeof rulePackSchema>;
export type Requirement = RulePack["requirements"][number];
export type TargetTrainingGate = RulePack["gates"]["targetTraining"];

export type RulePackParse = { ok: true; pack: RulePack } | { ok: false; errors: string[] };

/** Checks a parsed YAML document; every message names the file and the field at fault, in Chinese. */
export function parseRulePack(data: unknown, file: string): RulePackParse {
  const result = rulePackSchema.safeParse(data);
  if (!result.success) {
    return {
      ok: false,
      errors: result.error.issues.map((i) => `${file}${i.path.length ? ` 的 ${i.path.join(".")}` : ""}：${i.message}`),
    };
  }
  const expected = file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/, "");
  if (result.data.id !== expected) return { ok: false, errors: [`${file}：规则包编号 ${result.data.id} 应与文件名 ${expected} 一致`] };
  return { ok: true, pack: result.data };
}

/** The ids a school may override: every requirement and the development-target training gate. */
export function overridableIds(pack: RulePack): string[] {
  return [...pack.requirements.map((r) => r.id), pack.gates.targetTraining.id];
}

/** Who a requirement applies to, as a person reads it: "预备党员或正式党员，且为支委成员". */
export function describeAppliesTo(a: Requirement["appliesTo"]): string {
  const parts: string[] = [];
  if (a.statuses) parts.push(a.statuses.map((s) => POLITICAL_STATUS_LABELS[s]).join("或"));
  if (a.cadreLevels) parts.push(a.cadreLevels.map((c) => CADRE_LEVEL_LABELS[c]).join("或"));
  if (a.committee) parts.push("支委成员");
  return parts.join("，且为");
}
