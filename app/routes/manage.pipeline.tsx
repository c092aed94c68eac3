import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { searchParamsOf } from "~/.server/http/request-params";
import { DueQuery, dueScope, pipelineDue } from "~/.server/pipeline/due";
import { buttonClass, inputClass } from "~/components/ui/form";
import { formatDate, todayInChina } from "~/lib/dates";
import { maskPersonNumber } from "~/lib/mask";
import { grantsCover, scopePaths } from "~/lib/permissions";
import { pageMeta } from "~/lib/page-meta";

// The development files over the caller's subtree: who is due for what by the end of this month and
// what is overdue, per college and branch, each with the rule it comes from; narrowed to one college
// (?unitId=); exported to Excel with the same narrowing.
// The page lists the first rows only (a whole school has thousands); the summary counts them all and
// the workbook holds every row.

const SHOWN_ROWS = 300;

export const meta: MetaFunction = () => pageMeta("发展党员待办 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const { unitId } = searchParamsOf(request, DueQuery);
  const user = await requirePermission(request, "people:view", unitId);
  const today = todayInChina();
  const scope = await orRefuse(() => dueScope(scopePaths(user.grants, "people:view"), unitId));
  const due = await pipelineDue(scope.paths, new Date(`${today}T00:00:00Z`));
  return {
    today,
    unit: scope.unit,
    choices: scope.colleges,
    colleges: due.colleges,
    branches: due.branches,
    total: due.rows.length,
    rows: due.rows.slice(0, SHOWN_ROWS).map((r) => ({
      personId: r.personId,
      name: r.name,
      number: grantsCover(user.grants, "people:sensitive", r.unitPath) ? r.number : maskPersonNumber(r.number),
      college: r.college,
      branch: r.branch,
      title: r.item.title,
      overdue: r.item.state === "overdue",
      deadline: r.item.deadline ? formatDate(r.item.deadline) : null,
      rule: r.item.rule,
    })),
  };
}

export default function PipelineDuePage() {
  const { today, unit, choices, colleges, branches, rows, total } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <section className="rounded-lg bg-white p-4 shadow">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-xl font-bold">发展党员待办</h1>
          <a href={unit ? `/manage/pipeline.xlsx?unitId=${unit.id}` : "/manage/pipeline.xlsx"} className="text-sm text-party underline">
            导出 Excel
          </a>
        </div>
        {choices.length > 1 ? (
          <Form method="get" className="mt-2 flex flex-wrap items-end gap-2">
            <label className="block min-w-0 basis-full text-sm sm:basis-auto">
              <span className="mb-1 block text-stone-700">院系</span>
              <select name="unitId" defaultValue={unit?.id ?? ""} className={inputClass}>
                <option value="">全部院系</option>
                {choices.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className={buttonClass}>
              查看
            </button>
          </Form>
        ) : null}
        <p className="mt-1 text-sm text-stone-600">{`${unit ? `${unit.name} · ` : ""}截至 ${today}：本月到期和已逾期的发展步骤，按《中国共产党发展党员工作细则》的时限计算。`}</p>
        {rows.length === 0 ? <p className="mt-2 text-sm text-stone-500">没有本月到期或逾期的步骤。</p> : null}
      </section>
      {colleges.length ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="summary-heading">
          <h2 id="summary-heading" className="mb-2 font-bold">
            汇总
          </h2>
          <table className="w-full text-sm" data-testid="college-summary">
            <thead>
              <tr className="text-left text-stone-500">
                <th className="py-1">院系 / 党支部</th>
                <th className="py-1 text-right">已逾期</th>
                <th className="py-1 text-right">本月到期</th>
              </tr>
            </thead>
            <tbody>
              {colleges.map((c) => (
                <tr key={`c-${c.name}`} className="border-t border-stone-100 font-medium">
                  <td className="py-1">{c.name}</td>
                  <td className="py-1 text-right text-red-700">{c.overdue}</td>
                  <td className="py-1 text-right">{c.due}</td>
                </tr>
              ))}
              {branches.map((b) => (
                <tr key={`b-${b.name}`} className="border-t border-stone-100 text-stone-700">
                  <td className="py-1 pl-3">{b.name}</td>
                  <td className="py-1 text-right text-red-700">{b.overdue}</td>
                  <td className="py-1 text-right">{b.due}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {rows.length ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="rows-heading">
          <h2 id="rows-heading" className="mb-2 font-bold">
            明细
          </h2>
          {total > rows.length ? <p className="mb-2 text-sm text-stone-600">{`共 ${total} 条，此处列出前 ${rows.length} 条；完整清单请导出 Excel。`}</p> : null}
          <ul className="space-y-2" data-testid="due-rows">
            {rows.map((r, i) => (
              <li key={`${r.personId}-${r.title}-${i}`} className="border-t border-stone-100 pt-2 text-sm">
                <p>
                  <Link to={`/manage/people/${r.personId}/file`} className="font-medium text-party underline">
                    {r.name}
                  </Link>
                  <span className="ml-1 font-mono text-xs text-stone-500">{r.number}</span>
                  <span className="ml-1 text-stone-600">{`${r.college} · ${r.branch}`}</span>
                </p>
                <p
                  className={r.overdue ? "text-red-700" : "text-amber-800"}
                >{`${r.title} · ${r.overdue ? "已逾期" : "本月到期"}${r.deadline ? ` · 期限 ${r.deadline}` : ""}`}</p>
                <p className="text-xs text-stone-500">{r.rule}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
