import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { formatHours } from "~/lib/hours";
import { personFieldsFor } from "~/lib/mask";
import { type Grant } from "~/lib/permissions";
import { audit } from "../audit";
import { type Download, XLSX_TYPE, boldCell, headerRow } from "../http/download";
import { personStatusLabel } from "~/lib/hours-rollup";
import { type HoursReport } from "./reports";

// A unit's 学时 report as an Excel workbook: every active person of the subtree with their figures,
// the rollup per child unit, and the required courses' completion (per course, then per child unit).
// Numbers are masked unless the viewer may see sensitive data over the person's unit
// (people:sensitive); no phone or ID number is ever written.

const hours = (hundredths: number | null) => (hundredths === null ? null : Number(formatHours(hundredths)));

export async function exportHoursReport(actorId: number, grants: readonly Grant[], report: HoursReport): Promise<Download> {
  const people: SheetData = [
    headerRow("姓名", "学号/工号", "党组织", "状态", "应修学时", "已修学时", "差额学时"),
    ...report.people.map((p) => [
      p.name,
      { value: personFieldsFor(grants, p).number, type: String, format: "@" },
      p.unitName,
      personStatusLabel(p),
      hours(p.required),
      hours(p.earned),
      hours(p.missing),
    ]),
  ];
  const units: SheetData = [
    headerRow("党组织", "人数", "有学时要求", "已完成", "完成率(%)", "参学率(%)", "人均已修学时"),
    ...[...report.units, report.total].map((u) => [
      u.unitId === report.unit.id && !u.own ? boldCell(u.name) : u.name,
      u.people,
      u.withRequirement,
      u.meeting,
      u.completionRate,
      u.participationRate,
      hours(u.averageEarned),
    ]),
  ];
  const courses: SheetData = [
    headerRow("必修课程", "党组织", "应学人数", "已完成", "学习中", "未开始", "逾期未完成", "完成率(%)"),
    ...report.courses.flatMap((c) => [
      [boldCell(c.title), boldCell("合计"), c.required, c.completed, c.inProgress, c.notStarted, c.overdue, c.completionRate],
      ...c.units.filter((u) => u.required > 0).map((u) => [c.title, u.name, u.required, u.completed, u.inProgress, u.notStarted, u.overdue, u.completionRate]),
    ]),
  ];
  const body = await writeXlsxFile([
    {
      data: people,
      sheet: "人员学时",
      columns: [{ width: 10 }, { width: 16 }, { width: 28 }, { width: 8 }, ...Array(3).fill({ width: 10 })],
      stickyRowsCount: 1,
    },
    { data: units, sheet: "组织汇总", columns: [{ width: 30 }, ...Array(6).fill({ width: 12 })], stickyRowsCount: 1 },
    { data: courses, sheet: "必修课程", columns: [{ width: 24 }, { width: 30 }, ...Array(6).fill({ width: 11 })], stickyRowsCount: 1 },
  ]).toBuffer();
  await audit({
    actorId,
    action: "hours.export",
    targetKind: "unit",
    targetId: report.unit.id,
    detail: { year: report.year, people: report.people.length },
  });
  return { body, fileName: `${report.unit.name}-${report.year}年学时统计.xlsx`, contentType: XLSX_TYPE };
}
