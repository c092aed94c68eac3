import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { unitsUnder } from "~/.server/org/units";
import { scopePaths } from "~/lib/permissions";
import { UNIT_KIND_LABELS, type UnitKind } from "~/lib/vocabulary";
import { pageMeta } from "~/lib/page-meta";

// The unit pages a person manages (`pages:manage`, over a unit and its subtree): pick one to edit
// its columns and articles. /manage/pages

export const meta: MetaFunction = () => pageMeta("党组织主页 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "pages:manage");
  const units = await unitsUnder(scopePaths(user.grants, "pages:manage"));
  return { units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind as UnitKind, depth: u.depth })) };
}

export default function ManagedPages() {
  const { units } = useLoaderData<typeof loader>();
  const top = Math.min(...units.map((u) => u.depth));
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">党组织主页</h1>
      <p className="text-sm text-stone-600">四位一体：校党委、院系、支部各有主页，栏目与文章由本组织的管理员维护。</p>
      <ul className="divide-y divide-stone-100 rounded-lg bg-white shadow">
        {units.map((u) => (
          <li key={u.id} className="flex items-center gap-2 px-4 py-2" style={{ paddingLeft: `${1 + (u.depth - top) * 1.25}rem` }}>
            <Link to={`/manage/pages/${u.id}`} className="text-party underline">
              {u.name}
            </Link>
            <span className="text-xs text-stone-500">{UNIT_KIND_LABELS[u.kind] ?? ""}</span>
            <Link to={`/org/${u.id}`} className="ml-auto text-xs text-stone-600 underline">
              查看主页
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
