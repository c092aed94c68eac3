import { unitIdsOnPath } from "~/lib/unit-path";
import { todayInChina } from "~/lib/dates";
import { type HiddenRowChoice, hiddenColumnsNote } from "~/lib/sheet-table";
import { type Grant, scopePaths } from "~/lib/permissions";
import {
  type CheckedRow,
  type ImportReport,
  type SheetParse,
  type UnitCandidate,
  buildReport,
  checkAgainstDatabase,
  createUnitResolver,
  holdsPeopleTable,
  isClean,
  parseSheet,
} from "~/lib/people-import";
import { audit } from "../audit";
import { sqlDb } from "../db";
import { lockOpenUnits } from "./units";
import { type SheetFormat, type UploadedFile, readSpreadsheet, sha256Hex } from "../http/spreadsheet";
import { type SqlRunner, type SqlTx, anyOf, inList, join, sql, withRetry } from "../sql";

// Bulk import of people. The file is read and checked in full on every request: a dry run reports,
// a confirmation re-reads the same bytes (bound by their SHA-256 to what was previewed), checks
// again inside the write transaction, and writes every row or none. Rows go in through the async data
// layer (decision 074), a prepared statement per row: 12,000 rows through Prisma one by one would take
// seconds. (Several hundred rows to a statement took twice the CPU on SQLite, most of it building and
// rendering the long statement: measured in session 29.)

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export type Importer = { id: number; grants: readonly Grant[] };

// ---------- what the database knows ----------

type UnitRow = { id: number; name: string; path: string; archivedAt: string | null };

/** The units inside the importer's scope (archived ones too, so they can be named as such). */
export async function unitsInScope(db: SqlRunner, scope: readonly string[]): Promise<UnitCandidate[]> {
  if (scope.length === 0) return [];
  const units = await db.all<UnitRow>(
    sql`SELECT "id", "name", "path", "archivedAt" FROM "OrgUnit" WHERE ${anyOf(scope.map((p) => sql`substr("path", 1, ${p.length}) = ${p}`))}`,
  );
  const names = new Map(units.map((u) => [u.id, u.name]));
  // Ancestors above the scope give the full names ("计算机学院党委/学生第一党支部").
  const missing = [...new Set(units.flatMap((u) => unitIdsOnPath(u.path)))].filter((id) => !names.has(id));
  if (missing.length) {
    const rows = await db.all<{ id: number; name: string }>(sql`SELECT "id", "name" FROM "OrgUnit" WHERE "id" ${inList(missing)}`);
    for (const r of rows) names.set(r.id, r.name);
  }
  return units.map((u) => ({
    id: u.id,
    name: u.name,
    chain: unitIdsOnPath(u.path).map((id) => names.get(id) ?? ""),
    archived: u.archivedAt !== null,
  }));
}

/** Numbers already taken, in one query whatever the file's length. */
export async function existingNumbers(db: SqlRunner, numbers: readonly string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await db.all<{ number: string }>(sql`SELECT "number" FROM "Person" WHERE "number" ${inList(numbers)}`);
  return new Set(rows.map((r) => r.number));
}

async function checkRows(db: SqlRunner, importer: Importer, parsed: SheetParse): Promise<CheckedRow[]> {
  const { rows, header } = parsed;
  const scope = scopePaths(importer.grants, "people:import");
  return checkAgainstDatabase(rows, {
    header,
    resolveUnit: createUnitResolver(await unitsInScope(db, scope)),
    existingNumbers: await existingNumbers(db, [...new Set(rows.map((r) => r.person.number).filter(Boolean))]),
  });
}

// ---------- dry run and confirmation ----------

type Prepared = {
  file: { fileName: string; format: SheetFormat; sha256: string };
  parsed: ReturnType<typeof parseSheet>;
  today: string;
};

/** What the importer chose in the dry run: rows hidden in Excel are left out unless asked for. */
export type ReadChoices = { hidden?: HiddenRowChoice };

