import { CHINA_OFFSET_MS, formatDate } from "./dates";
import { type RulePack } from "./rule-pack";
import { wholeMonthsBetween } from "./requirements";

// What /hours shows a person who is not yet a member (decision 063): members and cadres have yearly
// hour requirements; an 入党积极分子 has a time of training and observation before the next step, and a
// 发展对象 a concentrated training before admission. Both read from the rule pack's gates.

export type ActivistStage = {
  /** The day the person became an activist; null when the file has no date. */
  since: Date | null;
  /** Whole months as activist so far (0 without a date). */
  months: number;
  /** The months the pack asks for before 发展对象. */
  needed: number;
  /** The first day the time is complete; null without a date. */
  completeOn: Date | null;
  met: boolean;
  /** One sentence the activist reads. */
  message: string;
  note: string;
  source: string;
  article: string;
};

function monthsText(months: number): string {
  return months % 12 === 0 ? `${months / 12} 年` : `${months} 个月`;
}

/** The first day on which `months` whole months have passed since `from` (the same day of the month, or the month's last day). */
export function addMonths(from: Date, months: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(from.getUTCDate(), lastDay)));
}

/** An activist's time of training and observation against the pack's gate, as of the calendar day `today`. */
export function activistStage(pack: RulePack, since: Date | null, today: Date): ActivistStage {
  const gate = pack.gates.activistTime;
  const base = { needed: gate.months, note: gate.note, source: gate.source, article: gate.article };
  const needed = monthsText(gate.months);
  if (!since) {
    return {
      ...base,
      since: null,
      months: 0,
      completeOn: null,
      met: false,
      message: `您的发展档案中还没有成为入党积极分子的日期，请联系所在党支部核实；培养考察满 ${needed}后方可列为发展对象。`,
    };
  }
  const months = Math.max(0, wholeMonthsBetween(since, today));
  const completeOn = addMonths(since, gate.months);
  const met = months >= gate.months;
  return {
    ...base,
    since,
    months,
    completeOn,
    met,
    message: met
      ? `您自 ${formatDate(since)} 起为入党积极分子，培养考察已满 ${needed}，可由党支部研究是否列为发展对象。`
      : `您自 ${formatDate(since)} 起为入党积极分子，已培养考察 ${months} 个月；满 ${needed}（${formatDate(completeOn)}）后，党支部方可研究是否列为发展对象。`,
  };
}

/** Whether a ledger entry counts toward a development target's training: the gate's categories, earned since becoming one. */
export function countsTowardTraining(pack: RulePack, category: string, earnedAt: Date, targetSince: Date | null): boolean {
  if (!(pack.gates.targetTraining.counts as readonly string[]).includes(category)) return false;
  // `since` is a calendar day in China (UTC midnight of it); an entry of that day counts.
  return targetSince === null || earnedAt.getTime() >= targetSince.getTime() - CHINA_OFFSET_MS;
}
