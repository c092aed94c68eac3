// The figures of the reports page's pipeline view, as pure functions: people per stage, and the median
// time between the steps that move a person from one stage to the next.

/** The stages counted, in order (a person's political status). */
export const PIPELINE_STAGES = ["applicant", "activist", "target", "probationary"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
export const PIPELINE_STAGE_LABELS: Record<PipelineStage, string> = {
  applicant: "入党申请人",
  activist: "入党积极分子",
  target: "发展对象",
  probationary: "预备党员",
};

/**
 * The steps of the pack that start each stage, and the one that ends the last: the medians are taken
 * between consecutive ones. 转正 is the 上级党委审批 of 第三十四条.
 */
export const STAGE_STEPS = [
  { step: "apply", label: "递交入党申请书" },
  { step: "recommend", label: "确定为入党积极分子" },
  { step: "target-decide", label: "确定为发展对象" },
  { step: "admit-meeting", label: "接收为预备党员" },
  { step: "turn-approve", label: "转为正式党员" },
] as const;

/**
 * How the 预备期 ended or moved in the year (党章第七条: 按期转正, 延长预备期, 取消预备党员资格), counted
 * by the 上级党委's approval: a 转正 is 按期 unless the file holds an approved 延长预备期.
 */
export const PROBATION_OUTCOMES = [
  { key: "turn-on-time", label: "按期转正" },
  { key: "turn-extended", label: "延长预备期后转正" },
  { key: "extend-approve", label: "延长预备期" },
  { key: "cancel-approve", label: "取消预备党员资格" },
] as const;
export type ProbationOutcome = (typeof PROBATION_OUTCOMES)[number]["key"];
/** The steps whose approvals the outcomes count. */
export const OUTCOME_STEPS = ["turn-approve", "extend-approve", "cancel-approve"] as const;

/** The outcome a recorded approval counts as, given the steps in force of the same person's file; null for other steps. */
export function outcomeOf(step: string, personSteps: ReadonlySet<string>): ProbationOutcome | null {
  if (step === "turn-approve") return personSteps.has("extend-approve") ? "turn-extended" : "turn-on-time";
  if (step === "extend-approve" || step === "cancel-approve") return step;
  return null;
}

export type Transition = { from: string; to: string; people: number; medianDays: number | null };

/** The median of a list of numbers (the mean of the two middle ones for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const DAY = 86_400_000;

/**
 * For each pair of consecutive stage steps, how many people have both recorded and the median number
 * of days between them. `days` maps a person to their steps' days; a pair out of order (a back-filled
 * file with a wrong date) is left out rather than counted negative.
 */
export function stageTransitions(days: ReadonlyMap<number, ReadonlyMap<string, Date>>): Transition[] {
  return STAGE_STEPS.slice(1).map((to, i) => {
    const from = STAGE_STEPS[i];
    const gaps: number[] = [];
    for (const steps of days.values()) {
      const a = steps.get(from.step);
      const b = steps.get(to.step);
      if (a && b && b >= a) gaps.push(Math.round((b.getTime() - a.getTime()) / DAY));
    }
    return { from: from.label, to: to.label, people: gaps.length, medianDays: median(gaps) };
  });
}
