import { thoughtReportQuarter } from "../assignments";
import { CHINA_OFFSET_MS } from "../dates";
import { type DueItem } from "./engine";

// The quarterly 思想汇报 as items of the due list. They are not steps of the pack: a step is recorded
// once by a secretary, a 思想汇报 is handed in by the person each calendar quarter (decision 044), so
// the engine's rules (counted from a recorded step) cannot say it; this small rule sits beside it.

export const THOUGHT_REPORT_RULE = "本校规定：入党积极分子、发展对象每季度向党组织提交一份思想汇报，由培养联系人阅读（《细则》第九条）";

/** The calendar day (UTC midnight) of the last day of a quarter whose last second is `dueAt`. */
const lastDay = (dueAt: Date) => {
  const wall = new Date(dueAt.getTime() + CHINA_OFFSET_MS);
  return new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()));
};

/**
 * For an activist or a target who has been one since `since` (the day of 确定为入党积极分子): the last
 * quarter's report is overdue when it was not handed in and they were activist from that quarter's first
 * day on; this quarter's is due (by its last day) while not handed in. `handedIn` holds the series keys
 * ("thought_report:2026Q3") of the reports they handed in. `today` is a calendar day in China.
 */
export function thoughtReportDue(today: Date, since: Date, handedIn: ReadonlySet<string>): DueItem[] {
  const current = thoughtReportQuarter(today);
  const previous = thoughtReportQuarter(new Date(current.opensAt.getTime() - 1));
  const items: DueItem[] = [];
  const item = (q: typeof current, state: "overdue" | "due"): DueItem => ({
    step: "thought-report",
    title: `思想汇报（${q.title.replace("思想汇报", "")}）`,
    state,
    earliest: null,
    deadline: lastDay(q.dueAt),
    rule: THOUGHT_REPORT_RULE,
  });
  if (since.getTime() <= previous.opensAt.getTime() + CHINA_OFFSET_MS && !handedIn.has(previous.series)) items.push(item(previous, "overdue"));
  if (!handedIn.has(current.series)) items.push(item(current, "due"));
  return items;
}
