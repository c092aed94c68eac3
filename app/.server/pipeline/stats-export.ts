import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { formatDate } from "~/lib/dates";
import { PIPELINE_STAGES, PIPELINE_STAGE_LABELS, PROBATION_OUTCOMES, STAGE_STEPS } from "~/lib/pipeline/stats";
import { audit } from "../audit";
import { type Download, XLSX_TYPE, boldCell, headerRow } from "../http/download";
import { pipelineDue } from "./due";
import { type StatsRow, pipelineStats, zeroSteps } from "./stats";

// The 组织部's 发展党员 statistics as a workbook, over one unit's subtree: per branch and per college, the
// people at each stage, the stage steps recorded in the year (新确定积极分子, 新确定发展对象, 新接收预备党员,
// 转为正式党员, that one split into 按期转正 and 延长预备期后转正, with 延长预备期 and 取消预备党员资格 approved in the
// year) and the steps overdue today; then the median days between stage steps. Counts only: no
// name or number is written, so nothing needs masking.

const RECORDED_TITLES: Record<string, string> = {
  apply: "新递交入党申请书",
  recommend: "新确定入党积极分子",
  "target-decide": "新确定发展对象",
  "admit-meeting": "新接收预备党员",
  "turn-approve": "新转为正式党员",
};

export async function exportPipelineStats(actorId: number, unit: { id: number; name: string; path: string }, year: number, today: Date): Promise<Download> {
  const stats = await pipelineStats(unit.path, year);
  // Overdue steps today, per branch and college: the due list's rows name them the same way.
  const overdue = new Map<string, number>();
  for (const r of (await pipelineDue([unit.path], today)).rows) {
    if (r.item.state !== "overdue") continue;
    for (const key of [`${r.college}\u0000${r.branch}`, `${r.college}\u0000`, "\u0000"]) overdue.set(key, (overdue.get(key) ?? 0) + 1);
  }
  const titles = [
    ...PIPELINE_STAGES.map((s) => `${PIPELINE_STAGE_LABELS[s]}（人）`),
    ...STAGE_STEPS.map((s) => `${year}年${RECORDED_TITLES[s.step]}`),
    ...PROBATION_OUTCOMES.map((o) => `${year}年${o.label}`),
    "逾期步骤（项）",
  ];
  const figures = (r: StatsRow, key: string) => [
    ...PIPELINE_STAGES.map((s) => r.stages[s]),
    ...STAGE_STEPS.map((s) => r.recorded[s.step]),
    ...PROBATION_OUTCOMES.map((o) => r.recorded[o.key]),
    overdue.get(key) ?? 0,
  ];
  // A branch with overdue steps but nobody at a stage today (people with a file whose status moved on) still gets its line.
  const rows = [...stats.rows];
  for (const key of overdue.keys()) {
    const [college, branch] = key.split("\u0000");
    if (branch && !rows.some((r) => r.college === college && r.branch === branch))
      rows.push({
        college,
        branch,
        stages: { applicant: 0, activist: 0, target: 0, probationary: 0 },
        recorded: zeroSteps(),
      });
  }
  const byBranch: SheetData = [
    headerRow("院系", "党支部", ...titles),
    ...rows.map((r) => [r.college, r.branch, ...figures(r, `${r.college}\u0000${r.branch}`)]),
    [boldCell("合计"), "", ...figures(stats.total, "\u0000")],
  ];
  const byCollege: SheetData = [
    headerRow("院系", ...titles),
    ...stats.colleges.map((c) => [c.college, ...figures(c, `${c.college}\u0000`)]),
    [boldCell("合计"), ...figures(stats.total, "\u0000")],
  ];
  const times: SheetData = [headerRow("阶段", "人数", "中位时间（天）"), ...stats.transitions.map((t) => [`${t.from} → ${t.to}`, t.people, t.medianDays])];
  const wide = [{ width: 22 }, ...titles.map(() => ({ width: 14 }))];
  const body = await writeXlsxFile([
    { data: byCollege, sheet: "按院系", columns: wide, stickyRowsCount: 1 },
    { data: byBranch, sheet: "按党支部", columns: [{ width: 22 }, ...wide], stickyRowsCount: 1 },
    { data: times, sheet: "发展用时", columns: [{ width: 40 }, { width: 10 }, { width: 16 }], stickyRowsCount: 1 },
  ]).toBuffer();
  await audit({ actorId, action: "pipeline.export", targetKind: "pipeline-statistics", targetId: unit.id, detail: { year, today: formatDate(today) } });
  return { body, fileName: `发展党员统计-${unit.name}-${year}.xlsx`, contentType: XLSX_TYPE };
}
