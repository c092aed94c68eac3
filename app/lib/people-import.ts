import {
  CADRE_LEVEL_LABELS,
  GENDER_LABELS,
  PERSON_CATEGORY_LABELS,
  POLITICAL_STATUS_LABELS,
  keyForLabel,
  type CadreLevel,
  type PersonCategory,
  type PoliticalStatus,
} from "./vocabulary";

// Bulk import of people from a spreadsheet: the column layout, tolerant reading of what offices
// actually type into Excel, and row-by-row problems in Chinese. Pure: the server reads the file,
// looks up units and existing numbers, and hands them in.

/** A cell as read from .xlsx (numbers kept as their text so long numbers survive) or .csv. */
export type Cell = string | number | boolean | Date | null | undefined;

export type ImportColumnKey =
  | "number"
  | "name"
  | "gender"
  | "category"
  | "unit"
  | "politicalStatus"
  | "statusSince"
  | "cadreLevel"
  | "isCommitteeMember"
  | "committeeRole"
  | "phone"
  | "idNumber";

export type ImportColumn = {
  key: ImportColumnKey;
  header: string;
  required: boolean;
  /** Other headers offices use for the same column. */
  aliases: string[];
  /** Kept as text in the template so Excel does not turn it into a number. */
  text: boolean;
  /** What may be written, for the template's notes and the page. */
  hint: string;
};

const labels = (m: Record<string, string>) => Object.values(m).join("、");

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: "number", header: "学号/工号", required: true, aliases: ["学号", "工号", "学工号", "学号工号", "账号", "登录账号"], text: true, hint: "登录账号，不能与已有人员重复；字母、数字、- 或 _，最多 64 位" },
  { key: "name", header: "姓名", required: true, aliases: [], text: true, hint: "最多 50 字" },
  { key: "gender", header: "性别", required: false, aliases: [], text: true, hint: labels(GENDER_LABELS) },
  { key: "category", header: "人员类别", required: false, aliases: ["类别", "人员类型"], text: true, hint: `${labels(PERSON_CATEGORY_LABELS)}；留空视为学生` },
  { key: "unit", header: "所在党组织", required: true, aliases: ["党组织", "所在支部", "党支部", "所属党组织", "所在党支部"], text: true, hint: "党组织的名称；有重名时写完整名称，上下级用 / 分隔，如 计算机学院党委/学生第一党支部" },
  { key: "politicalStatus", header: "政治面貌", required: true, aliases: ["发展阶段"], text: true, hint: labels(POLITICAL_STATUS_LABELS) },
  { key: "statusSince", header: "政治面貌起始日期", required: false, aliases: ["起始日期", "政治面貌日期", "发展阶段起始日期"], text: false, hint: "当前政治面貌的生效日期，如 2024-05-01、2024/5/1 或 2024年5月1日；留空按导入当天记录" },
  { key: "cadreLevel", header: "干部级别", required: false, aliases: ["干部"], text: true, hint: `${labels(CADRE_LEVEL_LABELS)}；留空视为非干部` },
  { key: "isCommitteeMember", header: "是否支委", required: false, aliases: ["支委", "是否支委成员"], text: true, hint: "是 或 否；留空视为否（填写了支委职务则视为是）" },
  { key: "committeeRole", header: "支委职务", required: false, aliases: ["职务"], text: true, hint: "如 书记、组织委员；最多 30 字" },
  { key: "phone", header: "手机号", required: false, aliases: ["手机", "手机号码", "联系电话", "电话"], text: true, hint: "11 位手机号" },
  { key: "idNumber", header: "身份证号", required: false, aliases: ["身份证", "身份证号码", "公民身份号码"], text: true, hint: "18 位居民身份证号，末位可为 X；只用于核对性别，不保存" },
];

const COLUMN = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, c])) as Record<ImportColumnKey, ImportColumn>;

/** The example row of the template; left in the file, it is reported rather than imported. */
export const TEMPLATE_EXAMPLE = {
  number: "2099000001",
  name: "示例张三",
  gender: "男",
  category: "学生",
  politicalStatus: "入党积极分子",
  statusSince: "2024-05-01",
  cadreLevel: "非干部",
  isCommitteeMember: "否",
  committeeRole: "",
  phone: "13800000000",
  idNumber: "110101200001011232",
} as const;

