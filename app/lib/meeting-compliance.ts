import { z } from "zod";
import { ACTIVITY_KINDS, type ActivityKind } from "./activities";
import { ledgerMonth, ledgerYear } from "./hours";

// How often each kind of meeting must be held (the rule pack's `meetings` list, decision 056) and
// whether a branch kept it: held against required per period (month, quarter or year, Asia/Shanghai).
// Pure: the caller loads the branch's confirmed meetings; this counts them.

export const MEETING_PERIODS = ["month", "quarter", "year"] as const;
export type MeetingPeriod = (typeof MEETING_PERIODS)[number];
export const MEETING_PERIOD_LABELS: Record<MeetingPeriod, string> = { month: "每月", quarter: "每季度", year: "每年" };

export const meetingRuleSchema = z.strictObject(
  {
    kind: z.enum(ACTIVITY_KINDS, { error: `会议类型只能是 ${ACTIVITY_KINDS.join("、")}` }),
    period: z.enum(MEETING_PERIODS, { error: `period 只能是 ${MEETING_PERIODS.join("、")}` }),
    count: z.number({ error: "count 必须是数字" }).int("count 必须是整数").min(1, "count 至少为 1").max(31, "count 过大"),
    /** "regulation": the text of the cited article; "practice": the school's own rule, stated as such. */
    basis: z.enum(["regulation", "practice"], { error: "basis 只能是 regulation 或 practice" }),
    source: z.string({ error: "出处（source）必须是文字" }).trim().min(1, "出处（source）不能为空"),
    article: z.string({ error: "条款（article）必须是文字" }).trim().min(1, "条款（article）不能为空"),
    note: z.string({ error: "说明（note）必须是文字" }).trim().min(1, "说明（note）不能为空"),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `不认识的字段：${issue.keys.join("、")}` : undefined) },
);
export type MeetingRule = z.infer<typeof meetingRuleSchema>;

export const meetingRulesSchema = z.array(meetingRuleSchema).superRefine((rules, ctx) => {
  const seen = new Set<ActivityKind>();
  rules.forEach((r, i) => {
    if (seen.has(r.kind)) ctx.addIssue({ code: "custom", path: [i, "kind"], message: `会议类型 ${r.kind} 重复` });
    seen.add(r.kind);
  });
});

export type PeriodKey = { period: MeetingPeriod; index: number };

/** The period of the year a moment falls in, in China time: month 1–12, quarter 1–4, year 1. */
export function periodIndex(period: MeetingPeriod, at: Date): number {
  const month = ledgerMonth(at);
  return period === "month" ? month : period === "quarter" ? Math.ceil(month / 3) : 1;
}

export function periodLabel(period: MeetingPeriod, index: number): string {
  return period === "month" ? `${index} 月` : period === "quarter" ? `第${"一二三四"[index - 1]}季度` : "全年";
}

const PERIODS_IN_YEAR: Record<MeetingPeriod, number> = { month: 12, quarter: 4, year: 1 };

export type HeldMeeting = { kind: ActivityKind; startsAt: Date };

export type PeriodResult = { index: number; label: string; held: number; required: number; state: "kept" | "short" | "open" };
export type RuleResult = { rule: MeetingRule; periods: PeriodResult[]; kept: number; due: number };

/**
 * For one branch and year: for each rule, each period's held count against the rule's count. A period
 * not yet over (`now` within or before it) is "open" unless already kept: a branch is not short of a
 * meeting it may still hold. `due` counts the periods that are over or kept; `kept` those kept.
 */
export function complianceForYear(rules: readonly MeetingRule[], meetings: readonly HeldMeeting[], year: number, now: Date): RuleResult[] {
  const nowYear = ledgerYear(now);
  return rules.map((rule) => {
    const n = PERIODS_IN_YEAR[rule.period];
    const held = new Array<number>(n).fill(0);
    for (const m of meetings) {
      if (m.kind !== rule.kind || ledgerYear(m.startsAt) !== year) continue;
      held[periodIndex(rule.period, m.startsAt) - 1]++;
    }
    // Periods before the current one are over; in a past year all are, in a future year none.
    const current = nowYear > year ? n + 1 : nowYear < year ? 0 : periodIndex(rule.period, now);
    const periods = held.map((h, i): PeriodResult => {
      const index = i + 1;
      const state = h >= rule.count ? "kept" : index < current ? "short" : "open";
      return { index, label: periodLabel(rule.period, index), held: h, required: rule.count, state };
    });
    const due = periods.filter((p) => p.state !== "open").length;
    return { rule, periods, kept: periods.filter((p) => p.state === "kept").length, due };
  });
}

/** A unit's roll-up: per rule, the share of its branches' due periods that were kept (null when none is due yet). */
export function rollUp(branches: readonly RuleResult[][]): { kind: ActivityKind; kept: number; due: number; rate: number | null }[] {
  if (branches.length === 0) return [];
  return branches[0].map((first, i) => {
    const kept = branches.reduce((s, b) => s + (b[i]?.kept ?? 0), 0);
    const due = branches.reduce((s, b) => s + (b[i]?.due ?? 0), 0);
    return { kind: first.rule.kind, kept, due, rate: due === 0 ? null : kept / due };
  });
}
