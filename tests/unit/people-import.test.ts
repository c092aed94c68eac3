import { describe, expect, it } from "vitest";
import { type Cell, normalizeHeader } from "~/lib/sheet-table";
import {
  IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  TEMPLATE_EXAMPLE,
  type UnitCandidate,
  buildReport,
  checkAgainstDatabase,
  createUnitResolver,
  genderFromIdNumber,
  isClean,
  parseDateCell,
  parseIdNumber,
  parsePhone,
  parseSheet,
  parseYesNo,
} from "~/lib/people-import";

const TODAY = "2026-03-15";
const HEADER = IMPORT_COLUMNS.map((c) => c.header);
const ok = <T>(value: T) => ({ ok: true, value });

/** A row in template column order from a partial record keyed by header. */
function row(values: Partial<Record<string, Cell>>): Cell[] {
  return HEADER.map((h) => values[h] ?? null);
}
const base = { "学号/工号": "2024070001", 姓名: "王小明", 所在党组织: "学生第一党支部", 政治面貌: "入党积极分子" };

describe("headers", () => {
  it("ignores spaces, full-width forms and required-markers", () => {
    expect(normalizeHeader(" 学号／工号 ")).toBe(normalizeHeader("学号/工号"));
    expect(normalizeHeader("*姓　名")).toBe(normalizeHeader("姓名"));
    expect(normalizeHeader("手机号（必填）")).toBe(normalizeHeader("手机号"));
  });

  it("finds the header below a title line and keeps the sheet's row numbers", () => {
    const sheet: Cell[][] = [["2024级入党积极分子名单"], [], ["学号", "姓 名", "党组织", "政治面貌"], ["2024070001", "王小明", "一支部", "入党积极分子"]];
    const parsed = parseSheet(sheet, { today: TODAY });
    expect(parsed.fileProblems).toEqual([]);
    expect(parsed.headerRowNumber).toBe(3);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0].rowNumber).toBe(4);
    expect(parsed.rows[0].person).toMatchObject({ number: "2024070001", name: "王小明", unitText: "一支部", politicalStatus: "activist" });
  });

  it("names the required columns that are missing", () => {
    const parsed = parseSheet(
      [
        ["学号/工号", "姓名"],
        ["1", "张三"],
      ],
      { today: TODAY },
    );
    expect(parsed.rows).toEqual([]);
    expect(parsed.fileProblems[0]).toContain("所在党组织");
    expect(parsed.fileProblems[0]).toContain("政治面貌");
  });

  it("names two headers that fill the same column", () => {
    const parsed = parseSheet(
      [
        ["学号", "工号", "姓名", "所在党组织", "政治面貌"],
        ["1", "2", "张三", "一支部", "群众"],
      ],
      { today: TODAY },
    );
    expect(parsed.fileProblems).toEqual(["表头中有重复的列：“学号”和“工号”都对应“学号/工号”列，请只保留一列"]);
  });

  it("reports an empty file and a header without rows", () => {
    expect(parseSheet([], { today: TODAY }).fileProblems).toEqual(["文件中没有内容"]);
    expect(parseSheet([HEADER, [], []], { today: TODAY }).fileProblems).toEqual(["表头下面没有人员数据"]);
  });

  it("lists columns it will ignore", () => {
    const parsed = parseSheet(
      [
        [...HEADER, "备注"],
        [...row(base), "转入"],
      ],
      { today: TODAY },
    );
    expect(parsed.ignoredHeaders).toEqual(["备注"]);
    const report = buildReport(
      { fileName: "a.xlsx", format: "xlsx", sha256: "x" },
      parsed,
      checkAgainstDatabase(parsed.rows, {
        resolveUnit: () => ({ ok: true, unitId: 1, fullName: "一支部" }),
        existingNumbers: new Set(),
        header: parsed.header,
      }),
      TODAY,
    );
    expect(report.notes.join()).toContain("备注");
  });

  it("refuses a file above the row limit as a whole", () => {
    const sheet: Cell[][] = [HEADER];
    for (let i = 0; i <= MAX_IMPORT_ROWS; i++) sheet.push(row({ ...base, "学号/工号": `N${i}` }));
    const parsed = parseSheet(sheet, { today: TODAY });
    expect(parsed.rows).toEqual([]);
    expect(parsed.fileProblems[0]).toContain("超过单次导入上限");
  });
});

