import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/.server/auth/guard";
import { downloadResponse } from "~/.server/http/download";
import { exportPipelineDue, pipelineDue } from "~/.server/pipeline/due";
import { todayInChina } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";

// The development file's due and overdue steps over the caller's subtree as an Excel workbook: /manage/pipeline.xlsx

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:view");
  const today = new Date(`${todayInChina()}T00:00:00Z`);
  const { rows } = await pipelineDue(scopePaths(user.grants, "people:view"), today);
  return downloadResponse(await exportPipelineDue(user.id, user.grants, rows, today), `pipeline-due-${todayInChina()}.xlsx`);
}
