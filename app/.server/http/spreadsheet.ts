import crypto from "node:crypto";
import Papa from "papaparse";
import readXlsxFile from "read-excel-file/node";
import { AppError } from "~/lib/app-error";
import { type Cell } from "~/lib/sheet-table";
import { MAX_XLSX_UNPACKED_BYTES, type SheetLayout, readSheetLayout, zipEntries } from "./xlsx-layout";

// Reading an uploaded spreadsheet (the sheet of an .xlsx that holds the table, or a .csv) as offices
// produce it, judged by its bytes rather than its name. Shared by every bulk import (people, question banks):
// each import parses the rows itself.

export const NOT_A_SPREADSHEET = "无法识别该文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件，可先下载导入模板";

/** A file the user can fix: the message says how, in Chinese, beside the form's file field. */
function fileError(message: string): AppError {
  return new AppError("invalid", message, { field: "file" });
}

export type UploadedFile = { name: string; bytes: Uint8Array };
export type SheetFormat = "xlsx" | "csv";

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Sum of the uncompressed sizes the zip's central directory declares, or null when it has none. */
export function declaredUnpackedSize(bytes: Uint8Array): number | null {
  // 0xFFFFFFFF means the real size is in a Zip64 field: far beyond any sheet worth importing.
  return zipEntries(bytes)?.reduce((total, e) => total + (e.uncompressedSize === 0xffffffff ? Infinity : e.uncompressedSize), 0) ?? null;
}

export type SheetRead = {
  format: SheetFormat;
  rows: Cell[][];
  /** Sheet row numbers (1-based) Excel does not show. */
  hiddenRows: ReadonlySet<number>;
  /** Columns (0-based) Excel does not show. */
  hiddenColumns: ReadonlySet<number>;
  /** Said in the dry run when the table was not on the first sheet: which sheet was read. */
  sheetNote: string | null;
};

/** Whether a sheet's rows hold the import's table (its header); the first sheet that does is read. */
export type HoldsTable = (rows: Cell[][]) => boolean;

/**
 * How a date-formatted cell is read: as its date (a roll's 入党时间, whose year the cell holds even
 * when its format hides it) or as the text it shows (a question's "7月1日", which Excel stored as
 * 1 July of the year it was typed in).
 */
export type DateCells = "value" | "shown";

type ReadOptions = { maxBytes: number; holdsTable?: HoldsTable; dates?: DateCells };

/**
 * The values as the sheet shows them: a formatted number becomes its shown text, and every cell
 * of a merged range reads as the range's value (a unit name merged down over its members, a
 * header merged over two header lines). Ranges beyond the cells read are cut to them.
 */
function applyLayout(rows: Cell[][], layout: SheetLayout, dates: DateCells): Cell[][] {
  const shown = dates === "shown" ? [...layout.displayed, ...layout.shownDates] : layout.displayed;
  for (const [at, text] of shown) {
    const [r, c] = at.split(":").map(Number);
    if (!rows[r]) continue;
    while (rows[r].length <= c) rows[r].push(null);
    rows[r][c] = text;
  }
  const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
  for (const m of layout.merges) {
    const value = rows[m.top]?.[m.left];
    if (value === null || value === undefined) continue;
    for (let r = m.top; r <= Math.min(m.bottom, rows.length - 1); r++) {
      for (let c = m.left; c <= Math.min(m.right, width - 1); c++) {
        if (r === m.top && c === m.left) continue;
        while (rows[r].length <= c) rows[r].push(null);
        if (rows[r][c] === null || rows[r][c] === undefined) rows[r][c] = value;
      }
    }
  }
  return rows;
}

async function readXlsx(bytes: Uint8Array, holdsTable: HoldsTable, dates: DateCells): Promise<SheetRead> {
  const unpacked = declaredUnpackedSize(bytes);
  if (unpacked === null) throw fileError("文件已损坏或不是有效的 .xlsx 工作簿，请在 Excel 中重新保存后再上传");
  if (unpacked > MAX_XLSX_UNPACKED_BYTES) throw fileError("工作簿内容过大，请只保留要导入的工作表并拆分后再导入");
  try {
    // Numbers stay as the text Excel stored, so a long student number or phone keeps every digit.
    const sheets = (await readXlsxFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { parseNumber: (s: string) => s })) as unknown as {
      sheet: string;
      data: Cell[][];
    }[];
    // A workbook often opens with a 填表说明 sheet and keeps the roll on the next one.
    const index = Math.max(
      0,
      sheets.findIndex((s) => holdsTable(s.data)),
    );
    const layout = readSheetLayout(bytes, index);
    const sheetNote =
      index === 0
        ? null
        : `读取的是工作表“${sheets[index].sheet}”；前面的工作表“${sheets
            .slice(0, index)
            .map((s) => s.sheet)
            .join("”“")}”中没有表头，未读取`;
    return {
      format: "xlsx",
      rows: applyLayout(sheets[index]?.data ?? [], layout, dates),
      hiddenRows: layout.hiddenRows,
      hiddenColumns: layout.hiddenColumns,
      sheetNote,
    };
  } catch {
    throw fileError("无法读取该 Excel 文件：文件已损坏、已加密，或不是 .xlsx 格式。请在 Excel 中“另存为”.xlsx 后再上传");
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

// How a CSV keeps the leading zeros of 000123 when Excel opens it: ="000123" (a formula whose value
// is the text) or '000123 (Excel's mark for "digits as text", which is never part of the number).
const FORMULA_TEXT = /^="((?:[^"]|"")*)"$/;
const QUOTED_DIGITS = /^'(\d+)$/;

function csvCell(cell: string): string {
  const formula = FORMULA_TEXT.exec(cell);
  if (formula) return formula[1].replace(/""/g, '"');
  return QUOTED_DIGITS.exec(cell)?.[1] ?? cell;
}

function parseCsv(text: string): Cell[][] {
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: false });
  return result.data.map((row) => row.map(csvCell));
}

/** Reads the sheet of an .xlsx that holds the table (the first, if none does), or a .csv, judged by its bytes rather than its name. */
export async function readSpreadsheet(file: UploadedFile, { maxBytes, holdsTable = () => true, dates = "value" }: ReadOptions): Promise<SheetRead> {
  const b = file.bytes;
  if (b.length === 0) throw fileError("文件是空的，请检查后重新选择");
  if (b.length > maxBytes) throw fileError(`文件超过 ${maxBytes / 1024 / 1024} MB 的上限，请拆分后分批导入`);
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return await readXlsx(b, holdsTable, dates);
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw fileError("暂不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 工作簿或 CSV 后再上传");
  }
  const text = decodeCsvText(b);
  if (text === null) throw fileError(NOT_A_SPREADSHEET);
  return { format: "csv", rows: parseCsv(text), hiddenRows: new Set(), hiddenColumns: new Set(), sheetNote: null };
}

export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
