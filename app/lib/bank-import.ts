import { type EditableQuestion, editableQuestionSchema } from "./bank-format";
import { type Cell, cellText, normalizeHeader } from "./people-import";
import { OPTION_LETTERS, type QuestionKey, type QuestionType } from "./quiz-grading";

// Question banks as trainers keep them in Excel: the column layout, tolerant reading of what people
// type into a sheet (答案 "A,C,D" or "ACD", 判断 "√", 难度 "中"), and row-by-row problems in Chinese.
// Every row is checked with the same rules as a bank file (bank-format.ts). Pure: the server reads
// the file, looks up the bank's stems and keys, and hands them in.

export type BankColumnKey =
  | "type"
  | "stem"
  | "A"
  | "B"
  | "C"
  | "D"
  | "E"
  | "F"
  | "answer"
  | "explanation"
  | "difficulty"
  | "tags"
  | "source"
  | "key";

export type BankColumn = { key: BankColumnKey; header: string; required: boolean; aliases: string[]; hint: string };

const OPTION_COLUMNS: BankColumn[] = OPTION_LETTERS.map((l) => ({
  key: l,
  header: `选项${l}`,
  required: false,
  aliases: [`${l}`, `选项 ${l}`, `${l}选项`],
  hint: l === "A" || l === "B" ? "单选、多选题必填" : "选填；选项须从 A 起连续填写",
}));

export const BANK_COLUMNS: readonly BankColumn[] = [
  { key: "type", header: "题型", required: true, aliases: ["题目类型", "类型"], hint: "单选、多选、判断 或 填空" },
  { key: "stem", header: "题干", required: true, aliases: ["题目", "试题", "题目内容"], hint: "填空题用 ＿＿ 或 ____ 标出唯一的空" },
  ...OPTION_COLUMNS,
  {
    key: "answer",
    header: "答案",
    required: true,
    aliases: ["正确答案", "参考答案", "标准答案"],
    hint: "单选：一个字母，如 B；多选：ACD 或 A,C,D；判断：对/错（也可写 正确/错误、√/×）；填空：多个可接受的答案用 ｜ 或 ； 分隔",
  },
  { key: "explanation", header: "解析", required: true, aliases: ["答案解析", "试题解析"], hint: "说明依据，如《中国共产党章程》第七条" },
  { key: "difficulty", header: "难度", required: false, aliases: ["难易程度", "难易度"], hint: "易、中、难（或 1、2、3）；留空视为中" },
  { key: "tags", header: "标签", required: false, aliases: ["知识点", "分类"], hint: "至少一个，多个用 、 ， 或空格分隔，如 党章、党员" },
  { key: "source", header: "出处", required: false, aliases: ["来源", "依据"], hint: "选填，如《中国共产党章程》" },
  { key: "key", header: "编号", required: false, aliases: ["题号", "题目编号"], hint: "选填，小写字母、数字和连字符，如 pc-101；留空自动编号" },
];

const COLUMN = Object.fromEntries(BANK_COLUMNS.map((c) => [c.key, c])) as Record<BankColumnKey, BankColumn>;

export const TYPE_LABELS: Record<QuestionType, string> = { single: "单选", multiple: "多选", judge: "判断", fill: "填空" };
export const DIFFICULTY_LABELS: Record<1 | 2 | 3, string> = { 1: "易", 2: "中", 3: "难" };

export const MAX_BANK_ROWS = 5000;
const HEADER_SEARCH_ROWS = 10;

// ---------- cells ----------

const nfkc = (s: string) => s.normalize("NFKC");
const compact = (s: string) => nfkc(s).replace(/\s+/g, "").toLowerCase();

const TYPE_ALIASES: Record<string, QuestionType> = {
  单选: "single",
  单选题: "single",
  单项选择: "single",
  单项选择题: "single",
  single: "single",
  多选: "multiple",
  多选题: "multiple",
  多项选择: "multiple",
  多项选择题: "multiple",
  multiple: "multiple",
  判断: "judge",
  判断题: "judge",
  是非题: "judge",
  judge: "judge",
  填空: "fill",
  填空题: "fill",
  fill: "fill",
};

export function parseType(text: string): QuestionType | undefined {
  return TYPE_ALIASES[compact(text)];
}

const DIFFICULTY_ALIASES: Record<string, 1 | 2 | 3> = {
  易: 1,
  容易: 1,
  简单: 1,
  "1": 1,
  中: 2,
  中等: 2,
  一般: 2,
  "2": 2,
  难: 3,
  较难: 3,
  困难: 3,
  "3": 3,
};

