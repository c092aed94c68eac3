import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { searchParamsOf } from "~/.server/http/request-params";
import { searchLibrary } from "~/.server/library/documents";
import { DocumentRow } from "~/components/library/document-row";
import { buttonClass, inputClass } from "~/components/ui/form";
import { pageMeta } from "~/lib/page-meta";

// Search of the document libraries, titles and text: /documents/search?q=…(&unit=…). Only documents
// whose audience admits the person are found (decision 050).

export const meta: MetaFunction = () => pageMeta("搜索文件 · 网上党校");

const QuerySchema = z.object({ q: z.string().trim().max(100).optional(), unit: z.coerce.number().int().positive().optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { q, unit } = searchParamsOf(request, QuerySchema, "搜索内容有误");
  const results = q ? await orRefuse(() => searchLibrary(user, q, unit)) : [];
  return { q: q ?? "", unit: unit ?? null, results };
}

export default function SearchDocuments() {
  const { q, unit, results } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <h1 className="text-xl font-bold">搜索文件</h1>
      <Form method="get" className="flex gap-2" role="search" aria-label="检索文件">
        {unit ? <input type="hidden" name="unit" value={unit} /> : null}
        <input name="q" defaultValue={q} aria-label="搜索文件" placeholder="输入标题或正文中的词语" className={inputClass} maxLength={100} />
        <button type="submit" className={buttonClass}>
          搜索
        </button>
      </Form>
      {q ? <p className="text-sm text-stone-600">找到 {results.length} 个文件</p> : null}
      <ul className="space-y-2">
        {results.map((d) => (
          <DocumentRow key={d.id} doc={d} excerpt={d.excerpt} />
        ))}
      </ul>
    </div>
  );
}
