import { describe, expect, it } from "vitest";
import { parseBankSheet } from "~/lib/bank-import";
import { displayedDate, displayedNumber } from "~/lib/number-format";
import { cleanName, parseDateCell, parseSheet } from "~/lib/people-import";
import { type Cell, cellText, columnLetter, locateTable, rowList } from "~/lib/sheet-table";

// What an office cell means, case by case: the pure readers behind both imports.

describe("numbers as the sheet shows them", () => {
  it("reads a percent as the percent shown, every digit kept", () => {
    expect(displayedNumber("5.0000000000000001E-3", "0.0%")).toBe("0.5%");
    expect(displayedNumber("0.005", "0%")).toBe("0.5%");
    expect(displayedNumber("0.25", "0.00%")).toBe("25.00%");
    expect(displayedNumber("7E-4", "0.00%")).toBe("0.07%");
  });

  it("keeps the zeros of a zero-padded number and the decimals of a fixed format", () => {
    expect(displayedNumber("123", "000000")).toBe("000123");
    expect(displayedNumber("2021.1", "0.00")).toBe("2021.10");
    expect(displayedNumber("123", "General")).toBeNull();
    expect(displayedNumber("123", "0")).toBeNull();
  });

  it("reads a date formatted without a day as its month", () => {
    const serial = String((Date.UTC(2021, 6, 1) - Date.UTC(1899, 11, 30)) / 86_400_000);
    expect(displayedNumber(serial, 'yyyy"年"m"月"')).toBe("2021-07");
    expect(displayedNumber(serial, "yyyy-mm")).toBe("2021-07");
    expect(displayedNumber(serial, "yyyy-mm-dd")).toBeNull();
  });
});

describe("dates as the sheet shows them", () => {
  const serial = (iso: string) => String((Date.parse(iso) - Date.UTC(1899, 11, 30)) / 86_400_000);
  it("renders the Chinese date formats with Arabic digits, the year only where the format shows it", () => {
    expect(displayedDate(serial("2026-07-01T00:00:00Z"), 'm"月"d"日"')).toBe("7月1日");
    expect(displayedDate(serial("1921-07-23T00:00:00Z"), '[DBNum1][$-804]yyyy"年"m"月"d"日"')).toBe("1921年7月23日");
    expect(displayedDate(serial("2021-07-01T10:05:00Z"), "[$-804]yyyy/m/d h:mm;@")).toBe("2021/7/1 10:05");
    expect(displayedDate(serial("2021-07-01T00:00:00Z"), "yyyy\\-mm\\-dd")).toBe("2021-07-01");
  });

  it("is not a date for number formats", () => {
    for (const code of ["General", "0.00", "0%", "000000", '#,##0"元"']) expect(displayedDate("44378", code), code).toBeNull();
  });
});

describe("dates", () => {
  it("reads a month without a day as its first day, and says so", () => {
    for (const t of ["2021.07", "2021.7", "2021-07", "2021/7", "2021年7月", "2021年07月", "202107", "２０２１．０７"]) {
      expect(parseDateCell(t)).toEqual({ ok: true, value: "2021-07-01", month: true });
    }
    expect(parseDateCell(2021.07)).toEqual({ ok: true, value: "2021-07-01", month: true });
  });

  it("asks about 2021.1, which Excel makes of both January and October", () => {
    const r = parseDateCell("2021.1");
    expect(r).toMatchObject({ ok: false });
    expect(r && !r.ok && r.message).toContain("1 月还是 10 月");
  });

  it("never reads a year as an Excel serial of 1905", () => {
    expect(parseDateCell("2021")).toMatchObject({ ok: false });
    expect(parseDateCell("2021.13")).toMatchObject({ ok: false });
  });
});

describe("text", () => {
  it("drops zero-width characters and trims every kind of space", () => {
    expect(cellText("\u200b张三\u200d")).toBe("张三");
    expect(cellText("\ufeff\u00a0王五\u3000")).toBe("王五");
    expect(cellText("赵\u2060六")).toBe("赵六");
  });

  it("closes the gap of a two-character name padded to line up, not of a Latin name", () => {
    expect(cleanName("李\u3000四")).toBe("李四");
    expect(cleanName("李  四")).toBe("李四");
    expect(cleanName("Anna  Müller")).toBe("Anna Müller");
  });

  it("names columns by their letter", () => {
    expect([0, 3, 25, 26, 27].map(columnLetter)).toEqual(["A", "D", "Z", "AA", "AB"]);
    expect(rowList([3, 5, 6, 8, 9, 10, 11])).toBe("3、5、6、8–11");
  });
});

