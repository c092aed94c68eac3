import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { can, requirePermission } from "~/.server/auth/guard";
import { unitsUnder } from "~/.server/org/units";
import { PEOPLE_SORTS, listPeople } from "~/.server/org/people";
import { searchParamsOf } from "~/.server/http/request-params";
import { tableQuery } from "~/.server/http/table-query";
import { DataTable, KeepTableParams } from "~/components/ui/data-table";
import { inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { scopePaths } from "~/lib/permissions";
import { CADRE_LEVEL_LABELS, POLITICAL_STATUS_LABELS } from "~/lib/vocabulary";
import { CadreLevelSchema, PoliticalStatusSchema } from "~/lib/vocabulary-fields";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("人员管理 · 网上党校");

const FilterSchema = z.object({
  q: z.string().trim().max(50).optional(),
  unitId: z.coerce.number().int().positive().optional(),
  status: PoliticalStatusSchema.optional(),
  cadreLevel: CadreLevelSchema.optional(),
  committee: z.enum(["yes", "no"]).optional(),
  disabled: z.literal("1").optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:view");
  const f = searchParamsOf(request, FilterSchema, "筛选条件有误");
  const query = tableQuery(request, { sorts: PEOPLE_SORTS, defaultSort: "unit", defaultSize: 50 });
  // Naming a unit narrows the list; it never widens the scope (the guard checks it is inside).
  if (f.unitId !== undefined) await requirePermission(request, "people:view", f.unitId);
  const scope = scopePaths(user.grants, "people:view");
  const [units, result] = await Promise.all([
    unitsUnder(scope),
    listPeople(
      scope,
      {
        q: f.q,
        unitId: f.unitId,
        status: f.status,
        cadreLevel: f.cadreLevel,
        committee: f.committee === undefined ? undefined : f.committee === "yes",
        includeDisabled: f.disabled === "1",
      },
      query,
    ),
  ]);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    canImport: can(user, "people:import"),
    canActivate: can(user, "people:manage"),
    ...result,
  };
}

export default function PeopleList() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-bold">人员管理</h1>
        <span className="ml-auto flex gap-2">
          {d.canActivate ? (
            <Link to="/manage/people/activation" className={secondaryButtonClass}>
              账号激活
            </Link>
          ) : null}
          {d.canImport ? (
            <Link to="/manage/people/import" className={secondaryButtonClass}>
              批量导入
            </Link>
          ) : null}
        </span>
      </div>

      <Form method="get" className="mb-4 grid grid-cols-2 gap-2 rounded-lg bg-white p-3 shadow sm:grid-cols-3" role="search" aria-label="筛选人员">
        <KeepTableParams />
        <input
          name="q"
          type="search"
          defaultValue={params.get("q") ?? ""}
          placeholder="姓名或学号/工号"
          aria-label="姓名或学号/工号"
          className={`${inputClass} col-span-2 sm:col-span-3`}
        />
        <select name="unitId" defaultValue={params.get("unitId") ?? ""} aria-label="党组织" className={`${inputClass} col-span-2 sm:col-span-3`}>
          <option value="">全部党组织</option>
          <UnitOptions units={d.units} />
        </select>
        <select name="status" defaultValue={params.get("status") ?? ""} aria-label="政治面貌" className={inputClass}>
          <option value="">全部政治面貌</option>
          <LabelOptions labels={POLITICAL_STATUS_LABELS} />
        </select>
        <select name="cadreLevel" defaultValue={params.get("cadreLevel") ?? ""} aria-label="干部级别" className={inputClass}>
          <option value="">全部干部级别</option>
          <LabelOptions labels={CADRE_LEVEL_LABELS} />
        </select>
        <select name="committee" defaultValue={params.get("committee") ?? ""} aria-label="支委成员" className={inputClass}>
          <option value="">支委与否</option>
          <option value="yes">支委成员</option>
          <option value="no">非支委成员</option>
        </select>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="disabled" value="1" defaultChecked={params.get("disabled") === "1"} />
          含已停用账号
        </label>
        <button type="submit" className={`${secondaryButtonClass} col-span-2 sm:col-span-1`}>
          查询
        </button>
      </Form>

      <DataTable
        caption="人员名单"
        unit="人"
        empty="没有符合条件的人员。"
        testId="people-table"
        paging={d.paging}
        columns={[
          { label: "姓名", sort: "name" },
          { label: "学号/工号", sort: "number" },
          { label: "政治面貌", sort: "status" },
          { label: "党组织", sort: "unit", className: "hidden sm:table-cell" },
          { label: "干部/支委", className: "hidden md:table-cell" },
          { label: "手机号", className: "hidden md:table-cell" },
        ]}
      >
        {d.rows.map((p) => (
          <tr key={p.id} className="border-t border-stone-100" data-testid="person-row">
            <td className="px-3 py-2">
              <Link to={`/manage/people/${p.id}`} className="text-party underline-offset-2 hover:underline">
                {p.name}
              </Link>
              {p.disabled ? <span className="ml-1 text-xs text-stone-500">（已停用）</span> : null}
            </td>
            <td className="px-3 py-2 font-mono">{p.number}</td>
            <td className="px-3 py-2">{POLITICAL_STATUS_LABELS[p.politicalStatus]}</td>
            <td className="hidden px-3 py-2 sm:table-cell">{p.unit.name}</td>
            <td className="hidden px-3 py-2 md:table-cell">
              {p.cadreLevel !== "none" ? CADRE_LEVEL_LABELS[p.cadreLevel] : ""}
              {p.isCommitteeMember ? ` ${p.committeeRole ?? "支委"}` : ""}
            </td>
            <td className="hidden px-3 py-2 font-mono md:table-cell">{p.phone}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
