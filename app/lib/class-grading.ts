import { z } from "zod";
import { numberField, optionalNumberField } from "./form-number";

// A class's grading rule as data (TrainingClass.gradingRule) and the arithmetic that turns a member's
// component scores into a total, a pass and 优秀学员. Pure: the server reads the figures from the real
// tables (app/.server/classes/results.ts) and hands them in. Scores are hundredths of a point (0–10000).
//
// The rules, stated once (docs/decisions/043-class-grading-and-graduation.md):
// - Components: 学习 (share of the required schedule completed), 出勤 (share of the required sessions
//   attended; when the rule has it, sessions leave 学习), 心得 (the class's assignment grades) and 考试
//   (the exam quiz's grade, or the 补考's for a member who sat it). Weights are whole percents summing to 100.
// - A component the member has no figure for is missing: the member has not passed, with the reason
//   (未参加结业考试, …), unless the rule says that component counts a missing figure as 0.
// - Each component may have a minimum; a figure below it fails the member whatever the total.
// - The total is the weighted sum rounded to a hundredth; it passes at or above the pass mark.
// - 优秀学员: among those who passed with a total at or above `minTotal`, and when `topPercent` is set,
//   only the best floor(passed × topPercent / 100) of all who passed; members tied with the last one
//   admitted are admitted too (the same total never gets a different result).

export const GRADE_COMPONENTS = ["study", "attendance", "essay", "exam"] as const;
export type GradeComponent = (typeof GRADE_COMPONENTS)[number];

export const GRADE_COMPONENT_LABELS: Record<GradeComponent, string> = { study: "学习", attendance: "出勤", essay: "心得", exam: "考试" };

/** What a missing figure means when the server has no finer reason. */
export const MISSING_REASONS: Record<GradeComponent, string> = {
  study: "没有学习记录",
  attendance: "没有出勤记录",
  essay: "心得未提交或未评分",
  exam: "未参加结业考试",
};

const score = (label: string) =>
  z
    .number({ error: `${label}须为数字` })
    .min(0, `${label}不能小于 0`)
    .max(100, `${label}不能大于 100`);

export const ComponentRuleSchema = z.object({
  key: z.enum(GRADE_COMPONENTS, { error: "未知的成绩组成部分" }),
  weight: z.number({ error: "权重须为整数" }).int("权重须为整数").min(1, "权重须在 1–100 之间").max(100, "权重须在 1–100 之间"),
  /** The lowest figure (0–100) that passes this component; null: none. */
  min: score("最低分").nullable().default(null),
  /** True: a missing figure counts as 0 instead of failing the member. */
  missingAsZero: z.boolean().default(false),
});

export const GradingRuleSchema = z
  .object({
    components: z.array(ComponentRuleSchema).min(1, "至少需要一个成绩组成部分"),
    passMark: score("合格分数线"),
    excellent: z
      .object({
        minTotal: score("优秀学员分数线"),
        topPercent: z.number().int("优秀比例须为整数").min(1, "优秀比例须在 1–100 之间").max(100, "优秀比例须在 1–100 之间").nullable().default(null),
      })
      .nullable()
      .default(null),
  })
  .superRefine((rule, ctx) => {
    const keys = rule.components.map((c) => c.key);
    const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
    if (repeated) ctx.addIssue({ code: "custom", path: ["components"], message: `“${GRADE_COMPONENT_LABELS[repeated]}”重复出现` });
    const sum = rule.components.reduce((s, c) => s + c.weight, 0);
    if (sum !== 100) ctx.addIssue({ code: "custom", path: ["components"], message: `各部分权重之和须为 100%，现为 ${sum}%` });
  });

export type GradingRule = z.output<typeof GradingRuleSchema>;
export type ComponentRule = GradingRule["components"][number];

/** The default of a new class: 学习 30 % + 心得 20 % + 考试 50 %, 考试 ≥ 60, pass at 60, 优秀 the best 10 % with ≥ 85. */
export const DEFAULT_GRADING_RULE: GradingRule = {
  components: [
    { key: "study", weight: 30, min: null, missingAsZero: false },
    { key: "essay", weight: 20, min: null, missingAsZero: false },
    { key: "exam", weight: 50, min: 60, missingAsZero: false },
  ],
  passMark: 60,
  excellent: { minTotal: 85, topPercent: 10 },
};

/**
 * The rule stored on a class. An unreadable rule is an error, never a default: grading a class by a
 * rule nobody chose would publish wrong results.
 */
