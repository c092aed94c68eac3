import { type LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDownload } from "~/.server/assignments/grading";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";

// A submission's attachment, for its author, the tutors of the author's group and the class's
// organiser; anyone else gets the 404 of a file that does not exist. Each download is audited.
// /assignments/attachments/:submissionId

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.submissionId, "文件不存在");
  return orRefuse(() => attachmentDownload(user, id));
}
