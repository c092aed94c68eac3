import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { documentFile } from "~/.server/library/documents";

// A library document as an attachment, for those its audience admits; audited unless public (decision 050).
// /documents/:documentId/download

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return orRefuse(() => documentFile(user, idParam(params.documentId, "文件不存在"), "download"));
}
