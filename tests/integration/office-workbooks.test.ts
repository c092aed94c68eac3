import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BANK_FILE, ROSTER_FILE } from "../fixtures/office/make-workbooks";
import { type Client } from "../support/client";
import { expectedHash, officeCollege, plain, signedIn } from "../support/office-import";
import { type TestServer, startTestServer } from "../support/server";

// Office workbooks as a 组织部 and a college keep them (tests/fixtures/office, written by
// make-workbooks.ts): read through the real import pages, dry run then confirmation, and what is
// stored is what each cell means.

let server: TestServer;
let bankId: number;
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/office", name)));

beforeAll(async () => {
  server = await startTestServer();
  bankId = await officeCollege(server, {
    college: "计算机学院党委",
    branch: "学生第一党支部",
    secretary: "S001",
    trainer: "T001",
    bank: { slug: "cs-contest", title: "知识竞赛题库" },
  });
});
afterAll(() => server?.stop());

const as = (number: string) => signedIn(server, number);

function post(c: Client, url: string, name: string, fields: Record<string, string>) {
  const form = new FormData();
  form.append("file", new Blob([fixture(name)]), name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return c.post(url, form);
}

describe("the 组织部 roster", () => {
  it("reads what each cell means, says what it left out, and stores the status history with its dates", async () => {
    const c = await as("S001");
    const dry = await post(c, "/manage/people/import", ROSTER_FILE, { intent: "dryRun" });
    expect(dry.status).toBe(200);
    const html = plain(dry);
    // The title rows, the two-line header and the footer are understood; the hidden row is asked about.
    expect(html).toContain("共 4 行，0 行有问题");
    expect(html).toContain("第 11、12 行是表尾（合计、填表人），不是人员数据，已跳过");
    expect(html).toContain("第 9 行在 Excel 中被筛选或隐藏，默认不导入");
    expect(html).toContain('<option value="include">隐藏的行也导入</option>');
    // Each reading worth a look names the row, the column letter and the file's own header.
    expect(html).toContain("I 列「入党时间」：“2021.07”只写到月份，按 2021-07-01（当月 1 日）记录");
    expect(html).toContain("J 列「转正时间」：“2021-06”只写到月份，按 2021-06-01（当月 1 日）记录");
    expect(html).toContain("F 列「政治面貌」：“共青团员”按“群众”导入");
    expect(html).toContain("入党积极分子 2019-10-12 → 发展对象 2020-09-01 → 预备党员 2021-07-01");

    const hash = expectedHash(dry);
    expect(hash).toBeDefined();
    const done = await post(c, "/manage/people/import", ROSTER_FILE, { intent: "confirm", expectedHash: hash!, initialPassword: "Start2026ab" });
    expect(plain(done)).toContain("已导入 4 人");

    const db = server.factory.db;
    const person = (number: string) =>
      db.prepare("SELECT id, name, politicalStatus, statusSince FROM Person WHERE number = ?").get(number) as
        { id: number; name: string; politicalStatus: string; statusSince: string | null } | undefined;
    const history = (id: number) =>
      (
        db.prepare("SELECT fromStatus, toStatus, effectiveOn FROM StatusChange WHERE personId = ? ORDER BY effectiveOn").all(id) as {
          fromStatus: string | null;
          toStatus: string;
          effectiveOn: string;
        }[]
      ).map((h) => `${h.fromStatus ?? "-"}>${h.toStatus}@${h.effectiveOn.slice(0, 10)}`);

    // Zero-width characters gone; 入党时间 2021.07 is July 2021, not 1905-07-13, and every stage keeps its date.
    const zhang = person("2024070001")!;
    expect(zhang).toMatchObject({ name: "张三", politicalStatus: "probationary" });
    expect(zhang.statusSince!.slice(0, 10)).toBe("2021-07-01");
    expect(history(zhang.id)).toEqual(["->activist@2019-10-12", "activist>target@2020-09-01", "target>probationary@2021-07-01"]);

    // 000123 formatted "000000" keeps its zeros; a name padded with a full-width space is 李四.
    expect(person("123")).toBeUndefined();
    const li = person("000123")!;
    expect(li).toMatchObject({ name: "李四", politicalStatus: "member" });
    expect(history(li.id)).toEqual(["->activist@2018-03-01", "activist>target@2019-09-01", "target>probationary@2020-06-15", "probationary>member@2021-06-01"]);

    expect(person("2024070003")).toMatchObject({ name: "王五", politicalStatus: "masses" });
    const zhao = person("2024070004")!;
    expect(zhao).toMatchObject({ name: "赵六", politicalStatus: "activist" });
    expect(history(zhao.id)).toEqual(["->activist@2021-03-01"]);

    // The row hidden by the filter was not imported.
    expect(person("2024070005")).toBeUndefined();
  });

  it("imports the hidden row too when asked", async () => {
    const c = await as("S001");
    server.factory.db.prepare("DELETE FROM Person WHERE number IN ('2024070001', '000123', '2024070003', '2024070004')").run();
    const dry = await post(c, "/manage/people/import", ROSTER_FILE, { intent: "dryRun", hidden: "include" });
    expect(plain(dry)).toContain("第 9 行在 Excel 中被筛选或隐藏，按您的选择一并导入");
    expect(dry.text).toMatch(/<select name="hidden"[^>]*>/);
    expect(plain(dry)).toContain("共 5 行，0 行有问题");
  });
});

describe("the college's 题库", () => {
  it("stores options without their typed labels, the percent as shown, split alternatives, and skips the hidden row and the footer", async () => {
    const c = await as("T001");
    const dry = await post(c, `/manage/banks/${bankId}/import`, BANK_FILE, { intent: "dryRun" });
    expect(dry.status).toBe(200);
    const html = plain(dry);
    expect(html).toContain("共 6 行，0 行有问题");
    expect(html).toContain("第 11 行是表尾（审核人），不是题目，已跳过");
    expect(html).toContain("第 8 行在 Excel 中被筛选或隐藏，默认不导入");
    expect(html).toContain("F 列「选项C」：已去掉前缀“Ｃ．”");
    expect(html).toContain("H 列「正确答案」：“主题党日/党日”按 、，, / 拆分为 2 个可接受的答案：主题党日｜党日");
    // The preview shows each question's options and answer as they will be stored.
    expect(html).toContain("<div>A. 半年</div><div>B. 一年</div><div>C. 两年</div><div>D. 三年</div>");
    expect(html).toContain("0.5%");

    const done = await post(c, `/manage/banks/${bankId}/import`, BANK_FILE, { intent: "confirm", expectedHash: expectedHash(dry)! });
    expect(plain(done)).toContain("已导入 6 道题目");

    const rows = server.factory.db.prepare("SELECT stem, options, answer, explanation, tags FROM Question WHERE bankId = ? ORDER BY id").all(bankId) as {
      stem: string;
      options: string | null;
      answer: string;
      explanation: string;
      tags: string;
    }[];
    expect(rows).toHaveLength(6);
    expect(JSON.parse(rows[0].options!)).toEqual({ A: "半年", B: "一年", C: "两年", D: "三年" });
    expect(JSON.parse(rows[1].options!)).toEqual({ A: "支部党员大会", B: "支部委员会", C: "党小组会", D: "党课" });
    expect(JSON.parse(rows[2].answer)).toEqual(["0.5%"]);
    expect(JSON.parse(rows[3].answer)).toEqual(["主题党日", "党日"]);
    expect(JSON.parse(rows[4].answer)).toEqual(["合格党员", "合格的共产党员"]);
    // No 解析 and no 标签 column: both optional.
    expect(rows[1]).toMatchObject({ explanation: "", tags: "[]" });
    // The zero-width spaces around the stem are gone; the hidden 判断题 is not there.
    expect(rows[5].stem).toBe("党的最高领导机关是党的全国代表大会和它所产生的中央委员会。");
    expect(rows.some((r) => r.stem.includes("不参加党的组织生活"))).toBe(false);
  });

  it("keeps an answer with 、 whole when the trainer says it is one answer", async () => {
    const c = await as("T001");
    server.factory.db.prepare("DELETE FROM Question WHERE bankId = ?").run(bankId);
    const dry = await post(c, `/manage/banks/${bankId}/import`, BANK_FILE, { intent: "dryRun", fill: "whole" });
    expect(plain(dry)).toContain("“合格党员、合格的共产党员”按您的选择作为一个完整答案，不拆分");
    const done = await post(c, `/manage/banks/${bankId}/import`, BANK_FILE, { intent: "confirm", fill: "whole", expectedHash: expectedHash(dry)! });
    expect(plain(done)).toContain("已导入 6 道题目");
    const answers = (
      server.factory.db.prepare("SELECT answer FROM Question WHERE bankId = ? AND type = 'fill' ORDER BY id").all(bankId) as { answer: string }[]
    ).map((r) => JSON.parse(r.answer));
    expect(answers).toEqual([["0.5%"], ["主题党日/党日"], ["合格党员、合格的共产党员"]]);
  });
});

describe("a school that requires 解析 and 标签", () => {
  let strict: TestServer;
  let strictBank: number;
  beforeAll(async () => {
    strict = await startTestServer({ env: { QUESTION_REQUIRED_FIELDS: "explanation,tags" } });
    strictBank = await officeCollege(strict, {
      college: "计算机学院党委",
      branch: "学生第一党支部",
      secretary: "S001",
      trainer: "T001",
      bank: { slug: "strict", title: "严格题库" },
    });
  });
  afterAll(() => strict?.stop());

  it("refuses a file without them, naming what is missing", async () => {
    const c = await signedIn(strict, "T001");
    const id = strictBank;
    const form = new FormData();
    form.append("file", new Blob([fixture(BANK_FILE)]), BANK_FILE);
    form.set("intent", "dryRun");
    const dry = await c.post(`/manage/banks/${id}/import`, form);
    expect(plain(dry)).toContain("本校要求每道题都填写标签，文件中没有“标签”列");
    expect(dry.text).not.toContain('value="confirm"');
  });
});
