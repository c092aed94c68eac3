import writeXlsxFile, { type Cell as XlsxCell, type SheetData } from "write-excel-file/node";
import {
  BANK_COLUMNS,
  type BankImportReport,
  type BankSheetParse,
  type FillChoice,
  type CheckedBankRow,
  TEMPLATE_EXAMPLES,
  buildBankReport,
  checkAgainstBank,
  holdsBankTable,
  isClean,
  parseBankSheet,
  questionToRow,
  stemKey,
} from "~/lib/bank-import";
import { type HiddenRowChoice, hiddenColumnsNote } from "~/lib/sheet-table";
import { audit } from "../audit";
import { env } from "../env";
import { prisma, sqlDb } from "../db";
import { type Download, XLSX_TYPE } from "../http/download";
import { type UploadedFile, readSpreadsheet, sha256Hex } from "../http/spreadsheet";
import { type SqlRunner, forUpdate, sql, withRetry } from "../sql";
import { type Bank, fromStored, insertQuestion, toStored } from "./banks";

// Excel import and export of one bank, the layout trainers keep their banks in. Like the people
// import: a dry run reads and checks everything and writes nothing; a confirmation re-reads the
// same bytes (bound by SHA-256 to what was previewed), checks again inside the write transaction
// and writes every row or none.

export const MAX_BANK_UPLOAD_BYTES = 5 * 1024 * 1024;

type BankRef = Pick<Bank, "id" | "slug" | "title">;

async function checkRows(db: SqlRunner, bank: BankRef, { rows, header }: BankSheetParse): Promise<CheckedBankRow[]> {
  const existing = await db.all<{ key: string; stem: string; archivedAt: string | null }>(
    sql`SELECT "key", "stem", "archivedAt" FROM "Question" WHERE "bankId" = ${bank.id}`,
  );
  return checkAgainstBank(rows, {
    slug: bank.slug,
    existingStems: new Set(existing.filter((q) => q.archivedAt === null).map((q) => stemKey(q.stem))),
    existingKeys: new Set(existing.map((q) => q.key)),
    header,
  });
}

/** What the importer chose in the dry run; the school's required fields come from the environment. */
export type BankReadChoices = { hidden?: HiddenRowChoice; fill?: FillChoice };

async function prepare(file: UploadedFile, choices: BankReadChoices) {
  const { format, rows, hiddenRows, hiddenColumns, sheetNote } = await readSpreadsheet(file, {
    maxBytes: MAX_BANK_UPLOAD_BYTES,
    holdsTable: holdsBankTable,
    dates: "shown",
  });
  const parsed = parseBankSheet(rows, { ...choices, hiddenRows, required: env.questionRequiredFields });
  const columnsNote = hiddenColumnsNote(parsed.header, hiddenColumns);
  parsed.notes.unshift(...[sheetNote, columnsNote].filter((n) => n !== null));
  return { meta: { fileName: file.name.slice(0, 200), format, sha256: sha256Hex(file.bytes) }, parsed };
}

/** Checks every row against the file and the bank; writes nothing. */
export async function dryRunBankImport(bank: BankRef, file: UploadedFile, choices: BankReadChoices = {}): Promise<BankImportReport> {
  const { meta, parsed } = await prepare(file, choices);
  const checked = parsed.fileProblems.length ? [] : await checkRows(sqlDb(), bank, parsed);
  return buildBankReport(meta, parsed, checked);
}

export type BankConfirmResult =
  { ok: true; imported: number; report: BankImportReport } | { ok: false; reason: "problems"; report: BankImportReport } | { ok: false; reason: "changed" };