async function prepare(file: UploadedFile, choices: ReadChoices): Promise<Prepared> {
  const { format, rows, hiddenRows, hiddenColumns, sheetNote } = await readSpreadsheet(file, { maxBytes: MAX_UPLOAD_BYTES, holdsTable: holdsPeopleTable });
  const today = todayInChina();
  // The name is only shown and logged; a client may send any length.
  const fileName = file.name.slice(0, 200);
  const parsed = parseSheet(rows, { today, hiddenRows, hidden: choices.hidden });
  const columnsNote = hiddenColumnsNote(parsed.header, hiddenColumns);
  parsed.notes.unshift(...[sheetNote, columnsNote].filter((n) => n !== null));
  return { file: { fileName, format, sha256: sha256Hex(file.bytes) }, parsed, today };
}

/** Checks every row and writes nothing. */
export async function dryRunImport(importer: Importer, file: UploadedFile, choices: ReadChoices = {}): Promise<ImportReport> {
  const { file: meta, parsed, today } = await prepare(file, choices);
  const checked = parsed.fileProblems.length ? [] : await checkRows(sqlDb(), importer, parsed);
  return buildReport(meta, parsed, checked, today);
}

/** Where the imported people went: the import page offers their activation codes unit by unit. */
export type ImportedUnit = { id: number; name: string; people: number };

export type ConfirmResult =
  | { ok: true; imported: number; report: ImportReport; units: ImportedUnit[] }
  | { ok: false; reason: "problems"; report: ImportReport }
  | { ok: false; reason: "changed" };

const IMPORT_NOTE = "批量导入";

// People are created without a password: each activates the account with a code of their own
// (app/.server/auth/activation.ts, decision 030), never with a password shared by the whole file.
// The row's ID number is not written: it was read only to check or fill the gender (decision 033).
// Rows go in IMPORT_CHUNK at a time, one statement for the people and one for their steps: on
// PostgreSQL a statement per row was a network round trip per row.

/** People per statement: 14 parameters each, 7,000 a statement, under SQLite's 32,766 and PostgreSQL's 65,535. */
const IMPORT_CHUNK = 500;

async function insertAll(tx: SqlTx, importer: Importer, rows: readonly CheckedRow[], today: string) {
  const now = new Date();
  const dayStamp = (iso: string) => new Date(`${iso}T00:00:00Z`);
  for (let from = 0; from < rows.length; from += IMPORT_CHUNK) {
    const chunk = rows.slice(from, from + IMPORT_CHUNK).map(({ person: p, unitId }) => {
      const isMasses = p.politicalStatus === "masses";
      // A status other than 群众 has a start date that drives deadlines: the given one, or today.
      const since = p.statusSince ? dayStamp(p.statusSince) : isMasses ? null : dayStamp(today);
      // Every stage the file dates is a step of the history; an undated current stage starts today.
      const steps = isMasses
        ? []
        : p.history.length && p.history[p.history.length - 1].status === p.politicalStatus
          ? p.history
          : [...p.history, { status: p.politicalStatus, on: today }];
      return { p, unitId, since, steps };
    });
    const inserted = await tx.all<{ id: number; number: string }>(
      sql`INSERT INTO "Person" ("number", "name", "gender", "category", "unitId", "politicalStatus", "statusSince", "cadreLevel",
          "isCommitteeMember", "committeeRole", "phone", "disabledAt", "createdAt", "updatedAt")
        VALUES ${join(
          chunk.map(
            ({ p, unitId, since }) =>
              sql`(${p.number}, ${p.name}, ${p.gender}, ${p.category}, ${unitId}, ${p.politicalStatus}, ${since}, ${p.cadreLevel},
                ${p.isCommitteeMember}, ${p.committeeRole}, ${p.phone}, NULL, ${now}, ${now})`,
          ),
        )} RETURNING "id", "number"`,
    );
    // RETURNING's order is not promised on either engine: each row is matched by its unique number.
    const idOf = new Map(inserted.map((r) => [r.number, Number(r.id)]));
    const steps = chunk.flatMap(({ p, steps }) =>
      steps.map(
        (step, i) =>
          sql`(${idOf.get(p.number)!}, ${i === 0 ? null : steps[i - 1].status}, ${step.status}, ${dayStamp(step.on)}, ${IMPORT_NOTE}, ${importer.id}, ${now})`,
      ),
    );
    // Seven parameters a step, a few steps a person: under the limits above too.
    for (let s = 0; s < steps.length; s += IMPORT_CHUNK * 4) {
      await tx.run(
        sql`INSERT INTO "StatusChange" ("personId", "fromStatus", "toStatus", "effectiveOn", "note", "recordedById", "recordedAt")
          VALUES ${join(steps.slice(s, s + IMPORT_CHUNK * 4))}`,
      );
    }
  }
}

