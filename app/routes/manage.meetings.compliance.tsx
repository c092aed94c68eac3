import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { meetingCompliance } from "~/.server/activities/compliance";
import { requirePermission } from "~/.server/auth/guard";
import { searchParamsOf } from "~/.server/http/request-params";
import { inputClass, secondaryButtonClass } from "~/components/ui/form";
import { ACTIVITY_KIND_LABELS } from "~/lib/activities";
import { ledgerYear } from "~/lib/hours";
import { MEETING_PERIOD_LABELS } from "~/lib/meeting-compliance";
import { scopePaths } from "~/lib/permissions";
import { pageMeta } from "~/lib/page-meta";

// 三会一课 kept or not (decision 056): per branch in the caller's scope, held against required by kind
// and period (the rule pack's meeting rules, with their articles), and per college the share of due
// periods kept. A branch secretary sees her branch, a college its branches, the committee every college.
// /manage/meetings/compliance?year=2026

export const meta: MetaFunction = () => pageMeta("组织生活开展情况 · 网上党校");

const QuerySchema = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "activities:manage");
  const now = new Date();
  const year = searchParamsOf(request, QuerySchema, "年份有误").year ?? ledgerYear(now);
  const { rules, branches, colleges } = await meetingCompliance(scopePaths(user.grants, "activities:manage"), year, now);
  return {
    year,
    rules: rules.map((r) => ({
      kind: r.kind,
      label: ACTIVITY_KIND_LABELS[r.kind],
      requirement: `${MEETING_PERIOD_LABELS[r.period]} ${r.count} 次`,
      cite: `${r.source}${r.article}`,
      basis: r.basis,
      note: r.note,
    })),
    colleges,
    branches: branches.map((b) => ({
      id: b.id,
      name: b.name,
      cells: b.results.map((r) => ({
        kept: r.kept,
        due: r.due,
        short: r.periods.filter((p) => p.state === "short").map((p) => p.label),
        periods: r.periods.map((p) => `${p.label}：${p.held}/${p.required}`).join("，"),
      })),
    })),
  };
}

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)}%`);

export default function MeetingCompliance() {
  const { year, rules, colleges, branches } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h1 className="text-xl font-bold">组织生活开展情况（{year} 年）</h1>
        <Form method="get" className="flex gap-2">
          <input name="year" type="number" defaultValue={year} min={2000} max={2100} aria-label="年份" className={`${inputClass} w-28`} />
          <button type="submit" className={secondaryButtonClass}>
            查看
          </button>
        </Form>
      </div>
      <p className="text-sm text-stone-600">以签到名单已确认的会议为已召开；尚未结束的月份、季度不计为未开展。</p>

      {colleges.length > 0 ? (
        <section className="overflow-x-auto rounded-lg bg-white p-4 shadow">
          <h2 className="mb-2 font-bold">按学院汇总（已开展的周期 / 应开展的周期）</h2>
          <table className="w-full text-sm" data-testid="college-rollup">
            <thead>
              <tr className="text-left text-stone-500">
                <th className="py-1 pr-2">党组织</th>
                <th className="pr-2">支部数</th>
                {rules.map((r) => (
                  <th key={r.kind} className="pr-2">
                    {r.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {colleges.map((c) => (
                <tr key={c.id ?? 0} className="border-t border-stone-100">
                  <td className="py-1 pr-2">{c.name}</td>
                  <td className="pr-2">{c.branches}</td>
                  {c.kinds.map((k) => (
                    <td key={k.kind} className="pr-2" title={`${k.kept}/${k.due}`}>
                      {percent(k.rate)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="overflow-x-auto rounded-lg bg-white p-4 shadow">
        <h2 className="mb-2 font-bold">各党支部</h2>
        {branches.length === 0 ? <p className="text-sm text-stone-500">范围内没有党支部。</p> : null}
        <table className="w-full text-sm" data-testid="branch-compliance">
          <thead>
            <tr className="text-left text-stone-500">
              <th className="py-1 pr-2">党支部</th>
              {rules.map((r) => (
                <th key={r.kind} className="pr-2">
                  {r.label}
                  <span className="block text-xs font-normal">{r.requirement}</span>
                </th>
              ))}
              <th>
                <span className="sr-only">记录本</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {branches.map((b) => (
              <tr key={b.id} className="border-t border-stone-100 align-top" data-testid="branch-row">
                <td className="py-1 pr-2">{b.name}</td>
                {b.cells.map((c, i) => (
                  <td key={rules[i].kind} className={`pr-2 ${c.short.length > 0 ? "text-red-800" : ""}`} title={c.periods}>
                    {`${c.kept}/${c.due}`}
                    {c.short.length > 0 ? <span className="block text-xs">缺：{c.short.join("、")}</span> : null}
                  </td>
                ))}
                <td>
                  <Link to={`/manage/meetings/record/${b.id}?year=${year}`} className="text-xs text-party hover:underline">
                    组织生活记录本
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="rounded-lg bg-white p-4 text-xs text-stone-600 shadow">
        <h2 className="mb-1 text-sm font-bold">依据</h2>
        <ul className="space-y-1">
          {rules.map((r) => (
            <li key={r.kind}>
              {r.label}：{r.requirement}。{r.cite}。{r.note}
              {r.basis === "practice" ? "（本校规定）" : ""}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
