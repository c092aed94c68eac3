import { formatDate } from "./dates";
import { EXCEL_EPOCH_MS } from "./number-format";
import {
  type Cell,
  type HiddenRowChoice,
  type SheetColumn,
  type TableHeader,
  cellText,
  inColumnOrder,
  holdsTable,
  locateTable,
  withCellProblems,
} from "./sheet-table";
import {
  CADRE_LEVEL_LABELS,
  POLITICAL_STATUSES,
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

/** Every column the import reads: the template's and the stage dates. */
export type ReadColumnKey = ImportColumnKey | StageDateKey;

/** Dates of the development stages, as 组织部 rosters keep them in columns of their own. */
export type StageDateKey = "appliedOn" | "activistOn" | "targetOn" | "joinedOn" | "fullOn";

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
  {
    key: "number",
    header: "学号/工号",
    required: true,
    aliases: ["学号", "工号", "学工号", "学号工号", "账号", "登录账号"],
    text: true,
    hint: "登录账号，不能与已有人员重复；字母、数字、- 或 _，最多 64 位",
  },
  { key: "name", header: "姓名", required: true, aliases: [], text: true, hint: "最多 50 字" },
  { key: "gender", header: "性别", required: false, aliases: [], text: true, hint: labels(GENDER_LABELS) },
  { key: "category", header: "人员类别", required: false, aliases: ["类别", "人员类型"], text: true, hint: `${labels(PERSON_CATEGORY_LABELS)}；留空视为学生` },
  {
    key: "unit",
    header: "所在党组织",
    required: true,
    aliases: ["党组织", "所在支部", "党支部", "所属党组织", "所在党支部"],
    text: true,
    hint: "党组织的名称；有重名时写完整名称，上下级用 / 分隔，如 计算机学院党委/学生第一党支部",
  },
  { key: "politicalStatus", header: "政治面貌", required: true, aliases: ["发展阶段"], text: true, hint: labels(POLITICAL_STATUS_LABELS) },
  {
    key: "statusSince",
    header: "政治面貌起始日期",
    required: false,
    aliases: ["起始日期", "政治面貌日期", "发展阶段起始日期"],
    text: false,
    hint: "当前政治面貌的生效日期，如 2024-05-01、2024/5/1 或 2024年5月1日；只写年月（2024.05、2024年5月）按当月 1 日记录；留空按导入当天记录。也可另设“成为积极分子时间”“确定为发展对象时间”“入党时间”“转正时间”等列，各阶段日期都会记入发展经历",
  },
  { key: "cadreLevel", header: "干部级别", required: false, aliases: ["干部"], text: true, hint: `${labels(CADRE_LEVEL_LABELS)}；留空视为非干部` },
  {
    key: "isCommitteeMember",
    header: "是否支委",
    required: false,
    aliases: ["支委", "是否支委成员"],
    text: true,
    hint: "是 或 否；留空视为否（填写了支委职务则视为是）",
  },
  { key: "committeeRole", header: "支委职务", required: false, aliases: ["职务"], text: true, hint: "如 书记、组织委员；最多 30 字" },
  { key: "phone", header: "手机号", required: false, aliases: ["手机", "手机号码", "联系电话", "电话"], text: true, hint: "11 位手机号" },
  {
    key: "idNumber",
    header: "身份证号",
    required: false,
    aliases: ["身份证", "身份证号码", "公民身份号码"],
    text: true,
    hint: "18 位居民身份证号，末位可为 X；只用于核对性别，不保存",
  },
];

/**
 * Columns read when a file has them, not written into the template: the date each stage began.
 * Each becomes an entry of the person's status history, so deadlines count from the real dates.
 */