describe("dates", () => {
  it("reads the ways offices write a date", () => {
    expect(parseDateCell(new Date(Date.UTC(2024, 4, 1)))).toEqual(ok("2024-05-01"));
    expect(parseDateCell(45413)).toEqual(ok("2024-05-01"));
    expect(parseDateCell("45413")).toEqual(ok("2024-05-01"));
    expect(parseDateCell("2024-05-01")).toEqual(ok("2024-05-01"));
    expect(parseDateCell("2024/5/1")).toEqual(ok("2024-05-01"));
    expect(parseDateCell("2024.5.1")).toEqual(ok("2024-05-01"));
    expect(parseDateCell("2024年5月1日")).toEqual(ok("2024-05-01"));
    expect(parseDateCell("２０２４年５月１日")).toEqual(ok("2024-05-01"));
    expect(parseDateCell("2024/5/1 0:00")).toEqual(ok("2024-05-01"));
    expect(parseDateCell("20240501")).toEqual(ok("2024-05-01"));
  });

  it("treats an empty cell as no date and refuses what is not a date", () => {
    expect(parseDateCell(null)).toBeNull();
    expect(parseDateCell("  ")).toBeNull();
    expect(parseDateCell("2024-02-30")).toMatchObject({ ok: false });
    expect(parseDateCell("去年五月")).toMatchObject({ ok: false });
    expect(parseDateCell("5/1/2024")).toMatchObject({ ok: false });
    expect(parseDateCell(12)).toMatchObject({ ok: false });
  });
});

describe("values", () => {
  it("reads 是/否 in its common spellings", () => {
    expect(parseYesNo("是")).toEqual(ok(true));
    expect(parseYesNo(" Y ")).toEqual(ok(true));
    expect(parseYesNo(true)).toEqual(ok(true));
    expect(parseYesNo("否")).toEqual(ok(false));
    expect(parseYesNo("0")).toEqual(ok(false));
    expect(parseYesNo("")).toBeNull();
    expect(parseYesNo("也许")).toMatchObject({ ok: false });
  });

  it("accepts 11-digit mobile numbers, with spaces, dashes or +86", () => {
    expect(parsePhone("13812345678")).toEqual(ok("13812345678"));
    expect(parsePhone("138 1234 5678")).toEqual(ok("13812345678"));
    expect(parsePhone("+86 138-1234-5678")).toEqual(ok("13812345678"));
    expect(parsePhone("１３８１２３４５６７８")).toEqual(ok("13812345678"));
    expect(parsePhone("1381234567")).toMatchObject({ ok: false });
    expect(parsePhone("23812345678")).toMatchObject({ ok: false });
    expect(parsePhone("1.38123E+10")).toMatchObject({ ok: false, message: expect.stringContaining("科学计数法") });
  });

  it("checks the ID number's birth date and check digit", () => {
    expect(parseIdNumber("11010519491231002X")).toEqual(ok("11010519491231002X"));
    expect(parseIdNumber("11010519491231002x")).toEqual(ok("11010519491231002X"));
    expect(parseIdNumber(TEMPLATE_EXAMPLE.idNumber)).toEqual(ok(TEMPLATE_EXAMPLE.idNumber));
    expect(parseIdNumber("110105194912310021")).toMatchObject({ ok: false, message: expect.stringContaining("校验位") });
    expect(parseIdNumber("110105194913310023")).toMatchObject({ ok: false, message: expect.stringContaining("出生日期") });
    expect(parseIdNumber("11010519491231002")).toMatchObject({ ok: false, message: expect.stringContaining("18 位") });
    expect(parseIdNumber("1.10105E+17")).toMatchObject({ ok: false, message: expect.stringContaining("科学计数法") });
    expect(genderFromIdNumber("11010519491231002X")).toBe("female");
  });
});