describe("the table in a sheet", () => {
  const COLUMNS = [
    { key: "number", header: "学号", required: true, aliases: [] },
    { key: "name", header: "姓名", required: true, aliases: [] },
    { key: "joined", header: "入党时间", required: false, aliases: [] },
  ] as const;

  it("reads a header merged over two lines, and skips the footer and hidden rows with a note", () => {
    const sheet: Cell[][] = [
      ["党员名册", "党员名册", "党员名册"],
      ["学号", "姓名", "发展情况"],
      ["学号", "姓名", "入党时间"],
      ["001", "甲", "2020-01-01"],
      ["002", "乙", null],
      ["小计", "2 人", null],
      ["003", "丙", null],
      ["合计", "3 人", null],
      ["填表人：某某", null, null],
    ];
    const t = locateTable(sheet, COLUMNS, { hiddenRows: new Set([5]), maxRows: 100, noun: "人员数据" });
    expect(t.fileProblems).toEqual([]);
    expect(t.headerRowNumber).toBe(3);
    expect(t.header.refs).toEqual({ number: "A 列「学号」", name: "B 列「姓名」", joined: "C 列「入党时间」" });
    expect(t.rows.map((r) => r.rowNumber)).toEqual([4, 7]);
    expect(t.notes).toEqual([
      "第 6、8、9 行是表尾（小计、合计、填表人），不是人员数据，已跳过",
      "第 5 行在 Excel 中被筛选或隐藏，默认不导入；如需导入，请在下方选择“隐藏的行也导入”后重新预检",
    ]);
    expect(locateTable(sheet, COLUMNS, { hiddenRows: new Set([5]), includeHidden: true, maxRows: 100, noun: "人员数据" }).rows.map((r) => r.rowNumber)).toEqual(
      [4, 5, 7],
    );
  });

  it("skips the rows of a template numbered down in advance, with a note, but not a row missing only its required cells", () => {
    const sheet: Cell[][] = [
      ["序号", "学号", "姓名", "入党时间"],
      [1, "001", "甲", null],
      [2, null, null, "2020-01-01"],
      [3, null, null, null],
      [4, null, null, null],
      [5, null, null, null],
    ];
    const columns = [COLUMNS[0], COLUMNS[1], COLUMNS[2]];
    const t = locateTable(sheet, columns, { maxRows: 100, noun: "人员数据" });
    expect(t.rows.map((r) => r.rowNumber)).toEqual([2, 3]);
    expect(t.notes).toEqual(["第 4–6 行只在不导入的列（如序号）有内容，没有人员数据，已跳过"]);
  });
});

describe("people rows", () => {
  const HEADER = ["学号", "姓名", "所在党支部", "政治面貌", "成为积极分子时间", "确定为发展对象时间", "入党时间", "转正时间"];
  const parse = (...rows: Cell[][]) => parseSheet([HEADER, ...rows], { today: "2026-12-01" }).rows;

  it("records every dated stage up to the current one, in order", () => {
    const [r] = parse(["1", "甲", "一支部", "正式党员", "2018-03-01", "2019-09-01", "2020-06-15", "2021-06-15"]);
    expect(r.problems).toEqual([]);
    expect(r.person.statusSince).toBe("2021-06-15");
    expect(r.person.history).toEqual([
      { status: "activist", on: "2018-03-01" },
      { status: "target", on: "2019-09-01" },
      { status: "probationary", on: "2020-06-15" },
      { status: "member", on: "2021-06-15" },
    ]);
  });

  it("refuses stage dates out of order or beyond the current status, naming the file's columns", () => {
    const [late, beyond] = parse(
      ["1", "甲", "一支部", "预备党员", "2020-03-01", "2019-09-01", "2021-07-01", null],
      ["2", "乙", "一支部", "入党积极分子", "2020-03-01", null, "2021-07-01", null],
    );
    expect(late.problems).toEqual(["F 列「确定为发展对象时间」：2019-09-01 早于 E 列「成为积极分子时间」的 2020-03-01"]);
    expect(beyond.problems).toEqual(["G 列「入党时间」：已填写 2021-07-01，但政治面貌是“入党积极分子”，请核对"]);
  });

  it("imports 共青团员 as 群众 with a note", () => {
    const [r] = parse(["1", "甲", "一支部", "共青团员", null, null, null, null]);
    expect(r.problems).toEqual([]);
    expect(r.person.politicalStatus).toBe("masses");
    expect(r.notes[0]).toContain("D 列「政治面貌」：“共青团员”按“群众”导入");
  });

  it("reads the status names of GB/T 4762 that HR and student systems export, and 男生/女生", () => {
    const names = {
      中国共产党党员: "member",
      中共正式党员: "member",
      中国共产党预备党员: "probationary",
      中共预备党员: "probationary",
      积极分子: "activist",
      发展对象: "target",
    } as const;
    for (const [text, status] of Object.entries(names)) {
      const [r] = parse(["1", "甲", "一支部", text, null, null, null, null]);
      expect(r.problems, text).toEqual([]);
      expect(r.person.politicalStatus, text).toBe(status);
    }
    const rows = parseSheet(
      [
        ["学号", "姓名", "性别", "所在党支部", "政治面貌"],
        ["1", "甲", "男生", "一支部", "群众"],
        ["2", "乙", "女生", "一支部", "群众"],
        ["3", "丙", "1", "一支部", "群众"],
      ],
      { today: "2026-12-01" },
    ).rows;
    expect(rows.map((r) => r.person.gender)).toEqual(["male", "female", null]);
    expect(rows[2].problems).toEqual(["C 列「性别」：“1”无法识别，可填：男、女"]);
  });
});

