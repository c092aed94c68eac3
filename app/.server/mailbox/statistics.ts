import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { formatChinaDateTime } from "~/lib/dates";
import { letterStatusLabel, mailboxFigures, mailboxTitle } from "~/lib/mailbox";
import { maskName } from "~/lib/mask";
import { audit } from "../audit";
import { prisma } from "../db";
import { type Download, XLSX_TYPE, headerRow } from "../http/download";
import { type Caller, handledBy } from "./letters";

// A unit's 书记信箱 figures (received, answered, answered on time, overdue, median hours to the first
// reply) for every mailbox the caller handles, and the same as a workbook with the letters listed.
// The workbook names a signed letter's author masked and an anonymous one as 匿名; its export is audited.

export async function mailboxStatistics(caller: Caller, now = new Date()) {
  const boxes = await prisma.mailbox.findMany({
    where: handledBy(caller),
    select: {
      id: true,
      kind: true,
      unit: { select: { name: true, path: true } },
      letters: { select: { status: true, createdAt: true, dueAt: true, firstRepliedAt: true } },
    },
    orderBy: [{ unit: { path: "asc" } }, { kind: "asc" }],
  });
  return boxes.map((b) => ({ id: b.id, title: mailboxTitle(b.unit.name, b.kind), ...mailboxFigures(b.letters, now) }));
}

export async function exportMailboxStatistics(caller: Caller, now = new Date()): Promise<Download> {
  const stats = await mailboxStatistics(caller, now);
  const letters = await prisma.letter.findMany({
    where: { mailbox: handledBy(caller) },
    select: {
      id: true,
      subject: true,
      status: true,
      anonymous: true,
      createdAt: true,
      dueAt: true,
      firstRepliedAt: true,
      mailbox: { select: { kind: true, unit: { select: { name: true } } } },
    },
    orderBy: { id: "asc" },
  });
  // Authors are read for signed letters only, by id, after the list: an anonymous letter's author never enters this export.
  const signed = await prisma.letter.findMany({
    where: { id: { in: letters.filter((l) => !l.anonymous).map((l) => l.id) } },
    select: { id: true, author: { select: { name: true } } },
  });
  const authorOf = new Map(signed.map((l) => [l.id, maskName(l.author.name)]));
  const figures: SheetData = [
    headerRow("信箱", "收信", "已答复", "按时答复", "逾期未答复", "答复用时中位数(小时)"),
    ...stats.map((s) => [s.title, s.received, s.answered, s.answeredOnTime, s.overdue, s.medianHoursToAnswer]),
  ];
  const list: SheetData = [
    headerRow("编号", "信箱", "主题", "来信人", "状态", "来信时间", "答复期限", "首次答复"),
    ...letters.map((l) => [
      l.id,
      mailboxTitle(l.mailbox.unit.name, l.mailbox.kind),
      { value: l.subject, type: String },
      l.anonymous ? "匿名" : (authorOf.get(l.id) ?? ""),
      letterStatusLabel(l.status),
      formatChinaDateTime(l.createdAt),
      formatChinaDateTime(l.dueAt),
      formatChinaDateTime(l.firstRepliedAt) || null,
    ]),
  ];
  const body = await writeXlsxFile([
    { data: figures, sheet: "统计", columns: [{ width: 30 }, ...Array(5).fill({ width: 12 })], stickyRowsCount: 1 },
    {
      data: list,
      sheet: "来信",
      columns: [{ width: 8 }, { width: 30 }, { width: 40 }, { width: 10 }, { width: 10 }, ...Array(3).fill({ width: 18 })],
      stickyRowsCount: 1,
    },
  ]).toBuffer();
  await audit({ actorId: caller.id, action: "letter.export", detail: { mailboxes: stats.length, letters: letters.length } });
  return { body, fileName: `书记信箱统计-${formatChinaDateTime(now).slice(0, 10)}.xlsx`, contentType: XLSX_TYPE };
}