export function parseGradingRule(json: string): { ok: true; rule: GradingRule } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, message: "评分规则无法读取，请重新设置" };
  }
  const parsed = GradingRuleSchema.safeParse(raw);
  return parsed.success ? { ok: true, rule: parsed.data } : { ok: false, message: `评分规则有误：${parsed.error.issues[0]?.message ?? "格式不正确"}` };
}

/** One line of the rule in words, for the results page and the export: "学习 30% + 心得 20% + 考试 50%（考试 ≥ 60）；总分 ≥ 60 合格". */
export function describeRule(rule: GradingRule): string {
  const parts = rule.components.map((c) => `${GRADE_COMPONENT_LABELS[c.key]} ${c.weight}%`).join(" + ");
  const mins = rule.components.filter((c) => c.min !== null).map((c) => `${GRADE_COMPONENT_LABELS[c.key]} ≥ ${c.min}`);
  const excellent = rule.excellent
    ? `；优秀学员：总分 ≥ ${rule.excellent.minTotal}${rule.excellent.topPercent ? `，且在合格学员的前 ${rule.excellent.topPercent}%` : ""}`
    : "";
  return `${parts}${mins.length ? `（${mins.join("，")}）` : ""}；总分 ≥ ${rule.passMark} 合格${excellent}`;
}

/** A member's figure for one component: hundredths of a point, or null with why there is none. */
export type ComponentInput = { score: number | null; missingReason?: string };

export type ComponentResult = { key: GradeComponent; score: number | null; weight: number; counted: number };

export type MemberGrade = {
  components: ComponentResult[];
  /** Hundredths of a point; null when a missing component leaves no total. */
  total: number | null;
  passed: boolean;
  /** Why the member has not passed, in the order of the rule; empty when they passed. */
  reasons: string[];
};

const points = (hundredths: number) => (hundredths / 100).toFixed(2).replace(/\.?0+$/, "");

export function gradeMember(rule: GradingRule, inputs: Partial<Record<GradeComponent, ComponentInput>>): MemberGrade {
  const reasons: string[] = [];
  const components: ComponentResult[] = [];
  let weighted = 0;
  let complete = true;
  for (const c of rule.components) {
    const input = inputs[c.key];
    const label = GRADE_COMPONENT_LABELS[c.key];
    let s = input?.score ?? null;
    if (s !== null && (!Number.isFinite(s) || s < 0 || s > 10000)) throw new RangeError(`${c.key} score out of range: ${s}`);
    if (s === null && c.missingAsZero) s = 0;
    if (s === null) {
      complete = false;
      reasons.push(input?.missingReason ?? MISSING_REASONS[c.key]);
      components.push({ key: c.key, score: null, weight: c.weight, counted: 0 });
      continue;
    }
    if (c.min !== null && s < c.min * 100) reasons.push(`${label} ${points(s)} 分，低于最低要求 ${c.min} 分`);
    const counted = (s * c.weight) / 100;
    weighted += counted;
    components.push({ key: c.key, score: s, weight: c.weight, counted: Math.round(counted) });
  }
  const total = complete ? Math.round(weighted) : null;
  if (total !== null && total < rule.passMark * 100) reasons.push(`总分 ${points(total)} 分，低于合格分数线 ${rule.passMark} 分`);
  return { components, total, passed: reasons.length === 0, reasons };
}

/** Which members are 优秀学员, by the rule, among all graded members of a class (ids in, ids out). */
export function excellentMembers(rule: GradingRule, grades: readonly { personId: number; passed: boolean; total: number | null }[]): Set<number> {
  const chosen = new Set<number>();
  if (!rule.excellent) return chosen;
  const passed = grades.filter((g) => g.passed && g.total !== null);
  const eligible = passed.filter((g) => g.total! >= rule.excellent!.minTotal * 100).sort((a, b) => b.total! - a.total!);
  const quota = rule.excellent.topPercent === null ? eligible.length : Math.floor((passed.length * rule.excellent.topPercent) / 100);
  if (quota === 0) return chosen;
  const last = eligible[Math.min(quota, eligible.length) - 1];
  if (!last) return chosen;
  const cutoff = last.total!;
  for (const g of eligible) if (g.total! >= cutoff) chosen.add(g.personId);
  return chosen;
}