/** Rows beyond this are refused as a whole: a larger roll is split into several files. */
export const MAX_IMPORT_ROWS = 20_000;
/** Rows searched for the header line: office sheets often start with a title row. */
const HEADER_SEARCH_ROWS = 10;

export type PersonImportRow = {
  number: string;
  name: string;
  gender: "male" | "female" | null;
  category: PersonCategory;
  unitText: string;
  politicalStatus: PoliticalStatus;
  /** YYYY-MM-DD, or null when left empty. */
  statusSince: string | null;
  cadreLevel: CadreLevel;
  isCommitteeMember: boolean;
  committeeRole: string | null;
  phone: string | null;
  idNumber: string | null;
};

export type RowDraft = {
  /** The row number the spreadsheet shows (the first line is 1). */
  rowNumber: number;
  person: PersonImportRow;
  problems: string[];
};

export type SheetParse = {
  /** Problems with the file as a whole (no header, too many rows…); rows are empty then. */
  fileProblems: string[];
  headerRowNumber: number | null;
  /** Headers that match no column: they are ignored, and the page says so. */
  ignoredHeaders: string[];
  rows: RowDraft[];
};

// ---------- text ----------

/** Full-width letters, digits and punctuation to their ASCII forms (ＡＢＣ１２３／ → ABC123/). */
function nfkc(s: string): string {
  return s.normalize("NFKC");
}

export function normalizeHeader(text: string): string {
  return nfkc(text)
    .replace(/\s+/g, "")
    .replace(/[*＊]/g, "")
    .replace(/\((必填|选填|可选|非必填)\)$/, "")
    .toLowerCase();
}

/** The text of a cell, trimmed; a date cell in a text column is shown as YYYY-MM-DD. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? "" : cell.toISOString().slice(0, 10);
  if (typeof cell === "boolean") return cell ? "是" : "否";
  if (typeof cell === "number") return String(cell);
  return cell.replace(/^\uFEFF/, "").trim();
}

/** Looks a value up by its Chinese label, its key, or a common alias, ignoring spaces and full-width forms. */
function lookup<K extends string>(labelsMap: Record<K, string>, aliases: Record<string, K>, text: string): K | undefined {
  const t = nfkc(text).replace(/\s+/g, "");
  return keyForLabel(labelsMap, t) ?? keyForLabel(labelsMap, t.toLowerCase()) ?? aliases[t] ?? aliases[t.toLowerCase()];
}

const STATUS_ALIASES: Record<string, PoliticalStatus> = {
  中共党员: "member",
  党员: "member",
  中共预备党员: "probationary",
  积极分子: "activist",
  申请人: "applicant",
  申请入党: "applicant",
};
const CADRE_ALIASES: Record<string, CadreLevel> = {
  否: "none",
  无: "none",
  不是: "none",
  科级: "section",
  科级干部: "section",
  科级及以下: "section",
  处级: "division",
  处级干部: "division",
  处级及以上: "division",
};
const CATEGORY_ALIASES: Record<string, PersonCategory> = {
  教师: "staff",
  教工: "staff",
  职工: "staff",
  教职员工: "staff",
  留学生: "foreign",
  外籍: "foreign",
  外籍教师: "foreign",
  外籍学生: "foreign",
};
const GENDER_ALIASES: Record<string, "male" | "female"> = { 男性: "male", 女性: "female", m: "male", f: "female" };

// ---------- values ----------

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const DAY_MS = 86_400_000;
/** Excel's day 0 for serials from 61 on (Excel counts a 29 February 1900 that never was). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function fromSerialOrCompact(n: number): string | null {
  const whole = Math.floor(n);
  // 20240501 typed without separators.
  if (whole >= 19000101 && whole <= 21001231 && Number.isInteger(n)) {
    return isoDate(Math.floor(whole / 10000), Math.floor(whole / 100) % 100, whole % 100);
  }
  // An Excel date serial that lost its date format (the time of day, if any, is dropped).
  if (whole >= 61 && whole <= 73050) return new Date(EXCEL_EPOCH_MS + whole * DAY_MS).toISOString().slice(0, 10);
  return null;
}

/**
 * A calendar date from a cell: a Date (read-excel-file gives UTC midnight), an Excel serial,
 * 2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日, 20240501 (a time after the date is ignored).
 */
