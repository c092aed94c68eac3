import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { GRADE_COMPONENT_LABELS, describeRule, formatPoints } from "~/lib/class-grading";
import { formatChinaDateTime } from "~/lib/dates";
import { type Grant } from "~/lib/permissions";
import { personFieldsFor } from "~/lib/mask";
import { audit } from "../audit";
import { prisma } from "../db";
import { type Download, XLSX_TYPE, boldCell, headerRow } from "../http/download";
import { classResults } from "./results";
import { type ClassRecord } from "./results-access";

// A class's roster and results as an Excel workbook: the roster (every member whatever their status,
// with the reason of a rejection or withdrawal) and the results as the page shows them (published
// figures once the 结业 list is out). 学号/工号 and political status are masked unless the viewer has
// people:sensitive over the member's unit, as in every other export; the export is audited.

const MEMBER_STATUS: Record<string, string> = { nominated: "已推荐待审核", enrolled: "在册", rejected: "未通过审核", withdrawn: "已退班" };

export async function exportClassResults(actorId: number, cls: ClassRecord, grants: readonly Grant[], groupIds: number[] | null): Promise<Download> {
  const [roster, results] = await Promise.all([
    prisma.classMember.findMany({
      where: { classId: cls.id, ...(groupIds ? { groupId: { in: groupIds } } : {}) },
      select: {
        status: true,
        reason: true,
        group: { select: { name: true } },
        person: { select: { name: true, number: true, politicalStatus: true, unit: { select: { name: true, path: true } } } },
      },
      // Members without a group first on both engines (PostgreSQL sorts NULL last by default, SQLite first).
      orderBy: [{ groupId: { sort: "asc", nulls: "first" } }, { personId: "asc" }],
    }),
    classResults(cls, grants, groupIds),
  ]);
  const text = (value: string) => ({ value, type: String, format: "@" });

  const rosterSheet: SheetData = [
    headerRow("学号/工号", "姓名", "党组织", "政治面貌", "小组", "状态", "说明"),
    ...roster.map((m) => {
      const f = personFieldsFor(grants, { unitPath: m.person.unit.path, number: m.person.number, politicalStatus: m.person.politicalStatus });
      return [text(f.number), m.person.name, m.person.unit.name, f.politicalStatus, m.group?.name ?? null, MEMBER_STATUS[m.status] ?? m.status, m.reason];
    }),
  ];

  const components = results.rule?.components ?? [];
  const resultSheet: SheetData = [
    [boldCell(`${cls.title}（第 ${cls.term} 期）`)],
    [results.rule ? `评分规则：${describeRule(results.rule)}` : (results.ruleError ?? "")],
    [results.published ? "结业名单已发布，以下为发布时的成绩" : "结业名单尚未发布，以下为当前计算结果"],
    [],
    headerRow(
      "学号/工号",
      "姓名",
      "党组织",
      "小组",
      ...components.map((c) => `${GRADE_COMPONENT_LABELS[c.key]}（${c.weight}%）`),
      "总分",
      "结果",
      "优秀学员",
      "说明",
    ),
    ...results.members.map((m) => [
      text(m.number),
      m.name,
      m.unitName,
      m.groupName,
      ...components.map((c) => {
        const s = m.components.find((x) => x.key === c.key)?.score ?? null;
        return s === null ? null : Number(formatPoints(s));
      }),
      m.total === null ? null : Number(formatPoints(m.total)),
      m.passed ? (results.published ? "结业" : "合格") : "未合格",
      m.excellent ? "是" : null,
      [m.facts.exam.makeup ? "考试成绩为补考成绩" : null, ...m.reasons].filter(Boolean).join("；") || null,
    ]),
  ];

  const body = await writeXlsxFile([
    {
      data: rosterSheet,
      sheet: "名册",
      columns: [{ width: 16 }, { width: 10 }, { width: 24 }, { width: 12 }, { width: 10 }, { width: 12 }, { width: 30 }],
      stickyRowsCount: 1,
    },
    {
      data: resultSheet,
      sheet: "成绩",
      columns: [
        { width: 16 },
        { width: 10 },
        { width: 24 },
        { width: 10 },
        ...components.map(() => ({ width: 12 })),
        { width: 8 },
        { width: 8 },
        { width: 10 },
        { width: 40 },
      ],
    },
  ]).toBuffer();
  await audit({ actorId, action: "class.export", targetKind: "class", targetId: cls.id, detail: { roster: roster.length, results: results.members.length } });
  const stamp = formatChinaDateTime(new Date()).slice(0, 10);
  return { body, fileName: `${cls.title}-名册与成绩-${stamp}.xlsx`, contentType: XLSX_TYPE };
}
