import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { AUDIT_ACTIONS } from "~/.server/audit";
import { AUDIT_ACTION_LABELS, auditActionLabel } from "~/.server/audit-labels";
import { AUDIT_SORTS, auditEntries } from "~/.server/audit-query";
import { requirePermissionAtRoot } from "~/.server/auth/guard";
import { searchParamsOf } from "~/.server/http/request-params";
import { tableQuery } from "~/.server/http/table-query";
import { DataTable, KeepTableParams } from "~/components/ui/data-table";
import { inputClass, secondaryButtonClass } from "~/components/ui/form";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("审计日志 · 网上党校");

// An unknown action or an overlong number filters nothing rather than refusing the page.
const FilterSchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  actor: z.string().trim().max(64).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  // The log covers the whole school, so only a grant at the root may read it.
  await requirePermissionAtRoot(request, "audit:view");
  const f = searchParamsOf(request, FilterSchema);
  const query = tableQuery(request, { sorts: AUDIT_SORTS, defaultSort: "at", defaultDir: "desc", defaultSize: 50 });
  const { paging, rows } = await auditEntries({ action: f.action, actorNumber: f.actor }, query);
  return {
    paging,
    actions: AUDIT_ACTIONS.map((a) => ({ key: a, label: AUDIT_ACTION_LABELS[a] })),
    rows: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString().replace("T", " ").slice(0, 19),
      action: auditActionLabel(r.action),
      actor: r.actor ? `${r.actor.name}（${r.actor.number}）` : "—",
      target: r.targetKind ? `${r.targetKind}:${r.targetId}` : "",
      ip: r.ip ?? "",
      detail: r.detail ?? "",
    })),
  };
}

export default function AuditPage() {
  const { actions, rows, paging } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div>
      <h1 className="mb-3 text-xl font-bold">审计日志</h1>
      <Form method="get" className="mb-3 flex flex-wrap gap-2" role="search" aria-label="筛选审计日志">
        <KeepTableParams />
        <select name="action" defaultValue={params.get("action") ?? ""} aria-label="操作" className={`${inputClass} w-auto`}>
          <option value="">全部操作</option>
          {actions.map((a) => (
            <option key={a.key} value={a.key}>
              {a.label}
            </option>
          ))}
        </select>
        <input
          name="actor"
          type="search"
          defaultValue={params.get("actor") ?? ""}
          placeholder="操作人学号/工号"
          aria-label="操作人学号/工号"
          className={`${inputClass} w-auto`}
        />
        <button className={secondaryButtonClass}>筛选</button>
      </Form>
      <DataTable
        caption="审计日志（UTC 时间）"
        testId="audit-table"
        paging={paging}
        columns={[
          { label: "时间", sort: "at", firstDir: "desc" },
          { label: "操作", sort: "action" },
          { label: "操作人" },
          { label: "对象" },
          { label: "地址" },
          { label: "详情" },
        ]}
      >
        {rows.map((r) => (
          <tr key={r.id} className="border-t border-stone-100 align-top text-xs" data-testid="audit-row">
            <td className="whitespace-nowrap px-3 py-1 font-mono">{r.at}</td>
            <td className="px-3 py-1">{r.action}</td>
            <td className="px-3 py-1">{r.actor}</td>
            <td className="px-3 py-1 font-mono">{r.target}</td>
            <td className="px-3 py-1 font-mono">{r.ip}</td>
            <td className="max-w-xs break-all px-3 py-1 font-mono">{r.detail}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