export const STAGE_DATE_COLUMNS: readonly (SheetColumn<StageDateKey> & { status: PoliticalStatus })[] = [
  {
    key: "appliedOn",
    status: "applicant",
    header: "申请入党时间",
    required: false,
    aliases: ["申请入党日期", "入党申请时间", "入党申请日期", "递交入党申请书时间", "提交入党申请书时间", "递交申请书时间"],
  },
  {
    key: "activistOn",
    status: "activist",
    header: "确定为入党积极分子时间",
    required: false,
    aliases: [
      "成为积极分子时间",
      "成为入党积极分子时间",
      "确定为积极分子时间",
      "列为积极分子时间",
      "列为入党积极分子时间",
      "确定入党积极分子时间",
      "积极分子时间",
      "积极分子日期",
    ],
  },
  {
    key: "targetOn",
    status: "target",
    header: "确定为发展对象时间",
    required: false,
    aliases: ["成为发展对象时间", "列为发展对象时间", "确定发展对象时间", "发展对象时间", "发展对象日期"],
  },
  {
    key: "joinedOn",
    status: "probationary",
    header: "入党时间",
    required: false,
    aliases: ["入党日期", "入党年月", "发展为预备党员时间", "接收为预备党员时间", "成为预备党员时间", "预备党员时间"],
  },
  { key: "fullOn", status: "member", header: "转正时间", required: false, aliases: ["转正日期", "转正年月", "转为正式党员时间"] },
];

const ALL_COLUMNS: readonly SheetColumn<ReadColumnKey>[] = [...IMPORT_COLUMNS, ...STAGE_DATE_COLUMNS];
const COLUMN = Object.fromEntries(ALL_COLUMNS.map((c) => [c.key, c])) as Record<ReadColumnKey, SheetColumn<ReadColumnKey>>;
const STATUS_RANK = Object.fromEntries(POLITICAL_STATUSES.map((s, i) => [s, i])) as Record<PoliticalStatus, number>;

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

export type PersonImportRow = {
  number: string;
  name: string;
  gender: "male" | "female" | null;
  category: PersonCategory;
  unitText: string;
  politicalStatus: PoliticalStatus;
  /** YYYY-MM-DD, or null when left empty. */
  statusSince: string | null;
  /** The stages the file dates, oldest first, the current one last when it is dated: the status history to record. */
  history: { status: PoliticalStatus; on: string }[];
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
  /** How a cell was read where that is worth a look (a month read as its first day, 共青团员 as 群众). */
  notes: string[];
};

export type SheetParse = {
  /** Problems with the file as a whole (no header, too many rows…); rows are empty then. */
  fileProblems: string[];
  headerRowNumber: number | null;
  /** Headers that match no column: they are ignored, and the page says so. */
  ignoredHeaders: string[];
  /** How each column is named in messages: its letter and the file's own header. */
  header: TableHeader<ReadColumnKey>;
  /** Rows left out (footer, hidden) and why. */
  notes: string[];
  hiddenRowCount: number;
  rows: RowDraft[];
};

// ---------- text ----------

/** Full-width letters, digits and punctuation to their ASCII forms (ＡＢＣ１２３／ → ABC123/). */
function nfkc(s: string): string {
  return s.normalize("NFKC");
}

/** Looks a value up by its Chinese label, its key, or a common alias, ignoring spaces and full-width forms. */
function lookup<K extends string>(labelsMap: Record<K, string>, aliases: Record<string, K>, text: string): K | undefined {
  const t = nfkc(text).replace(/\s+/g, "");
  return keyForLabel(labelsMap, t) ?? keyForLabel(labelsMap, t.toLowerCase()) ?? aliases[t] ?? aliases[t.toLowerCase()];
}

// The names of GB/T 4762 (政治面貌代码), which rolls exported from HR and student systems use, among them.
const STATUS_ALIASES: Record<string, PoliticalStatus> = {
  中共党员: "member",
  党员: "member",
  中共正式党员: "member",
  中国共产党党员: "member",
  中国共产党正式党员: "member",
  中共预备党员: "probationary",
  中国共产党预备党员: "probationary",
  积极分子: "activist",
  申请人: "applicant",
  申请入党: "applicant",
};
/** The Youth League is not a stage of party development: its members are 群众 here, and the dry run says so. */
const YOUTH_LEAGUE = new Set(["共青团员", "团员", "共青团团员", "中国共产主义青年团团员"]);
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
const GENDER_ALIASES: Record<string, "male" | "female"> = { 男性: "male", 女性: "female", 男生: "male", 女生: "female", m: "male", f: "female" };

// ---------- values ----------

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const DAY_MS = 86_400_000;

function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return formatDate(date);
}

function fromSerialOrCompact(n: number): string | null {
  const whole = Math.floor(n);
  // 20240501 typed without separators.
  if (whole >= 19000101 && whole <= 21001231 && Number.isInteger(n)) {
    return isoDate(Math.floor(whole / 10000), Math.floor(whole / 100) % 100, whole % 100);
  }
  // An Excel date serial that lost its date format (the time of day, if any, is dropped). Serials
  // below 1927 would be dates before the 1920s: no stage of anyone alive began then, so a number
  // like 2021 is not read as 1905-07-13.
  if (whole >= 10_000 && whole <= 73050) return formatDate(new Date(EXCEL_EPOCH_MS + whole * DAY_MS));
  return null;
}

