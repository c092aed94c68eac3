import type Database from "better-sqlite3";
import { todayInChina } from "~/lib/dates";
import { type Grant, scopePaths } from "~/lib/permissions";
import {
  type CheckedRow,
  type ImportReport,
  type RowDraft,
  type UnitCandidate,
  buildReport,
  checkAgainstDatabase,
  createUnitResolver,
  isClean,
  parseSheet,
} from "~/lib/people-import";
import { audit } from "../audit";
import { hashPassword } from "../auth/password";
import { prismaIdle, rawDb, sqliteTimestamp } from "../db";
import { type SheetFormat, type UploadedFile, readSpreadsheet, sha256Hex } from "../http/spreadsheet";

// Bulk import of people. The file is read and checked in full on every request: a dry run reports,
// a confirmation re-reads the same bytes (bound by their SHA-256 to what was previewed), checks
// again inside the write transaction, and writes every row or none. Rows go in through the raw
// better-sqlite3 connection: 12,000 rows through Prisma one by one would take seconds.

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export type Importer = { id: number; grants: readonly Grant[] };

// ---------- what the database knows ----------

type UnitRow = { id: number; name: string; path: string; archivedAt: string | null };

/** The units inside the importer's scope (archived ones too, so they can be named as such). */
export function unitsInScope(db: Database.Database, scope: readonly string[]): UnitCandidate[] {
  if (scope.length === 0) return [];
  const units = db
    .prepare(`SELECT id, name, path, archivedAt FROM OrgUnit WHERE ${scope.map(() => "substr(path, 1, ?) = ?").join(" OR ")}`)
    .all(...scope.flatMap((p) => [p.length, p])) as UnitRow[];
  const names = new Map(units.map((u) => [u.id, u.name]));
  // Ancestors above the scope give the full names ("计算机学院党委/学生第一党支部").
  const missing = [...new Set(units.flatMap((u) => u.path.split("/").filter(Boolean).map(Number)))].filter((id) => !names.has(id));
  if (missing.length) {
    const rows = db.prepare("SELECT id, name FROM OrgUnit WHERE id IN (SELECT value FROM json_each(?))").all(JSON.stringify(missing)) as { id: number; name: string }[];
    for (const r of rows) names.set(r.id, r.name);
  }
  return units.map((u) => ({
    id: u.id,
    name: u.name,
    chain: u.path.split("/").filter(Boolean).map((id) => names.get(Number(id)) ?? ""),
    archived: u.archivedAt !== null,
  }));
}

/** Numbers already taken, in one query whatever the file's length. */
export function existingNumbers(db: Database.Database, numbers: readonly string[]): Set<string> {
  if (numbers.length === 0) return new Set();
  const rows = db.prepare("SELECT number FROM Person WHERE number IN (SELECT value FROM json_each(?))").all(JSON.stringify(numbers)) as { number: string }[];
  return new Set(rows.map((r) => r.number));
}

function checkRows(db: Database.Database, importer: Importer, rows: readonly RowDraft[]): CheckedRow[] {
  const scope = scopePaths(importer.grants, "people:import");
  return checkAgainstDatabase(rows, {
    resolveUnit: createUnitResolver(unitsInScope(db, scope)),
    existingNumbers: existingNumbers(db, [...new Set(rows.map((r) => r.person.number).filter(Boolean))]),
  });
}

// ---------- dry run and confirmation ----------

type Prepared = {
  file: { fileName: string; format: SheetFormat; sha256: string };
  parsed: ReturnType<typeof parseSheet>;
  today: string;
};

async function prepare(file: UploadedFile): Promise<Prepared> {
  const { format, rows } = await readSpreadsheet(file, { maxBytes: MAX_UPLOAD_BYTES });
  const today = todayInChina();
  // The name is only shown and logged; a client may send any length.
  const fileName = file.name.slice(0, 200);
  return { file: { fileName, format, sha256: sha256Hex(file.bytes) }, parsed: parseSheet(rows, { today }), today };
}

/** Checks every row and writes nothing. */
export async function dryRunImport(importer: Importer, file: UploadedFile): Promise<ImportReport> {
  const { file: meta, parsed, today } = await prepare(file);
  const checked = parsed.fileProblems.length ? [] : checkRows(rawDb(), importer, parsed.rows);
  return buildReport(meta, parsed, checked, today);
}