const JUDGE_ALIASES: Record<string, boolean> = {
  对: true,
  正确: true,
  "√": true,
  "✓": true,
  "✔": true,
  是: true,
  t: true,
  true: true,
  错: false,
  错误: false,
  "×": false,
  "✗": false,
  "✘": false,
  x: false,
  否: false,
  f: false,
  false: false,
};

/** Separators between several fill-in answers: full- and half-width vertical bar and semicolon. */
const FILL_SEPARATORS = /[｜|；;]/;
/** Separators between tags; full-width commas become "," under NFKC. */
const TAG_SEPARATORS = /[、,，;；\s]+/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** The answer cell as the question type expects it; letters are checked against the options by the schema. */
export function parseAnswer(type: QuestionType, text: string): Parsed<QuestionKey["answer"]> {
  const raw = text.trim();
  if (raw === "") return { ok: false, message: "必填" };
  switch (type) {
    case "single": {
      const letter = nfkc(raw).replace(/\s+/g, "").toUpperCase();
      if (!/^[A-F]$/.test(letter)) return { ok: false, message: `“${raw}”应为一个选项字母，如 B` };
      return { ok: true, value: letter };
    }
    case "multiple": {
      const letters = nfkc(raw).toUpperCase().replace(/[\s,、，;；]+/g, "");
      if (!/^[A-F]+$/.test(letters)) return { ok: false, message: `“${raw}”应为选项字母，如 ACD 或 A,C,D` };
      return { ok: true, value: [...letters] };
    }
    case "judge": {
      const value = JUDGE_ALIASES[compact(raw)];
      if (value === undefined) return { ok: false, message: `“${raw}”无法识别，请填“对”或“错”` };
      return { ok: true, value };
    }
    case "fill": {
      const answers = raw.split(FILL_SEPARATORS).map((a) => a.trim()).filter(Boolean);
      if (answers.length === 0) return { ok: false, message: "必填" };
      return { ok: true, value: answers };
    }
  }
}

/** How an answer is written back into the sheet: the form the import reads most plainly. */
export function formatAnswer(q: QuestionKey): string {
  switch (q.type) {
    case "single":
      return q.answer;
    case "multiple":
      return q.answer.join("");
    case "judge":
      return q.answer ? "对" : "错";
    case "fill":
      return q.answer.join("｜");
  }
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(TAG_SEPARATORS).map((t) => t.trim()).filter(Boolean))];
}

/** Stems compared without spaces and full-width forms: "党员的 预备期" and "党员的预备期" are one question. */
export function stemKey(stem: string): string {
  return nfkc(stem).replace(/\s+/g, "");
}

// ---------- header ----------

type HeaderMap = { indexes: Partial<Record<BankColumnKey, number>>; ignored: string[]; duplicated: string[] };

const HEADER_LOOKUP = new Map<string, BankColumnKey>();
for (const c of BANK_COLUMNS) for (const h of [c.header, ...c.aliases]) HEADER_LOOKUP.set(normalizeHeader(h), c.key);

function mapHeader(row: Cell[]): HeaderMap {
  const indexes: Partial<Record<BankColumnKey, number>> = {};
  const ignored: string[] = [];
  const duplicated: string[] = [];
  row.forEach((cell, i) => {
    const t = cellText(cell);
    if (t === "") return;
    const key = HEADER_LOOKUP.get(normalizeHeader(t));
    if (!key) ignored.push(t);
    else if (indexes[key] !== undefined) duplicated.push(`“${cellText(row[indexes[key]!])}”和“${t}”都对应“${COLUMN[key].header}”列`);
    else indexes[key] = i;
  });
  return { indexes, ignored, duplicated };
}

const REQUIRED = BANK_COLUMNS.filter((c) => c.required);
const isEmptyRow = (row: Cell[] | undefined) => !row || row.every((c) => cellText(c) === "");

// ---------- rows ----------

/** A row checked on its own: the question as far as it could be read, and what is wrong with it. */
export type BankRowDraft = {
  rowNumber: number;
  /** The question ready to store, or null when the row has problems. */
  question: EditableQuestion | null;
  type: QuestionType | null;
  stem: string;
  /** The 编号 given in the sheet, if any. */
  givenKey: string | null;
  problems: string[];
};

const FIELD_COLUMN: Record<string, BankColumnKey> = {
  id: "key",
  type: "type",
  stem: "stem",
  answer: "answer",
  explanation: "explanation",
  difficulty: "difficulty",
  tags: "tags",
  source: "source",
};

function columnOfIssue(path: readonly PropertyKey[]): string {
  const first = String(path[0] ?? "");
  if (first === "options") return path[1] ? `选项${String(path[1])}` : "选项";
  const key = FIELD_COLUMN[first];
  return key ? COLUMN[key].header : "";
}

