import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { z } from "zod";
import { thoughtReportQuarter } from "~/lib/assignments";
import { formatDate } from "~/lib/dates";
import { personFieldsFor } from "~/lib/mask";
import { type Grant } from "~/lib/permissions";
import { type DueItem, type RecordedStep, nextSteps } from "~/lib/pipeline/engine";
import { thoughtReportDue } from "~/lib/pipeline/thought-report-due";
import { unitIdsOnPath } from "~/lib/unit-path";
import { AppError } from "~/lib/app-error";
import { audit } from "../audit";
import { prisma, sqlDb } from "../db";
import { type Download, XLSX_TYPE, headerRow } from "../http/download";
import { unitsUnder } from "../org/units";
import { anyOf, inList, sql } from "../sql";
import { pipelinePack } from "./packs";
import { compareNames } from "~/lib/name-order";

// Who is due for what this month and what is overdue, over the caller's subtree: every person of the
// pipeline (applicant to probationary, or anyone with a file) with the steps the engine says are
// overdue or due by the end of this month, each with the rule it comes from, per branch and college.

const IN_PIPELINE = ["applicant", "activist", "target", "probationary"];

export type DueRow = {
  personId: number;
  name: string;
  number: string;
  unitPath: string;
  branch: string;
  college: string;
  item: DueItem;
};

export type DueSummary = { name: string; overdue: number; due: number };

/** The query of the due list and its workbook: the unit to narrow to. */
export const DueQuery = z.object({ unitId: z.coerce.number().int().positive().optional() });

/**
 * The subtrees a due list covers: the caller's whole scope, or one unit of it (a college, as a 组织部
 * narrows the list) when chosen; with the colleges of the scope to choose from. The route checks the
 * caller's grant over a chosen unit first; an archived or unknown one is not found.
 */
export async function dueScope(scope: readonly string[], unitId: number | undefined) {
  const units = await unitsUnder([...scope]);
  const colleges = units.filter((u) => u.kind === "college").map((u) => ({ id: u.id, name: u.name }));
  if (unitId === undefined) return { paths: scope, unit: null, colleges };
  const unit = units.find((u) => u.id === unitId);
  if (!unit) throw new AppError("not_found", "党组织不存在");
  return { paths: [unit.path], unit: { id: unit.id, name: unit.name }, colleges };
}

/** The last day of the month `today` is in (a calendar day, UTC midnight). */
export function monthEnd(today: Date): Date {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0));
}

/**
 * The steps of each person's file that are overdue or due by `until` (the end of this month unless
 * said otherwise: a person's to-do list looks as far ahead as its longest reminder lead), with the
 * engine's next steps and the 思想汇报 of activists and targets, by person: the due list over a subtree
 * and a person's own to-do list (app/.server/todo/) both read this, for one person or a whole school.
 * Raw SQL (two statements, three with 思想汇报), as it is on every home page.
 */
