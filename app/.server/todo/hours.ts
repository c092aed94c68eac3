import { CHINA_OFFSET_MS } from "~/lib/dates";
import { formatHours, ledgerYear } from "~/lib/hours";
import { type TodoItem, pushItem } from "~/lib/todo";
import { requirementStatus } from "../hours/requirements";
import { type TodoPerson } from "./people";

// 学时 behind the year's requirement: what the rule pack asks of her this year (e.g. 32 学时 of a
// member), what counts toward it so far and how far she is from it, read the one way the 学时 reports
// read it (requirementStatus, three statements for any number of people). Due by the end of the year.

export async function hoursBehind(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const year = ledgerYear(now);
  const status = await requirementStatus(
    people.map((p) => p.id),
    year,
  );
  const yearEnd = new Date(Date.UTC(year + 1, 0, 1) - CHINA_OFFSET_MS - 1000);
  for (const [personId, s] of status) {
    if (s.required === 0 || s.missing <= 0) continue;
    pushItem(result, personId, {
      key: `hours:${year}`,
      kind: "hours",
      title: `${year} 年学时还差 ${formatHours(s.missing)} 学时`,
      detail: `已计入 ${formatHours(s.earned)} / 要求 ${formatHours(s.required)} 学时`,
      href: "/hours",
      dueAt: yearEnd,
      endsAt: null,
      overdue: false,
    });
  }
  return result;
}