export function parseDateCell(cell: Cell): Parsed<string> | null {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, message: "日期无法识别" };
    const iso = isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
    return iso ? { ok: true, value: iso } : { ok: false, message: "日期超出范围" };
  }
  if (typeof cell === "number") {
    const iso = fromSerialOrCompact(cell);
    return iso ? { ok: true, value: iso } : { ok: false, message: `“${cell}”不是有效的日期` };
  }
  const text = nfkc(cellText(cell));
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const iso = fromSerialOrCompact(Number(text));
    return iso ? { ok: true, value: iso } : { ok: false, message: `“${text}”不是有效的日期，请写成 2024-05-01 的形式` };
  }
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(text);
  if (!m) return { ok: false, message: `“${text}”不是有效的日期，请写成 2024-05-01 的形式` };
  const iso = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return iso ? { ok: true, value: iso } : { ok: false, message: `“${text}”不是存在的日期` };
}

/** 是/否 in the ways people write it; null when empty. */
export function parseYesNo(cell: Cell): Parsed<boolean> | null {
  if (typeof cell === "boolean") return { ok: true, value: cell };
  const t = nfkc(cellText(cell)).replace(/\s+/g, "").toLowerCase();
  if (t === "") return null;
  if (["是", "y", "yes", "true", "1", "√", "✓", "对"].includes(t)) return { ok: true, value: true };
  if (["否", "n", "no", "false", "0", "×", "✗", "不是", "无"].includes(t)) return { ok: true, value: false };
  return { ok: false, message: `“${cellText(cell)}”无法识别，请填“是”或“否”` };
}

/** Excel shows long numbers as 1.10101E+17 and saves them so in CSV: the digits are gone for good. */
function looksScientific(text: string): boolean {
  return /^\d+(\.\d+)?e\+?\d+$/i.test(text);
}

export function parsePhone(cell: Cell): Parsed<string> | null {
  const raw = nfkc(cellText(cell));
  if (raw === "") return null;
  if (looksScientific(raw)) return { ok: false, message: "被 Excel 转成了科学计数法，请把该列设为文本格式后重新填写" };
  let digits = raw.replace(/[\s\-()]/g, "");
  if (/^\+?86\d{11}$/.test(digits)) digits = digits.replace(/^\+?86/, "");
  if (!/^1[3-9]\d{9}$/.test(digits)) return { ok: false, message: `“${raw}”不是有效的 11 位手机号` };
  return { ok: true, value: digits };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** An 18-character resident ID number (GB 11643): birth date and check digit verified. */
export function parseIdNumber(cell: Cell): Parsed<string> | null {
  const raw = nfkc(cellText(cell)).replace(/\s+/g, "").toUpperCase();
  if (raw === "") return null;
  if (looksScientific(raw)) return { ok: false, message: "被 Excel 转成了科学计数法，请把该列设为文本格式后重新填写" };
  if (!/^\d{17}[\dX]$/.test(raw)) return { ok: false, message: "应为 18 位（前 17 位为数字，末位为数字或 X）" };
  if (!isoDate(Number(raw.slice(6, 10)), Number(raw.slice(10, 12)), Number(raw.slice(12, 14)))) {
    return { ok: false, message: "其中的出生日期不正确" };
  }
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(raw[i]), 0);
  if (ID_CHECK[sum % 11] !== raw[17]) return { ok: false, message: "校验位不正确，请核对" };
  return { ok: true, value: raw };
}

/** The gender an ID number encodes: the 17th digit is odd for men. */
export function genderFromIdNumber(id: string): "male" | "female" {
  return Number(id[16]) % 2 === 1 ? "male" : "female";
}

