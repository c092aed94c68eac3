import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WpsCell, wpsWorkbook } from "../fixtures/office/wps-workbook";
import { type Client } from "../support/client";
import { expectedHash, officeCollege, plain, signedIn } from "../support/office-import";
import { type TestServer, startTestServer } from "../support/server";

// Workbooks as a 组织部 and a college save them from WPS 表格 or a Chinese Excel, and CSV as Excel
// writes it on a Chinese Windows (tests/fixtures/office/wps-workbook.ts builds the .xlsx in memory):
// a 填表说明 sheet before the roll, shared strings and formula results, dates in the Chinese date
// formats and typed as text, merged cells down the data rows, formula errors, GBK and ="000123".
// Each is read as it means through the real import pages, or refused by row and column.

let server: TestServer;
let bankId: number;

beforeAll(async () => {
  server = await startTestServer();
  bankId = await officeCollege(server, {
    college: "信息学院党委",
    branch: "本科生第二党支部",
    secretary: "S100",
    trainer: "T100",
    bank: { slug: "info-quiz", title: "支部知识测试题库" },
  });
});
afterAll(() => server?.stop());

const as = (number: string) => signedIn(server, number);

function post(c: Client, url: string, name: string, bytes: Uint8Array<ArrayBuffer>, fields: Record<string, string>) {
  const form = new FormData();
  form.append("file", new Blob([bytes]), name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return c.post(url, form);
}

const INSTRUCTIONS = { name: "填表说明", rows: [["填表说明"], ["1. 学号请设置为文本格式"], ["2. 日期写成 2021/7/1 或 2021年7月1日"]] };

/** The 名册 sheet of the roll; `broken` puts a #N/A (a VLOOKUP that found nobody) into one name. */
function roster(broken: boolean) {
  const rows: WpsCell[][] = [
    ["信息学院学生党员名册（2026年）", null, null, null, null, null, null, null, null],
    ["序号", "学号", "姓名", "性别", "所在党支部", "政治面貌", "申请入党时间", "入党时间", "转正时间"],
    [
      1,
      { formula: 'TEXT(J3,"0")', text: "2023010101" },
      "张三 ",
      "男性",
      "本科生第二党支部",
      "中共党员",
      "2019/3/1",
      { date: "2021-06-01", format: "cnCustom" },
      { date: "2022-06-01", format: "dbnum" },
    ],
    [2, "２０２３０１０１０２", "李\n四", "M", null, "中共预备党员", "2021.3.1", { date: "2025-07-01", format: "lcid804" }, null],
    [3, "2023010103", "王五", "女", null, "团员", null, null, null],
    [null, null, null, null, null, null, null, null, null],
    [4, "2023010104", "赵六", "女", "本科生第二党支部", "积极分子", { date: "2024-03-01", format: "builtin14" }, null, null],
    [5, "2023010105", "钱七", "男", "本科生第二党支部", "发展对象", "2023年03月01日", null, null],
  ];
  if (broken) rows.push([6, "2023010106", { error: "#N/A" }, "男", "本科生第二党支部", "群众", null, null, null]);
  // The template came numbered down to 10; the rows left over have only their 序号.
  for (let n = rows.length - 1; n <= 10; n++) rows.push([n, null, null, null, null, null, null, null, null]);
  // 转正时间 (column I) was hidden by whoever last printed the roll.
  return wpsWorkbook([INSTRUCTIONS, { name: "名册", rows, merges: ["A1:I1", "E3:E5"], hiddenColumns: [9] }]);
}

describe("a roll saved from WPS, the 说明 sheet first", () => {
  it("reads the roll from the sheet that holds it, and refuses the row whose name is a formula error", async () => {
    const c = await as("S100");
    const dry = await post(c, "/manage/people/import", "信息学院党员名册.xlsx", roster(true), { intent: "dryRun" });
    expect(dry.status).toBe(200);
    const html = plain(dry);
    expect(html).toContain("读取的是工作表“名册”；前面的工作表“填表说明”中没有表头，未读取");
    expect(html).toContain("共 6 行，1 行有问题");
    expect(html).toContain("C 列「姓名」：单元格显示公式错误“#N/A”，不知道应填的内容");
    expect(html).not.toContain("C 列「姓名」：必填");
    expect(html).not.toContain('value="confirm"');
    const none = server.factory.db.prepare("SELECT COUNT(*) FROM Person WHERE number LIKE '20230101%'").pluck().get();
    expect(none).toBe(0);
  });

  it("stores each cell as it means: formula text, full-width digits, line breaks, merged units and every Chinese date form", async () => {
    const c = await as("S100");
    const file = roster(false);
    const dry = await post(c, "/manage/people/import", "信息学院党员名册.xlsx", file, { intent: "dryRun" });
    const html = plain(dry);
    expect(html).toContain("共 5 行，0 行有问题");
    expect(html).toContain("第 9–12 行只在不导入的列（如序号）有内容，没有人员数据，已跳过");
    expect(html).toContain("I 列「转正时间」在 Excel 中被隐藏，仍按其内容导入；如不应导入，请删除该列后重新预检");
    expect(html).toContain("F 列「政治面貌」：“团员”按“群众”导入");
    const done = await post(c, "/manage/people/import", "信息学院党员名册.xlsx", file, { intent: "confirm", expectedHash: expectedHash(dry)! });
    expect(plain(done)).toContain("已导入 5 人");

    const db = server.factory.db;
    const person = (number: string) =>
      db
        .prepare("SELECT p.id, p.name, p.gender, p.politicalStatus, u.name AS unit FROM Person p JOIN OrgUnit u ON u.id = p.unitId WHERE p.number = ?")
        .get(number) as { id: number; name: string; gender: string | null; politicalStatus: string; unit: string } | undefined;
    const history = (id: number) =>
      (
        db.prepare("SELECT toStatus, effectiveOn FROM StatusChange WHERE personId = ? ORDER BY effectiveOn").all(id) as {
          toStatus: string;
          effectiveOn: string;
        }[]
      ).map((h) => `${h.toStatus}@${h.effectiveOn.slice(0, 10)}`);
    const zhang = person("2023010101")!;
    expect(zhang).toMatchObject({ name: "张三", gender: "male", politicalStatus: "member", unit: "本科生第二党支部" });
    expect(history(zhang.id)).toEqual(["applicant@2019-03-01", "probationary@2021-06-01", "member@2022-06-01"]);
    const li = person("2023010102")!;
    expect(li).toMatchObject({ name: "李四", gender: "male", politicalStatus: "probationary", unit: "本科生第二党支部" });
    expect(history(li.id)).toEqual(["applicant@2021-03-01", "probationary@2025-07-01"]);
    expect(person("2023010103")).toMatchObject({ name: "王五", gender: "female", politicalStatus: "masses", unit: "本科生第二党支部" });
    expect(history(person("2023010104")!.id)[0]).toBe("applicant@2024-03-01");
    expect(history(person("2023010105")!.id)[0]).toBe("applicant@2023-03-01");
  });
});

describe("a roll saved by Excel for Mac, counting days from 1904", () => {
  it("reads month-only and full dates as the days they show", async () => {
    const c = await as("S100");
    const rows: WpsCell[][] = [
      ["学号", "姓名", "所在党支部", "政治面貌", "确定为入党积极分子时间", "入党时间"],
      ["2023019901", "孙十", "本科生第二党支部", "预备党员", { date: "2020-03-01", format: "cnCustom" }, { date: "2021-07-01", format: "monthCn" }],
    ];
    const dry = await post(c, "/manage/people/import", "名册.xlsx", wpsWorkbook([{ name: "Sheet1", rows }], { date1904: true }), { intent: "dryRun" });
    const html = plain(dry);
    expect(html).toContain("共 1 行，0 行有问题");
    expect(html).toContain("F 列「入党时间」：“2021-07”只写到月份，按 2021-07-01（当月 1 日）记录");
    expect(html).toContain("入党积极分子 2020-03-01 → 预备党员 2021-07-01");
  });
});

describe("a roll with a date typed as 7月1日", () => {
  it("refuses it by column instead of storing the year Excel filled in", async () => {
    const c = await as("S100");
    const rows: WpsCell[][] = [
      ["学号", "姓名", "所在党支部", "政治面貌", "入党时间"],
      ["2023019902", "郑十一", "本科生第二党支部", "预备党员", { date: "2026-07-01", format: "builtin58" }],
    ];
    const dry = await post(c, "/manage/people/import", "名册.xlsx", wpsWorkbook([{ name: "Sheet1", rows }]), { intent: "dryRun" });
    expect(plain(dry)).toContain("E 列「入党时间」：“7月1日”不是有效的日期，请写成 2024-05-01 的形式");
    expect(dry.text).not.toContain('value="confirm"');
  });
});

describe("a roll saved as CSV by Excel on a Chinese Windows", () => {
  it('reads GBK, keeps the zeros of ="000123" and \'000124, and refuses a #REF! date by column', async () => {
    const c = await as("S100");
    const csv = [
      "学号,姓名,性别,所在党组织,政治面貌,入党时间",
      '="000123",周八,男,本科生第二党支部,中共预备党员,2025年07月01日',
      "'000124,吴九,女,本科生第二党支部,预备党员,#REF!",
    ].join("\r\n");
    const gbk = Uint8Array.from(iconv.encode(csv, "gbk"));
    const dry = await post(c, "/manage/people/import", "名册.csv", gbk, { intent: "dryRun" });
    const html = plain(dry);
    expect(html).toContain("共 2 行，1 行有问题");
    expect(html).toContain("F 列「入党时间」：单元格显示公式错误“#REF!”");
    expect(html).not.toContain("格式不正确");

    const fixed = Uint8Array.from(iconv.encode(csv.replace("#REF!", "2025.7.1"), "gbk"));
    const again = await post(c, "/manage/people/import", "名册.csv", fixed, { intent: "dryRun" });
    expect(plain(again)).toContain("共 2 行，0 行有问题");
    const done = await post(c, "/manage/people/import", "名册.csv", fixed, { intent: "confirm", expectedHash: expectedHash(again)! });
    expect(plain(done)).toContain("已导入 2 人");
    const names = server.factory.db.prepare("SELECT number, name FROM Person WHERE number IN ('000123', '000124', '123', '124') ORDER BY number").all();
    expect(names).toEqual([
      { number: "000123", name: "周八" },
      { number: "000124", name: "吴九" },
    ]);
  });
});

describe("an old .xls renamed to .xlsx", () => {
  it("is refused with how to save it, by its bytes, not its name", async () => {
    const c = await as("S100");
    const xls = new Uint8Array(4096);
    xls.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const dry = await post(c, "/manage/people/import", "名册.xlsx", xls, { intent: "dryRun" });
    expect(plain(dry)).toContain("暂不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 工作簿或 CSV 后再上传");
  });
});

describe("a 题库 saved from WPS, the 使用说明 sheet first", () => {
  const bank = (broken: boolean) => {
    const rows: WpsCell[][] = [
      ["题型", "题目", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析"],
      ["多选题", "党的优良作风包括", "理论联系实际", "密切联系群众", "批评与自我批评", "好人主义", "Ａ，Ｂ，Ｃ", "见党章总纲"],
      ["多选", { formula: '"党员的权利"&"包括"', text: "党员的权利包括" }, "表决权", "选举权", "被选举权", "否决权", "a,c", broken ? { error: "#N/A" } : ""],
      ["判断", "预备党员没有表决权。", null, null, null, null, "√", ""],
      ["判断题", "党员可以不参加党的组织生活。", null, null, null, null, "F", ""],
      ["判断", "党员有权向党组织提出意见。", "正确", "错误", null, null, "A", ""],
      ["单选", "党的最高领导机关是", "党的全国代表大会和它所产生的中央委员会", "中央政治局", broken ? { error: "#REF!" } : "中央书记处", "中央军委", "A", ""],
      // Typed as 7月1日 and 1921年7月23日: Excel keeps dates (of the year typed in, for the first) in date formats.
      ["填空", "中国共产党的成立纪念日是每年的____。", null, null, null, null, { date: "2026-07-01", format: "builtin58" }, ""],
      [
        "单选",
        "中共一大开幕于",
        { date: "1921-07-23", format: "cnCustom" },
        { date: "1921-07-01", format: "lcid804" },
        { date: "1921-08-01", format: "monthCn" },
        null,
        "A",
        "",
      ],
    ];
    return wpsWorkbook([
      { name: "使用说明", rows: [["请勿修改表头"]] },
      { name: "题库", rows },
    ]);
  };

  it("refuses formula errors in the 解析 and an option instead of storing them empty", async () => {
    const c = await as("T100");
    const dry = await post(c, `/manage/banks/${bankId}/import`, "题库.xlsx", bank(true), { intent: "dryRun" });
    const html = plain(dry);
    expect(html).toContain("读取的是工作表“题库”；前面的工作表“使用说明”中没有表头，未读取");
    expect(html).toContain("H 列「解析」：单元格显示公式错误“#N/A”");
    expect(html).toContain("E 列「选项C」：单元格显示公式错误“#REF!”");
    expect(html).not.toContain('value="confirm"');
    expect(server.factory.db.prepare("SELECT COUNT(*) FROM Question WHERE bankId = ?").pluck().get(bankId)).toBe(0);
  });

  it("stores the answers as meant: full-width and lower-case letters, √ and F, and dates as the sheet shows them", async () => {
    const c = await as("T100");
    const file = bank(false);
    const dry = await post(c, `/manage/banks/${bankId}/import`, "题库.xlsx", file, { intent: "dryRun" });
    expect(plain(dry)).toContain("共 8 行，0 行有问题");
    expect(plain(dry)).toContain("G 列「正确答案」：判断题写作选项 A“正确”、B“错误”，答案“A”按“对”导入，选项不保存");
    const done = await post(c, `/manage/banks/${bankId}/import`, "题库.xlsx", file, { intent: "confirm", expectedHash: expectedHash(dry)! });
    expect(plain(done)).toContain("已导入 8 道题目");
    const rows = server.factory.db.prepare("SELECT stem, options, answer FROM Question WHERE bankId = ? ORDER BY id").all(bankId) as {
      stem: string;
      options: string | null;
      answer: string;
    }[];
    expect(rows[4].options).toBeNull();
    expect(JSON.parse(rows[7].options!)).toEqual({ A: "1921年7月23日", B: "1921/7/1", C: "1921年8月" });
    expect(rows.map((r) => [r.stem, JSON.parse(r.answer)])).toEqual([
      ["党的优良作风包括", ["A", "B", "C"]],
      ["党员的权利包括", ["A", "C"]],
      ["预备党员没有表决权。", true],
      ["党员可以不参加党的组织生活。", false],
      ["党员有权向党组织提出意见。", true],
      ["党的最高领导机关是", "A"],
      ["中国共产党的成立纪念日是每年的____。", ["7月1日"]],
      ["中共一大开幕于", "A"],
    ]);
  });
});