/** A placeholder key for validation; the real key is given or assigned when the row is stored. */
const PENDING_KEY = "pending";

function parseRow(row: Cell[], h: HeaderMap["indexes"], rowNumber: number): BankRowDraft {
  const problems: string[] = [];
  const add = (key: BankColumnKey | string, message: string) =>
    problems.push(`${key in COLUMN ? COLUMN[key as BankColumnKey].header : key}：${message}`);
  const text = (key: BankColumnKey) => (h[key] === undefined ? "" : cellText(row[h[key]!]));

  const stem = text("stem");
  const typeText = text("type");
  const type = typeText === "" ? null : (parseType(typeText) ?? null);
  if (typeText === "") add("type", "必填");
  else if (!type) add("type", `“${typeText}”无法识别，可填：单选、多选、判断、填空`);
  if (stem === "") add("stem", "必填");

  const options: Partial<Record<string, string>> = {};
  for (const l of OPTION_LETTERS) {
    const t = text(l);
    if (t !== "") options[l] = t;
  }
  const hasOptions = Object.keys(options).length > 0;

  let answer: QuestionKey["answer"] | undefined;
  if (type) {
    const a = parseAnswer(type, text("answer"));
    if (a.ok) answer = a.value;
    else add("answer", a.message);
  } else if (text("answer") === "") add("answer", "必填");

  let difficulty: number = 2;
  const d = text("difficulty");
  if (d !== "") {
    const found = DIFFICULTY_ALIASES[compact(d)];
    if (found) difficulty = found;
    else add("difficulty", `“${d}”无法识别，可填：易、中、难（或 1、2、3）`);
  }

  const keyText = text("key");
  const givenKey = keyText === "" ? null : nfkc(keyText).trim().toLowerCase();
  const source = text("source");

  const draft: BankRowDraft = { rowNumber, question: null, type, stem, givenKey, problems };
  if (givenKey?.startsWith("example-") && TEMPLATE_EXAMPLES.some((q) => q.stem === stem)) {
    problems.unshift("这是模板中的示例行，请删除后再导入");
    return draft;
  }
  if (!type) {
    // Without a type the schema cannot say which rules apply; report the cells every type needs.
    if (text("explanation") === "") add("explanation", "必填");
    if (parseTags(text("tags")).length === 0) add("tags", "至少要有一个标签");
    return draft;
  }

  const candidate = {
    id: givenKey ?? PENDING_KEY,
    type,
    stem,
    ...(hasOptions ? { options } : type === "single" || type === "multiple" ? { options: {} } : {}),
    ...(answer === undefined ? {} : { answer }),
    explanation: text("explanation"),
    difficulty,
    tags: parseTags(text("tags")),
    ...(source ? { source } : {}),
  };
  const result = editableQuestionSchema.safeParse(candidate);
  if (!result.success) {
    // A cell already reported as unreadable or empty is not reported again in the schema's words.
    const reported = new Set(problems.map((p) => p.slice(0, p.indexOf("：") + 1)));
    for (const issue of result.error.issues) {
      const column = columnOfIssue(issue.path);
      if (reported.has(`${column}：`)) continue;
      let message = issue.message;
      if (/^(解析|题干)不能为空$/.test(message)) message = "必填";
      else if (message.endsWith("不设选项（options）")) message = `${TYPE_LABELS[type]}题不设选项，请清空选项列`;
      else if (column === "答案" && message.startsWith("答案 ")) message = message.slice(3);
      const line = column ? `${column}：${message}` : message;
      if (!problems.includes(line)) problems.push(line);
    }
  }
  if (problems.length === 0 && result.success) draft.question = result.data;
  draft.problems = inColumnOrder(problems);
  return draft;
}

export type BankSheetParse = {
  fileProblems: string[];
  ignoredHeaders: string[];
  rows: BankRowDraft[];
};

/**
 * Reads the first sheet: finds the header line (a title row may sit above it), parses every
 * non-empty row, and marks stems and 编号 that occur more than once in the file on every row.
 */
