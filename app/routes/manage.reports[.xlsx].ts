import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/.server/auth/guard";
import { exportHoursReport } from "~/.server/hours/report-export";
import { hoursReport, reportQuery } from "~/.server/hours/reports";
import { downloadResponse } from "~/.server/http/download";
import { scopePaths } from "~/lib/permissions";

// A unit's 学时 report as an Excel workbook: /manage/reports.xlsx?unitId=&year=

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, "hours:report");
  const { unitId, year } = reportQuery(new URL(request.url), scopePaths(viewer.grants, "hours:report"));
  const user = await requirePermission(request, "hours:report", unitId ?? -1);
  const report = await hoursReport(unitId!, year);
  if (!report) throw new Response("没有权限", { status: 403 });
  const file = await exportHoursReport(user.id, user.grants, report);
  return downloadResponse(file, `hours-${report.unit.id}-${year}.xlsx`);
}
