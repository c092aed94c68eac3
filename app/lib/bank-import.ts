import { type EditableQuestion, type RequiredExtras, editableQuestionSchema, missingExtras } from "./bank-format";
import { type Cell, type HiddenRowChoice, type TableHeader, cellText, inColumnOrder, holdsTable, locateTable, withCellProblems } from "./sheet-table";
import { OPTION_LETTERS, type QuestionKey, type QuestionType } from "./quiz-grading";

// Question banks as trainers keep them in Excel: the column layout, tolerant reading of what people
// type into a sheet (答案 "A,C,D" or "ACD", 判断 "√", 难度 "中"), and row-by-row problems in Chinese.
// Every row is checked with the same rules as a bank file (bank-format.ts). Pure: the server reads
// the file, looks up the bank's stems and keys, and hands them in.

export type BankColumnKey = "type" | "stem" | "A" | "B" | "C" | "D" | "E" | "F" | "answer" | "explanation" | "difficulty" | "tags" | "source" | "key";

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
    hint: "单选：一个字母，如 B；多选：ACD 或 A,C,D；判断：对/错（也可写 正确/错误、√/×）；填空：多个可接受的答案用 ｜ 或 ； 分隔（/、，、 也按分隔处理，预检时可改为不拆分）",
  },
  {
    key: "explanation",
    header: "解析",
    required: false,
    aliases: ["答案解析", "试题解析"],
    hint: "选填（学校要求时必填），说明依据，如《中国共产党章程》第七条",
  },
  { key: "difficulty", header: "难度", required: false, aliases: ["难易程度", "难易度"], hint: "易、中、难（或 1、2、3）；留空视为中" },
  { key: "tags", header: "标签", required: false, aliases: ["知识点", "分类"], hint: "选填（学校要求时必填），多个用 、 ， 或空格分隔，如 党章、党员" },
  { key: "source", header: "出处", required: false, aliases: ["来源", "依据"], hint: "选填，如《中国共产党章程》" },
  { key: "key", header: "编号", required: false, aliases: ["题号", "题目编号"], hint: "选填，小写字母、数字和连字符，如 pc-101；留空自动编号" },
];

const COLUMN = Object.fromEntries(BANK_COLUMNS.map((c) => [c.key, c])) as Record<BankColumnKey, BankColumn>;

export const TYPE_LABELS: Record<QuestionType, string> = { single: "单选", multiple: "多选", judge: "判断", fill: "填空" };
export const DIFFICULTY_LABELS: Record<1 | 2 | 3, string> = { 1: "易", 2: "中", 3: "难" };

export const MAX_BANK_ROWS = 5000;

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
/**
 * Separators people also put between alternatives ("主题党日/党日", "两学一做、两学"), which may
 * instead belong to one answer ("实事求是、群众路线"): split by default and said so, or kept whole
 * if the importer chooses. Never between two digits: 1,000 and 1/3 are one number.
 */