export function parseBankSheet(sheet: Cell[][]): BankSheetParse {
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
    if (!header) header = mapped;
  }
  if (!header) return { fileProblems: ["文件中没有内容"], ignoredHeaders: [], rows: [] };
  if (headerIndex === -1) {
    const missing = REQUIRED.filter((c) => header!.indexes[c.key] === undefined).map((c) => c.header);
    return { fileProblems: [`找不到表头：第一行应为列名，缺少必填列：${missing.join("、")}。请使用导入模板`], ignoredHeaders: [], rows: [] };
  }
  if (header.duplicated.length) {
    return { fileProblems: [`表头中有重复的列：${header.duplicated.join("；")}，请只保留一列`], ignoredHeaders: header.ignored, rows: [] };
  }
  const dataRows: [Cell[], number][] = [];
  for (let i = headerIndex + 1; i < sheet.length; i++) if (!isEmptyRow(sheet[i])) dataRows.push([sheet[i], i + 1]);
  if (dataRows.length === 0) return { fileProblems: ["表头下面没有题目"], ignoredHeaders: header.ignored, rows: [] };
  if (dataRows.length > MAX_BANK_ROWS) {
    return { fileProblems: [`共 ${dataRows.length} 行，超过单次导入上限 ${MAX_BANK_ROWS} 行，请拆分为多个文件`], ignoredHeaders: header.ignored, rows: [] };
  }
  const rows = dataRows.map(([row, n]) => parseRow(row, header!.indexes, n));
  markRepeats(rows, (r) => (r.stem === "" ? null : stemKey(r.stem)), (others) => `题干：与第 ${others.join("、")} 行重复`);
  markRepeats(rows, (r) => r.givenKey, (others, r) => `编号：“${r.givenKey}”在文件中重复（另见第 ${others.join("、")} 行）`);
  return { fileProblems: [], ignoredHeaders: header.ignored, rows };
}

function markRepeats(rows: BankRowDraft[], keyOf: (r: BankRowDraft) => string | null, message: (others: number[], r: BankRowDraft) => string) {
  const seen = new Map<string, number[]>();
  for (const r of rows) {
    const k = keyOf(r);
    if (k !== null) seen.set(k, [...(seen.get(k) ?? []), r.rowNumber]);
  }
  for (const r of rows) {
    const k = keyOf(r);
    const list = k === null ? undefined : seen.get(k);
    if (list && list.length > 1) {
      r.problems.push(message(list.filter((n) => n !== r.rowNumber), r));
      r.question = null;
    }
  }
}

// ---------- against the bank ----------

export type BankContext = {
  /** The bank's slug: generated keys are `<slug>-x001`, `<slug>-x002`, … */
  slug: string;
  /** stemKey of every active question of the bank. */
  existingStems: ReadonlySet<string>;
  /** Every key of the bank, archived ones too (the key stays taken). */
  existingKeys: ReadonlySet<string>;
};

export type CheckedBankRow = BankRowDraft & { key: string | null };

/** Adds what only the database knows (stems and 编号 already in the bank) and assigns the keys of new questions. */
export function checkAgainstBank(rows: readonly BankRowDraft[], ctx: BankContext): CheckedBankRow[] {
  const taken = new Set(ctx.existingKeys);
  for (const r of rows) if (r.givenKey) taken.add(r.givenKey);
  const generated = new RegExp(`^${ctx.slug.replace(/[-]/g, "\\-")}-x(\\d+)$`);
  let next = 1;
  for (const k of taken) {
    const m = generated.exec(k);
    if (m) next = Math.max(next, Number(m[1]) + 1);
  }
  return rows.map((r) => {
    const problems = [...r.problems];
    if (r.stem !== "" && ctx.existingStems.has(stemKey(r.stem))) problems.push("题干：题库中已有相同题干的题目");
    if (r.givenKey && ctx.existingKeys.has(r.givenKey)) problems.push(`编号：“${r.givenKey}”已存在于题库中`);
    let key: string | null = null;
    if (problems.length === 0 && r.question) {
      key = r.givenKey ?? `${ctx.slug}-x${String(next++).padStart(3, "0")}`;
    }
    const question = problems.length === 0 && r.question && key ? { ...r.question, id: key } : null;
    return { ...r, problems: inColumnOrder(problems), question, key };
  });
}

const HEADER_ORDER = ["题型：", "题干：", ...OPTION_LETTERS.map((l) => `选项${l}：`), "选项：", "答案：", "解析：", "难度：", "标签：", "出处：", "编号："];

