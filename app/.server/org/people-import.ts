import crypto from "node:crypto";
import type Database from "better-sqlite3";
import Papa from "papaparse";
import { readSheet } from "read-excel-file/node";
import { todayInChina } from "~/lib/dates";
import { type Grant, scopePaths } from "~/lib/permissions";
import {
  type Cell,
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
import { rawDb, sqliteTimestamp } from "../db";

// Bulk import of people. The file is read and checked in full on every request: a dry run reports,
// a confirmation re-reads the same bytes (bound by their SHA-256 to what was previewed), checks
// again inside the write transaction, and writes every row or none. Rows go in through the raw
// better-sqlite3 connection: 12,000 rows through Prisma one by one would take seconds.

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** What an .xlsx may unpack to: a 20,000-row sheet is ~20 MB of XML; more is a zip bomb or not a roll. */
const MAX_XLSX_UNPACKED_BYTES = 150 * 1024 * 1024;

export const NOT_A_SPREADSHEET = "无法识别该文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件，可先下载导入模板";

export class ImportFileError extends Error {}

export type UploadedFile = { name: string; bytes: Uint8Array };
export type Importer = { id: number; grants: readonly Grant[] };
export type SheetFormat = "xlsx" | "csv";

// ---------- reading the file ----------

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Sum of the uncompressed sizes the zip's central directory declares, or null when it has none. */
export function declaredUnpackedSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (view.getUint32(i, true) !== 0x06054b50) continue;
    const entries = view.getUint16(i + 10, true);
    let p = view.getUint32(i + 16, true);
    let total = 0;
    for (let n = 0; n < entries; n++) {
      if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) return null;
      const size = view.getUint32(p + 24, true);
      // 0xFFFFFFFF means the real size is in a Zip64 field: far beyond any roll of names.
      total += size === 0xffffffff ? Infinity : size;
      p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    }
    return total;
  }
  return null;
}

async function readXlsx(bytes: Uint8Array): Promise<Cell[][]> {
  const unpacked = declaredUnpackedSize(bytes);
  if (unpacked === null) throw new ImportFileError("文件已损坏或不是有效的 .xlsx 工作簿，请在 Excel 中重新保存后再上传");
  if (unpacked > MAX_XLSX_UNPACKED_BYTES) throw new ImportFileError("工作簿内容过大，请只保留人员名单所在的工作表并拆分后再导入");
  try {
    // Numbers stay as the text Excel stored, so a long student number or phone keeps every digit.
    const rows = await readSheet(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { parseNumber: (s: string) => s });
    return rows as unknown as Cell[][];
  } catch {
    throw new ImportFileError("无法读取该 Excel 文件：文件已损坏、已加密，或不是 .xlsx 格式。请在 Excel 中“另存为”.xlsx 后再上传");
  }
}

/**
 * Text of a CSV file as Chinese offices produce it: UTF-8 (with or without BOM), GBK from Excel's
 * "CSV (逗号分隔)" on a Chinese Windows, or UTF-16 from "Unicode 文本". Null when it is not text.
 */
export function decodeCsvText(bytes: Uint8Array): string | null {
  let text: string;
  if (startsWith(bytes, [0xff, 0xfe])) text = new TextDecoder("utf-16le").decode(bytes);
  else if (startsWith(bytes, [0xfe, 0xff])) text = new TextDecoder("utf-16be").decode(bytes);
  else {
    if (bytes.includes(0)) return null;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: GBK is what Excel writes on a Chinese Windows (gb18030 is its superset).
      text = new TextDecoder("gb18030").decode(bytes);
    }
  }
  // Control characters other than tab, form feed and line breaks (or undecodable bytes) in more
  // than 1 % of the text mean a binary file that happened to decode.
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0xfffd) odd++;
  }
  return odd * 100 > text.length ? null : text;
}

function parseCsv(text: string): Cell[][] {
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: false });
  return result.data;
}

/** Reads the first sheet of an .xlsx or a .csv, judged by its bytes rather than its name. */
export async function readSpreadsheet(file: UploadedFile): Promise<{ format: SheetFormat; rows: Cell[][] }> {
  const b = file.bytes;
  if (b.length === 0) throw new ImportFileError("文件是空的，请检查后重新选择");
  if (b.length > MAX_UPLOAD_BYTES) throw new ImportFileError(`文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB 的上限，请拆分后分批导入`);
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { format: "xlsx", rows: await readXlsx(b) };
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new ImportFileError("暂不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 工作簿或 CSV 后再上传");
  }
  const text = decodeCsvText(b);
  if (text === null) throw new ImportFileError(NOT_A_SPREADSHEET);
  return { format: "csv", rows: parseCsv(text) };
}

export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

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
  const { format, rows } = await readSpreadsheet(file);
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

function insertAll(db: Database.Database, importer: Importer, rows: readonly CheckedRow[], passwordHash: string, today: string) {
  const now = sqliteTimestamp(new Date());
  const insertPerson = db.prepare(
    `INSERT INTO Person (number, name, gender, category, unitId, politicalStatus, statusSince, cadreLevel,
       isCommitteeMember, committeeRole, phone, idNumber, disabledAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
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
        p.idNumber,
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