// ---------- header ----------

type HeaderMap = { indexes: Partial<Record<ImportColumnKey, number>>; ignored: string[]; duplicated: string[] };

const HEADER_LOOKUP = new Map<string, ImportColumnKey>();
for (const c of IMPORT_COLUMNS) for (const h of [c.header, ...c.aliases]) HEADER_LOOKUP.set(normalizeHeader(h), c.key);

function mapHeader(row: Cell[]): HeaderMap {
  const indexes: Partial<Record<ImportColumnKey, number>> = {};
  const ignored: string[] = [];
  const duplicated: string[] = [];
  row.forEach((cell, i) => {
    const text = cellText(cell);
    if (text === "") return;
    const key = HEADER_LOOKUP.get(normalizeHeader(text));
    if (!key) ignored.push(text);
    // Say which two headers collide: a sheet with both 学号 and 工号 maps both to one column.
    else if (indexes[key] !== undefined) duplicated.push(`“${cellText(row[indexes[key]!])}”和“${text}”都对应“${COLUMN[key].header}”列`);
    else indexes[key] = i;
  });
  return { indexes, ignored, duplicated };
}

const REQUIRED = IMPORT_COLUMNS.filter((c) => c.required);

function isEmptyRow(row: Cell[] | undefined): boolean {
  return !row || row.every((c) => cellText(c) === "");
}

// ---------- rows ----------

const NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function parseRow(row: Cell[], h: HeaderMap["indexes"], rowNumber: number, today: string): RowDraft {
  const problems: string[] = [];
  const add = (key: ImportColumnKey, message: string) => problems.push(`${COLUMN[key].header}：${message}`);
  const cell = (key: ImportColumnKey): Cell => (h[key] === undefined ? null : row[h[key]!]);
  const text = (key: ImportColumnKey) => cellText(cell(key));

  // Number: the sign-in name, so it must survive Excel intact.
  const number = nfkc(text("number"));
  if (number === "") add("number", "必填");
  else if (looksScientific(number)) add("number", "被 Excel 转成了科学计数法，请把该列设为文本格式后重新填写");
  else if (!NUMBER_PATTERN.test(number)) add("number", `“${number}”格式不正确（只能包含字母、数字、- 和 _，最多 64 位）`);

  const name = text("name").replace(/\s+/g, " ");
  if (name === "") add("name", "必填");
  else if (name.length > 50) add("name", "超过 50 字");

  let gender: PersonImportRow["gender"] = null;
  if (text("gender") !== "") {
    gender = lookup(GENDER_LABELS, GENDER_ALIASES, text("gender")) ?? null;
    if (!gender) add("gender", `“${text("gender")}”无法识别，可填：${labels(GENDER_LABELS)}`);
  }

  let category: PersonCategory = "student";
  if (text("category") !== "") {
    const found = lookup(PERSON_CATEGORY_LABELS, CATEGORY_ALIASES, text("category"));
    if (found) category = found;
    else add("category", `“${text("category")}”无法识别，可填：${labels(PERSON_CATEGORY_LABELS)}`);
  }

  const unitText = text("unit");
  if (unitText === "") add("unit", "必填");

  let politicalStatus: PoliticalStatus = "masses";
  if (text("politicalStatus") === "") add("politicalStatus", "必填");
  else {
    const found = lookup(POLITICAL_STATUS_LABELS, STATUS_ALIASES, text("politicalStatus"));
    if (found) politicalStatus = found;
    else add("politicalStatus", `“${text("politicalStatus")}”无法识别，可填：${labels(POLITICAL_STATUS_LABELS)}`);
  }

  let statusSince: string | null = null;
  const date = parseDateCell(cell("statusSince"));
  if (date && !date.ok) add("statusSince", date.message);
  else if (date?.ok && date.value > today) add("statusSince", `${date.value} 晚于今天`);
  else if (date?.ok) statusSince = date.value;

  let cadreLevel: CadreLevel = "none";
  if (text("cadreLevel") !== "") {
    const found = lookup(CADRE_LEVEL_LABELS, CADRE_ALIASES, text("cadreLevel"));
    if (found) cadreLevel = found;
    else add("cadreLevel", `“${text("cadreLevel")}”无法识别，可填：${labels(CADRE_LEVEL_LABELS)}`);
  }

  const committeeRole = text("committeeRole") || null;
  if (committeeRole && committeeRole.length > 30) add("committeeRole", "超过 30 字");
  const flag = parseYesNo(cell("isCommitteeMember"));
  if (flag && !flag.ok) add("isCommitteeMember", flag.message);
  let isCommitteeMember = flag?.ok ? flag.value : false;
  if (committeeRole && flag?.ok && !flag.value) add("committeeRole", "填写了支委职务，但“是否支委”为“否”");
  if (committeeRole && flag === null) isCommitteeMember = true;

  let phone: string | null = null;
  const p = parsePhone(cell("phone"));
  if (p && !p.ok) add("phone", p.message);
  else if (p?.ok) phone = p.value;

  let idNumber: string | null = null;
  const id = parseIdNumber(cell("idNumber"));
  if (id && !id.ok) add("idNumber", id.message);
  else if (id?.ok) {
    idNumber = id.value;
    if (gender && genderFromIdNumber(id.value) !== gender) add("gender", "与身份证号不符");
    // The number itself is not stored (decision 033): what it tells, the gender, is.
    gender ??= genderFromIdNumber(id.value);
  }

  if (number === TEMPLATE_EXAMPLE.number && name === TEMPLATE_EXAMPLE.name) {
    problems.unshift("这是模板中的示例行，请删除后再导入");
  }

  return {
    rowNumber,
    person: { number, name, gender, category, unitText, politicalStatus, statusSince, cadreLevel, isCommitteeMember, committeeRole, phone, idNumber },
    problems,
  };
}

