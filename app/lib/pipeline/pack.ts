import { z } from "zod";
import { POLITICAL_STATUSES, type PoliticalStatus } from "../vocabulary";

// The format of a pipeline pack (content/pipeline-packs/<id>.yaml): the stages and steps of the
// development file, each citing its article, with who records it, its documents and its timing rules
// (docs/decisions/041-development-file.md). Pure: the caller reads the YAML; this checks it and refuses
// a malformed pack with a Chinese message naming the step.

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The level of unit whose secretary may record a step: the person's branch, the college above it, the committee. */
export const RECORDER_LEVELS = ["branch", "college", "committee"] as const;
export type RecorderLevel = (typeof RECORDER_LEVELS)[number];
export const RECORDER_LABELS: Record<RecorderLevel, string> = {
  branch: "党支部书记",
  college: "院系党组织书记",
  committee: "校党委组织部",
};

const text = (field: string) =>
  z
    .string({ error: `${field}必须是文字` })
    .trim()
    .min(1, `${field}不能为空`);

const strictObject = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `不认识的字段：${issue.keys.join("、")}` : undefined),
  });

const key = (field: string) => z.string({ error: `${field}必须是文字` }).regex(KEBAB, `${field}只能由小写字母、数字和连字符组成`);
const months = z.number({ error: "months 必须是数字" }).int("months 必须是整数").min(1, "months 至少为 1").max(120, "months 过大");
const day = z.string({ error: "日期必须写成 YYYY-MM-DD" }).regex(DAY, "日期必须写成 YYYY-MM-DD");

const cited = { article: text("条款（article）"), source: text("出处（source）").optional(), text: text("规则说明（text）") };

const rule = z.discriminatedUnion(
  "kind",
  [
    strictObject({ kind: z.literal("within"), of: key("所依据的步骤"), months, ...cited }),
    // extendedBy: the months recorded on that step (延长预备期) are added to the N months.
    strictObject({ kind: z.literal("not-before"), of: key("所依据的步骤"), months, extendedBy: key("延长步骤").optional(), ...cited }),
    strictObject({ kind: z.literal("public-notice"), of: key("所依据的步骤"), text: text("规则说明（text）") }),
    strictObject({ kind: z.literal("min-age"), years: z.number({ error: "years 必须是数字" }).int().min(1).max(100), ...cited }),
    strictObject({ kind: z.literal("every"), months, from: key("起算步骤"), until: key("截止步骤"), ...cited }),
    // Refused while step `of` is recorded and step `until` (its approval) is not.
    strictObject({ kind: z.literal("awaits"), of: key("所依据的步骤"), until: key("批准步骤"), ...cited }),
  ],
  { error: "规则种类（kind）只能是 within、not-before、public-notice、min-age、every 或 awaits" },
);
export type PipelineRule = z.infer<typeof rule>;

const step = strictObject({
  key: key("步骤编号"),
  stage: key("阶段编号"),
  title: text("名称（title）"),
  article: text("条款（article）"),
  /** The document the article is in, when not the pack's own (the Party constitution). */
  source: text("出处（source）").optional(),
  recorder: z.enum(RECORDER_LEVELS, { error: `recorder 只能是 ${RECORDER_LEVELS.join("、")}` }),
  after: z.array(key("前置步骤")).default([]),
  sets: z.enum(POLITICAL_STATUSES, { error: `sets 只能是 ${POLITICAL_STATUSES.join("、")}` }).optional(),
  effectiveAfter: strictObject({ of: key("所依据的步骤"), months, extendedBy: key("延长步骤").optional() }).optional(),
  /** The step records a length in months (延长预备期), at most maxMonths (refused beyond, citing the article). */
  length: strictObject({ maxMonths: months, ...cited }).optional(),
  /** Steps that close this one: once any is recorded, this one can no longer be (按期转正 closes 延长预备期). */
  closedBy: z.array(key("终止步骤")).default([]),
  /** The step may set a status behind the person's (取消预备党员资格); otherwise a status is only ever moved forward. */
  setsBack: z.boolean({ error: "setsBack 只能是 true 或 false" }).default(false),
  repeatable: z.boolean({ error: "repeatable 只能是 true 或 false" }).default(false),
  documents: z.array(text("材料名称")).default([]),
  rules: z.array(rule).default([]),
  note: text("说明（note）").optional(),
});

