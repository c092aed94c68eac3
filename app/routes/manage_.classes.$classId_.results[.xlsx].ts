import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { exportClassResults } from "~/.server/classes/results-export";
import { resultsAccess } from "~/.server/classes/results-access";
import { downloadResponse } from "~/.server/http/download";
import { idParam } from "~/.server/http/request-params";

// A class's roster and results as an Excel workbook: /manage/classes/:classId/results.xlsx. The same
// people as the results page (a tutor gets their group), masked as every export is, and audited.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const classId = idParam(params.classId, "没有找到该培训班");
  const access = await resultsAccess(user, classId);
  if (!access) throw new Response("没有找到该培训班", { status: 404 });
  const file = await exportClassResults(user.id, access.cls, user.grants, access.groupIds);
  return downloadResponse(file, `class-${classId}-results.xlsx`);
}
