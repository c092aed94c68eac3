import {
  type ClassImportPerson,
  type ClassImportReport,
  type ClassImportRow,
  type ClassSheetParse,
  buildClassImportReport,
  checkClassRows,
  holdsClassTable,
  isCleanClassImport,
  parseClassSheet,
} from "~/lib/class-import";
import { AppError } from "~/lib/app-error";
import { ClassKindSchema } from "~/lib/classes";
import { type HiddenRowChoice, hiddenColumnsNote } from "~/lib/sheet-table";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import { type UploadedFile, readSpreadsheet, sha256Hex } from "../http/spreadsheet";

// A class's list import, on the shared import page: the dry run reads the sheet and checks every row
// against the accounts and the class, writing nothing; the confirmation re-reads the same bytes (bound
// by SHA-256 to what was previewed), checks again inside one transaction and enrols every row or none.
// A row another organiser or a nomination added meanwhile hits the primary key (class, person) and
// rolls the whole import back.

export const MAX_CLASS_UPLOAD_BYTES = 2 * 1024 * 1024;

async function prepare(file: UploadedFile, hidden: HiddenRowChoice) {
  const sheet = await readSpreadsheet(file, { maxBytes: MAX_CLASS_UPLOAD_BYTES, holdsTable: holdsClassTable });
  const parsed = parseClassSheet(sheet.rows, { hiddenRows: sheet.hiddenRows, hidden });
  const columnsNote = hiddenColumnsNote(parsed.header, sheet.hiddenColumns);
  parsed.notes.unshift(...[sheet.sheetNote, columnsNote].filter((n) => n !== null));
  return { meta: { fileName: file.name.slice(0, 200), format: sheet.format, sha256: sha256Hex(file.bytes) }, parsed };
}

async function checkAgainstClass(client: Prisma.TransactionClient, actorId: number, classId: number, parsed: ClassSheetParse) {
  const c = await client.trainingClass.findUniqueOrThrow({
    where: { id: classId },
    select: { kind: true, audience: { select: { unit: { select: { path: true } } } } },
  });
  const numbers = [...new Set(parsed.rows.map((r: ClassImportRow) => r.number).filter(Boolean))];
  const found = await client.person.findMany({
    where: { number: { in: numbers } },
    select: {
      id: true,
      number: true,
      name: true,
      politicalStatus: true,
      cadreLevel: true,
      isCommitteeMember: true,
      disabledAt: true,
      unit: { select: { name: true, path: true } },
    },
  });
  const existing = await client.classMember.findMany({
    where: { classId, personId: { in: found.map((p) => p.id) } },
    select: { personId: true, status: true, reason: true },
  });
  const people = new Map<string, ClassImportPerson>(
    found.map((p) => [p.number, { ...p, unitPath: p.unit.path, unitName: p.unit.name, disabled: p.disabledAt !== null }]),
  );
  return checkClassRows(
    parsed.rows,
    {
      kind: ClassKindSchema.parse(c.kind),
      audiencePaths: c.audience.map((a) => a.unit.path),
      people,
      existing: new Map(existing.map((e) => [e.personId, e])),
      actorId,
    },
    parsed.header,
  );
}

async function refuseFinished(classId: number) {
  const c = await prisma.trainingClass.findUniqueOrThrow({ where: { id: classId }, select: { status: true } });
  if (c.status === "finished") throw new AppError("conflict", "培训班已结束，不能再导入学员", { field: "file" });
}

export async function dryRunClassImport(actorId: number, classId: number, file: UploadedFile, hidden: HiddenRowChoice = "skip"): Promise<ClassImportReport> {
  await refuseFinished(classId);
  const { meta, parsed } = await prepare(file, hidden);
  const checked = parsed.fileProblems.length ? [] : await checkAgainstClass(prisma, actorId, classId, parsed);
  return buildClassImportReport(meta, parsed, checked);
}

export type ClassImportOutcome =
  { ok: true; imported: number; report: ClassImportReport } | { ok: false; reason: "problems"; report: ClassImportReport } | { ok: false; reason: "changed" };

export async function confirmClassImport(
  actorId: number,
  classId: number,
  file: UploadedFile,
  expectedSha256: string,
  hidden: HiddenRowChoice = "skip",
): Promise<ClassImportOutcome> {
  await refuseFinished(classId);
  const { meta, parsed } = await prepare(file, hidden);
  if (meta.sha256 !== expectedSha256) return { ok: false, reason: "changed" };
  if (parsed.fileProblems.length) return { ok: false, reason: "problems", report: buildClassImportReport(meta, parsed, []) };
  let outcome: { ok: true; report: ClassImportReport } | { ok: false; report: ClassImportReport };
  try {
    outcome = await prisma.$transaction(async (tx) => {
      const checked = await checkAgainstClass(tx, actorId, classId, parsed);
      const report = buildClassImportReport(meta, parsed, checked);
      if (!isCleanClassImport(report)) return { ok: false as const, report };
      const now = new Date();
      await tx.classMember.createMany({
        data: checked.map((r) => ({ classId, personId: r.person!.id, status: "enrolled", source: "import", decidedById: actorId, decidedAt: now })),
      });
      return { ok: true as const, report };
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      throw new AppError("conflict", "导入时名单发生了变化（有人刚被推荐或加入本班），未写入任何记录，请重新预检", { field: "file" });
    }
    throw e;
  }
  if (!outcome.ok) return { ok: false, reason: "problems", report: outcome.report };
  await audit({
    actorId,
    action: "class.import",
    targetKind: "class",
    targetId: classId,
    detail: { fileName: meta.fileName, format: meta.format, sha256: meta.sha256.slice(0, 16), rows: outcome.report.total },
  });
  return { ok: true, imported: outcome.report.total, report: outcome.report };
}