/** A date read from a cell; `month` when the cell gives only a year and month (read as the 1st). */
export type DateRead = { ok: true; value: string; month?: true } | { ok: false; message: string };

const WRITE_AS = "请写成 2024-05-01 的形式";

function monthOf(y: number, m: number, text: string): DateRead {
  const iso = isoDate(y, m, 1);
  return iso ? { ok: true, value: iso, month: true } : { ok: false, message: `“${text}”不是存在的年月` };
}

/**
 * A calendar date from a cell: a Date (read-excel-file gives UTC midnight), an Excel serial,
 * 2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日, 20240501 (a time after the date is ignored); and a
 * month without a day — 2021.07, 2021-07, 2021年7月, 202107 — read as its first day and marked so.
 * 2021.1 is refused: Excel drops the trailing zero of 2021.10, so it may be January or October.
 */
export function parseDateCell(cell: Cell): DateRead | null {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, message: "日期无法识别" };
    const iso = isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
    return iso ? { ok: true, value: iso } : { ok: false, message: "日期超出范围" };
  }
  const text = nfkc(typeof cell === "number" ? String(cell) : cellText(cell));
  if (text === "") return null;
  const yearDotMonth = /^(\d{4})\.(\d{1,2})$/.exec(text);
  if (yearDotMonth && Number(yearDotMonth[1]) >= 1900 && Number(yearDotMonth[1]) <= 2100) {
    if (yearDotMonth[2] === "1")
      return {
        ok: false,
        message: `“${text}”是 ${yearDotMonth[1]} 年 1 月还是 10 月？Excel 会去掉 2021.10 末尾的 0，请写成 ${yearDotMonth[1]}-01 或 ${yearDotMonth[1]}-10`,
      };
    return monthOf(Number(yearDotMonth[1]), Number(yearDotMonth[2]), text);
  }
  const compactMonth = /^(\d{4})(\d{2})$/.exec(text);
  if (compactMonth) return monthOf(Number(compactMonth[1]), Number(compactMonth[2]), text);
  if (/^\d+(\.\d+)?$/.test(text)) {
    const iso = fromSerialOrCompact(Number(text));
    return iso ? { ok: true, value: iso } : { ok: false, message: `“${text}”不是有效的日期，${WRITE_AS}` };
  }
  const month = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(text);
  if (month) return monthOf(Number(month[1]), Number(month[2]), text);
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(text);
  if (!m) return { ok: false, message: `“${text}”不是有效的日期，${WRITE_AS}` };
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

// ---------- rows ----------

const NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const HAN = /\p{Script=Han}/u;

/**
 * A name as it is meant: spaces between two Han characters go ("张\u3000三", padded to line up in a
 * printed roll, is 张三), other runs of spaces become one ("Anna Müller" keeps its space).
 */
export function cleanName(text: string): string {
  return text.replace(/\s+/g, (gap, at: number, whole: string) => (HAN.test(whole[at - 1] ?? "") && HAN.test(whole[at + gap.length] ?? "") ? "" : " "));
}