export const pipelinePackSchema = strictObject({
  id: key("档案规则包编号"),
  name: text("名称（name）"),
  version: z.number({ error: "version 必须是数字" }).int().positive(),
  source: text("出处（source）"),
  short: text("简称（short）"),
  description: text("说明（description）"),
  publicNotice: strictObject({
    workingDays: z.number({ error: "workingDays 必须是数字" }).int().min(1).max(30).nullable(),
    source: text("出处（source）"),
    note: text("说明（note）"),
  }),
  holidays: z.array(day).default([]),
  workdays: z.array(day).default([]),
  stages: z.array(strictObject({ key: key("阶段编号"), title: text("名称（title）") })).min(1, "至少要有一个阶段"),
  steps: z.array(step).min(1, "至少要有一个步骤"),
}).superRefine((pack, ctx) => {
  const stages = new Set(pack.stages.map((s) => s.key));
  const seen = new Map<string, number>();
  pack.steps.forEach((s, i) => {
    if (seen.has(s.key)) ctx.addIssue({ code: "custom", path: ["steps", i, "key"], message: `步骤编号 ${s.key} 重复` });
    seen.set(s.key, i);
    if (!stages.has(s.stage)) ctx.addIssue({ code: "custom", path: ["steps", i, "stage"], message: `阶段 ${s.stage} 不存在` });
  });
  pack.steps.forEach((s, i) => {
    const known = (k: string, path: (string | number)[]) => {
      if (!seen.has(k)) ctx.addIssue({ code: "custom", path: ["steps", i, ...path], message: `步骤 ${k} 不存在` });
    };
    // A step may only depend on steps listed before it: the file is read in this order.
    s.after.forEach((k, j) => {
      known(k, ["after", j]);
      if ((seen.get(k) ?? -1) >= i) ctx.addIssue({ code: "custom", path: ["steps", i, "after", j], message: `前置步骤 ${k} 须排在本步骤之前` });
    });
    s.rules.forEach((r, j) => {
      if (r.kind === "every") {
        known(r.from, ["rules", j, "from"]);
        known(r.until, ["rules", j, "until"]);
        if (!s.repeatable)
          ctx.addIssue({ code: "custom", path: ["steps", i, "rules", j], message: "周期性规则（every）只能用于可重复记录的步骤（repeatable: true）" });
      } else if (r.kind !== "min-age") known(r.of, ["rules", j, "of"]);
      if (r.kind === "awaits") known(r.until, ["rules", j, "until"]);
      if (r.kind === "not-before" && r.extendedBy) known(r.extendedBy, ["rules", j, "extendedBy"]);
    });
    if (s.effectiveAfter) known(s.effectiveAfter.of, ["effectiveAfter", "of"]);
    if (s.effectiveAfter?.extendedBy) known(s.effectiveAfter.extendedBy, ["effectiveAfter", "extendedBy"]);
    s.closedBy.forEach((k, j) => known(k, ["closedBy", j]));
    // A period is only extended by a step that records its length.
    const extenders: [string | undefined, (string | number)[]][] = [
      ...s.rules.map((r, j): [string | undefined, (string | number)[]] => [r.kind === "not-before" ? r.extendedBy : undefined, ["rules", j, "extendedBy"]]),
      [s.effectiveAfter?.extendedBy, ["effectiveAfter", "extendedBy"]],
    ];
    for (const [k, path] of extenders) {
      if (k && seen.has(k) && !pack.steps[seen.get(k)!].length)
        ctx.addIssue({ code: "custom", path: ["steps", i, ...path], message: `延长步骤 ${k} 须记录月数（length）` });
    }
    if (s.setsBack && !s.sets) ctx.addIssue({ code: "custom", path: ["steps", i, "setsBack"], message: "setsBack 须与 sets 一起使用" });
    if (s.length && s.repeatable) ctx.addIssue({ code: "custom", path: ["steps", i, "length"], message: "记录期限的步骤（length）不能重复记录" });
    if (s.repeatable && s.sets) ctx.addIssue({ code: "custom", path: ["steps", i, "sets"], message: "可重复记录的步骤不能变更政治面貌" });
  });
});

export type PipelinePack = z.infer<typeof pipelinePackSchema>;
export type PipelineStep = PipelinePack["steps"][number];

export type PipelinePackParse = { ok: true; pack: PipelinePack } | { ok: false; errors: string[] };

/** Checks a parsed YAML document; every message names the file and the step (or field) at fault. */
export function parsePipelinePack(data: unknown, file: string): PipelinePackParse {
  const result = pipelinePackSchema.safeParse(data);
  if (!result.success) {
    const steps = Array.isArray((data as { steps?: unknown })?.steps) ? ((data as { steps: unknown[] }).steps as unknown[]) : [];
    return {
      ok: false,
      errors: result.error.issues.map((i) => {
        // "steps.3.rules.0.months" reads as 步骤 apply-talk（第 4 步）的 rules.0.months.
        if (i.path[0] === "steps" && typeof i.path[1] === "number") {
          const stepKey = (steps[i.path[1]] as { key?: unknown } | undefined)?.key;
          const name = typeof stepKey === "string" ? `步骤 ${stepKey}（第 ${i.path[1] + 1} 步）` : `第 ${i.path[1] + 1} 步`;
          const rest = i.path.slice(2).join(".");
          return `${file} 的${name}${rest ? ` 的 ${rest}` : ""}：${i.message}`;
        }
        return `${file}${i.path.length ? ` 的 ${i.path.join(".")}` : ""}：${i.message}`;
      }),
    };
  }
  const expected = file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/, "");
  if (result.data.id !== expected) return { ok: false, errors: [`${file}：档案规则包编号 ${result.data.id} 应与文件名 ${expected} 一致`] };
  return { ok: true, pack: result.data };
}

/** "《细则》第七条" or "《中国共产党章程》第五条": where a step or rule comes from, as a person reads it. */
export function citation(pack: PipelinePack, article: string, source?: string): string {
  return `${source ?? pack.short}${article}`;
}

export function stepOf(pack: PipelinePack, stepKey: string): PipelineStep | undefined {
  return pack.steps.find((s) => s.key === stepKey);
}

export type { PoliticalStatus };
