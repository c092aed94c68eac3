import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { idParam } from "~/.server/http/request-params";
import { orRefuse } from "~/.server/http/refusal";
import { unitPageFor } from "~/.server/pages/pages";
import { PageLevels } from "~/components/org-pages/page-levels";
import { formatDate } from "~/lib/dates";
import { COLUMN_KIND_LABELS } from "~/lib/org-pages";
import { pageMeta } from "~/lib/page-meta";

// A unit's "four in one" page: its columns in the order its managers set, each with its latest
// articles (pinned first) or the unit's notices or a link to its documents. People outside the unit's
// subtree get "not found" (docs/decisions/051). /org/:unitId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.unit.name ?? "党组织主页"} · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const unitId = idParam(params.unitId, "没有找到该页面");
  const page = await orRefuse(() => unitPageFor(user, unitId));
  return {
    ...page,
    columns: page.columns.map((c) => ({
      ...c,
      articles: c.articles.map((a) => ({ ...a, publishedAt: formatDate(a.publishedAt) })),
      notices: c.notices.map((n) => ({ ...n, publishedAt: formatDate(n.publishedAt) })),
    })),
  };
}

function Pinned() {
  return <span className="mr-1 rounded bg-party px-1.5 py-0.5 text-xs text-white">置顶</span>;
}

export default function UnitPage() {
  const { unit, levels, columns } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <PageLevels levels={levels} current={unit.id} />
      <h1 className="text-xl font-bold">{unit.name}</h1>
      {columns.length === 0 ? <p className="text-sm text-stone-500">该党组织尚未设置栏目。</p> : null}
      {columns.map((c) => (
        <section key={c.id} aria-labelledby={`column-${c.id}`} className="rounded-lg bg-white p-4 shadow" data-testid="column">
          <h2 id={`column-${c.id}`} className="mb-2 flex items-baseline gap-2 font-bold">
            {c.name}
            <span className="text-xs font-normal text-stone-500">{COLUMN_KIND_LABELS[c.kind]}</span>
          </h2>
          {c.kind === "downloads" ? (
            <Link to={`/org/${unit.id}/documents`} className="text-party underline">
              进入文件下载
            </Link>
          ) : c.kind === "notices" ? (
            c.notices.length === 0 ? (
              <p className="text-sm text-stone-500">暂无通知。</p>
            ) : (
              <ul className="space-y-2">
                {c.notices.map((n) => (
                  <li key={n.id}>
                    <p className="font-medium">
                      {n.pinned ? <Pinned /> : null}
                      {n.title}
                    </p>
                    <p className="whitespace-pre-line text-sm text-stone-700">{n.body}</p>
                    <p className="text-xs text-stone-500">{n.publishedAt}</p>
                  </li>
                ))}
              </ul>
            )
          ) : c.articles.length === 0 ? (
            <p className="text-sm text-stone-500">暂无文章。</p>
          ) : (
            <ul className="divide-y divide-stone-100">
              {c.articles.map((a) => (
                <li key={a.id} className="py-2" data-testid="article">
                  <Link to={`/org/${unit.id}/articles/${a.id}`} className="font-medium text-stone-900 hover:text-party">
                    {a.pinned ? <Pinned /> : null}
                    {a.title}
                  </Link>
                  <p className="text-xs text-stone-500">
                    {a.publishedAt} · 阅读 {a.readCount}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
