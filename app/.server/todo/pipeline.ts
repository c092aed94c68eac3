import { endOfChinaDay, formatDate, todayInChina } from "~/lib/dates";
import { reminderLeadsFrom } from "~/lib/reminder-leads";
import { type TodoItem, pushItem } from "~/lib/todo";
import { packInForce } from "../hours/rule-packs";
import { monthEnd, pipelineItemsOf } from "../pipeline/due";
import { type TodoPerson, daysAfter } from "./people";

// The steps of her own development file overdue or due soon, read the one way the secretaries' due
// list reads them (pipeline/due.ts): the quarter's 思想汇报 is hers to write (a link to it); the other
// steps are recorded by her branch, and she sees them so she knows what comes next. "Soon" is this
// month, or further when the longest pipeline reminder lead reaches further (decision 059): the
// reminder scheduler asks this source, and a step due on the 2nd of next month must be listed a week
// before it, not from the 1st.

/** Today in China as a date value (UTC midnight), the engine's "today". */
export function chinaDay(now: Date): Date {
  return new Date(`${todayInChina(now)}T00:00:00Z`);
}

/**
 * The last calendar day the source lists: the end of this month, or the day the longest lead of the
 * rule pack's pipeline reminders reaches, whichever is later. A step is due by the last second of its
 * day in China, so a lead of N hours needs the days N hours cover plus that day; "the evening before"
 * reaches at most two days.
 */
export function pipelineHorizon(today: Date, leads: readonly { hoursBefore?: number; eveningBefore?: string }[]): Date {
  const hours = Math.max(0, ...leads.map((l) => l.hoursBefore ?? 48));
  const reach = daysAfter(today, Math.ceil(hours / 24) + 1);
  const end = monthEnd(today);
  return reach > end ? reach : end;
}

export async function pipelineDueFor(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  // The engine counts calendar days: today in China, as the due list reads it.
  const today = chinaDay(now);
  const leads = reminderLeadsFrom((await packInForce()).pack.reminders).pipeline;
  const due = await pipelineItemsOf(people, today, pipelineHorizon(today, leads));
  for (const [personId, items] of due) {
    for (const item of items) {
      const report = item.step === "thought-report";
      pushItem(result, personId, {
        key: `pipeline:${item.step}:${item.deadline ? formatDate(item.deadline) : "open"}`,
        kind: "pipeline",
        title: item.title,
        detail: report ? "本季度思想汇报，请按时提交" : "由党支部办理",
        href: report ? "/account/thought-reports" : null,
        // The engine's deadline is a calendar day: due by its last second in China.
        dueAt: item.deadline ? endOfChinaDay(item.deadline) : null,
        endsAt: null,
        overdue: item.state === "overdue",
      });
    }
  }
  return result;
}