async function importedUnits(db: SqlRunner, rows: readonly CheckedRow[]): Promise<ImportedUnit[]> {
  const counts = new Map<number, number>();
  // A clean report resolved every row's unit.
  for (const r of rows) counts.set(r.unitId!, (counts.get(r.unitId!) ?? 0) + 1);
  const names = new Map(
    (await db.all<{ id: number; name: string }>(sql`SELECT "id", "name" FROM "OrgUnit" WHERE "id" ${inList([...counts.keys()])}`)).map((u) => [u.id, u.name]),
  );
  return [...counts].map(([id, people]) => ({ id, name: names.get(id)!, people }));
}

/**
 * Imports every row or none. The file is checked again here, never taken on the word of a dry
 * run; `expectedSha256` (from the dry run the importer looked at) refuses a different file. The
 * database checks run again inside the write transaction, so a number taken meanwhile is caught.
 */
export async function confirmImport(importer: Importer, file: UploadedFile, expectedSha256?: string, choices: ReadChoices = {}): Promise<ConfirmResult> {
  const { file: meta, parsed, today } = await prepare(file, choices);
  if (expectedSha256 && expectedSha256 !== meta.sha256) return { ok: false, reason: "changed" };
  if (parsed.fileProblems.length) return { ok: false, reason: "problems", report: buildReport(meta, parsed, [], today) };
  const db = sqlDb();
  const first = await checkRows(db, importer, parsed);
  if (first.some((r) => r.problems.length)) return { ok: false, reason: "problems", report: buildReport(meta, parsed, first, today) };

  // On SQLite the transaction holds the write lock from its start (IMMEDIATE), so nothing changes
  // between check and write. On PostgreSQL a number taken meanwhile by another node's import makes an
  // insert fail on the unique key, the whole transaction rolls back and runs again (withRetry), and
  // its check then reports the number as taken: every row or none, either way.
  const outcome = await withRetry(db, () =>
    db.transaction(async (tx) => {
      let checked = await checkRows(tx, importer, parsed);
      // The rows' units, share-locked until the people are in them (lockOpenUnits): a unit archived after
      // this check read it open is read again, and its rows are then reported as in an archived unit.
      const unitIds = checked.flatMap((r) => (r.unitId === null ? [] : [r.unitId]));
      if (!(await lockOpenUnits((stmt) => tx.all(stmt), unitIds))) checked = await checkRows(tx, importer, parsed);
      const report = buildReport(meta, parsed, checked, today);
      if (!isClean(report)) return { ok: false as const, report };
      await insertAll(tx, importer, checked, today);
      return { ok: true as const, report, units: await importedUnits(tx, checked) };
    }),
  );
  if (!outcome.ok) return { ok: false, reason: "problems", report: outcome.report };

  const { report } = outcome;
  await audit({
    actorId: importer.id,
    action: "people.import",
    targetKind: "file",
    targetId: meta.sha256.slice(0, 16),
    detail: { fileName: meta.fileName, format: meta.format, rows: report.total, byStatus: report.byStatus, units: outcome.units.length },
  });
  return { ok: true, imported: report.total, report, units: outcome.units };
}
