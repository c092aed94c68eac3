import { describe, expect, it } from "vitest";
import { editableQuestionSchema } from "~/lib/bank-format";
import {
  BANK_COLUMNS,
  TEMPLATE_EXAMPLES,
  buildBankReport,
  checkAgainstBank,
  formatAnswer,
  isClean,
  parseAnswer,
  parseBankSheet,
  parseTags,
  parseType,
  questionToRow,
  stemKey,
} from "~/lib/bank-import";
import { type Cell } from "~/lib/sheet-table";
import { formValuesOf, questionFromForm } from "~/lib/question-form";

// The Excel layout of a question bank: every type's answer formats, and every problem a trainer's
// sheet has, reported row by row in Chinese.

const HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "难度", "标签", "出处", "编号"];

type RowInput = Partial<
  Record<"type" | "stem" | "A" | "B" | "C" | "D" | "E" | "F" | "answer" | "explanation" | "difficulty" | "tags" | "source" | "key", Cell>
>;

function row(r: RowInput): Cell[] {
  const base: RowInput = { explanation: "依据《中国共产党章程》。", difficulty: "中", tags: "党章", ...r };
  return [
    base.type,
    base.stem,
    base.A,
    base.B,
    base.C,
    base.D,
    base.E,
    base.F,
    base.answer,
    base.explanation,
    base.difficulty,
    base.tags,
    base.source,
    base.key,
  ].map((v) => v ?? null);
}

const single = (stem: string, answer: Cell, extra: RowInput = {}) => row({ type: "单选", stem, A: "甲", B: "乙", C: "丙", D: "丁", answer, ...extra });

function parseOne(r: Cell[]) {
  const parsed = parseBankSheet([HEADER, r]);
  expect(parsed.fileProblems).toEqual([]);
  return parsed.rows[0];
}

const ctx = {
  slug: "demo",
  existingStems: new Set<string>(),
  existingKeys: new Set<string>(),
  header: parseBankSheet([HEADER, ["单选", "题", "甲", "乙", null, null, null, null, "A"]]).header,
};

describe("answer formats", () => {
  it("reads a single-choice letter however it is typed", () => {
    for (const a of ["B", "b", " B ", "Ｂ"]) expect(parseAnswer("single", a)).toEqual({ ok: true, value: "B" });
    expect(parseAnswer("single", "AB")).toEqual({ ok: false, message: "“AB”应为一个选项字母，如 B" });
    expect(parseAnswer("single", "")).toEqual({ ok: false, message: "必填" });
  });

  it("reads multiple-choice letters run together or separated", () => {
    for (const a of ["ACD", "A,C,D", "A，C，D", "A、C、D", "a c d", "A;C;D"]) expect(parseAnswer("multiple", a)).toEqual({ ok: true, value: ["A", "C", "D"] });
    expect(parseAnswer("multiple", "A/G")).toEqual({ ok: false, message: "“A/G”应为选项字母，如 ACD 或 A,C,D" });
  });

  it("reads true/false in the ways people write it", () => {
    for (const a of ["对", "正确", "√", "✓", "T", "true"]) expect(parseAnswer("judge", a)).toEqual({ ok: true, value: true });
    for (const a of ["错", "错误", "×", "✗", "F", "false"]) expect(parseAnswer("judge", a)).toEqual({ ok: true, value: false });
    expect(parseAnswer("judge", "也许")).toEqual({ ok: false, message: "“也许”无法识别，请填“对”或“错”" });
  });

  it("splits several accepted fill-in answers on ｜, | or ；", () => {
    expect(parseAnswer("fill", "一年｜1年|壹年；十二个月")).toEqual({ ok: true, value: ["一年", "1年", "壹年", "十二个月"] });
    expect(parseAnswer("fill", "｜ ；")).toEqual({ ok: false, message: "必填" });
  });

  it("writes each answer back so that it reads the same", () => {
    for (const q of TEMPLATE_EXAMPLES) expect(parseAnswer(q.type, formatAnswer(q))).toEqual({ ok: true, value: q.answer });
  });

  it("knows the types, and tags separated by 、 ， or spaces", () => {
    expect([parseType("单选"), parseType("多选题"), parseType("判断"), parseType(" 填空 "), parseType("问答")]).toEqual([
      "single",
      "multiple",
      "judge",
      "fill",
      undefined,
    ]);
    expect(parseTags("党章、党员，党史 组织,党章")).toEqual(["党章", "党员", "党史", "组织"]);
  });
});