export async function pipelineItemsOf(
  people: readonly { id: number; politicalStatus: string }[],
  today: Date,
  until: Date = monthEnd(today),
): Promise<Map<number, DueItem[]>> {
  const result = new Map<number, DueItem[]>();
  if (people.length === 0) return result;
  const pack = pipelinePack();
  const db = sqlDb();
  // The 思想汇报 handed in by activists and targets (decision 044: one submission per quarter), by series.
  const reporting = people.filter((p) => p.politicalStatus === "activist" || p.politicalStatus === "target").map((p) => p.id);
  const handedIn = new Map<number, Set<string>>();
  if (reporting.length) {
    const current = thoughtReportQuarter(today);
    const series = [current.series, thoughtReportQuarter(new Date(current.opensAt.getTime() - 1)).series];
    for (const s of await db.all<{ personId: number; series: string | null }>(
      sql`SELECT s."personId", a."series" FROM "Submission" s JOIN "Assignment" a ON a."id" = s."assignmentId"
        WHERE s."status" ${inList(["submitted", "graded"])} AND a."kind" = 'thought_report' AND a."series" ${inList(series)} AND s."personId" ${inList(reporting)}`,
    )) {
      const mine = handedIn.get(s.personId) ?? new Set<string>();
      if (s.series) mine.add(s.series);
      handedIn.set(s.personId, mine);
    }
  }
  const records = await db.all<{ personId: number; step: string; happenedOn: string; birthDate: string | null; months: number | null }>(
    sql`SELECT "personId", "step", "happenedOn", "birthDate", "months" FROM "PipelineRecord"
      WHERE "personId" ${inList(people.map((p) => p.id))} AND "supersededAt" IS NULL ORDER BY "id"`,
  );
  const byPerson = new Map<number, { recorded: RecordedStep[]; birthDate: Date | null }>();
  for (const r of records) {
    const file = byPerson.get(r.personId) ?? { recorded: [], birthDate: null };
    file.recorded.push({ step: r.step, on: new Date(r.happenedOn), months: r.months });
    if (r.step === "apply" && r.birthDate) file.birthDate = new Date(r.birthDate);
    byPerson.set(r.personId, file);
  }
  const end = until.getTime();
  for (const p of people) {
    const file = byPerson.get(p.id);
    if (!file) continue;
    const activistSince = file.recorded.find((r) => r.step === "recommend")?.on;
    const reports =
      activistSince && (p.politicalStatus === "activist" || p.politicalStatus === "target")
        ? thoughtReportDue(today, activistSince, handedIn.get(p.id) ?? new Set())
        : [];
    const items = [...nextSteps(pack, file.recorded, { birthDate: file.birthDate }, today), ...reports].filter(
      (item) => item.state === "overdue" || (item.state === "due" && item.deadline !== null && item.deadline.getTime() <= end),
    );
    if (items.length) result.set(p.id, items);
  }
  return result;
}

/**
 * For each of the subtrees, how many rows the due list over it holds and how many of those are
 * overdue: the same people and the same items as `pipelineDue`, counted without reading names,
 * placing people in branches and colleges or sorting (a home page's duty line for a whole school).
 * The items come from the pack's rules through the engine, so they are counted here, not in SQL.
 */
export async function pipelineDueCounts(paths: readonly string[], today: Date): Promise<Map<string, { count: number; overdue: number }>> {
  const counts = new Map(paths.map((p) => [p, { count: 0, overdue: 0 }]));
  if (paths.length === 0) return counts;
  const people = await sqlDb().all<{ id: number; politicalStatus: string; unitPath: string }>(
    sql`SELECT p."id", p."politicalStatus", u."path" AS "unitPath" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE p."disabledAt" IS NULL AND ${anyOf(paths.map((path) => sql`u."path" LIKE ${`${path}%`}`))}
        AND (p."politicalStatus" ${inList(IN_PIPELINE)} OR EXISTS (SELECT 1 FROM "PipelineRecord" r WHERE r."personId" = p."id" AND r."supersededAt" IS NULL))`,
  );
  const due = await pipelineItemsOf(people, today);
  for (const p of people) {
    const items = due.get(p.id);
    if (!items) continue;
    const overdue = items.filter((i) => i.state === "overdue").length;
    for (const [path, c] of counts) {
      if (!p.unitPath.startsWith(path)) continue;
      c.count += items.length;
      c.overdue += overdue;
    }
  }
  return counts;
}