describe("bank rows", () => {
  const HEADER = ["题型", "题干", "A", "B", "C", "答案"];

  it("takes off a label that matches its option's letter, and asks about one that does not", () => {
    const [ok, wrong] = parseBankSheet([HEADER, ["单选", "哪个？", "A、甲", "(B) 乙", "Ｃ．丙", "A"], ["单选", "哪一个？", "A. 甲", "C. 乙", "丙", "A"]]).rows;
    expect(ok.question).toMatchObject({ options: { A: "甲", B: "乙", C: "丙" } });
    expect(ok.notes).toEqual(["C 列「A」：已去掉前缀“A、”", "D 列「B」：已去掉前缀“(B)”", "E 列「C」：已去掉前缀“Ｃ．”"]);
    expect(wrong.question).toBeNull();
    expect(wrong.problems).toEqual(["D 列「B」：以“C.”开头，但这是选项B：请核对选项是否错位，确认后删去前缀"]);
  });

  it("splits fill-in alternatives on / , ， 、 unless told to keep them whole, and never inside a number", () => {
    const sheet: Cell[][] = [
      HEADER,
      ["填空", "＿＿", null, null, null, "党课/上党课"],
      ["填空", "约＿＿人", null, null, null, "1,000"],
      ["填空", "是＿＿", null, null, null, "甲，乙、丙"],
    ];
    expect(parseBankSheet(sheet).rows.map((r) => r.question && r.question.answer)).toEqual([["党课", "上党课"], ["1,000"], ["甲", "乙", "丙"]]);
    expect(parseBankSheet(sheet, { fill: "whole" }).rows.map((r) => r.question && r.question.answer)).toEqual([["党课/上党课"], ["1,000"], ["甲，乙、丙"]]);
  });

  it("reads answer letters written as options are labelled: B. （B） B、 and A.C.D", () => {
    const rows = parseBankSheet([
      HEADER,
      ["单选", "甲", "一", "二", "三", "B."],
      ["单选", "乙", "一", "二", "三", "（Ｂ）"],
      ["单选", "丙", "一", "二", "三", "B、"],
      ["多选", "丁", "一", "二", "三", "A.C."],
      ["单选", "戊", "一", "二", "三", "B/C"],
    ]).rows;
    expect(rows.map((r) => r.question && r.question.answer)).toEqual(["B", "B", "B", ["A", "C"], null]);
    expect(rows[4].problems).toEqual(["F 列「答案」：“B/C”应为一个选项字母，如 B"]);
  });

  it("reads a 判断题 exported as options A 正确 / B 错误 with a letter, and refuses other options", () => {
    const rows = parseBankSheet([
      HEADER,
      ["判断", "甲", "正确", "错误", null, "B"],
      ["判断", "乙", "错", "对", null, "ｂ"],
      ["判断", "丙", "正确", "错误", null, "对"],
      ["判断", "丁", "正确", "不一定", null, "A"],
    ]).rows;
    expect(rows.map((r) => r.question && r.question.answer)).toEqual([false, true, true, null]);
    expect(rows.every((r, i) => i === 3 || r.question?.options === undefined)).toBe(true);
    expect(rows[0].notes).toEqual(["F 列「答案」：判断题写作选项 A“正确”、B“错误”，答案“B”按“错”导入，选项不保存"]);
    expect(rows[3].problems).toContain("F 列「答案」：“A”无法识别，请填“对”或“错”");
  });
});
