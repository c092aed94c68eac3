import { endOfChinaDay, formatDate, todayInChina } from "~/lib/dates";
import { type TodoItem, pushItem } from "~/lib/todo";
import { pipelineItemsOf } from "../pipeline/due";
import { type TodoPerson } from "./people";

// The steps of her own development file due this month or overdue, read the one way the secretaries'
// due list reads them (pipeline/due.ts): the quarter's 思想汇报 is hers to write (a link to it); the other
// steps are recorded by her branch, and she sees them so she knows what comes next.

/** Today in China as a date value (UTC midnight), the engine's "today". */
export function chinaDay(now: Date): Date {
  return new Date(`${todayInChina(now)}T00:00:00Z`);
}

export async function pipelineDueFor(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  // The engine counts calendar days: today in China, as the due list reads it.
  const due = await pipelineItemsOf(people, chinaDay(now));
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
