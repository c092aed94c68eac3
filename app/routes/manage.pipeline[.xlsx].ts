import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/.server/auth/guard";
import { downloadResponse } from "~/.server/http/download";
import { orRefuse } from "~/.server/http/refusal";
import { searchParamsOf } from "~/.server/http/request-params";
import { DueQuery, dueScope, exportPipelineDue, pipelineDue } from "~/.server/pipeline/due";
import { todayInChina } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";

// The development file's due and overdue steps over the caller's subtree (or one college of it, ?unitId=)
// as an Excel workbook: /manage/pipeline.xlsx

export async function loader({ request }: LoaderFunctionArgs) {
  const { unitId } = searchParamsOf(request, DueQuery);
  const user = await requirePermission(request, "people:view", unitId);
  const today = new Date(`${todayInChina()}T00:00:00Z`);
  const scope = await orRefuse(() => dueScope(scopePaths(user.grants, "people:view"), unitId));
  const { rows } = await pipelineDue(scope.paths, today);
  return downloadResponse(await exportPipelineDue(user.id, user.grants, rows, today, scope.unit), `pipeline-due-${todayInChina()}.xlsx`);
}
