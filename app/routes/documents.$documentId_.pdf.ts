import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { documentFile } from "~/.server/library/documents";

// A library PDF for the page's own viewer (pdf.js), scoped and audited like the download (decision 050).
// /documents/:documentId/pdf

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return orRefuse(() => documentFile(user, idParam(params.documentId, "文件不存在"), "preview"));
}
