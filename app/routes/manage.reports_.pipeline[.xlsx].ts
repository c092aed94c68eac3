import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/.server/auth/guard";
import { reportQuery } from "~/.server/hours/reports";
import { downloadResponse } from "~/.server/http/download";
import { getUnit } from "~/.server/org/units";
import { exportPipelineStats } from "~/.server/pipeline/stats-export";
import { todayInChina } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";

// The 组织部's 发展党员 statistics of a unit's subtree as a workbook: /manage/reports/pipeline.xlsx?unitId=&year=

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, "hours:report");
  const { unitId, year } = reportQuery(new URL(request.url), scopePaths(viewer.grants, "hours:report"));
  const user = await requirePermission(request, "hours:report", unitId ?? -1);
  const unit = await getUnit(unitId!);
  if (!unit) throw new Response("没有权限", { status: 403 });
  const file = await exportPipelineStats(user.id, unit, year, new Date(`${todayInChina()}T00:00:00Z`));
  return downloadResponse(file, `pipeline-${unit.id}-${year}.xlsx`);
}