describe("rows", () => {
  it("reads one valid row of each type", () => {
    const rows = [
      single("党员的预备期为多长时间？", "B", { source: "《中国共产党章程》第七条" }),
      row({ type: "多选", stem: "“四个自信”包括？", A: "道路自信", B: "理论自信", C: "制度自信", D: "文化自信", answer: "A,B,C,D", difficulty: "难" }),
      row({ type: "判断", stem: "党员有退党的自由。", answer: "√", difficulty: "1" }),
      row({ type: "填空", stem: "预备党员的预备期为＿＿。", answer: "一年｜1年", difficulty: null, tags: "党章、党员" }),
    ];
    const parsed = parseBankSheet([HEADER, ...rows]);
    expect(parsed.rows.map((r) => r.problems)).toEqual([[], [], [], []]);
    const [s, m, j, f] = parsed.rows.map((r) => r.question!);
    expect(s).toMatchObject({ type: "single", answer: "B", options: { A: "甲", D: "丁" }, source: "《中国共产党章程》第七条", difficulty: 2 });
    expect(m).toMatchObject({ type: "multiple", answer: ["A", "B", "C", "D"], difficulty: 3 });
    expect(j).toMatchObject({ type: "judge", answer: true, difficulty: 1 });
    expect(f).toMatchObject({ type: "fill", answer: ["一年", "1年"], difficulty: 2, tags: ["党章", "党员"] });
    expect(f.source).toBeUndefined();
  });

  it("reports an unknown type and the cells every type needs", () => {
    const r = parseOne(row({ type: "问答", stem: "什么是党性？", answer: "略", explanation: null, tags: null }));
    expect(r.question).toBeNull();
    expect(r.problems).toEqual(["A 列「题型」：“问答”无法识别，可填：单选、多选、判断、填空"]);
    // 解析 and 标签 are optional unless the school requires them.
    const strict = parseBankSheet([HEADER, row({ type: "问答", stem: "什么是党性？", answer: "略", explanation: null, tags: null })], {
      required: { explanation: true, tags: true },
    }).rows[0];
    expect(strict.problems).toEqual(["A 列「题型」：“问答”无法识别，可填：单选、多选、判断、填空", "J 列「解析」：本校要求必填", "L 列「标签」：本校要求必填"]);
  });

  it("reports empty required cells", () => {
    const r = parseOne(row({ type: null, stem: null, answer: null }));
    expect(r.problems).toEqual(expect.arrayContaining(["A 列「题型」：必填", "B 列「题干」：必填", "I 列「答案」：必填"]));
    const s = parseOne(single("   ", "A", { explanation: " " }));
    expect(s.problems).toEqual(["B 列「题干」：必填"]);
  });

  it("reports a cell longer than a question may be, by its column, instead of storing it", () => {
    const long = parseOne(single(`${"长".repeat(30_000)}？`, "A", { B: "乙".repeat(1_001), explanation: "析".repeat(3_001) }));
    expect(long.problems).toEqual(
      expect.arrayContaining(["B 列「题干」：题干不能超过 1000 字", "D 列「选项B」：选项内容不能超过 1000 字", "J 列「解析」：解析不能超过 3000 字"]),
    );
    expect(long.question).toBeNull();
  });

  it("reports an answer that is not among the options", () => {
    expect(parseOne(single("甲乙丙丁选哪个？", "E")).problems).toEqual(["I 列「答案」：E 不在选项中"]);
    const m = parseOne(row({ type: "多选", stem: "选两个？", A: "甲", B: "乙", answer: "AC" }));
    expect(m.problems).toEqual(["I 列「答案」：C 不在选项中"]);
  });

  it("reports options that skip a letter, too few options, and options on true/false or fill-in", () => {
    expect(parseOne(row({ type: "单选", stem: "缺 B？", A: "甲", C: "丙", answer: "A" })).problems).toEqual(["选项：选项须从 A 起连续编排（应为 A、B）"]);
    expect(parseOne(row({ type: "单选", stem: "只有一个？", A: "甲", answer: "A" })).problems).toEqual(["选项：选项须有 2 到 6 个，现有 1 个"]);
    expect(parseOne(row({ type: "判断", stem: "对吗？", A: "甲", B: "乙", answer: "对" })).problems).toEqual(["选项：判断题不设选项，请清空选项列"]);
  });

  it("reports a multiple-choice question with one answer, a bad difficulty and a bad 编号", () => {
    const r = parseOne(row({ type: "多选", stem: "选一个？", A: "甲", B: "乙", answer: "A", difficulty: "极难", key: "第一题" }));
    expect(r.problems).toEqual([
      "I 列「答案」：多选题至少要有两个正确答案",
      "K 列「难度」：“极难”无法识别，可填：易、中、难（或 1、2、3）",
      "N 列「编号」：题目编号只能由小写字母、数字和连字符组成，如 pc-001",
    ]);
  });

  it("reports a fill-in stem without a blank, or with two", () => {
    expect(parseOne(row({ type: "填空", stem: "预备期为多久？", answer: "一年" })).problems).toEqual([
      "B 列「题干」：填空题题干中没有空，请用 ＿＿ 或 ____ 标出",
    ]);
    expect(parseOne(row({ type: "填空", stem: "＿＿和＿＿", answer: "甲" })).problems).toEqual(["B 列「题干」：填空题只能有一个空，现有 2 个"]);
  });

  it("reports stems and 编号 repeated in the file on every row that has them", () => {
    const parsed = parseBankSheet([HEADER, single("重复的题干？", "A", { key: "t-1" }), single("重复的 题干？", "B"), single("另一题？", "A", { key: "t-1" })]);
    expect(parsed.rows[0].problems).toEqual(["B 列「题干」：与第 3 行重复", "N 列「编号」：“t-1”在文件中重复（另见第 4 行）"]);
    expect(parsed.rows[1].problems).toEqual(["B 列「题干」：与第 2 行重复"]);
    expect(parsed.rows[2].problems).toEqual(["N 列「编号」：“t-1”在文件中重复（另见第 2 行）"]);
    expect(parsed.rows.every((r) => r.question === null)).toBe(true);
  });

  it("refuses the template's example rows left in the sheet", () => {
    const rows = TEMPLATE_EXAMPLES.map((q) => questionToRow(q) as Cell[]);
    const parsed = parseBankSheet([BANK_COLUMNS.map((c) => c.header), ...rows]);
    expect(parsed.rows.map((r) => r.problems[0])).toEqual(TEMPLATE_EXAMPLES.map(() => "这是模板中的示例行，请删除后再导入"));
  });
});