describe("rows", () => {
  const parse = (...rows: Cell[][]) => parseSheet([HEADER, ...rows], { today: TODAY }).rows;

  it("reads a full row, with labels or keys", () => {
    const [r] = parse(
      row({
        ...base,
        性别: "女",
        人员类别: "教职工",
        政治面貌起始日期: "2024/5/1",
        干部级别: "科级及以下干部",
        是否支委: "是",
        支委职务: "组织委员",
        手机号: "13812345678",
        身份证号: "11010519491231002X",
      }),
      row({ ...base, "学号/工号": "2024070002", 政治面貌: "member", 人员类别: "staff", 干部级别: "division" }),
    );
    expect(r.problems).toEqual([]);
    expect(r.person).toEqual({
      number: "2024070001",
      name: "王小明",
      gender: "female",
      category: "staff",
      unitText: "学生第一党支部",
      politicalStatus: "activist",
      statusSince: "2024-05-01",
      history: [{ status: "activist", on: "2024-05-01" }],
      cadreLevel: "section",
      isCommitteeMember: true,
      committeeRole: "组织委员",
      phone: "13812345678",
      idNumber: "11010519491231002X",
    });
    const [, second] = parse(row(base), row({ ...base, "学号/工号": "2024070002", 政治面貌: "member", 人员类别: "staff", 干部级别: "division" }));
    expect(second.person).toMatchObject({ politicalStatus: "member", category: "staff", cadreLevel: "division" });
  });

  it("fills defaults for optional columns", () => {
    const [r] = parse(row(base));
    expect(r.problems).toEqual([]);
    expect(r.person).toMatchObject({
      gender: null,
      category: "student",
      cadreLevel: "none",
      isCommitteeMember: false,
      statusSince: null,
      phone: null,
      idNumber: null,
    });
  });

  it("takes the gender from the ID number when the 性别 column is empty (decision 033)", () => {
    const [woman, man] = parse(row({ ...base, 身份证号: "11010519491231002X" }), row({ ...base, "学号/工号": "2024070002", 身份证号: "110101198001010117" }));
    expect([woman.problems, man.problems]).toEqual([[], []]);
    expect([woman.person.gender, man.person.gender]).toEqual(["female", "male"]);
  });

  it("lists every problem of a row in Chinese, in column order", () => {
    const [r] = parse(row({ 性别: "未知", 政治面貌: "党外人士", 政治面貌起始日期: "2027-01-01", 手机号: "12345", 身份证号: "123" }));
    expect(r.rowNumber).toBe(2);
    expect(r.problems).toEqual([
      "A 列「学号/工号」：必填",
      "B 列「姓名」：必填",
      "C 列「性别」：“未知”无法识别，可填：男、女",
      "E 列「所在党组织」：必填",
      expect.stringMatching(/^F 列「政治面貌」：“党外人士”无法识别，可填：群众、入党申请人、入党积极分子/),
      "G 列「政治面貌起始日期」：2027-01-01 晚于今天",
      "K 列「手机号」：“12345”不是有效的 11 位手机号",
      expect.stringMatching(/^L 列「身份证号」：应为 18 位/),
    ]);
  });

  it("refuses a malformed number and a number Excel has mangled", () => {
    const rows = parse(row({ ...base, "学号/工号": "2024 001" }), row({ ...base, "学号/工号": "2.02407E+9" }));
    expect(rows[0].problems[0]).toContain("格式不正确");
    expect(rows[1].problems[0]).toContain("科学计数法");
  });

  it("reads full-width digits in numbers", () => {
    expect(parse(row({ ...base, "学号/工号": "２０２４０７０００１" }))[0].person.number).toBe("2024070001");
  });

  it("marks a number repeated in the file on every row that carries it", () => {
    const rows = parse(row(base), row({ ...base, "学号/工号": "2024070002" }), row(base), [], row(base));
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4, 6]);
    expect(rows[0].problems).toEqual(["A 列「学号/工号」：“2024070001”在文件中重复（另见第 4、6 行）"]);
    expect(rows[1].problems).toEqual([]);
    expect(rows[2].problems).toEqual(["A 列「学号/工号」：“2024070001”在文件中重复（另见第 2、6 行）"]);
    expect(rows[3].problems).toEqual(["A 列「学号/工号」：“2024070001”在文件中重复（另见第 2、4 行）"]);
  });

  it("catches a committee role with 是否支委 = 否, and reads a role alone as a member", () => {
    const rows = parse(row({ ...base, 是否支委: "否", 支委职务: "书记" }), row({ ...base, "学号/工号": "2", 支委职务: "宣传委员" }));
    expect(rows[0].problems).toEqual(["J 列「支委职务」：填写了支委职务，但“是否支委”为“否”"]);
    expect(rows[1].person).toMatchObject({ isCommitteeMember: true, committeeRole: "宣传委员" });
  });

  it("flags a gender that contradicts the ID number", () => {
    const [r] = parse(row({ ...base, 性别: "男", 身份证号: "11010519491231002X" }));
    expect(r.problems).toEqual(["C 列「性别」：与身份证号不符"]);
  });

  it("recognises the template's example row left in the file", () => {
    const [r] = parse(row({ ...base, "学号/工号": TEMPLATE_EXAMPLE.number, 姓名: TEMPLATE_EXAMPLE.name }));
    expect(r.problems).toEqual(["这是模板中的示例行，请删除后再导入"]);
  });
});