/**
 * Reads the rows of the first sheet: finds the header line (row 1 in the template; an office
 * sheet may have a title above it), parses every non-empty row, and marks numbers that occur
 * more than once in the file on every row that carries them.
 */
export function parseSheet(sheet: Cell[][], { today }: { today: string }): SheetParse {
  const empty = (fileProblems: string[], headerRowNumber: number | null = null, ignoredHeaders: string[] = []): SheetParse => ({
    fileProblems,
    headerRowNumber,
    ignoredHeaders,
    rows: [],
  });
  let headerIndex = -1;
  let header: HeaderMap | null = null;
  for (let i = 0; i < Math.min(sheet.length, HEADER_SEARCH_ROWS); i++) {
    if (isEmptyRow(sheet[i])) continue;
    const mapped = mapHeader(sheet[i]);
    if (REQUIRED.every((c) => mapped.indexes[c.key] !== undefined)) {
      headerIndex = i;
      header = mapped;
      break;
    }
    // Remember the first non-empty line to say what it lacks if no line qualifies.
    if (!header) header = mapped;
  }
  if (!header) return empty(["文件中没有内容"]);
  if (headerIndex === -1) {
    const missing = REQUIRED.filter((c) => header!.indexes[c.key] === undefined).map((c) => c.header);
    return empty([`找不到表头：第一行应为列名，缺少必填列：${missing.join("、")}。请使用导入模板`]);
  }
  if (header.duplicated.length) {
    return empty([`表头中有重复的列：${header.duplicated.join("；")}，请只保留一列`], headerIndex + 1, header.ignored);
  }

  const dataRows: [Cell[], number][] = [];
  for (let i = headerIndex + 1; i < sheet.length; i++) {
    if (!isEmptyRow(sheet[i])) dataRows.push([sheet[i], i + 1]);
  }
  if (dataRows.length === 0) return empty(["表头下面没有人员数据"], headerIndex + 1, header.ignored);
  if (dataRows.length > MAX_IMPORT_ROWS) {
    return empty([`共 ${dataRows.length} 行，超过单次导入上限 ${MAX_IMPORT_ROWS} 行，请拆分为多个文件`], headerIndex + 1, header.ignored);
  }

  const rows = dataRows.map(([row, n]) => parseRow(row, header!.indexes, n, today));

  const seen = new Map<string, number[]>();
  for (const r of rows) {
    if (r.person.number === "") continue;
    const list = seen.get(r.person.number);
    if (list) list.push(r.rowNumber);
    else seen.set(r.person.number, [r.rowNumber]);
  }
  for (const r of rows) {
    const list = seen.get(r.person.number);
    if (list && list.length > 1) {
      const others = list.filter((n) => n !== r.rowNumber);
      r.problems.unshift(`${COLUMN.number.header}：“${r.person.number}”在文件中重复（另见第 ${others.join("、")} 行）`);
    }
  }
  return { fileProblems: [], headerRowNumber: headerIndex + 1, ignoredHeaders: header.ignored, rows };
}

