import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { tableQuery } from "~/.server/http/table-query";
import { ledgerYear } from "~/lib/hours";
import { hoursReport, reportQuery } from "~/.server/hours/reports";
import { unitsUnder } from "~/.server/org/units";
import { pipelineStats } from "~/.server/pipeline/stats";
import { shortUnitName } from "~/lib/unit-names";
import { buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { DataTable, KeepTableParams } from "~/components/ui/data-table";
import { UnitOptions } from "~/components/ui/options";
import { formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { BEHIND_SORTS, peopleBehind } from "~/lib/hours-rollup";
import { scopePaths } from "~/lib/permissions";
import { PIPELINE_STAGES, PIPELINE_STAGE_LABELS, PROBATION_OUTCOMES } from "~/lib/pipeline/stats";
import { pageMeta } from "~/lib/page-meta";
// The charts are plain server-drawn HTML and SVG, light enough to ship with the page (decision 062).
import { TrendChart, UnitComparisonChart } from "~/components/reports/charts";

// 学时统计: for a unit in the viewer's scope and a year, the completion of the 学时 requirements per
// child unit, the monthly trend of hours and activities, the required courses' completion, and who is
// behind. /manage/reports

export const meta: MetaFunction = () => pageMeta("学时统计 · 网上党校", "学时统计报表：各单位学时完成情况、趋势与对比，可导出 Excel。");

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, "hours:report");
  const scope = scopePaths(viewer.grants, "hours:report");
  const url = new URL(request.url);
  const { unitId, year } = reportQuery(url, scope);
  const query = tableQuery(request, { sorts: BEHIND_SORTS, defaultSort: "missing", defaultDir: "desc", defaultSize: 50 });
  const q = url.searchParams.get("q")?.trim().slice(0, 50) || undefined;
  await requirePermission(request, "hours:report", unitId ?? -1);
  const [units, report] = await Promise.all([unitsUnder(scope), hoursReport(unitId!, year)]);
  if (!report) throw new Response("没有权限", { status: 403 });
  const pipeline = await pipelineStats(report.unit.path, year);
  const behind = peopleBehind(report, query, q);
  const thisYear = ledgerYear(new Date());
  return {
    unit: { id: report.unit.id, name: report.unit.name },
    year,
    years: Array.from({ length: 5 }, (_, i) => thisYear - i),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    rollups: report.units,
    total: report.total,
    trend: report.trend,
    courses: report.courses,
    pipeline: { colleges: pipeline.colleges, total: pipeline.total, transitions: pipeline.transitions },
    q: q ?? "",
    behind: {
      ...behind,
      people: behind.people.map((p) => ({ id: p.id, name: p.name, unitName: p.unitName, required: p.required, earned: p.earned, missing: p.missing })),
    },
  };
}

const rate = (x: number | null) => (x === null ? "—" : `${x.toFixed(1)}%`);
const avg = (x: number | null) => (x === null ? "—" : formatHours(x));