describe("units", () => {
  const units: UnitCandidate[] = [
    { id: 2, name: "计算机学院党委", chain: ["校党委", "计算机学院党委"], archived: false },
    { id: 3, name: "学生第一党支部", chain: ["校党委", "计算机学院党委", "学生第一党支部"], archived: false },
    { id: 5, name: "学生第一党支部", chain: ["校党委", "机械学院党委", "学生第一党支部"], archived: false },
    { id: 6, name: "教工党支部", chain: ["校党委", "计算机学院党委", "教工党支部"], archived: false },
    { id: 7, name: "旧支部", chain: ["校党委", "计算机学院党委", "旧支部"], archived: true },
  ];
  const resolve = createUnitResolver(units);

  it("finds a unit by its own name, ignoring spaces and full-width forms", () => {
    expect(resolve("教工党支部")).toEqual({ ok: true, unitId: 6, fullName: "校党委/计算机学院党委/教工党支部" });
    expect(resolve(" 教工 党支部 ")).toMatchObject({ ok: true, unitId: 6 });
  });

  it("asks for the full name when a name is shared, and accepts it", () => {
    const r = resolve("学生第一党支部");
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.message).toContain("请填写完整名称");
    expect(resolve("计算机学院党委/学生第一党支部")).toMatchObject({ ok: true, unitId: 3 });
    expect(resolve("机械学院党委／学生第一党支部")).toMatchObject({ ok: true, unitId: 5 });
    expect(resolve("校党委>机械学院党委>学生第一党支部")).toMatchObject({ ok: true, unitId: 5 });
  });

  it("reads an unknown unit and one outside the scope alike, and refuses an archived one", () => {
    expect(resolve("外语学院党委")).toEqual({ ok: false, message: "找不到“外语学院党委”，或该组织不在您的管理范围内" });
    expect(resolve("旧支部")).toEqual({ ok: false, message: "“旧支部”已撤销，不能导入到该组织" });
    expect(resolve("物理学院党委/学生第一党支部")).toMatchObject({ ok: false, message: expect.stringContaining("找不到") });
  });
});

describe("the whole check", () => {
  it("adds unknown units and numbers already taken, and reports a summary", () => {
    const parsed = parseSheet(
      [
        HEADER,
        row(base),
        row({ ...base, "学号/工号": "2024070002", 所在党组织: "不存在的支部" }),
        row({ ...base, "学号/工号": "2024070003", 政治面貌: "群众" }),
      ],
      { today: TODAY },
    );
    const resolveUnit = createUnitResolver([{ id: 3, name: "学生第一党支部", chain: ["学生第一党支部"], archived: false }]);
    const checked = checkAgainstDatabase(parsed.rows, { resolveUnit, existingNumbers: new Set(["2024070001"]), header: parsed.header });
    expect(checked[0].problems).toEqual(["A 列「学号/工号」：“2024070001”已存在于系统中"]);
    expect(checked[1].problems).toEqual(["E 列「所在党组织」：找不到“不存在的支部”，或该组织不在您的管理范围内"]);
    expect(checked[2]).toMatchObject({ problems: [], unitId: 3 });
    const report = buildReport({ fileName: "名单.xlsx", format: "xlsx", sha256: "abc" }, parsed, checked, TODAY);
    expect(report).toMatchObject({ total: 3, problemRowCount: 2, preview: [] });
    expect(report.problemRows.map((r) => r.rowNumber)).toEqual([2, 3]);
    expect(isClean(report)).toBe(false);
  });

  it("previews a clean file and notes undated statuses", () => {
    const parsed = parseSheet([HEADER, row(base), row({ ...base, "学号/工号": "2024070002", 政治面貌: "群众" })], { today: TODAY });
    const checked = checkAgainstDatabase(parsed.rows, {
      resolveUnit: createUnitResolver([{ id: 3, name: "学生第一党支部", chain: ["计算机学院党委", "学生第一党支部"], archived: false }]),
      existingNumbers: new Set(),
      header: parsed.header,
    });
    const report = buildReport({ fileName: "名单.csv", format: "csv", sha256: "abc" }, parsed, checked, TODAY);
    expect(isClean(report)).toBe(true);
    expect(report.byStatus).toEqual({ activist: 1, masses: 1 });
    expect(report.preview[0]).toMatchObject({
      rowNumber: 2,
      unit: "计算机学院党委/学生第一党支部",
      politicalStatus: "入党积极分子",
      statusSince: "2026-03-15（导入当天）",
    });
    expect(report.preview[1].statusSince).toBe("");
    expect(report.notes[0]).toContain("1 人未填写政治面貌起始日期");
  });
});