function parseRow(row: Cell[], header: TableHeader<ReadColumnKey>, rowNumber: number, today: string): RowDraft {
  const problems: string[] = [];
  const notes: string[] = [];
  const ref = (key: ReadColumnKey) => header.refs[key] ?? COLUMN[key].header;
  const add = (key: ReadColumnKey, message: string) => problems.push(`${ref(key)}：${message}`);
  const note = (key: ReadColumnKey, message: string) => notes.push(`${ref(key)}：${message}`);
  const cell = (key: ReadColumnKey): Cell => (header.indexes[key] === undefined ? null : row[header.indexes[key]!]);
  const text = (key: ReadColumnKey) => cellText(cell(key));
  const date = (key: ReadColumnKey): string | null => {
    const d = parseDateCell(cell(key));
    if (!d) return null;
    if (!d.ok) add(key, d.message);
    else if (d.value > today) add(key, `${d.value} 晚于今天`);
    else {
      if (d.month) note(key, `“${text(key)}”只写到月份，按 ${d.value}（当月 1 日）记录`);
      return d.value;
    }
    return null;
  };

  // Number: the sign-in name, so it must survive Excel intact.
  const number = nfkc(text("number"));
  if (number === "") add("number", "必填");
  else if (looksScientific(number)) add("number", "被 Excel 转成了科学计数法，请把该列设为文本格式后重新填写");
  else if (!NUMBER_PATTERN.test(number)) add("number", `“${number}”格式不正确（只能包含字母、数字、- 和 _，最多 64 位）`);

  const name = cleanName(text("name"));
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
  const statusText = nfkc(text("politicalStatus")).replace(/\s+/g, "");
  if (statusText === "") add("politicalStatus", "必填");
  else if (YOUTH_LEAGUE.has(statusText)) note("politicalStatus", `“${statusText}”按“群众”导入（共青团员不是党员发展阶段）；递交入党申请后请改为“入党申请人”`);
  else {
    const found = lookup(POLITICAL_STATUS_LABELS, STATUS_ALIASES, statusText);
    if (found) politicalStatus = found;
    else add("politicalStatus", `“${text("politicalStatus")}”无法识别，可填：${labels(POLITICAL_STATUS_LABELS)}、共青团员（按群众导入）`);
  }

  // The current stage's date: 政治面貌起始日期, or the stage's own column (入党时间 for 预备党员…).
  const given = date("statusSince");
  const stages: { key: StageDateKey; status: PoliticalStatus; on: string }[] = [];
  for (const c of STAGE_DATE_COLUMNS) {
    const on = date(c.key);
    if (on === null) continue;
    if (politicalStatus !== "masses" && STATUS_RANK[c.status] > STATUS_RANK[politicalStatus]) {
      add(c.key, `已填写 ${on}，但政治面貌是“${POLITICAL_STATUS_LABELS[politicalStatus]}”，请核对`);
    } else if (politicalStatus === "masses") {
      add(c.key, `已填写 ${on}，但政治面貌是“群众”，请核对`);
    } else stages.push({ key: c.key, status: c.status, on });
  }
  for (let i = 1; i < stages.length; i++) {
    if (stages[i].on < stages[i - 1].on) add(stages[i].key, `${stages[i].on} 早于 ${ref(stages[i - 1].key)}的 ${stages[i - 1].on}`);
  }
  const own = stages.find((s) => s.status === politicalStatus);
  if (given && own && given !== own.on) add("statusSince", `${given} 与 ${ref(own.key)}的 ${own.on} 不一致`);
  const statusSince = given ?? own?.on ?? null;
  if (given && stages.length && given < stages[stages.length - 1].on && !own)
    add("statusSince", `${given} 早于 ${ref(stages[stages.length - 1].key)}的 ${stages[stages.length - 1].on}`);
  const history = stages.filter((s) => s.status !== politicalStatus).map(({ status, on }) => ({ status, on }));
  if (politicalStatus !== "masses" && statusSince) history.push({ status: politicalStatus, on: statusSince });

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
    person: { number, name, gender, category, unitText, politicalStatus, statusSince, history, cadreLevel, isCommitteeMember, committeeRole, phone, idNumber },
    problems,
    notes,
  };
}

/**
 * Reads the rows of the first sheet: finds the header (row 1 in the template; an office sheet may
 * have a title above it and a footer below), parses every row, and marks numbers that occur more
 * than once in the file on every row that carries them.
 */
export function parseSheet(
  sheet: Cell[][],
  { today, hiddenRows, hidden }: { today: string; hiddenRows?: ReadonlySet<number>; hidden?: HiddenRowChoice },
): SheetParse {
  const table = locateTable(sheet, ALL_COLUMNS, { hiddenRows, includeHidden: hidden === "include", maxRows: MAX_IMPORT_ROWS, noun: "人员数据" });
  const base = {
    fileProblems: table.fileProblems,
    headerRowNumber: table.headerRowNumber,
    ignoredHeaders: table.ignoredHeaders,
    header: table.header,
    notes: table.notes,
    hiddenRowCount: table.hiddenRows.length,
  };
  if (table.fileProblems.length) return { ...base, rows: [] };

  const rows = table.rows.map((r) => {
    const draft = parseRow(r.cells, table.header, r.rowNumber, today);
    return { ...draft, problems: withCellProblems(r, draft.problems) };
  });
  const numberRef = table.header.refs.number ?? COLUMN.number.header;
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
      r.problems.unshift(`${numberRef}：“${r.person.number}”在文件中重复（另见第 ${others.join("、")} 行）`);
    }
    r.problems = inColumnOrder(r.problems, table.header);
  }
  return { ...base, rows };
}