export async function pipelineDue(scope: readonly string[], today: Date) {
  if (scope.length === 0) return { rows: [] as DueRow[], colleges: [] as DueSummary[], branches: [] as DueSummary[] };
  const units = await prisma.orgUnit.findMany({
    where: { OR: scope.map((p) => ({ path: { startsWith: p } })) },
    select: { id: true, name: true, kind: true, path: true },
  });
  const unitIds = units.map((u) => u.id);
  const people = await prisma.person.findMany({
    where: { unitId: { in: unitIds }, disabledAt: null, OR: [{ politicalStatus: { in: IN_PIPELINE } }, { pipelineRecords: { some: { supersededAt: null } } }] },
    select: { id: true, name: true, number: true, unitId: true, politicalStatus: true },
    orderBy: [{ unitId: "asc" }, { number: "asc" }],
  });
  const due = await pipelineItemsOf(people, today);
  // Names of every unit on the people's paths, including ancestors above the caller's scope.
  const unitById = new Map(units.map((u) => [u.id, u]));
  const missing = [...new Set(units.flatMap((u) => unitIdsOnPath(u.path)))].filter((id) => !unitById.has(id));
  if (missing.length) {
    for (const u of await prisma.orgUnit.findMany({ where: { id: { in: missing } }, select: { id: true, name: true, kind: true, path: true } }))
      unitById.set(u.id, u);
  }
  const nearest = (path: string, kinds: string[]) =>
    unitIdsOnPath(path)
      .reverse()
      .map((id) => unitById.get(id))
      .find((u) => u && kinds.includes(u.kind))?.name ?? "—";

  const rows: DueRow[] = [];
  for (const p of people) {
    const unit = unitById.get(p.unitId)!;
    for (const item of due.get(p.id) ?? []) {
      rows.push({
        personId: p.id,
        name: p.name,
        number: p.number,
        unitPath: unit.path,
        branch: nearest(unit.path, ["branch", "temporary"]),
        college: nearest(unit.path, ["college"]),
        item,
      });
    }
  }
  rows.sort(
    (a, b) =>
      compareNames(a.college, b.college) ||
      compareNames(a.branch, b.branch) ||
      (a.item.state === "overdue" ? 0 : 1) - (b.item.state === "overdue" ? 0 : 1) ||
      (a.item.deadline?.getTime() ?? 0) - (b.item.deadline?.getTime() ?? 0),
  );
  const summarise = (key: "college" | "branch"): DueSummary[] => {
    const m = new Map<string, DueSummary>();
    for (const r of rows) {
      const s = m.get(r[key]) ?? { name: r[key], overdue: 0, due: 0 };
      if (r.item.state === "overdue") s.overdue++;
      else s.due++;
      m.set(r[key], s);
    }
    return [...m.values()];
  };
  return { rows, colleges: summarise("college"), branches: summarise("branch") };
}

/** The due list as an Excel workbook; numbers masked unless the viewer may see them whole. */
export async function exportPipelineDue(
  actorId: number,
  grants: readonly Grant[],
  rows: readonly DueRow[],
  today: Date,
  unit: { id: number; name: string } | null = null,
): Promise<Download> {
  const data: SheetData = [
    headerRow("院系", "党支部", "姓名", "学号/工号", "步骤", "状态", "期限", "依据"),
    ...rows.map((r) => [
      r.college,
      r.branch,
      r.name,
      { value: personFieldsFor(grants, { unitPath: r.unitPath, number: r.number }).number, type: String, format: "@" },
      r.item.title,
      r.item.state === "overdue" ? "已逾期" : "本月到期",
      r.item.deadline ? formatDate(r.item.deadline) : "",
      r.item.rule,
    ]),
  ];
  const body = await writeXlsxFile(data, {
    sheet: "发展党员待办",
    columns: [{ width: 20 }, { width: 24 }, { width: 10 }, { width: 14 }, { width: 18 }, { width: 10 }, { width: 12 }, { width: 80 }],
    stickyRowsCount: 1,
  }).toBuffer();
  await audit({
    actorId,
    action: "pipeline.export",
    targetKind: "pipeline",
    targetId: formatDate(today),
    detail: { rows: rows.length, ...(unit ? { unitId: unit.id } : {}) },
  });
  return { body, fileName: `发展党员待办-${unit ? `${unit.name}-` : ""}${formatDate(today)}.xlsx`, contentType: XLSX_TYPE };
}
