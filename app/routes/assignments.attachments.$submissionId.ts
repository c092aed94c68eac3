import { type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { attachmentDownload } from "~/.server/assignments/grading";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { idParam, searchParamsOf } from "~/.server/http/request-params";

// A submission's attachment, the current one or with `?version=N` the one handed in with that
// version, for its author, the tutors of the author's group and the class's organiser; anyone else
// gets the 404 of a file that does not exist. Each download is audited.
// /assignments/attachments/:submissionId

const QuerySchema = z.object({ version: z.coerce.number().int().min(1).max(100_000).optional() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.submissionId, "文件不存在");
  const { version } = searchParamsOf(request, QuerySchema, "版本号有误");
  return orRefuse(() => attachmentDownload(user, id, version ?? null));
}
