import { type LoaderFunctionArgs, type MetaFunction, json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { searchParamsOf } from "~/.server/http/request-params";
import { type SiteHit, siteSearch } from "~/.server/site-search/site-search";
import { AppError } from "~/lib/app-error";
import { SEARCH_KINDS, type SearchKind, SEARCH_PAGE_SIZE as PER_PAGE, SEARCH_QUERY_MAX_CHARS as QUERY_MAX_CHARS } from "~/lib/search-terms";
import { buttonClass, inputClass } from "~/components/ui/form";
import { pageMeta } from "~/lib/page-meta";

// One search box over everything a person may see (issue 18 item 5, decision 050 amended):
// /search?q=…(&kind=course|document|article|topic|post)(&page=n). Results are grouped by kind with
// each kind's count; a kind narrows to its own list.

export const meta: MetaFunction = () => pageMeta("搜索 · 网上党校");

const KIND_LABELS = { course: "课程", document: "文件", article: "文章", topic: "话题", post: "讨论" } as const;

const ParamsSchema = z.object({ kind: z.enum(SEARCH_KINDS).optional(), page: z.coerce.number().int().min(1).max(500).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { kind, page = 1 } = searchParamsOf(request, ParamsSchema, "搜索条件有误");
  const raw = new URL(request.url).searchParams.get("q");
  const shown = (raw ?? "").slice(0, QUERY_MAX_CHARS);
  const empty = {
    q: shown,
    kind: kind ?? null,
    page,
    counts: {} as Partial<Record<SearchKind, number>>,
    hits: [] as SiteHit[],
    message: null as string | null,
  };
  // No q at all: the box alone. A q, even blank, is searched, and a blank or too long one is told why.
  if (raw === null) return json(empty);
  try {
    const found = await orRefuse(() => siteSearch(user, raw, { kind, page }));
    return json({ ...empty, ...found });
  } catch (e) {
    if (e instanceof AppError && e.code === "invalid") return json({ ...empty, message: e.message }, { status: 400 });
    throw e;
  }
}

function hrefFor(q: string, kind: string | null, page = 1) {
  const p = new URLSearchParams({ q });
  if (kind) p.set("kind", kind);
  if (page > 1) p.set("page", String(page));
  return `/search?${p}`;
}

export default function Search() {
  const { q, kind, page, counts, hits, message } = useLoaderData<typeof loader>();
  const count = (k: SearchKind) => (counts as Partial<Record<SearchKind, number>>)[k] ?? 0;
  const total = SEARCH_KINDS.reduce((s, k) => s + count(k), 0);
  const shownTotal = kind ? count(kind) : total;
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <h1 className="text-xl font-bold">搜索</h1>
      <Form method="get" action="/search" className="flex gap-2" role="search" aria-label="修改搜索">
        {kind ? <input type="hidden" name="kind" value={kind} /> : null}
        <input name="q" defaultValue={q} aria-label="搜索内容" placeholder="搜索课程、文件、文章和讨论" className={inputClass} maxLength={QUERY_MAX_CHARS} />
        <button type="submit" className={buttonClass}>
          搜索
        </button>
      </Form>
      {message ? (
        <p role="alert" className="rounded bg-red-50 p-3 text-sm text-red-700">
          {message}
        </p>
      ) : null}
      {q && !message ? (
        <nav aria-label="按类别" className="flex flex-wrap gap-2 text-sm">
          <Link to={hrefFor(q, null)} className={kind ? "rounded px-2 py-1 hover:bg-stone-100" : "rounded bg-party px-2 py-1 text-white"}>
            全部 {total}
          </Link>
          {SEARCH_KINDS.map((k) => (
            <Link key={k} to={hrefFor(q, k)} className={kind === k ? "rounded bg-party px-2 py-1 text-white" : "rounded px-2 py-1 hover:bg-stone-100"}>
              {KIND_LABELS[k]} {count(k)}
            </Link>
          ))}
        </nav>
      ) : null}
      {q && !message ? (
        <p className="text-sm text-stone-600" data-testid="search-total">
          找到 {shownTotal} 条结果
        </p>
      ) : null}
      <ul className="space-y-2">
        {hits.map((h) => (
          <li key={`${h.kind}:${h.id}`} className="rounded-lg bg-white p-3 shadow" data-kind={h.kind}>
            <span className="mr-2 rounded bg-stone-100 px-1.5 py-0.5 text-xs text-stone-600">{KIND_LABELS[h.kind]}</span>
            <Link to={h.href} className="font-medium text-party hover:underline">
              {h.title}
            </Link>
            {h.excerpt ? <p className="mt-1 text-sm text-stone-600">{h.excerpt}</p> : null}
          </li>
        ))}
      </ul>
      {shownTotal > page * PER_PAGE ? (
        <Link to={hrefFor(q, kind, page + 1)} className="text-sm text-party hover:underline">
          下一页
        </Link>
      ) : null}
    </div>
  );
}