function inColumnOrder(problems: string[]): string[] {
  const rank = (p: string) => {
    const i = HEADER_ORDER.findIndex((h) => p.startsWith(h));
    return i === -1 ? HEADER_ORDER.length : i;
  };
  return problems.map((p, i) => ({ p, i, r: rank(p) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
}

// ---------- report ----------

export type BankImportReport = {
  fileName: string;
  format: "xlsx" | "csv";
  /** SHA-256 of the bytes checked: a confirmation must send the same file. */
  sha256: string;
  fileProblems: string[];
  notes: string[];
  total: number;
  problemRowCount: number;
  problemRows: { rowNumber: number; stem: string; problems: string[] }[];
  byType: Partial<Record<QuestionType, number>>;
  preview: { rowNumber: number; key: string; type: string; stem: string; answer: string }[];
};

export const PROBLEM_ROWS_SHOWN = 500;
export const PREVIEW_ROWS = 20;

export function isClean(report: Pick<BankImportReport, "fileProblems" | "problemRowCount" | "total">): boolean {
  return report.fileProblems.length === 0 && report.problemRowCount === 0 && report.total > 0;
}

export function buildBankReport(
  file: { fileName: string; format: "xlsx" | "csv"; sha256: string },
  parsed: Pick<BankSheetParse, "fileProblems" | "ignoredHeaders">,
  rows: readonly CheckedBankRow[],
): BankImportReport {
  const withProblems = rows.filter((r) => r.problems.length > 0);
  const byType: Partial<Record<QuestionType, number>> = {};
  for (const r of rows) if (r.type) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const notes = parsed.ignoredHeaders.length ? [`以下列不在模板中，将被忽略：${parsed.ignoredHeaders.join("、")}`] : [];
  const shortStem = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);
  return {
    ...file,
    fileProblems: parsed.fileProblems,
    notes,
    total: rows.length,
    problemRowCount: withProblems.length,
    problemRows: withProblems.slice(0, PROBLEM_ROWS_SHOWN).map((r) => ({ rowNumber: r.rowNumber, stem: shortStem(r.stem), problems: r.problems })),
    byType,
    preview:
      withProblems.length === 0
        ? rows.slice(0, PREVIEW_ROWS).flatMap((r) =>
            r.question && r.key
              ? [{ rowNumber: r.rowNumber, key: r.key, type: TYPE_LABELS[r.question.type], stem: shortStem(r.stem), answer: formatAnswer(r.question) }]
              : [],
          )
        : [],
  };
}

// ---------- writing a sheet ----------

/** One question as a row of the sheet, in the order of BANK_COLUMNS: what export writes and import reads back. */
export function questionToRow(q: EditableQuestion): string[] {
  const options = (q.type === "single" || q.type === "multiple" ? q.options : {}) as Partial<Record<string, string>>;
  const values: Record<BankColumnKey, string> = {
    type: TYPE_LABELS[q.type],
    stem: q.stem,
    A: options.A ?? "",
    B: options.B ?? "",
    C: options.C ?? "",
    D: options.D ?? "",
    E: options.E ?? "",
    F: options.F ?? "",
    answer: formatAnswer(q),
    explanation: q.explanation,
    difficulty: DIFFICULTY_LABELS[q.difficulty],
    tags: q.tags.join("、"),
    source: q.source ?? "",
    key: q.id,
  };
  return BANK_COLUMNS.map((c) => values[c.key]);
}

/** The template's example rows, one per type; imported as-is they are valid questions. */
export const TEMPLATE_EXAMPLES: readonly EditableQuestion[] = [
  {
    id: "example-1",
    type: "single",
    stem: "党员的预备期为多长时间？",
    options: { A: "半年", B: "一年", C: "两年", D: "三年" },
    answer: "B",
    explanation: "《中国共产党章程》第七条规定，预备党员的预备期为一年。",
    difficulty: 1,
    tags: ["党章", "党员"],
    source: "《中国共产党章程》第七条",
  },
  {
    id: "example-2",
    type: "multiple",
    stem: "“四个意识”包括哪些？",
    options: { A: "政治意识", B: "大局意识", C: "核心意识", D: "看齐意识", E: "忧患意识" },
    answer: ["A", "B", "C", "D"],
    explanation: "“四个意识”即政治意识、大局意识、核心意识、看齐意识。",
    difficulty: 2,
    tags: ["四个意识"],
  },
  {
    id: "example-3",
    type: "judge",
    stem: "党的最高领导机关是党的全国代表大会和它所产生的中央委员会。",
    answer: true,
    explanation: "《中国共产党章程》第十条规定，党的最高领导机关是党的全国代表大会和它所产生的中央委员会。",
    difficulty: 1,
    tags: ["党章", "组织制度"],
    source: "《中国共产党章程》第十条",
  },
  {
    id: "example-4",
    type: "fill",
    stem: "党的基层组织每月相对固定 1 天开展＿＿活动。",
    answer: ["主题党日"],
    explanation: "《中国共产党支部工作条例（试行）》第二十一条规定，党支部应当每月相对固定 1 天开展主题党日。",
    difficulty: 2,
    tags: ["组织生活"],
    source: "《中国共产党支部工作条例（试行）》第二十一条",
  },
];