const LOOSE_SEPARATORS = /(?<!\d)[/,，、]|[/,，、](?!\d)/;
export type FillChoice = "split" | "whole";
/** Separators between tags; full-width commas become "," under NFKC. */
const TAG_SEPARATORS = /[、,，;；\s]+/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** The answer cell as the question type expects it; letters are checked against the options by the schema. */
export function parseAnswer(type: QuestionType, text: string, fill: FillChoice = "whole"): Parsed<QuestionKey["answer"]> {
  const raw = text.trim();
  if (raw === "") return { ok: false, message: "必填" };
  switch (type) {
    case "single": {
      // "B." "（B）" "B、" are the letter B written as options are labelled.
      const letter = nfkc(raw)
        .replace(/[\s.。、()]+/g, "")
        .toUpperCase();
      if (!/^[A-F]$/.test(letter)) return { ok: false, message: `“${raw}”应为一个选项字母，如 B` };
      return { ok: true, value: letter };
    }
    case "multiple": {
      const letters = nfkc(raw)
        .toUpperCase()
        .replace(/[\s,、，;；.。()]+/g, "");
      if (!/^[A-F]+$/.test(letters)) return { ok: false, message: `“${raw}”应为选项字母，如 ACD 或 A,C,D` };
      return { ok: true, value: [...letters] };
    }
    case "judge": {
      const value = JUDGE_ALIASES[compact(raw)];
      if (value === undefined) return { ok: false, message: `“${raw}”无法识别，请填“对”或“错”` };
      return { ok: true, value };
    }
    case "fill": {
      const answers = raw
        .split(FILL_SEPARATORS)
        .map((a) => a.trim())
        .filter(Boolean);
      if (answers.length === 0) return { ok: false, message: "必填" };
      if (fill === "split") {
        const split = answers
          .flatMap((a) => a.split(new RegExp(LOOSE_SEPARATORS, "g")))
          .map((a) => a.trim())
          .filter(Boolean);
        return { ok: true, value: [...new Set(split)] };
      }
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
  return [
    ...new Set(
      text
        .split(TAG_SEPARATORS)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** Stems compared without spaces and full-width forms: "党员的 预备期" and "党员的预备期" are one question. */
export function stemKey(stem: string): string {
  return nfkc(stem).replace(/\s+/g, "");
}

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
  /** How a cell was read where that is worth a look (a label taken off an option, answers split). */
  notes: string[];
  /** The fill-in answer has separators that could be read either way: the dry run asks. */
  ambiguousFill: boolean;
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

/** A placeholder key for validation; the real key is given or assigned when the row is stored. */
const PENDING_KEY = "pending";

// "A." "A、" "Ａ．" "A．" "(A)" "（A）" "A)" "A：" before an option's text.
const OPTION_LABEL = /^(?:[(（]\s*([A-FＡ-Ｆa-fａ-ｆ])\s*[)）]|([A-FＡ-Ｆa-fａ-ｆ])\s*[.．。、:：)）])\s*/;

export type BankReadOptions = {
  /** What 、 ， , / between fill-in answers mean: alternatives (split, the default) or one answer. */
  fill?: FillChoice;
  /** What the school requires beyond the rules (QUESTION_REQUIRED_FIELDS). */
  required?: RequiredExtras;
};

/** "对" or "错" when a 判断题's options are exactly 正确/错误 (in either order) and the answer is one of their letters or words. */
function judgeOptionAnswer(options: Partial<Record<string, string>>, answer: string): "对" | "错" | null {
  const letters = Object.keys(options);
  if (letters.length !== 2 || !options.A || !options.B) return null;
  const a = JUDGE_ALIASES[compact(options.A)];
  const b = JUDGE_ALIASES[compact(options.B)];
  if (a === undefined || b === undefined || a === b) return null;
  const letter = nfkc(answer).replace(/\s+/g, "").toUpperCase();
  const word = JUDGE_ALIASES[compact(answer)];
  if (letter !== "A" && letter !== "B") return word === undefined ? null : word ? "对" : "错";
  return (letter === "A" ? a : b) ? "对" : "错";
}

function parseRow(row: Cell[], header: TableHeader<BankColumnKey>, rowNumber: number, readOptions: BankReadOptions): BankRowDraft {
  const problems: string[] = [];
  const notes: string[] = [];
  const h = header.indexes;
  const ref = (key: BankColumnKey) => header.refs[key] ?? COLUMN[key].header;
  const add = (key: BankColumnKey, message: string) => problems.push(`${ref(key)}：${message}`);
  const text = (key: BankColumnKey) => (h[key] === undefined ? "" : cellText(row[h[key]!]));

  const stem = text("stem");
  const typeText = text("type");
  const type = typeText === "" ? null : (parseType(typeText) ?? null);
  if (typeText === "") add("type", "必填");
  else if (!type) add("type", `“${typeText}”无法识别，可填：单选、多选、判断、填空`);
  if (stem === "") add("stem", "必填");

  const options: Partial<Record<string, string>> = {};
  for (const l of OPTION_LETTERS) {
    let t = text(l);
    const label = OPTION_LABEL.exec(t);
    if (label && t.slice(label[0].length).trim() !== "") {
      const letter = nfkc(label[1] ?? label[2]).toUpperCase();
      const prefix = label[0].trim();
      if (letter === l) {
        t = t.slice(label[0].length).trim();
        notes.push(`${ref(l)}：已去掉前缀“${prefix}”`);
      } else {
        add(l, `以“${prefix}”开头，但这是选项${l}：请核对选项是否错位，确认后删去前缀`);
      }
    }
    if (t !== "") options[l] = t;
  }
  // Exam systems export a 判断题 as two options (A 正确, B 错误) and a letter: that is a true/false answer.
  let answerText = text("answer");
  const judgeLetter = type === "judge" ? judgeOptionAnswer(options, answerText) : null;
  if (judgeLetter) {
    notes.push(`${ref("answer")}：判断题写作选项 A“${options.A}”、B“${options.B}”，答案“${answerText}”按“${judgeLetter}”导入，选项不保存`);
    answerText = judgeLetter;
    for (const l of OPTION_LETTERS) delete options[l];
  }
  const hasOptions = Object.keys(options).length > 0;

  let answer: QuestionKey["answer"] | undefined;
  let ambiguousFill = false;
  if (type) {
    const raw = answerText;
    const a = parseAnswer(type, raw, readOptions.fill ?? "split");
    if (a.ok) answer = a.value;
    else add("answer", a.message);
    if (type === "fill" && a.ok && LOOSE_SEPARATORS.test(raw)) {
      ambiguousFill = true;
      const fill = readOptions.fill ?? "split";
      notes.push(
        fill === "split"
          ? `${ref("answer")}：“${raw}”按 、，, / 拆分为 ${(a.value as string[]).length} 个可接受的答案：${(a.value as string[]).join("｜")}`
          : `${ref("answer")}：“${raw}”按您的选择作为一个完整答案，不拆分`,
      );
    }
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
  const explanation = text("explanation");
  const tags = parseTags(text("tags"));
  const required = readOptions.required ?? { explanation: false, tags: false };
  for (const missing of missingExtras({ explanation, tags }, required)) add(missing === "解析" ? "explanation" : "tags", "本校要求必填");

  const draft: BankRowDraft = { rowNumber, question: null, type, stem, givenKey, problems, notes, ambiguousFill };
  if (givenKey?.startsWith("example-") && TEMPLATE_EXAMPLES.some((q) => q.stem === stem)) {
    problems.unshift("这是模板中的示例行，请删除后再导入");
    return draft;
  }
  if (!type) return draft;

  const candidate = {
    id: givenKey ?? PENDING_KEY,
    type,
    stem,
    ...(hasOptions ? { options } : type === "single" || type === "multiple" ? { options: {} } : {}),
    ...(answer === undefined ? {} : { answer }),
    explanation,
    difficulty,
    tags,
    ...(source ? { source } : {}),
  };
  const result = editableQuestionSchema.safeParse(candidate);
  if (!result.success) {
    // A cell already reported as unreadable or empty is not reported again in the schema's words.
    const reported = new Set(problems.map((p) => p.slice(0, p.indexOf("：") + 1)));
    for (const issue of result.error.issues) {
      const first = String(issue.path[0] ?? "");
      const key: BankColumnKey | undefined = first === "options" ? (issue.path[1] as BankColumnKey | undefined) : FIELD_COLUMN[first];
      const column = key ? ref(key) : first === "options" ? "选项" : "";
      if (reported.has(`${column}：`)) continue;
      let message = issue.message;
      if (/^(解析|题干)不能为空$/.test(message)) message = "必填";
      else if (message.endsWith("不设选项（options）")) message = `${TYPE_LABELS[type]}题不设选项，请清空选项列`;
      else if (key === "answer" && message.startsWith("答案 ")) message = message.slice(3);
      const line = column ? `${column}：${message}` : message;
      if (!problems.includes(line)) problems.push(line);
    }
  }
  if (problems.length === 0 && result.success) draft.question = result.data;
  draft.problems = inColumnOrder(problems, header);
  return draft;
}

export type BankSheetParse = {
  fileProblems: string[];
  ignoredHeaders: string[];
  header: TableHeader<BankColumnKey>;
  /** Rows left out (footer, hidden) and why. */
  notes: string[];
  hiddenRowCount: number;
  rows: BankRowDraft[];
};

/**
 * Reads the first sheet: finds the header line (a title row may sit above it, a footer below),
 * parses every row, and marks stems and 编号 that occur more than once in the file on every row.
 */
export function parseBankSheet(
  sheet: Cell[][],
  options: BankReadOptions & { hiddenRows?: ReadonlySet<number>; hidden?: HiddenRowChoice } = {},
): BankSheetParse {
  const table = locateTable(sheet, BANK_COLUMNS, {
    hiddenRows: options.hiddenRows,
    includeHidden: options.hidden === "include",
    maxRows: MAX_BANK_ROWS,
    noun: "题目",
  });
  const base = {
    fileProblems: table.fileProblems,
    ignoredHeaders: table.ignoredHeaders,
    header: table.header,
    notes: table.notes,
    hiddenRowCount: table.hiddenRows.length,
  };
  if (table.fileProblems.length) return { ...base, rows: [] };
  const lacking = (["explanation", "tags"] as const).filter((k) => options.required?.[k] && table.header.indexes[k] === undefined).map((k) => COLUMN[k].header);
  if (lacking.length) return { ...base, fileProblems: [`本校要求每道题都填写${lacking.join("和")}，文件中没有“${lacking.join("”“")}”列`], rows: [] };
  const rows = table.rows.map((r) => {
    const draft = parseRow(r.cells, table.header, r.rowNumber, options);
    if (r.problems.length === 0) return draft;
    return { ...draft, question: null, problems: inColumnOrder(withCellProblems(r, draft.problems), table.header) };
  });
  const ref = (key: BankColumnKey) => table.header.refs[key] ?? COLUMN[key].header;
  markRepeats(
    rows,
    (r) => (r.stem === "" ? null : stemKey(r.stem)),
    (others) => `${ref("stem")}：与第 ${others.join("、")} 行重复`,
  );
  markRepeats(
    rows,
    (r) => r.givenKey,
    (others, r) => `${ref("key")}：“${r.givenKey}”在文件中重复（另见第 ${others.join("、")} 行）`,
  );
  return { ...base, rows };
}

/** Whether a sheet holds questions: its header names the required columns. */
export const holdsBankTable = (sheet: Cell[][]) => holdsTable(sheet, BANK_COLUMNS);

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
      r.problems.push(
        message(
          list.filter((n) => n !== r.rowNumber),
          r,
        ),
      );
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
  /** How the file names its columns, for the messages. */
  header: TableHeader<BankColumnKey>;
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
    const ref = (key: BankColumnKey) => ctx.header.refs[key] ?? COLUMN[key].header;
    if (r.stem !== "" && ctx.existingStems.has(stemKey(r.stem))) problems.push(`${ref("stem")}：题库中已有相同题干的题目`);
    if (r.givenKey && ctx.existingKeys.has(r.givenKey)) problems.push(`${ref("key")}：“${r.givenKey}”已存在于题库中`);
    let key: string | null = null;
    if (problems.length === 0 && r.question) {
      key = r.givenKey ?? `${ctx.slug}-x${String(next++).padStart(3, "0")}`;
    }
    const question = problems.length === 0 && r.question && key ? { ...r.question, id: key } : null;
    return { ...r, problems: inColumnOrder(problems, ctx.header), question, key };
  });
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
  /** Each question as it will be stored: options "A. 半年" one by one, the answer as graded. */
  preview: { rowNumber: number; key: string; type: string; stem: string; options: string[]; answer: string }[];
  /** How single cells were read, row by row (an option's label taken off, answers split). */
  rowNotes: { rowNumber: number; stem: string; notes: string[] }[];
  /** Rows Excel does not show: the page asks whether to import them. */
  hiddenRowCount: number;
  /** Fill-in answers whose 、，, / could mean alternatives or one answer: the page asks which. */
  ambiguousFillCount: number;
};

export const PROBLEM_ROWS_SHOWN = 500;
export const PREVIEW_ROWS = 200;

export function isClean(report: Pick<BankImportReport, "fileProblems" | "problemRowCount" | "total">): boolean {
  return report.fileProblems.length === 0 && report.problemRowCount === 0 && report.total > 0;
}

export function buildBankReport(
  file: { fileName: string; format: "xlsx" | "csv"; sha256: string },
  parsed: Pick<BankSheetParse, "fileProblems" | "ignoredHeaders" | "notes" | "hiddenRowCount">,
  rows: readonly CheckedBankRow[],
): BankImportReport {
  const withProblems = rows.filter((r) => r.problems.length > 0);
  const byType: Partial<Record<QuestionType, number>> = {};
  for (const r of rows) if (r.type) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const notes = [...parsed.notes, ...(parsed.ignoredHeaders.length ? [`以下列不在模板中，将被忽略：${parsed.ignoredHeaders.join("、")}`] : [])];
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
              ? [
                  {
                    rowNumber: r.rowNumber,
                    key: r.key,
                    type: TYPE_LABELS[r.question.type],
                    stem: shortStem(r.stem),
                    options: Object.entries(r.question.type === "single" || r.question.type === "multiple" ? r.question.options : {}).map(
                      ([l, t]) => `${l}. ${t}`,
                    ),
                    answer: formatAnswer(r.question),
                  },
                ]
              : [],
          )
        : [],
    rowNotes: rows
      .filter((r) => r.notes.length > 0)
      .slice(0, PROBLEM_ROWS_SHOWN)
      .map((r) => ({ rowNumber: r.rowNumber, stem: shortStem(r.stem), notes: r.notes })),
    hiddenRowCount: parsed.hiddenRowCount,
    ambiguousFillCount: rows.filter((r) => r.ambiguousFill).length,
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