export type ConfirmResult =
  | { ok: true; imported: number; report: ImportReport }
  | { ok: false; reason: "problems"; report: ImportReport }
  | { ok: false; reason: "changed" };

const IMPORT_NOTE = "批量导入";

// The row's ID number is not written: it was read only to check or fill the gender (decision 033).
function insertAll(db: Database.Database, importer: Importer, rows: readonly CheckedRow[], passwordHash: string, today: string) {
  const now = sqliteTimestamp(new Date());
  const insertPerson = db.prepare(
    `INSERT INTO Person (number, name, gender, category, unitId, politicalStatus, statusSince, cadreLevel,
       isCommitteeMember, committeeRole, phone, disabledAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
  );
  const insertStatus = db.prepare(
    `INSERT INTO StatusChange (personId, fromStatus, toStatus, effectiveOn, note, recordedById, recordedAt) VALUES (?, NULL, ?, ?, ?, ?, ?)`,
  );
  const insertPassword = db.prepare(`INSERT INTO Password (personId, hash, mustChange, updatedAt) VALUES (?, ?, 1, ?)`);
  const dayStamp = (iso: string) => sqliteTimestamp(new Date(`${iso}T00:00:00Z`));
  for (const { person: p, unitId } of rows) {
    const isMasses = p.politicalStatus === "masses";
    // A status other than 群众 has a start date that drives deadlines: the given one, or today.
    const since = p.statusSince ? dayStamp(p.statusSince) : isMasses ? null : dayStamp(today);
    const id = Number(
      insertPerson.run(
        p.number,
        p.name,
        p.gender,
        p.category,
        unitId,
        p.politicalStatus,
        since,
        p.cadreLevel,
        p.isCommitteeMember ? 1 : 0,
        p.committeeRole,
        p.phone,
        now,
        now,
      ).lastInsertRowid,
    );
    if (!isMasses) insertStatus.run(id, p.politicalStatus, since, IMPORT_NOTE, importer.id, now);
    insertPassword.run(id, passwordHash, now);
  }
}

/**
 * Imports every row or none. The file is checked again here, never taken on the word of a dry
 * run; `expectedSha256` (from the dry run the importer looked at) refuses a different file. The
 * database checks run again inside the write transaction, so a number taken meanwhile is caught.
 */
export async function confirmImport(importer: Importer, file: UploadedFile, initialPassword: string, expectedSha256?: string): Promise<ConfirmResult> {
  const { file: meta, parsed, today } = await prepare(file);
  if (expectedSha256 && expectedSha256 !== meta.sha256) return { ok: false, reason: "changed" };
  if (parsed.fileProblems.length) return { ok: false, reason: "problems", report: buildReport(meta, parsed, [], today) };
  const db = rawDb();
  const first = checkRows(db, importer, parsed.rows);
  if (first.some((r) => r.problems.length)) return { ok: false, reason: "problems", report: buildReport(meta, parsed, first, today) };

  // One hash for everyone: 12,000 argon2 runs would take minutes, and every account must replace it at first sign-in.
  const passwordHash = await hashPassword(initialPassword);
  await prismaIdle();
  const outcome = db
    .transaction(() => {
      const checked = checkRows(db, importer, parsed.rows);
      const report = buildReport(meta, parsed, checked, today);
      if (!isClean(report)) return { ok: false as const, report };
      insertAll(db, importer, checked, passwordHash, today);
      return { ok: true as const, report, units: new Set(checked.map((r) => r.unitId)).size };
    })
    // IMMEDIATE takes the write lock before the checks, so nothing changes between check and write.
    .immediate();
  if (!outcome.ok) return { ok: false, reason: "problems", report: outcome.report };

  const { report } = outcome;
  await audit({
    actorId: importer.id,
    action: "people.import",
    targetKind: "file",
    targetId: meta.sha256.slice(0, 16),
    detail: { fileName: meta.fileName, format: meta.format, rows: report.total, byStatus: report.byStatus, units: outcome.units },
  });
  return { ok: true, imported: report.total, report };
}