export default function HoursReports() {
  const { unit, year, years, units, rollups, total, trend, courses, pipeline, behind, q } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">学时统计</h1>
      <Form method="get" className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 shadow">
        <label className="block min-w-0 basis-full text-sm sm:basis-auto sm:flex-1">
          <span className="mb-1 block text-stone-700">党组织</span>
          <select name="unitId" defaultValue={unit.id} className={inputClass}>
            <UnitOptions units={units} />
          </select>
        </label>
        <label className="block text-sm">
          <span className="mb-1 block text-stone-700">年度</span>
          <select name="year" defaultValue={year} className={inputClass}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y} 年
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={buttonClass}>
          查看
        </button>
        <a href={`/manage/reports.xlsx?unitId=${unit.id}&year=${year}`} className={secondaryButtonClass}>
          导出 Excel
        </a>
      </Form>

      <section className="rounded-lg bg-white p-4 shadow">
        <h2 className="font-bold">
          {unit.name} · {year} 年
        </h2>
        <p className="text-sm text-stone-600">
          共 {total.people} 人，其中 {total.withRequirement} 人有学时要求，已完成 {total.meeting} 人，完成率 {rate(total.completionRate)}，参学率{" "}
          {rate(total.participationRate)}，人均已修 {avg(total.averageEarned)} 学时。
        </p>
      </section>

      <section className="rounded-lg bg-white p-4 shadow">
        <h2 className="mb-1 font-bold">党组织对比图</h2>
        <p className="mb-2 text-xs text-stone-500">
          完成率：有学时要求的人员中已达到要求的比例；参学率：其中本年度已获得学时的比例；人均学时按有要求的人员计算。
        </p>
        <UnitComparisonChart units={rollups} parentName={unit.name} />
      </section>

      <section className="rounded-lg bg-white p-4 shadow">
        <h2 className="mb-2 font-bold">活动开展情况走势图</h2>
        <p className="mb-2 text-xs text-stone-500">每月获得的学时与已确认的组织生活次数（按北京时间计月）。</p>
        <TrendChart trend={trend} />
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-stone-600">按月数据</summary>
          <table className="mt-1 w-full">
            <thead>
              <tr className="border-b text-left text-stone-600">
                <th className="py-1 pr-2">月份</th>
                <th className="py-1 pr-2 text-right">学时</th>
                <th className="py-1 text-right">组织生活（次）</th>
              </tr>
            </thead>
            <tbody>
              {trend.map((t) => (
                <tr key={t.month} className="border-b border-stone-100" data-testid="trend-row">
                  <td className="py-1 pr-2">{t.month}月</td>
                  <td className="py-1 pr-2 text-right">{formatHours(t.hours)}</td>
                  <td className="py-1 text-right">{t.activities}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>

      <section className="overflow-x-auto rounded-lg bg-white p-4 shadow">
        <h2 className="mb-2 font-bold">下级党组织</h2>
        <table className="w-full text-sm">
          <thead>
            <tr className="border-b text-left text-stone-600">
              <th className="py-1 pr-2">党组织</th>
              <th className="py-1 pr-2 text-right">人数</th>
              <th className="py-1 pr-2 text-right">有要求</th>
              <th className="py-1 pr-2 text-right">已完成</th>
              <th className="py-1 pr-2 text-right">完成率</th>
              <th className="py-1 pr-2 text-right">参学率</th>
              <th className="py-1 text-right">人均已修学时</th>
            </tr>
          </thead>
          <tbody>
            {[...rollups, total].map((u) => (
              <tr key={`${u.unitId}-${u.name}`} className="border-b border-stone-100" data-testid="unit-row">
                <td className="py-1 pr-2">
                  {u.own || u.name === "合计" ? (
                    <UnitName name={u.name} parent={unit.name} />
                  ) : (
                    <Link to={`/manage/reports?unitId=${u.unitId}&year=${year}`} className="text-party hover:underline">
                      <UnitName name={u.name} parent={unit.name} />
                    </Link>
                  )}
                </td>
                <td className="py-1 pr-2 text-right">{u.people}</td>
                <td className="py-1 pr-2 text-right">{u.withRequirement}</td>
                <td className="py-1 pr-2 text-right">{u.meeting}</td>
                <td className="py-1 pr-2 text-right">{rate(u.completionRate)}</td>
                <td className="py-1 pr-2 text-right">{rate(u.participationRate)}</td>
                <td className="py-1 text-right">{avg(u.averageEarned)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <RequiredCourses courses={courses} parentName={unit.name} />

      <PipelineView pipeline={pipeline} unitId={unit.id} year={year} />

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="behind-heading">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 id="behind-heading" className="font-bold">
            学时未达标人员
          </h2>
          <Form method="get" role="search" aria-label="查找未达标人员" className="flex gap-2">
            <input type="hidden" name="unitId" value={unit.id} />
            <input type="hidden" name="year" value={year} />
            <KeepTableParams />
            <input
              name="q"
              type="search"
              defaultValue={q}
              maxLength={50}
              placeholder="姓名或学号/工号"
              aria-label="姓名或学号/工号"
              className={`${inputClass} w-48`}
            />
            <button type="submit" className={secondaryButtonClass}>
              查找
            </button>
          </Form>
        </div>
        <DataTable
          caption={`${unit.name} ${year} 年学时未达标人员`}
          unit="人"
          empty="没有未达标的人员。"
          testId="behind-table"
          paging={behind.paging}
          columns={[
            { label: "姓名", sort: "name" },
            { label: "党组织", sort: "unit" },
            { label: "应修", sort: "required", className: "text-right", firstDir: "desc" },
            { label: "已修", sort: "earned", className: "text-right" },
            { label: "差额", sort: "missing", className: "text-right", firstDir: "desc" },
          ]}
        >
          {behind.people.map((p) => (
            <tr key={p.id} className="border-t border-stone-100" data-testid="behind-row">
              <td className="px-3 py-1">{p.name}</td>
              <td className="px-3 py-1">
                <UnitName name={p.unitName} parent={unit.name} />
              </td>
              <td className="px-3 py-1 text-right">{formatHours(p.required)}</td>
              <td className="px-3 py-1 text-right">{formatHours(p.earned)}</td>
              <td className="px-3 py-1 text-right">{formatHours(p.missing)}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
}

type Pipeline = ReturnType<typeof useLoaderData<typeof loader>>["pipeline"];

/** 发展党员: the people at each stage per college, and the median days between the stage steps. */
function PipelineView({ pipeline, unitId, year }: { pipeline: Pipeline; unitId: number; year: number }) {
  return (
    <section className="overflow-x-auto rounded-lg bg-white p-4 shadow" aria-labelledby="pipeline-heading">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="pipeline-heading" className="font-bold">
          发展党员情况
        </h2>
        <a href={`/manage/reports/pipeline.xlsx?unitId=${unitId}&year=${year}`} className={secondaryButtonClass}>
          导出发展党员统计
        </a>
      </div>
      <table className="w-full text-sm">
        <caption className="mb-1 text-left text-xs text-stone-500">{`各院系当前处于各阶段的人数（按政治面貌），及 ${year} 年预备期的处理（按上级党委审批日期，党章第七条）`}</caption>
        <thead>
          <tr className="border-b text-left text-stone-600">
            <th scope="col" className="py-1 pr-2">
              院系
            </th>
            {PIPELINE_STAGES.map((s) => (
              <th key={s} scope="col" className="py-1 pr-2 text-right">
                {PIPELINE_STAGE_LABELS[s]}
              </th>
            ))}
            {PROBATION_OUTCOMES.map((o) => (
              <th key={o.key} scope="col" className="py-1 pr-2 text-right">
                {o.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...pipeline.colleges, pipeline.total].map((c) => (
            <tr key={c.college} className="border-b border-stone-100" data-testid="pipeline-college">
              <th scope="row" className="py-1 pr-2 text-left font-normal">
                {c.college}
              </th>
              {PIPELINE_STAGES.map((s) => (
                <td key={s} className="py-1 pr-2 text-right">
                  {c.stages[s]}
                </td>
              ))}
              {PROBATION_OUTCOMES.map((o) => (
                <td key={o.key} className="py-1 pr-2 text-right" data-outcome={o.key}>
                  {c.recorded[o.key]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <table className="mt-4 w-full text-sm">
        <caption className="mb-1 text-left text-xs text-stone-500">相邻两个发展步骤之间的时间（中位数，按发展档案中记录的日期）</caption>
        <thead>
          <tr className="border-b text-left text-stone-600">
            <th scope="col" className="py-1 pr-2">
              阶段
            </th>
            <th scope="col" className="py-1 pr-2 text-right">
              人数
            </th>
            <th scope="col" className="py-1 text-right">
              中位时间
            </th>
          </tr>
        </thead>
        <tbody>
          {pipeline.transitions.map((t) => (
            <tr key={t.to} className="border-b border-stone-100" data-testid="pipeline-transition">
              <th scope="row" className="py-1 pr-2 text-left font-normal">{`${t.from} → ${t.to}`}</th>
              <td className="py-1 pr-2 text-right">{t.people}</td>
              <td className="py-1 text-right">{t.medianDays === null ? "—" : `${t.medianDays} 天`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type Courses = ReturnType<typeof useLoaderData<typeof loader>>["courses"];

/** Each required course: a bar of finished / part-way / not started, the figures, and per child unit. */
function RequiredCourses({ courses, parentName }: { courses: Courses; parentName: string }) {
  return (
    <section className="rounded-lg bg-white p-4 shadow">
      <h2 className="mb-1 font-bold">必修课程完成情况</h2>
      <p className="mb-3 text-xs text-stone-500">按当前的必修布置统计（不分年度）：完成全部课时即为已完成。</p>
      {courses.length === 0 ? (
        <p className="text-sm text-stone-500">本组织目前没有布置必修课程。</p>
      ) : (
        <ul className="space-y-4">
          {courses.map((c) => (
            <li key={c.courseId} data-testid="required-course">
              <div className="flex flex-wrap items-baseline justify-between gap-x-3">
                <span className="font-medium">{c.title}</span>
                <span className="text-xs text-stone-500">
                  {c.lessons} 个课时{c.dueAt ? ` · ${formatDate(c.dueAt)} 前完成` : ""}
                </span>
              </div>
              <CompletionBar c={c} />
              <p className="mt-1 text-sm text-stone-600" data-testid="required-course-summary">
                应学 {c.required} 人，已完成 {c.completed} 人（{rate(c.completionRate)}），学习中 {c.inProgress} 人，未开始 {c.notStarted} 人
                {c.overdue > 0 && <span className="text-red-700">，逾期未完成 {c.overdue} 人</span>}
              </p>
              <details className="mt-1 text-sm">
                <summary className="cursor-pointer text-stone-600">按党组织</summary>
                <div className="overflow-x-auto">
                  <table className="mt-1 w-full">
                    <thead>
                      <tr className="border-b text-left text-stone-600">
                        <th className="py-1 pr-2">党组织</th>
                        <th className="py-1 pr-2 text-right">应学</th>
                        <th className="py-1 pr-2 text-right">已完成</th>
                        <th className="py-1 pr-2 text-right">完成率</th>
                        <th className="py-1 text-right">逾期</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.units
                        .filter((u) => u.required > 0)
                        .map((u) => (
                          <tr key={u.unitId} className="border-b border-stone-100" data-testid="required-course-unit">
                            <td className="py-1 pr-2">
                              <UnitName name={u.name} parent={parentName} />
                            </td>
                            <td className="py-1 pr-2 text-right">{u.required}</td>
                            <td className="py-1 pr-2 text-right">{u.completed}</td>
                            <td className="py-1 pr-2 text-right">{rate(u.completionRate)}</td>
                            <td className="py-1 text-right">{u.overdue}</td>
                          </tr>
                        ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CompletionBar({ c }: { c: Courses[number] }) {
  const pct = (n: number) => `${c.required === 0 ? 0 : (n / c.required) * 100}%`;
  return (
    <div
      className="mt-1 flex h-3 overflow-hidden rounded bg-stone-200"
      role="img"
      aria-label={`已完成 ${c.completed} 人，学习中 ${c.inProgress} 人，未开始 ${c.notStarted} 人`}
    >
      <div className="bg-party" style={{ width: pct(c.completed) }} />
      <div className="bg-amber-400" style={{ width: pct(c.inProgress) }} />
    </div>
  );
}

/** A unit's name without the part it shares with the unit the report is about (the heading names that one), in full on hover. */
function UnitName({ name, parent }: { name: string; parent: string }) {
  const short = shortUnitName(name, parent);
  return short === name ? <>{name}</> : <span title={name}>{short}</span>;
}
