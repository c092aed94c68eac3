import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { idParam } from "~/.server/http/request-params";
import { orRefuse } from "~/.server/http/refusal";
import { readArticle } from "~/.server/pages/pages";
import { Paragraphs } from "~/components/org-pages/page-levels";
import { formatDate } from "~/lib/dates";
import { paragraphsOf } from "~/lib/org-pages";
import { pageMeta } from "~/lib/page-meta";

// One article of a unit's page, for people who may read that page (anyone else, and any id that is not
// this unit's, gets "not found"). Opening it counts the reader once. /org/:unitId/articles/:articleId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.title ?? "文章"} · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const unitId = idParam(params.unitId, "没有找到该文章");
  const articleId = idParam(params.articleId, "没有找到该文章");
  const article = await orRefuse(() => readArticle(user, unitId, articleId));
  return { ...article, paragraphs: paragraphsOf(article.body), body: undefined, publishedAt: formatDate(article.publishedAt) };
}

export default function ArticlePage() {
  const a = useLoaderData<typeof loader>();
  return (
    <article className="mx-auto max-w-2xl space-y-4 rounded-lg bg-white p-4 shadow">
      <p className="text-sm">
        <Link to={`/org/${a.unit.id}`} className="text-party underline">
          {a.unit.name}
        </Link>
        <span className="text-stone-500"> · {a.column.name}</span>
      </p>
      <h1 className="text-xl font-bold">{a.title}</h1>
      <p className="text-xs text-stone-500">
        {a.publishedAt} · <span data-testid="read-count">阅读 {a.readCount}</span>
      </p>
      <Paragraphs paragraphs={a.paragraphs} />
      {a.images.map((img) => (
        <figure key={img.id}>
          <img src={`/page-images/${img.id}`} width={img.width} height={img.height} alt={img.alt} loading="lazy" className="h-auto w-full rounded" />
          {img.alt ? <figcaption className="mt-1 text-center text-xs text-stone-500">{img.alt}</figcaption> : null}
        </figure>
      ))}
    </article>
  );
}