describe("the sheet", () => {
  it("finds the header below a title row, and ignores unknown columns", () => {
    const parsed = parseBankSheet([["党章知识题库"], [...HEADER, "备注"], single("题？", "A")]);
    expect(parsed.fileProblems).toEqual([]);
    expect(parsed.ignoredHeaders).toEqual(["备注"]);
    expect(parsed.rows[0].rowNumber).toBe(3);
  });

  it("says which required columns are missing, or that there is nothing to import", () => {
    expect(parseBankSheet([["题型", "题干"]]).fileProblems).toEqual(["找不到表头：第一行应为列名，缺少必填列：答案。请使用导入模板"]);
    expect(parseBankSheet([HEADER]).fileProblems).toEqual(["表头下面没有题目"]);
    expect(parseBankSheet([]).fileProblems).toEqual(["文件中没有内容"]);
  });

  it("checks against the bank and numbers new questions after the bank's own", () => {
    const parsed = parseBankSheet([
      HEADER,
      single("新题一？", "A"),
      single("已有的题？", "A"),
      single("新题二？", "B", { key: "demo-x007" }),
      single("新题三？", "C"),
    ]);
    const checked = checkAgainstBank(parsed.rows, {
      slug: "demo",
      existingStems: new Set([stemKey("已有的 题？")]),
      existingKeys: new Set(["demo-x002"]),
      header: parsed.header,
    });
    expect(checked[1].problems).toEqual(["B 列「题干」：题库中已有相同题干的题目"]);
    expect(checked.map((r) => r.key)).toEqual(["demo-x008", null, "demo-x007", "demo-x009"]);
    const taken = checkAgainstBank(parseBankSheet([HEADER, single("题？", "A", { key: "demo-x002" })]).rows, { ...ctx, existingKeys: new Set(["demo-x002"]) });
    expect(taken[0].problems).toEqual(["N 列「编号」：“demo-x002”已存在于题库中"]);
  });

  it("builds a report that is clean only when every row is", () => {
    const file = { fileName: "a.xlsx", format: "xlsx" as const, sha256: "0".repeat(64) };
    const ok = parseBankSheet([HEADER, single("题一？", "A"), row({ type: "判断", stem: "对吗？", answer: "错" })]);
    const report = buildBankReport(file, ok, checkAgainstBank(ok.rows, ctx));
    expect(isClean(report)).toBe(true);
    expect(report.byType).toEqual({ single: 1, judge: 1 });
    expect(report.preview.map((p) => [p.key, p.answer])).toEqual([
      ["demo-x001", "A"],
      ["demo-x002", "错"],
    ]);
    const bad = parseBankSheet([HEADER, single("题一？", "G")]);
    const badReport = buildBankReport(file, bad, checkAgainstBank(bad.rows, ctx));
    expect(isClean(badReport)).toBe(false);
    expect(badReport.problemRows).toEqual([{ rowNumber: 2, stem: "题一？", problems: ["I 列「答案」：“G”应为一个选项字母，如 B"] }]);
  });

  it("reads back what it writes", () => {
    const rows = TEMPLATE_EXAMPLES.map((q, i) => questionToRow({ ...q, id: `t-${i + 1}` }) as Cell[]);
    const parsed = parseBankSheet([BANK_COLUMNS.map((c) => c.header), ...rows]);
    expect(parsed.rows.map((r) => r.question)).toEqual(TEMPLATE_EXAMPLES.map((q, i) => ({ ...q, id: `t-${i + 1}` })));
  });
});

describe("question editor form", () => {
  it("round-trips each type through the form's fields", () => {
    for (const q of TEMPLATE_EXAMPLES) {
      const { id: _id, ...rest } = editableQuestionSchema.parse(q);
      expect(questionFromForm(formValuesOf(q))).toEqual({ ok: true, question: rest });
    }
  });

  it("uses only the chosen type's answer and reports problems by field", () => {
    const v = formValuesOf(TEMPLATE_EXAMPLES[0]);
    expect(questionFromForm({ ...v, answerSingle: "", answerJudge: "true" })).toEqual({ ok: false, errors: { answer: ["请选择正确答案"] } });
    expect(questionFromForm({ ...v, options: { A: "甲", C: "丙" }, answerSingle: "A" })).toEqual({
      ok: false,
      errors: { options: ["选项须从 A 起连续填写（B 未填写）"] },
    });
    expect(questionFromForm({ ...v, type: "fill", answerFill: "一年" })).toEqual({
      ok: false,
      errors: { stem: ["填空题题干中没有空，请用 ＿＿ 或 ____ 标出"] },
    });
    expect(questionFromForm({ ...v, type: "essay" })).toEqual({ ok: false, errors: { type: ["请选择题型"] } });
  });
});
