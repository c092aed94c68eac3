import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { formatDuration } from "~/lib/contest-ranking";
import { type Grant } from "~/lib/permissions";
import { PRIZE_DRAW_ALGORITHM } from "~/lib/prize-draw";
import { formatChinaDateTime } from "~/lib/dates";
import { audit } from "../audit";
import { type Download, XLSX_TYPE, boldCell, headerRow } from "../http/download";
import { prizeDraws } from "./prize-draws";
import { type OrganisationTable, questionRates, trainerRanking } from "./results";

// A contest's results as an Excel workbook: the whole individual ranking (names and numbers as the
// results page shows them to this viewer), the organisation table with the award list, the prize
// draws with everything needed to re-run them, and each question's correct rate. Audited.

const text = (value: string | null) => (value === null ? null : { value, type: String, format: "@" });

export async function exportContestResults(
  actorId: number,
  contest: { id: number; title: string },
  grants: readonly Grant[],
  table: OrganisationTable | null,
): Promise<Download> {
  const [ranking, draws, questions] = await Promise.all([trainerRanking(contest.id, grants), prizeDraws(contest.id), questionRates(contest.id)]);
  const byEntry = new Map(ranking.map((r) => [r.entryId, r]));

  const people: SheetData = [
    headerRow("名次", "参赛编号", "学号/工号", "姓名", "党组织", "得分", "满分", "用时", "用时(毫秒)", "交卷时间"),
    ...ranking.map((r) => [
      r.place,
      r.entryId,
      text(r.number),
      r.name,
      r.unitName,
      r.score / 100,
      r.maxScore / 100,
      formatDuration(r.durationMs),
      r.durationMs,
      formatChinaDateTime(r.finishedAt) || null,
    ]),
  ];

  const units: SheetData = table
    ? [
        [boldCell("统计层级"), table.parent.name],
        [boldCell("获奖参与率门槛(%)"), table.threshold],
        [],
        headerRow("名次", "党组织", "应参赛", "参赛", "参与率(%)", "平均分", "优秀组织奖"),
        ...table.units.map((u) => [u.place, u.name, u.eligible, u.participants, u.rate, u.averageScore, u.awarded ? "获奖" : null]),
      ]
    : [["还没有指定参赛范围"]];

  const drawRows: SheetData = [[boldCell("算法"), PRIZE_DRAW_ALGORITHM]];
  if (draws.length === 0) drawRows.push([], ["尚未抽奖"]);
  for (const d of draws) {
    drawRows.push(
      [],
      [boldCell("抽奖时间"), formatChinaDateTime(d.createdAt)],
      [boldCell("种子"), text(d.seed)],
      [boldCell("号池大小"), d.pool.length],
      [boldCell("号池(参赛编号，升序)"), d.pool.join(",")],
      headerRow("中奖顺序", "参赛编号", "学号/工号", "姓名", "党组织"),
      ...d.winners.map((id, i) => {
        const r = byEntry.get(id);
        return [i + 1, id, text(r?.number ?? null), r?.name ?? null, r?.unitName ?? null];
      }),
    );
  }

  const items: SheetData = [
    headerRow("题库", "编号", "题干", "抽到次数", "答对次数", "正确率(%)"),
    ...questions.map((q) => [q.bankTitle, q.key, q.stem, q.drawn, q.correct, q.correctRate]),
  ];

  const body = await writeXlsxFile([
    {
      data: people,
      sheet: "个人排名",
      columns: [{ width: 6 }, { width: 10 }, { width: 16 }, { width: 12 }, { width: 24 }, ...Array(5).fill({ width: 12 })],
      stickyRowsCount: 1,
    },
    { data: units, sheet: "组织排名", columns: [{ width: 18 }, { width: 30 }, ...Array(5).fill({ width: 12 })] },
    { data: drawRows, sheet: "抽奖结果", columns: [{ width: 20 }, { width: 60 }, { width: 16 }, { width: 12 }, { width: 24 }] },
    { data: items, sheet: "题目正确率", columns: [{ width: 16 }, { width: 10 }, { width: 60 }, ...Array(3).fill({ width: 10 })], stickyRowsCount: 1 },
  ]).toBuffer();
  await audit({ actorId, action: "contest.export", targetKind: "contest", targetId: contest.id, detail: { people: ranking.length } });
  return { body, fileName: `${contest.title}-成绩.xlsx`, contentType: XLSX_TYPE };
}
