import zlib from "node:zlib";
import { BUILT_IN_DATE_FORMATS, displayedDate, displayedNumber } from "~/lib/number-format";

// What read-excel-file does not tell: which rows of a sheet are hidden (by a filter or by
// hand), which cells are merged, and how a numeric cell is shown (a percent, zero-padded digits, a
// month without a day). Those decide what a cell means, so they are read from the sheet's XML here.
// The zip has already been size-checked by the caller (declaredUnpackedSize).

export type SheetLayout = {
  /** Sheet row numbers (1-based) that Excel does not show. */
  hiddenRows: Set<number>;
  /** Columns (0-based) Excel does not show. */
  hiddenColumns: Set<number>;
  /** Merged ranges, 0-based and inclusive. */
  merges: { top: number; left: number; bottom: number; right: number }[];
  /**
   * The text a cell shows where the reader would read something else, keyed "row:col" (0-based): a
   * number whose format changes its meaning, and a formula error (#N/A, #REF!) the reader reads as empty.
   */
  displayed: Map<string, string>;
  /** The text a date-formatted cell shows (7月1日, 2021年7月1日), keyed "row:col": for imports that take text as shown. */
  shownDates: Map<string, string>;
};

/** What an .xlsx may unpack to: a 20,000-row sheet is ~20 MB of XML; more is a zip bomb or not a roll. */
export const MAX_XLSX_UNPACKED_BYTES = 150 * 1024 * 1024;

type ZipEntry = { name: string; method: number; compressedSize: number; uncompressedSize: number; localOffset: number };

/** The entries the zip's central directory lists, or null when it has none or a record is broken. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (view.getUint32(i, true) !== 0x06054b50) continue;
    const count = view.getUint16(i + 10, true);
    let p = view.getUint32(i + 16, true);
    const entries: ZipEntry[] = [];
    for (let n = 0; n < count; n++) {
      if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) return null;
      const nameLength = view.getUint16(p + 28, true);
      entries.push({
        name: new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength)),
        method: view.getUint16(p + 10, true),
        compressedSize: view.getUint32(p + 20, true),
        uncompressedSize: view.getUint32(p + 24, true),
        localOffset: view.getUint32(p + 42, true),
      });
      p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    }
    return entries;
  }
  return null;
}

function zipDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  return new Map((zipEntries(bytes) ?? []).map((e) => [e.name.replace(/^\//, ""), e]));
}

function readEntry(bytes: Uint8Array, entries: Map<string, ZipEntry>, name: string): string | null {
  const e = entries.get(name);
  if (!e) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = e.localOffset + 30 + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
  const data = bytes.subarray(start, start + e.compressedSize);
  // The declared sizes were checked by the caller; a zip that lies about them still stops here.
  const raw = e.method === 0 ? data : e.method === 8 ? zlib.inflateRawSync(data, { maxOutputLength: MAX_XLSX_UNPACKED_BYTES }) : null;
  return raw ? new TextDecoder().decode(raw) : null;
}

// Attributes of a tag, namespace prefixes dropped (some generators write <x:c r="A1">).
function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) out[m[1] === "r:id" ? m[1] : m[1].replace(/^\w+:/, "")] = m[2];
  return out;
}

const decodeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e as "lt"]);

/** Path of the sheet at `index` (0-based) in the workbook's order, the order read-excel-file reads them in. */
function sheetPath(bytes: Uint8Array, entries: Map<string, ZipEntry>, workbook: string | null, index: number): string | null {
  const rels = readEntry(bytes, entries, "xl/_rels/workbook.xml.rels");
  if (!workbook || !rels) return null;
  const sheet = [...workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)][index];
  if (!sheet) return null;
  const id = attributes(sheet[0])["r:id"];
  for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const a = attributes(m[0]);
    if (a.Id === id && a.Target) return a.Target.startsWith("/") ? a.Target.slice(1) : `xl/${a.Target.replace(/^\.\//, "")}`;
  }
  return null;
}

/** Excel's built-in number formats that change what a number means; the others show it plainly or as a full date. */
const BUILT_IN_FORMATS: Record<number, string> = {
  1: "0",
  2: "0.00",
  9: "0%",
  10: "0.00%",
  // Month and year without a day: mmm-yy, and the Chinese yyyy"年"m"月" (ids differ by Excel version).
  17: "yyyy-mm",
  27: "yyyy-mm",
  36: "yyyy-mm",
  50: "yyyy-mm",
  52: "yyyy-mm",
  57: "yyyy-mm",
};

type StyleFormats = { meaning: (string | undefined)[]; dates: (string | undefined)[] };

