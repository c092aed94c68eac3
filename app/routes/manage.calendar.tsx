import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { searchParamsOf } from "~/.server/http/request-params";
import { unitsUnder } from "~/.server/org/units";
import { unitCalendar } from "~/.server/todo/calendar";
import { MonthAgenda } from "~/components/todo/month-agenda";
import { buttonClass, inputClass } from "~/components/ui/form";
import { MONTH, byDay, currentMonth, monthRange, monthTitle, shiftMonth } from "~/lib/calendar-month";
import { scopePaths } from "~/lib/permissions";
import { todoRows } from "~/lib/todo";
import { pageMeta } from "~/lib/page-meta";

// A unit's calendar for its secretary (/manage/calendar?unitId=&month=): the activities of the unit and
// the units under it, and the closing days of their quizzes, contests and class assignments. Scoped by
// path: the unit must be under one of her activities:manage grants (checked before anything is read).

export const meta: MetaFunction = () => pageMeta("组织日程 · 网上党校");

const Query = z.object({ unitId: z.coerce.number().int().positive().optional(), month: z.string().regex(MONTH).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const query = searchParamsOf(request, Query);
  const user = await requirePermission(request, "activities:manage", query.unitId);
  const scope = scopePaths(user.grants, "activities:manage");
  const units = (await unitsUnder(scope)).filter((u) => u.kind !== "group");
  const unit = query.unitId === undefined ? units.find((u) => u.path === scope[0]) : units.find((u) => u.id === query.unitId);
  if (!unit) throw new Response("党组织不存在", { status: 404 });
  const month = query.month ?? currentMonth(new Date());
  const { from, to } = monthRange(month);
  return {
    unit: { id: unit.id, name: unit.name },
    choices: units.slice(0, 500).map((u) => ({ id: u.id, name: u.name })),
    month,
    title: monthTitle(month),
    prev: shiftMonth(month, -1),
    next: shiftMonth(month, 1),
    days: byDay(todoRows(await unitCalendar(unit.path, from, to))),
  };
}

export default function UnitCalendarPage() {
  const d = useLoaderData<typeof loader>();
  const at = (month: string) => `?unitId=${d.unit.id}&month=${month}`;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">组织日程 · {d.unit.name}</h1>
      {d.choices.length > 1 ? (
        <Form method="get" className="flex flex-wrap items-end gap-2">
          <label className="text-sm">
            党组织
            <select name="unitId" defaultValue={d.unit.id} className={inputClass}>
              {d.choices.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
          <input type="hidden" name="month" value={d.month} />
          <button type="submit" className={buttonClass}>
            查看
          </button>
        </Form>
      ) : null}
      <MonthAgenda title={d.title} prevHref={at(d.prev)} nextHref={at(d.next)} days={d.days} />
    </div>
  );
}