/** Whether a sheet holds a roll of people: its header names the required columns. */
export const holdsPeopleTable = (sheet: Cell[][]) => holdsTable(sheet, ALL_COLUMNS);

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

export type CheckedRow = RowDraft & { unitId: number | null; unitFullName: string | null };

/** Adds what only the database knows: the unit each row names, and numbers already taken. */
export function checkAgainstDatabase(
  rows: readonly RowDraft[],
  ctx: { resolveUnit: (text: string) => UnitResolution; existingNumbers: ReadonlySet<string>; header: TableHeader<ReadColumnKey> },
): CheckedRow[] {
  const ref = (key: ReadColumnKey) => ctx.header.refs[key] ?? COLUMN[key].header;
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
        problems.push(`${ref("unit")}：${u.message}`);
      }
    }
    if (r.person.number !== "" && ctx.existingNumbers.has(r.person.number)) {
      problems.push(`${ref("number")}：“${r.person.number}”已存在于系统中`);
    }
    return { ...r, problems: inColumnOrder(problems, ctx.header), unitId, unitFullName };
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
  /** The status history as it will be recorded: "入党积极分子 2019-10-12 → 预备党员 2021-07-01". */
  history: string;
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
  /** How single cells were read, row by row (a month read as its 1st, 共青团员 as 群众). */
  rowNotes: { rowNumber: number; name: string; notes: string[] }[];
  /** Rows Excel does not show: the page asks whether to import them. */
  hiddenRowCount: number;
  byStatus: Partial<Record<PoliticalStatus, number>>;
};

export const PROBLEM_ROWS_SHOWN = 500;
export const PREVIEW_ROWS = 20;

export function isClean(report: Pick<ImportReport, "fileProblems" | "problemRowCount" | "total">): boolean {
  return report.fileProblems.length === 0 && report.problemRowCount === 0 && report.total > 0;
}

export function buildReport(
  file: { fileName: string; format: "xlsx" | "csv"; sha256: string },
  parsed: Pick<SheetParse, "fileProblems" | "ignoredHeaders" | "notes" | "hiddenRowCount">,
  rows: readonly CheckedRow[],
  today: string,
): ImportReport {
  const withProblems = rows.filter((r) => r.problems.length > 0);
  const byStatus: Partial<Record<PoliticalStatus, number>> = {};
  for (const r of rows) byStatus[r.person.politicalStatus] = (byStatus[r.person.politicalStatus] ?? 0) + 1;
  const undated = rows.filter((r) => r.person.politicalStatus !== "masses" && r.person.statusSince === null).length;
  const notes: string[] = [...parsed.notes];
  if (undated > 0) notes.push(`${undated} 人未填写政治面貌起始日期，将以导入当天（${today}）记录；该日期用于计算培养考察期限，请尽量填写`);
  if (parsed.ignoredHeaders.length > 0) notes.push(`以下列不在模板中，将被忽略：${parsed.ignoredHeaders.join("、")}`);
  return {
    ...file,
    fileProblems: parsed.fileProblems,
    ignoredHeaders: parsed.ignoredHeaders,
    total: rows.length,
    problemRowCount: withProblems.length,
    problemRows: withProblems
      .slice(0, PROBLEM_ROWS_SHOWN)
      .map((r) => ({ rowNumber: r.rowNumber, number: r.person.number, name: r.person.name, problems: r.problems })),
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
            history: r.person.history.map((h) => `${POLITICAL_STATUS_LABELS[h.status]} ${h.on}`).join(" → "),
            cadreLevel: CADRE_LEVEL_LABELS[r.person.cadreLevel],
            committee: r.person.isCommitteeMember ? `是${r.person.committeeRole ? `（${r.person.committeeRole}）` : ""}` : "否",
          }))
        : [],
    notes,
    rowNotes: rows
      .filter((r) => r.notes.length > 0)
      .slice(0, PROBLEM_ROWS_SHOWN)
      .map((r) => ({ rowNumber: r.rowNumber, name: r.person.name, notes: r.notes })),
    hiddenRowCount: parsed.hiddenRowCount,
    byStatus,
  };
}