/** Per cell style: the format that decides a number's meaning, and the date format it is shown in. */
function numberFormats(styles: string | null): StyleFormats {
  if (!styles) return { meaning: [], dates: [] };
  const custom = new Map<number, string>();
  for (const m of styles.matchAll(/<(?:\w+:)?numFmt\b[^>]*>/g)) {
    const a = attributes(m[0]);
    if (a.numFmtId && a.formatCode !== undefined) custom.set(Number(a.numFmtId), decodeXml(a.formatCode));
  }
  const cellXfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(styles)?.[1] ?? "";
  const ids = [...cellXfs.matchAll(/<(?:\w+:)?xf\b[^>]*>/g)].map((m) => Number(attributes(m[0]).numFmtId ?? 0));
  return {
    meaning: ids.map((id) => custom.get(id) ?? BUILT_IN_FORMATS[id]),
    dates: ids.map((id) => {
      const code = custom.get(id) ?? BUILT_IN_DATE_FORMATS[id];
      return code !== undefined && displayedDate("1", code) !== null ? code : undefined;
    }),
  };
}

function cellAddress(ref: string): [number, number] | null {
  const m = /^([A-Z]+)(\d+)$/.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return [Number(m[2]) - 1, col - 1];
}

/** Reads the layout facts of a sheet (0-based, the first by default); an unreadable part yields no facts rather than an error. */
export function readSheetLayout(bytes: Uint8Array, sheetIndex = 0): SheetLayout {
  const layout: SheetLayout = { hiddenRows: new Set(), hiddenColumns: new Set(), merges: [], displayed: new Map(), shownDates: new Map() };
  const entries = zipDirectory(bytes);
  const workbook = readEntry(bytes, entries, "xl/workbook.xml");
  const path = sheetPath(bytes, entries, workbook, sheetIndex);
  const sheet = path ? readEntry(bytes, entries, path) : null;
  if (!sheet) return layout;
  const { meaning: formats, dates } = numberFormats(readEntry(bytes, entries, "xl/styles.xml"));
  // Workbooks from Excel for Mac may count days from 1904: their serials are 1462 days short of 1900's.
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbook ?? "");

  let rowNumber = 0;
  for (const m of sheet.matchAll(/<(?:\w+:)?row\b([^>]*)>/g)) {
    const a = attributes(m[1]);
    rowNumber = a.r ? Number(a.r) : rowNumber + 1;
    if (a.hidden === "1" || a.hidden === "true") layout.hiddenRows.add(rowNumber);
  }
  // Only formula errors and cells whose style shows a number differently are worth a look; most sheets have none.
  const telling = new Set(formats.flatMap((f, i) => (f && displayedNumber("1", f) !== null ? [String(i)] : [])));
  if (telling.size > 0 || dates.some(Boolean) || /\bt="e"/.test(sheet)) {
    for (const m of sheet.matchAll(/<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g)) {
      const a = attributes(m[1]);
      if (a.t === "e") {
        const error = m[2] ? /<(?:\w+:)?v>([^<]*)</.exec(m[2])?.[1] : undefined;
        const at = a.r ? cellAddress(a.r) : null;
        if (at) layout.displayed.set(`${at[0]}:${at[1]}`, error ? decodeXml(error) : "#VALUE!");
        continue;
      }
      const style = /\bs="(\d+)"/.exec(m[1])?.[1];
      if (style === undefined || (!telling.has(style) && !dates[Number(style)])) continue;
      if (a.t && a.t !== "n") continue;
      const stored = m[2] ? /<(?:\w+:)?v>([^<]*)</.exec(m[2])?.[1] : undefined;
      const at = a.r ? cellAddress(a.r) : null;
      if (stored === undefined || stored === "" || !at) continue;
      const date = dates[Number(style)];
      const value = date && date1904 ? String(Number(stored) + 1462) : stored;
      const shownDate = date ? displayedDate(value, date) : null;
      if (shownDate !== null) layout.shownDates.set(`${at[0]}:${at[1]}`, shownDate);
      // A date shown without its year (7月1日) holds the year it was typed in, which nobody chose.
      if (shownDate !== null && !/y/i.test(date!.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, ""))) layout.displayed.set(`${at[0]}:${at[1]}`, shownDate);
      if (!telling.has(style)) continue;
      const shown = displayedNumber(value, formats[Number(style)]!);
      if (shown !== null) layout.displayed.set(`${at[0]}:${at[1]}`, shown);
    }
  }
  for (const m of sheet.matchAll(/<(?:\w+:)?col\b[^>]*>/g)) {
    const a = attributes(m[0]);
    if (a.hidden !== "1" && a.hidden !== "true") continue;
    // <col min max> numbers columns from 1; a hidden range over the whole sheet width stops at 16384.
    for (let c = Number(a.min); c <= Math.min(Number(a.max), 16384); c++) layout.hiddenColumns.add(c - 1);
  }
  for (const m of sheet.matchAll(/<(?:\w+:)?mergeCell\b[^>]*>/g)) {
    const [from, to] = (attributes(m[0]).ref ?? "").split(":").map(cellAddress);
    if (from && to) layout.merges.push({ top: from[0], left: from[1], bottom: to[0], right: to[1] });
  }
  return layout;
}
