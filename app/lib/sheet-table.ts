// The table inside an office spreadsheet, as a 组织部 keeps it: a title row above, a header that may
// span two lines (a group heading merged over its sub-columns), rows hidden by a filter, and a footer
// (合计, 填表人, 制表日期) below. Shared by every bulk import: it finds the header, names each column
// as the file names it with its letter ("D 列「入党时间」"), and says which rows it leaves out and why.
// Pure: the server reads the file (merged cells already filled in) and hands the rows in.

import { formatDate } from "./dates";

/** A cell as read from .xlsx (numbers kept as their text so long numbers survive) or .csv. */
export type Cell = string | number | boolean | Date | null | undefined;

// Zero-width characters and the word joiner come along when names are pasted from web pages and
// chat apps; they are invisible, so nobody could type the name back. A no-break space is a space.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;

/** The text of a cell, trimmed (full-width spaces too), invisible characters removed; a date cell reads YYYY-MM-DD. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? "" : formatDate(cell);
  if (typeof cell === "boolean") return cell ? "是" : "否";
  if (typeof cell === "number") return String(cell);
  return cell
    .replace(INVISIBLE, "")
    .replace(/\u00a0/g, " ")
    .trim();
}

export function normalizeHeader(text: string): string {
  return text
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(/\s+/g, "")
    .replace(/[*＊]/g, "")
    .replace(/\((必填|选填|可选|非必填)\)$/, "")
    .toLowerCase();
}

/** A, B, …, Z, AA, AB…: the letter Excel shows above a 0-based column. */
export function columnLetter(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export type SheetColumn<K extends string> = { key: K; header: string; required: boolean; aliases: readonly string[] };

export type TableHeader<K extends string> = {
  /** 0-based column of each key the file has. */
  indexes: Partial<Record<K, number>>;
  /** How a message names a column: its letter and the file's own header, e.g. D 列「入党时间」. */
  refs: Partial<Record<K, string>>;
};

export type TableRow = {
  rowNumber: number;
  /** The row's cells; a formula error in a column the import reads is emptied and reported in `problems`. */
  cells: Cell[];
  /** What no import may read past, whatever the column (a formula error), named by column. */
  problems: string[];
};

// What Excel shows (and writes into a CSV) for a formula that failed: the value the cell should hold is unknown.
const FORMULA_ERROR = /^#(N\/A|REF!|VALUE!|DIV\/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|FIELD!|GETTING_DATA|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)$/i;

/** The row with its formula errors taken out of the cells the import reads, and said in Chinese. */
function checkedRow<K extends string>(rowNumber: number, cells: Cell[], header: TableHeader<K>): TableRow {
  const problems: string[] = [];
  let checked = cells;
  for (const [key, i] of Object.entries(header.indexes) as [K, number][]) {
    const t = cellText(cells[i]);
    if (!FORMULA_ERROR.test(t)) continue;
    if (checked === cells) checked = [...cells];
    checked[i] = null;
    problems.push(`${header.refs[key]}：单元格显示公式错误“${t}”，不知道应填的内容；请在 Excel 中修正公式，或复制后“选择性粘贴为数值”再导入`);
  }
  return { rowNumber, cells: checked, problems };
}

/**
 * A row's problems after the import's own: where the table already reported a cell (a formula
 * error), the import's word on that emptied cell ("必填") is left out.
 */
export function withCellProblems(row: TableRow, problems: readonly string[]): string[] {
  const columns = row.problems.map((p) => p.slice(0, p.indexOf("：") + 1));
  return [...row.problems, ...problems.filter((p) => !columns.some((c) => p.startsWith(c)))];
}

export type LocatedTable<K extends string> = {
  /** Problems with the file as a whole (no header, too many rows…); rows are empty then. */
  fileProblems: string[];
  headerRowNumber: number | null;
  header: TableHeader<K>;
  /** Headers that match no column: they are ignored, and the page says so. */
  ignoredHeaders: string[];
  rows: TableRow[];
  /** Rows Excel does not show (a filter or hidden by hand), in sheet numbers. */
  hiddenRows: number[];
  /** What was left out and why, for the dry run. */
  notes: string[];
};

export type HiddenRowChoice = "skip" | "include";

/** Rows searched for the header line: office sheets often start with a title row. */
const HEADER_SEARCH_ROWS = 10;

// A footer begins with one of these words in its first filled cell. 小计 may sit between groups;
// the others end the table, and rows after them without the required cells are the footer too.
const SUBTOTAL = /^(小计)/;
const TABLE_END = /^(合计|总计|共计|填表人|填报人|审核人|审批人|制表人|制表日期|填表日期|填报日期|负责人|联系人|联系电话|单位盖章|盖章|说明|备注|注[:：])/;

type HeaderMatch<K extends string> = { indexes: Partial<Record<K, number>>; labels: Partial<Record<K, string>>; ignored: string[]; duplicated: string[] };

function headerLookup<K extends string>(columns: readonly SheetColumn<K>[]): Map<string, K> {
  const lookup = new Map<string, K>();
  for (const c of columns) for (const h of [c.header, ...c.aliases]) lookup.set(normalizeHeader(h), c.key);
  return lookup;
}

function matchHeader<K extends string>(row: Cell[], columns: readonly SheetColumn<K>[], lookup: Map<string, K>): HeaderMatch<K> {
  const m: HeaderMatch<K> = { indexes: {}, labels: {}, ignored: [], duplicated: [] };
  const headerOf = (k: K) => columns.find((c) => c.key === k)!.header;
  row.forEach((cell, i) => {
    const t = cellText(cell);
    if (t === "") return;
    const key = lookup.get(normalizeHeader(t));
    if (!key) {
      if (!m.ignored.includes(t)) m.ignored.push(t);
    } else if (m.indexes[key] !== undefined) {
      // A header merged across two columns reads the same in both: that is one column, not two.
      if (m.labels[key] !== t || cellText(row[i - 1]) !== t) m.duplicated.push(`“${m.labels[key]}”和“${t}”都对应“${headerOf(key)}”列`);
    } else {
      m.indexes[key] = i;
      m.labels[key] = t;
    }
  });
  return m;
}

const isEmptyRow = (row: Cell[] | undefined) => !row || row.every((c) => cellText(c) === "");

/**
 * A second header line under a group heading ("发展情况" over 入党时间, 转正时间): every filled cell
 * is a known column or repeats the line above (a heading merged down over both lines).
 */
function subHeader<K extends string>(above: Cell[], below: Cell[] | undefined, lookup: Map<string, K>): boolean {
  if (!below || isEmptyRow(below)) return false;
  let known = 0;
  for (let i = 0; i < below.length; i++) {
    const t = cellText(below[i]);
    if (t === "" || t === cellText(above[i])) continue;
    if (!lookup.has(normalizeHeader(t))) return false;
    known++;
  }
  return known > 0;
}

/** The first line (of the first few) that names every required column, and how it matched. */
function findHeader<K extends string>(sheet: Cell[][], columns: readonly SheetColumn<K>[], lookup: Map<string, K>) {
  const required = columns.filter((c) => c.required);
  let first: HeaderMatch<K> | null = null;
  for (let i = 0; i < Math.min(sheet.length, HEADER_SEARCH_ROWS); i++) {
    if (isEmptyRow(sheet[i])) continue;
    const m = matchHeader(sheet[i], columns, lookup);
    if (required.every((c) => m.indexes[c.key] !== undefined)) return { headerIndex: i, match: m };
    // Remember the first non-empty line to say what it lacks if no line qualifies.
    first ??= m;
  }
  return { headerIndex: -1, match: first };
}

/** Whether a sheet holds the table (a workbook may open with a 填表说明 sheet and keep the roll on the next). */
export function holdsTable<K extends string>(sheet: Cell[][], columns: readonly SheetColumn<K>[]): boolean {
  return findHeader(sheet, columns, headerLookup(columns)).headerIndex !== -1;
}

export function locateTable<K extends string>(
  sheet: Cell[][],
  columns: readonly SheetColumn<K>[],
  options: { hiddenRows?: ReadonlySet<number>; includeHidden?: boolean; maxRows: number; noun: string },
): LocatedTable<K> {
  const lookup = headerLookup(columns);
  const required = columns.filter((c) => c.required);
  const empty = (fileProblems: string[], headerRowNumber: number | null = null, ignoredHeaders: string[] = []): LocatedTable<K> => ({
    fileProblems,
    headerRowNumber,
    header: { indexes: {}, refs: {} },
    ignoredHeaders,
    rows: [],
    hiddenRows: [],
    notes: [],
  });

  const found = findHeader(sheet, columns, lookup);
  const headerIndex = found.headerIndex;
  let match = found.match;
  if (!match) return empty(["文件中没有内容"]);
  if (headerIndex === -1) {
    const missing = required.filter((c) => match!.indexes[c.key] === undefined).map((c) => c.header);
    return empty([`找不到表头：第一行应为列名，缺少必填列：${missing.join("、")}。请使用导入模板`]);
  }
  let lastHeader = headerIndex;
  if (subHeader(sheet[headerIndex], sheet[headerIndex + 1], lookup)) {
    // Each column is named by its lower line where that line names it, by the upper line otherwise.
    const combined = sheet[headerIndex].map((c, i) => {
      const below = cellText(sheet[headerIndex + 1][i]);
      return below !== "" && lookup.has(normalizeHeader(below)) ? below : c;
    });
    for (let i = sheet[headerIndex].length; i < sheet[headerIndex + 1].length; i++) combined.push(sheet[headerIndex + 1][i]);
    match = matchHeader(combined, columns, lookup);
    const groups = new Set(sheet[headerIndex].filter((c, i) => combined[i] !== c).map(cellText));
    match.ignored = match.ignored.filter((t) => !groups.has(t));
    lastHeader = headerIndex + 1;
  }
  const headerRowNumber = lastHeader + 1;
  if (match.duplicated.length) return empty([`表头中有重复的列：${match.duplicated.join("；")}，请只保留一列`], headerRowNumber, match.ignored);

  const header: TableHeader<K> = { indexes: match.indexes, refs: {} };
  for (const [k, i] of Object.entries(match.indexes) as [K, number][]) header.refs[k] = `${columnLetter(i)} 列「${match.labels[k]}」`;

  const rows: TableRow[] = [];
  const footer: number[] = [];
  const footerWords: string[] = [];
  const hidden: number[] = [];
  const unread: number[] = [];
  const readColumns = Object.values(match.indexes) as number[];
  let ended = false;
  for (let i = lastHeader + 1; i < sheet.length; i++) {
    const cells = sheet[i];
    if (isEmptyRow(cells)) continue;
    const rowNumber = i + 1;
    const first = cellText(cells.find((c) => cellText(c) !== ""))
      .normalize("NFKC")
      .replace(/\s+/g, "");
    const hasRequired = required.every((c) => cellText(cells[match!.indexes[c.key]!]) !== "");
    const endsTable = TABLE_END.exec(first);
    if (endsTable || SUBTOTAL.test(first) || (ended && !hasRequired)) {
      if (endsTable) ended = true;
      footer.push(rowNumber);
      const word = (endsTable ?? SUBTOTAL.exec(first))?.[1].replace(/[:：]$/, "");
      if (word && !footerWords.includes(word)) footerWords.push(word);
      continue;
    }
    // A template numbered down in advance (序号 1…50) has rows with nothing in any column read.
    if (readColumns.every((c) => cellText(cells[c]) === "")) {
      unread.push(rowNumber);
      continue;
    }
    if (options.hiddenRows?.has(rowNumber)) {
      hidden.push(rowNumber);
      if (!options.includeHidden) continue;
    }
    rows.push(checkedRow(rowNumber, cells, header));
  }

  const notes: string[] = [];
  if (footer.length) notes.push(`第 ${rowList(footer)} 行是表尾（${footerWords.join("、") || "说明"}），不是${options.noun}，已跳过`);
  if (unread.length) notes.push(`第 ${rowList(unread)} 行只在不导入的列（如序号）有内容，没有${options.noun}，已跳过`);
  if (hidden.length) {
    notes.push(
      options.includeHidden
        ? `第 ${rowList(hidden)} 行在 Excel 中被筛选或隐藏，按您的选择一并导入`
        : `第 ${rowList(hidden)} 行在 Excel 中被筛选或隐藏，默认不导入；如需导入，请在下方选择“隐藏的行也导入”后重新预检`,
    );
  }
  if (rows.length === 0) return { ...empty([`表头下面没有${options.noun}`], headerRowNumber, match.ignored), hiddenRows: hidden, notes };
  if (rows.length > options.maxRows) {
    return empty([`共 ${rows.length} 行，超过单次导入上限 ${options.maxRows} 行，请拆分为多个文件`], headerRowNumber, match.ignored);
  }
  return { fileProblems: [], headerRowNumber, header, ignoredHeaders: match.ignored, rows, hiddenRows: hidden, notes };
}

/** A note when columns the import reads are hidden in Excel: they are read, and the person should know. */
export function hiddenColumnsNote<K extends string>(header: TableHeader<K>, hiddenColumns: ReadonlySet<number>): string | null {
  const refs = (Object.entries(header.indexes) as [K, number][])
    .filter(([, i]) => hiddenColumns.has(i))
    .sort((a, b) => a[1] - b[1])
    .map(([k]) => header.refs[k]);
  return refs.length ? `${refs.join("、")}在 Excel 中被隐藏，仍按其内容导入；如不应导入，请删除该列后重新预检` : null;
}

/** "3、5、8–12": row numbers as a person reads them, runs shortened. */
export function rowList(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; i++) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(j - i >= 2 ? `${numbers[i]}–${numbers[j]}` : numbers.slice(i, j + 1).join("、"));
    i = j;
  }
  return parts.join("、");
}

/** Messages in the order of the columns they concern, so a row reads left to right like the sheet. */
export function inColumnOrder<K extends string>(problems: readonly string[], header: TableHeader<K>): string[] {
  const order = (Object.entries(header.indexes) as [K, number][]).sort((a, b) => a[1] - b[1]).map(([k]) => `${header.refs[k]}：`);
  const rank = (p: string) => {
    const i = order.findIndex((h) => p.startsWith(h));
    return i === -1 ? order.length : i;
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.p);
}
