import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { BATCH_LIMITS, unitActivationList } from "~/.server/auth/activation";
import { requirePermission } from "~/.server/auth/guard";
import { env } from "~/.server/env";
import { searchParamsOf } from "~/.server/http/request-params";
import { getUnit, unitsUnder } from "~/.server/org/units";
import { FormMessage, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { scopePaths } from "~/lib/permissions";
import { pageMeta } from "~/lib/page-meta";

// /manage/people/activation?unitId=: the people of a unit who have not activated their account, and
// the forms that issue their codes as slips to print or as a workbook (decision 030).

export const meta: MetaFunction = () => pageMeta("账号激活 · 网上党校");

const QuerySchema = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  error: z.enum(["empty", "too_many"]).optional().catch(undefined),
});

const SHOWN = 500;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:manage");
  const { unitId, error } = searchParamsOf(request, QuerySchema, "参数有误");
  const units = await unitsUnder(scopePaths(user.grants, "people:manage"));
  const base = { units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })), limits: BATCH_LIMITS, days: env.activationDays, error };
  if (unitId === undefined) return { ...base, unit: null, people: [], total: 0, pending: 0 };
  await requirePermission(request, "people:manage", unitId);
  const unit = (await getUnit(unitId))!;
  const people = await unitActivationList(user, unit.path);
  return {
    ...base,
    unit: { id: unit.id, name: unit.name },
    people: people.slice(0, SHOWN),
    total: people.length,
    pending: people.filter((p) => p.validUntil === null).length,
  };
}

const ERRORS = {
  empty: "没有需要发放激活码的人员。",
  too_many: "人数超过一次生成的上限，请选择下级党组织分别生成。",
} as const;

export default function ActivationPage() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="max-w-5xl space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-bold">账号激活</h1>
        <Link to="/manage/people" className={`${secondaryButtonClass} ml-auto`}>
          返回人员管理
        </Link>
      </div>
      <section className="rounded-lg bg-white p-4 text-sm text-stone-700 shadow">
        <p>
          新导入的人员没有密码。为他们生成一次性激活码，打印成通知单按党支部发放（或导出 Excel），本人凭学号/工号和激活码（或扫码）设置自己的密码。激活码
          {d.days} 天内有效，只能使用一次；重新生成会使同一人此前未使用的激活码作废。激活码只在生成时显示，系统不保存明文。
        </p>
      </section>
      <Form method="get" className="flex gap-2 rounded-lg bg-white p-3 shadow">
        <select name="unitId" defaultValue={d.unit?.id ?? ""} aria-label="党组织" className={inputClass}>
          <option value="">选择党组织</option>
          <UnitOptions units={d.units} />
        </select>
        <button type="submit" className={`${secondaryButtonClass} whitespace-nowrap`}>
          查看
        </button>
      </Form>
      {d.error ? <FormMessage messages={[ERRORS[d.error]]} /> : null}

      {d.unit ? (
        <>
          <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="issue-heading">
            <h2 id="issue-heading" className="mb-2 font-bold">
              {d.unit.name}：未激活 {d.total} 人，其中 {d.pending} 人尚无有效激活码
            </h2>
            {/* A native form: the workbook is a download, and the slips page must not be re-issued by a client-side reload. */}
            <Form method="post" reloadDocument className="grid gap-2 sm:grid-cols-3">
              <input type="hidden" name="unitId" value={d.unit.id} />
              <select name="scope" aria-label="发放范围" className={`${inputClass} sm:col-span-3`} defaultValue="pending">
                <option value="pending">尚无有效激活码的 {d.pending} 人</option>
                <option value="all">全部未激活的 {d.total} 人（重新生成，原激活码作废）</option>
              </select>
              <button type="submit" formAction="/manage/people/activation/sheet" className={buttonClass}>
                生成并打印通知单
              </button>
              <button type="submit" formAction="/manage/people/activation.xlsx" className={secondaryButtonClass}>
                生成并导出 Excel
              </button>
            </Form>
            <p className="mt-2 text-xs text-stone-500">
              打印一次最多 {d.limits.print} 人，导出一次最多 {d.limits.xlsx} 人；人数更多时请选择下级党支部分别生成。
            </p>
          </section>

          <section className="overflow-x-auto rounded-lg bg-white shadow" aria-label="未激活人员">
            <table className="w-full text-left text-sm">
              <thead className="bg-stone-100 text-stone-600">
                <tr>
                  <th className="px-3 py-2">姓名</th>
                  <th className="px-3 py-2">学号/工号</th>
                  <th className="hidden px-3 py-2 sm:table-cell">党组织</th>
                  <th className="px-3 py-2">激活码</th>
                </tr>
              </thead>
              <tbody>
                {d.people.map((p) => (
                  <tr key={p.id} className="border-t border-stone-100" data-testid="pending-person">
                    <td className="px-3 py-2">
                      <Link to={`/manage/people/${p.id}`} className="text-party hover:underline">
                        {p.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2 font-mono">{p.number}</td>
                    <td className="hidden px-3 py-2 sm:table-cell">{p.unitName}</td>
                    <td className="px-3 py-2">{p.validUntil ? `有效至 ${p.validUntil}` : "未发放或已失效"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {d.total > d.people.length ? <p className="px-3 py-2 text-sm text-stone-500">仅列出前 {d.people.length} 人。</p> : null}
            {d.total === 0 ? <p className="px-3 py-2 text-sm text-stone-500">该组织的人员都已激活账号。</p> : null}
          </section>
        </>
      ) : null}
    </div>
  );
}