// ---------- units ----------

export type UnitCandidate = {
  id: number;
  name: string;
  /** Names from the root down to this unit, itself last. */
  chain: string[];
  archived: boolean;
};

export type UnitResolution = { ok: true; unitId: number; fullName: string } | { ok: false; message: string };

function unitKey(s: string): string {
  return nfkc(s).replace(/\s+/g, "");
}

const UNIT_SEPARATORS = /[/>\\]/;

/**
 * Resolves what a row says about its unit against the units the importer may import into.
 * A unit outside that scope is simply absent here, so it reads exactly like an unknown one.
 */
export function createUnitResolver(units: readonly UnitCandidate[]): (text: string) => UnitResolution {
  const byName = new Map<string, UnitCandidate[]>();
  for (const u of units) {
    const k = unitKey(u.name);
    byName.set(k, [...(byName.get(k) ?? []), u]);
  }
  const fullName = (u: UnitCandidate) => u.chain.join("/");
  const cache = new Map<string, UnitResolution>();

  function resolve(text: string): UnitResolution {
    const whole = unitKey(text);
    let matches = byName.get(whole) ?? [];
    if (matches.length === 0 && UNIT_SEPARATORS.test(whole)) {
      const segments = whole.split(UNIT_SEPARATORS).filter(Boolean);
      const last = segments[segments.length - 1] ?? "";
      matches = (byName.get(last) ?? []).filter((u) => {
        const chain = u.chain.map(unitKey);
        if (segments.length > chain.length) return false;
        const tail = chain.slice(chain.length - segments.length);
        return tail.every((s, i) => s === segments[i]);
      });
    }
    if (matches.length === 0) return { ok: false, message: `找不到“${text}”，或该组织不在您的管理范围内` };
    const active = matches.filter((u) => !u.archived);
    if (active.length === 0) return { ok: false, message: `“${text}”已撤销，不能导入到该组织` };
    if (active.length > 1) {
      const examples = active.slice(0, 3).map(fullName);
      return { ok: false, message: `“${text}”有 ${active.length} 个同名组织，请填写完整名称，如“${examples.join("”或“")}”` };
    }
    return { ok: true, unitId: active[0].id, fullName: fullName(active[0]) };
  }

  return (text: string) => {
    let r = cache.get(text);
    if (!r) cache.set(text, (r = resolve(text)));
    return r;
  };
}

// ---------- the whole check ----------

const HEADER_ORDER = IMPORT_COLUMNS.map((c) => `${c.header}：`);

