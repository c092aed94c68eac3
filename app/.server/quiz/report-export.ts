import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { DISCRIMINATION_LABELS, rateDiscrimination } from "~/lib/quiz-stats";
import { type Grant, scopePaths } from "~/lib/permissions";
import { audit } from "../audit";
import { type Download, XLSX_TYPE, boldCell, headerRow } from "../http/download";
import { describeEvidence, flaggedAttempts, participation, personResults, questionStats, scores } from "./reports";

// A quiz's report as an Excel workbook: the same figures as the report page, plus every person in
// scope with their counted grade (who has not taken it yet is what a branch secretary asks first).
// Numbers and political status are masked unless the viewer has people:sensitive over the person's unit.

const TYPE_LABELS: Record<string, string> = { single: "单选", multiple: "多选", judge: "判断", fill: "填空" };

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

export async function exportQuizReport(actorId: number, quiz: { id: number; title: string }, grants: readonly Grant[]): Promise<Download> {
  const scope = scopePaths(grants, "quizzes:manage");
  const [part, score, questions, flagged, people] = await Promise.all([
    participation(quiz.id, scope),
    scores(quiz.id, scope),
    questionStats(quiz.id, scope),
    flaggedAttempts(quiz.id, scope, grants, 10_000),
    personResults(quiz.id, scope, grants),
  ]);

  const units: SheetData = [
    headerRow("党组织", "应参加", "已参加", "参与率(%)", "通过", "通过率(%)", "平均分"),
    ...part.units.map((u) => [`${"　".repeat(u.depth)}${u.name}`, u.eligible, u.took, rate(u.took, u.eligible), u.passed, rate(u.passed, u.eligible), u.mean]),
    [
      boldCell("合计"),
      part.total.eligible,
      part.total.took,
      rate(part.total.took, part.total.eligible),
      part.total.passed,
      rate(part.total.passed, part.total.eligible),
      part.total.mean,
    ],
    [],
    ["不在当前参加范围但已有成绩", part.outsideAudience],
    ["正在作答", part.inProgress],
    [],
    headerRow("分数段", "人数"),
    ...score.histogram.map((b) => [b.label, b.count]),
    ["平均分", score.mean],
    ["中位数", score.median],
  ];

  const results: SheetData = [
    headerRow("学号/工号", "姓名", "党组织", "政治面貌", "作答次数", "成绩", "是否通过", "备注"),
    ...people.map((p) => [
      { value: p.number, type: String, format: "@" },
      p.name,
      p.unitName,
      p.politicalStatus,
      p.attempts,
      p.percent,
      p.passed === null ? "未参加" : p.passed ? "通过" : "未通过",
      [p.eligible ? null : "不在当前参加范围", p.flagged ? "有作答被标记为异常" : null].filter(Boolean).join("；") || null,
    ]),
  ];

  const items: SheetData = [
    headerRow("题库", "编号", "题型", "题干", "作答人数", "正确人数", "正确率(%)", "区分度", "评价", "最常见的错误答案", "选择人数"),
    ...questions.map((q) => [
      q.bankTitle,
      q.key,
      TYPE_LABELS[q.type] ?? q.type,
      q.stem,
      q.drawn,
      q.correct,
      q.correctRate,
      q.discrimination === null ? null : Math.round(q.discrimination * 100) / 100,
      DISCRIMINATION_LABELS[rateDiscrimination(q.discrimination)],
      q.commonWrong?.answer ?? null,
      q.commonWrong?.count ?? null,
    ]),
  ];

  const flags: SheetData = [
    headerRow("学号/工号", "姓名", "党组织", "第几次作答", "成绩", "依据"),
    ...flagged.attempts.map((a) => [
      { value: a.personNumber, type: String, format: "@" },
      a.personName,
      a.unitName,
      a.number,
      a.percent,
      describeEvidence(a.evidence),
    ]),
  ];

  const body = await writeXlsxFile([
    { data: units, sheet: "参与情况", columns: [{ width: 30 }, ...Array(6).fill({ width: 10 })], stickyRowsCount: 1 },
    {
      data: results,
      sheet: "人员成绩",
      columns: [{ width: 16 }, { width: 10 }, { width: 24 }, { width: 12 }, { width: 10 }, { width: 8 }, { width: 10 }, { width: 28 }],
      stickyRowsCount: 1,
    },
    {
      data: items,
      sheet: "题目分析",
      columns: [{ width: 16 }, { width: 10 }, { width: 6 }, { width: 50 }, ...Array(4).fill({ width: 10 }), { width: 24 }, { width: 18 }, { width: 10 }],
      stickyRowsCount: 1,
    },
    { data: flags, sheet: "异常作答", columns: [{ width: 16 }, { width: 10 }, { width: 24 }, { width: 10 }, { width: 8 }, { width: 80 }], stickyRowsCount: 1 },
  ]).toBuffer();
  await audit({ actorId, action: "quiz.export", targetKind: "quiz", targetId: quiz.id, detail: { people: people.length } });
  return { body, fileName: `${quiz.title}-统计.xlsx`, contentType: XLSX_TYPE };
}