/** Hundredths of a point as shown: 8625 → "86.25", 9000 → "90". */
export function formatPoints(hundredths: number | null): string {
  return hundredths === null ? "—" : points(hundredths);
}

// ---------- the rule form (flat fields, one per component) ----------

const weightField = (label: string) =>
  optionalNumberField(`${label}权重`, (n) => n.int(`${label}权重须为整数`).min(0, "权重不能为负").max(100, "权重不能大于 100"));
const minField = (label: string) => optionalNumberField(`${label}最低分`, (n) => n.min(0, "最低分须在 0–100 之间").max(100, "最低分须在 0–100 之间"));

/**
 * The rule form's fields: for each component a weight (empty or 0: not counted), a minimum and the
 * missing-as-zero box; the pass mark and the 优秀学员 line and share. A route adds its `intent`.
 */
export const RULE_FORM_FIELDS = {
  studyWeight: weightField("学习"),
  studyMin: minField("学习"),
  studyMissingZero: z.boolean().default(false),
  attendanceWeight: weightField("出勤"),
  attendanceMin: minField("出勤"),
  attendanceMissingZero: z.boolean().default(false),
  essayWeight: weightField("心得"),
  essayMin: minField("心得"),
  essayMissingZero: z.boolean().default(false),
  examWeight: weightField("考试"),
  examMin: minField("考试"),
  examMissingZero: z.boolean().default(false),
  passMark: numberField("合格分数线", (n) => n.min(0, "合格分数线须在 0–100 之间").max(100, "合格分数线须在 0–100 之间")),
  excellentMinTotal: optionalNumberField("优秀学员分数线", (n) => n.min(0, "优秀学员分数线须在 0–100 之间").max(100, "优秀学员分数线须在 0–100 之间")),
  excellentTopPercent: optionalNumberField("优秀比例", (n) => n.int("优秀比例须为整数").min(1, "优秀比例须在 1–100 之间").max(100, "优秀比例须在 1–100 之间")),
};

type RuleFormFields = { [K in keyof typeof RULE_FORM_FIELDS]: z.output<(typeof RULE_FORM_FIELDS)[K]> };

/** The checks across fields, each naming its field (`weights` for the sum of the weights). */
export function checkRuleForm(f: RuleFormFields, ctx: z.RefinementCtx) {
  let sum = 0;
  for (const key of GRADE_COMPONENTS) {
    const weight = f[`${key}Weight`] ?? 0;
    sum += weight;
    if (weight === 0 && f[`${key}Min`] !== null) {
      ctx.addIssue({ code: "custom", path: [`${key}Min`], message: `“${GRADE_COMPONENT_LABELS[key]}”未计入总分，不能设最低分` });
    }
  }
  if (sum !== 100) ctx.addIssue({ code: "custom", path: ["weights"], message: `各部分权重之和须为 100%，现为 ${sum}%` });
  if (f.excellentTopPercent !== null && f.excellentMinTotal === null) {
    ctx.addIssue({ code: "custom", path: ["excellentMinTotal"], message: "设了优秀比例，请同时填写优秀学员分数线" });
  }
}

export const RuleFormSchema = z.object(RULE_FORM_FIELDS).superRefine(checkRuleForm);

export function ruleFromForm(f: RuleFormFields): GradingRule {
  return GradingRuleSchema.parse({
    components: GRADE_COMPONENTS.filter((k) => (f[`${k}Weight`] ?? 0) > 0).map((k) => ({
      key: k,
      weight: f[`${k}Weight`]!,
      min: f[`${k}Min`] ?? null,
      missingAsZero: f[`${k}MissingZero`],
    })),
    passMark: f.passMark,
    excellent: f.excellentMinTotal === null ? null : { minTotal: f.excellentMinTotal, topPercent: f.excellentTopPercent },
  });
}

/** The form's default values for a stored rule. */
export function formFromRule(rule: GradingRule): Record<string, string> {
  const values: Record<string, string> = { passMark: String(rule.passMark) };
  for (const c of rule.components) {
    values[`${c.key}Weight`] = String(c.weight);
    if (c.min !== null) values[`${c.key}Min`] = String(c.min);
    if (c.missingAsZero) values[`${c.key}MissingZero`] = "on";
  }
  if (rule.excellent) {
    values.excellentMinTotal = String(rule.excellent.minTotal);
    if (rule.excellent.topPercent !== null) values.excellentTopPercent = String(rule.excellent.topPercent);
  }
  return values;
}