/** Messages in the order of the columns they concern, so a row reads left to right like the sheet. */
function inColumnOrder(problems: string[]): string[] {
  const rank = (p: string) => HEADER_ORDER.findIndex((h) => p.startsWith(h));
  return problems.map((p, i) => ({ p, i, r: rank(p) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
}

export type CheckedRow = RowDraft & { unitId: number | null; unitFullName: string | null };

/** Adds what only the database knows: the unit each row names, and numbers already taken. */
export function checkAgainstDatabase(
  rows: readonly RowDraft[],
  ctx: { resolveUnit: (text: string) => UnitResolution; existingNumbers: ReadonlySet<string> },
): CheckedRow[] {
  return rows.map((r) => {
    const problems = [...r.problems];
    let unitId: number | null = null;
    let unitFullName: string | null = null;
    if (r.person.unitText !== "") {
      const u = ctx.resolveUnit(r.person.unitText);
      if (u.ok) {
        unitId = u.unitId;
        unitFullName = u.fullName;
      } else {
        problems.push(`${COLUMN.unit.header}：${u.message}`);
      }
    }
    if (r.person.number !== "" && ctx.existingNumbers.has(r.person.number)) {
      problems.push(`${COLUMN.number.header}：“${r.person.number}”已存在于系统中`);
    }
    return { ...r, problems: inColumnOrder(problems), unitId, unitFullName };
  });
}

export type PreviewRow = {
  rowNumber: number;
  number: string;
  name: string;
  gender: string;
  category: string;
  unit: string;
  politicalStatus: string;
  statusSince: string;
  cadreLevel: string;
  committee: string;
};

export type ImportReport = {
  fileName: string;
  format: "xlsx" | "csv";
  /** SHA-256 of the bytes checked: a confirmation must send the same file. */
  sha256: string;
  fileProblems: string[];
  ignoredHeaders: string[];
  total: number;
  problemRowCount: number;
  /** Rows with problems, in file order, at most `PROBLEM_ROWS_SHOWN`. */
  problemRows: { rowNumber: number; number: string; name: string; problems: string[] }[];
  preview: PreviewRow[];
  /** Facts worth a look before confirming (not problems). */
  notes: string[];
  byStatus: Partial<Record<PoliticalStatus, number>>;
};

export const PROBLEM_ROWS_SHOWN = 500;
export const PREVIEW_ROWS = 20;

export function isClean(report: Pick<ImportReport, "fileProblems" | "problemRowCount" | "total">): boolean {
  return report.fileProblems.length === 0 && report.problemRowCount === 0 && report.total > 0;
}

export function buildReport(
  file: { fileName: string; format: "xlsx" | "csv"; sha256: string },
  parsed: Pick<SheetParse, "fileProblems" | "ignoredHeaders">,
  rows: readonly CheckedRow[],
  today: string,
): ImportReport {
  const withProblems = rows.filter((r) => r.problems.length > 0);
  const byStatus: Partial<Record<PoliticalStatus, number>> = {};
  for (const r of rows) byStatus[r.person.politicalStatus] = (byStatus[r.person.politicalStatus] ?? 0) + 1;
  const undated = rows.filter((r) => r.person.politicalStatus !== "masses" && r.person.statusSince === null).length;
  const notes: string[] = [];
  if (undated > 0) notes.push(`${undated} 人未填写政治面貌起始日期，将以导入当天（${today}）记录；该日期用于计算培养考察期限，请尽量填写`);
  if (parsed.ignoredHeaders.length > 0) notes.push(`以下列不在模板中，将被忽略：${parsed.ignoredHeaders.join("、")}`);
  return {
    ...file,
    fileProblems: parsed.fileProblems,
    ignoredHeaders: parsed.ignoredHeaders,
    total: rows.length,
    problemRowCount: withProblems.length,
    problemRows: withProblems.slice(0, PROBLEM_ROWS_SHOWN).map((r) => ({ rowNumber: r.rowNumber, number: r.person.number, name: r.person.name, problems: r.problems })),
    preview:
      withProblems.length === 0
        ? rows.slice(0, PREVIEW_ROWS).map((r) => ({
            rowNumber: r.rowNumber,
            number: r.person.number,
            name: r.person.name,
            gender: r.person.gender ? GENDER_LABELS[r.person.gender] : "",
            category: PERSON_CATEGORY_LABELS[r.person.category],
            unit: r.unitFullName ?? r.person.unitText,
            politicalStatus: POLITICAL_STATUS_LABELS[r.person.politicalStatus],
            statusSince: r.person.statusSince ?? (r.person.politicalStatus === "masses" ? "" : `${today}（导入当天）`),
            cadreLevel: CADRE_LEVEL_LABELS[r.person.cadreLevel],
            committee: r.person.isCommitteeMember ? `是${r.person.committeeRole ? `（${r.person.committeeRole}）` : ""}` : "否",
          }))
        : [],
    notes,
    byStatus,
  };
}
