import { getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { activitiesOfUnits, createActivity } from "~/.server/activities/activities";
import { requirePermission } from "~/.server/auth/guard";
import { unitsUnder } from "~/.server/org/units";
import { ActivitySettingsFields } from "~/components/activity/settings-fields";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { ACTIVITY_KIND_LABELS, ACTIVITY_STATUS_LABELS, ActivitySettingsSchema } from "~/lib/activities";
import { formatChinaDateTime } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { scopePaths } from "~/lib/permissions";
import { toLocalInput } from "~/lib/quiz-settings";
import { readForm } from "~/.server/http/form-body";
import { searchParamsOf } from "~/.server/http/request-params";
import { currentQuarter, planByMonth, quarterBounds, quarterKey, shiftQuarter } from "~/lib/meeting-plan";
import { pageMeta } from "~/lib/page-meta";

// Offline activities of the secretary's units (三会一课, 主题党日, 组织生活会, 党校), and a new one: /manage/activities

export const meta: MetaFunction = () => pageMeta("组织生活 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "activities:manage");
  const scope = scopePaths(user.grants, "activities:manage");
  // The quarter's plan (decision 056): this quarter, or the one asked for (?quarter=2026-4).
  const { quarter: asked } = searchParamsOf(request, QuarterQuery, "季度有误");
  const quarter = asked ? { year: Number(asked.split("-")[0]), index: Number(asked.split("-")[1]) } : currentQuarter(new Date());
  const [units, activities, planned] = await Promise.all([unitsUnder(scope), activitiesOfUnits(scope), activitiesOfUnits(scope, quarterBounds(quarter))]);
  // A meeting starting now: check-in from half an hour before to the end.
  const start = new Date(Math.floor(Date.now() / 300_000) * 300_000);
  const end = new Date(start.getTime() + 2 * 3600_000);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    activities: activities.map((a) => ({ ...a, startsAt: formatChinaDateTime(a.startsAt) })),
    quarter: { ...quarter, previous: quarterKey(shiftQuarter(quarter, -1)), next: quarterKey(shiftQuarter(quarter, 1)) },
    plan: planByMonth(quarter, planned.toReversed()).map(({ month, items }) => ({
      month,
      items: items.map((a) => ({
        id: a.id,
        title: a.title,
        kind: a.kind,
        status: a.status,
        unitName: a.unit.name,
        place: a.place,
        startsAt: formatChinaDateTime(a.startsAt),
      })),
    })),
    defaults: {
      title: "",
      kind: "theme_day" as const,
      startsAt: toLocalInput(start),
      endsAt: toLocalInput(end),
      checkinOpensAt: toLocalInput(new Date(start.getTime() - 1800_000)),
      checkinClosesAt: toLocalInput(end),
      hours: "2",
      place: "",
      agenda: "",
    },
  };
}

const QuarterQuery = z.object({
  quarter: z
    .string()
    .regex(/^20\d\d-[1-4]$/)
    .optional(),
});

const CreateSchema = ActivitySettingsSchema.safeExtend({ unitId: z.number({ error: "请选择党组织" }).int("请选择党组织").positive("请选择党组织") });

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "activities:manage");
  const submission = parseWithZod(await readForm(request), { schema: CreateSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { unitId, ...settings } = submission.value;
  const user = await requirePermission(request, "activities:manage", unitId);
  const activity = await createActivity(user.id, unitId, settings);
  return redirect(`/manage/activities/${activity.id}`);
}

export default function ActivityList() {
  const { units, activities, defaults, quarter, plan } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm<z.input<typeof CreateSchema>>({
    id: "new-activity",
    lastResult: reply?.result,
    defaultValue: defaults,
    constraint: getZodConstraint(CreateSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateSchema }),
  });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-bold">组织生活</h1>
        <Link to="/manage/meetings/compliance" className="text-sm text-party hover:underline">
          开展情况（按支部工作条例）→
        </Link>
      </div>
      <section className="rounded-lg bg-white p-4 shadow" data-testid="quarter-plan">
        <div className="mb-2 flex items-baseline justify-between gap-2">
          <h2 className="font-bold">
            {quarter.year} 年第{"一二三四"[quarter.index - 1]}季度计划
          </h2>
          <span className="flex gap-3 text-sm">
            <Link to={`?quarter=${quarter.previous}`} className="text-party hover:underline">
              上一季度
            </Link>
            <Link to={`?quarter=${quarter.next}`} className="text-party hover:underline">
              下一季度
            </Link>
          </span>
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          {plan.map(({ month, items }) => (
            <div key={month}>
              <h3 className="border-b border-stone-200 text-sm font-semibold">{month} 月</h3>
              {items.length === 0 ? <p className="text-xs text-stone-400">未安排</p> : null}
              <ul className="space-y-1 pt-1">
                {items.map((a) => (
                  <li key={a.id} className={`text-xs ${a.status === "cancelled" ? "text-stone-400 line-through" : ""}`}>
                    <Link to={`/manage/activities/${a.id}`} className="text-party hover:underline">
                      {a.startsAt.slice(5)} {ACTIVITY_KIND_LABELS[a.kind]}
                    </Link>
                    <span className="block text-stone-500">
                      {a.title}
                      {a.place ? ` · ${a.place}` : ""} · {ACTIVITY_STATUS_LABELS[a.status] ?? a.status}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      </section>
      <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-lg bg-white p-4 shadow">
        <h2 className="font-bold">新建活动</h2>
        <FormMessage messages={form.errors} />
        <Field label="党组织" htmlFor={fields.unitId.id} errors={fields.unitId.errors} errorId={fields.unitId.errorId}>
          <select {...getSelectProps(fields.unitId)} className={inputClass}>
            <UnitOptions units={units} />
          </select>
        </Field>
        <ActivitySettingsFields fields={fields} />
        <button type="submit" className={buttonClass}>
          创建活动
        </button>
        <p className="text-xs text-stone-500">签到时间内，活动页面显示每 30 秒更新的签到二维码；书记确认签到名单后，为每位参会人员记入学时。</p>
      </Form>
      <ul className="space-y-2">
        {activities.length === 0 ? <li className="text-sm text-stone-500">还没有活动。</li> : null}
        {activities.map((a) => (
          <li key={a.id} className="rounded-lg bg-white p-3 shadow" data-testid="activity-row">
            <Link to={`/manage/activities/${a.id}`} className="font-semibold text-party hover:underline">
              {a.title}
            </Link>
            <p className="text-xs text-stone-500">
              {ACTIVITY_KIND_LABELS[a.kind]} · {a.unit.name} · {a.startsAt} · {formatHours(a.hours)} 学时 · {a.attendees} 人 ·{" "}
              {ACTIVITY_STATUS_LABELS[a.status] ?? a.status}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