/** Imports every row or none; see the module comment. */
export async function confirmBankImport(
  actorId: number,
  bank: BankRef,
  file: UploadedFile,
  expectedSha256: string,
  choices: BankReadChoices = {},
): Promise<BankConfirmResult> {
  const { meta, parsed } = await prepare(file, choices);
  if (expectedSha256 !== meta.sha256) return { ok: false, reason: "changed" };
  if (parsed.fileProblems.length) return { ok: false, reason: "problems", report: buildBankReport(meta, parsed, []) };
  const db = sqlDb();
  // On SQLite the transaction takes the write lock before the checks (IMMEDIATE), on PostgreSQL the
  // bank's row is locked first, so two imports into one bank check and write one after the other and
  // no stem or key is taken between check and write.
  const outcome = await withRetry(db, () =>
    db.transaction(async (tx) => {
      await tx.get(sql`SELECT "id" FROM "QuestionBank" WHERE "id" = ${bank.id}${forUpdate()}`);
      const checked = await checkRows(tx, bank, parsed);
      const report = buildBankReport(meta, parsed, checked);
      if (!isClean(report)) return { ok: false as const, report };
      const now = new Date();
      for (const r of checked) await insertQuestion(tx, bank.id, toStored(r.question!), now);
      await tx.run(sql`UPDATE "QuestionBank" SET "updatedAt" = ${now} WHERE "id" = ${bank.id}`);
      return { ok: true as const, report };
    }),
  );
  if (!outcome.ok) return { ok: false, reason: "problems", report: outcome.report };
  await audit({
    actorId,
    action: "bank.import",
    targetKind: "bank",
    targetId: bank.id,
    detail: { fileName: meta.fileName, format: meta.format, sha256: meta.sha256.slice(0, 16), rows: outcome.report.total, byType: outcome.report.byType },
  });
  return { ok: true, imported: outcome.report.total, report: outcome.report };
}

// ---------- export and template ----------

const COLUMN_WIDTHS: Record<string, number> = { 题干: 50, 解析: 50, 答案: 14, 标签: 16, 出处: 24, 编号: 16 };

function headerRow(): XlsxCell[] {
  return BANK_COLUMNS.map((c) => ({ value: c.header, fontWeight: "bold", backgroundColor: c.required ? "#FDE2E1" : "#EEEEEE" }));
}

// Every cell is text ("@"): Excel would otherwise turn an answer like "1" or a date-like stem into a number.
const textRow = (values: string[]): XlsxCell[] => values.map((v) => (v === "" ? null : { value: v, type: String, format: "@", wrap: true }));

const columns = () => BANK_COLUMNS.map((c) => ({ width: COLUMN_WIDTHS[c.header] ?? 10 }));

/** The bank's active questions in the import layout, 编号 filled in, so the file can be edited and imported again. */
export async function exportBank(actorId: number, bank: BankRef): Promise<Download> {
  const rows = await prisma.question.findMany({
    where: { bankId: bank.id, archivedAt: null },
    select: { key: true, type: true, stem: true, options: true, answer: true, explanation: true, difficulty: true, tags: true, source: true },
    orderBy: { id: "asc" },
  });
  const body = await writeXlsxFile([headerRow(), ...rows.map((r) => textRow(questionToRow(fromStored(r))))], {
    sheet: "题库",
    columns: columns(),
    stickyRowsCount: 1,
  }).toBuffer();
  await audit({ actorId, action: "bank.export", targetKind: "bank", targetId: bank.id, detail: { questions: rows.length } });
  return { body, fileName: `${bank.title}.xlsx`, contentType: XLSX_TYPE };
}

export async function buildBankTemplate(): Promise<Download> {
  const notes: SheetData = [
    [
      { value: "列名", fontWeight: "bold" },
      { value: "是否必填", fontWeight: "bold" },
      { value: "填写说明", fontWeight: "bold" },
    ],
    ...BANK_COLUMNS.map((c) => [c.header, c.required ? "必填" : "选填", c.hint]),
    [null, null, null],
    [{ value: "说明", fontWeight: "bold" }, null, null],
    ["1", null, "第一行是列名，请勿修改；从第二行起每行一题。示例行（编号以 example- 开头）请删除后再导入。"],
    ["2", null, "单选、多选题填写选项A起的连续选项（2 到 6 个）；判断题、填空题不填选项。"],
    ["3", null, "填空题的题干中用 ＿＿ 或 ____ 标出一个空；答案可写多个可接受的说法，用 ｜ 或 ； 分隔。"],
    ["4", null, "题干不能与本文件或题库中已有的题目重复。"],
    ["5", null, "导入前先点“预检”：系统逐行列出问题，此时不会写入；全部通过后才能确认导入，任何一行有问题都不会写入。"],
  ];
  const body = await writeXlsxFile([
    { data: [headerRow(), ...TEMPLATE_EXAMPLES.map((q) => textRow(questionToRow(q)))], sheet: "题库", columns: columns(), stickyRowsCount: 1 },
    { data: notes, sheet: "填写说明", columns: [{ width: 10 }, { width: 10 }, { width: 90 }] },
  ]).toBuffer();
  return { body, fileName: "题库导入模板.xlsx", contentType: XLSX_TYPE };
}
