import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { reviewedDocumentFile } from "~/.server/library/documents";

// The file a document under review proposes, as an attachment, for its reviewer in scope or
// its uploader (404 to anyone else, whatever the id); every read audited (decision 053).
// /manage/review/:itemId/download

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return orRefuse(() => reviewedDocumentFile(user, idParam(params.itemId, "没有找到该审核事项"), "download"));
}
