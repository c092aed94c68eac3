import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { readableDocument } from "~/.server/library/documents";
import { audienceLabel, sizeLabel } from "~/components/library/document-row";
import { PdfPreview } from "~/components/library/pdf-preview";
import { buttonClass } from "~/components/ui/form";
import { formatDate } from "~/lib/dates";
import { KIND_LABELS } from "~/lib/library";
import { pageMeta } from "~/lib/page-meta";

// One library document: its details, the download, and for a PDF a preview in the page. A document
// outside the reader's audience is the same 404 as one that does not exist (decision 050).

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.title ?? "文件"} · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.documentId, "文件不存在");
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { storedPath, ...doc } = await orRefuse(() => readableDocument(user, id));
  return doc;
}

export default function DocumentPage() {
  const doc = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <Link to={`/org/${doc.unitId}/documents`} className="text-sm text-party hover:underline">
        ← {doc.unitName} · 文件下载
      </Link>
      <h1 className="text-xl font-bold">{doc.title}</h1>
      <p className="text-sm text-stone-600">
        {KIND_LABELS[doc.kind]} · {sizeLabel(doc.size)} · {doc.uploaderName} 上传于 {formatDate(doc.createdAt)} · {audienceLabel(doc.audience, doc.statuses)}
      </p>
      <a href={`/documents/${doc.id}/download`} className={buttonClass} download>
        下载 {doc.fileName}
      </a>
      {doc.kind === "pdf" ? <PdfPreview src={`/documents/${doc.id}/pdf`} /> : <p className="text-sm text-stone-500">此类文件不提供在线预览，请下载后查看。</p>}
    </div>
  );
}
