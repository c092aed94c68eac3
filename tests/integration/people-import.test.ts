import crypto from "node:crypto";
import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import writeXlsxFile, { type Cell as XlsxCell } from "write-excel-file/node";
import { type UnitRow, makeIdNumber } from "../factories";
import { Client, type Reply } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Bulk import against the real server: a college secretary dry-runs and imports rosters into their
// own college only; a confirmation re-checks everything and writes all rows or none.

let server: TestServer;
const PASSWORD = "Passw0rd1";
let cs: UnitRow;
let csBranch: UnitRow;

/** An ID number whose 17th digit is odd: a man's. */
const MALE_ID = makeIdNumber("110101", new Date(Date.UTC(1980, 0, 1)), 11);

const HEADER = [
  "学号/工号",
  "姓名",
  "性别",
  "人员类别",
  "所在党组织",
  "政治面貌",
  "政治面貌起始日期",
  "干部级别",
  "是否支委",
  "支委职务",
  "手机号",
  "身份证号",
];

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  csBranch = f.unit({ name: "学生第一党支部", kind: "branch", branchType: "student", parent: cs });
  f.unit({ name: "教工党支部", kind: "branch", branchType: "staff", parent: cs });
  const old = f.unit({ name: "已撤销支部", kind: "branch", branchType: "student", parent: cs });
  f.db.prepare("UPDATE OrgUnit SET archivedAt = ? WHERE id = ?").run(new Date().toISOString().replace("Z", "+00:00"), old.id);
  const me = f.unit({ name: "机械学院党委", kind: "college", parent: root });
  f.unit({ name: "学生第一党支部", kind: "branch", branchType: "student", parent: me });
  f.unit({ name: "机械学院教工党支部", kind: "branch", branchType: "staff", parent: me });

  const secretary = f.person({ number: "S001", name: "计院书记", unitId: cs.id, category: "staff", politicalStatus: "member" });
  f.grant(secretary, "secretary", cs.id);
  const admin = f.person({ number: "A001", name: "管理员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(admin, "admin", root.id);
  const learner = f.person({ number: "L001", name: "学员", unitId: csBranch.id, politicalStatus: "activist" });
  for (const id of [secretary, admin, learner]) await f.password(id, PASSWORD);
  f.person({ number: "2024079999", name: "已在系统", unitId: csBranch.id });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const count = (table: string) => (server.factory.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const importAudits = () => server.factory.db.prepare("SELECT detail FROM AuditLog WHERE action = 'people.import'").all() as { detail: string }[];
/** React separates adjacent text nodes with comments in server HTML. */
const plain = (r: Reply) => r.text.replace(/<!-- -->/g, "");

async function xlsx(rows: (string | null)[][]): Promise<Buffer> {
  const data: XlsxCell[][] = [HEADER, ...rows].map((r) => r.map((v) => (v === null ? null : { value: v, type: String, format: "@" })));
  return writeXlsxFile(data).toBuffer();
}

function csv(rows: (string | null)[][]): string {
  return [HEADER, ...rows].map((r) => r.map((v) => v ?? "").join(",")).join("\r\n");
}

function upload(c: Client, bytes: Uint8Array, name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), name);
  form.append("intent", "dryRun");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return c.post("/manage/people/import", form);
}

const sha256 = (b: Uint8Array) => crypto.createHash("sha256").update(b).digest("hex");
const expectedHash = (r: Reply) => /name="expectedHash" value="([0-9a-f]{64})"/.exec(r.text)?.[1];

/** A minimal GBK encoder for the test file: the reverse of the platform's GBK decoder. */
function gbk(text: string): Uint8Array {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder("gbk");
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else out.push(...table.get(ch)!);
  }
  return new Uint8Array(out);
}

describe("dry run", () => {
  it("lists every row's problems in Chinese and writes nothing", async () => {
    const c = await as("S001");
    const before = { people: count("Person"), statuses: count("StatusChange"), passwords: count("Password") };
    const file = await xlsx([
      ["2024070001", "王一", "男", "学生", "学生第一党支部", "入党积极分子", "2024-05-01", null, null, null, null, null],
      ["2024070002", null, null, null, "学生第一党支部", "入党积极分子", null, null, null, null, null, null],
      ["2024070003", "王三", null, null, "不存在的支部", "党外人士", "2024-13-01", null, null, null, "12345", null],
      ["2024070001", "王四", null, null, "学生第一党支部", "群众", null, null, null, null, null, null],
      ["2024079999", "王五", null, null, "学生第一党支部", "群众", null, null, null, null, null, null],
      ["2024070006", "王六", null, null, "已撤销支部", "群众", null, null, null, null, null, null],
    ]);
    const res = await upload(c, file, "名单.xlsx");
    expect(res.status).toBe(200);
    const html = plain(res);
    expect(html).toContain("共 6 行，6 行有问题");
    expect(html).toContain("第 2 行");
    expect(html).toContain("“2024070001”在文件中重复（另见第 5 行）");
    expect(html).toContain("“2024070001”在文件中重复（另见第 2 行）");
    expect(html).toContain("B 列「姓名」：必填");
    expect(html).toContain("E 列「所在党组织」：找不到“不存在的支部”，或该组织不在您的管理范围内");
    expect(html).toContain("F 列「政治面貌」：“党外人士”无法识别");
    expect(html).toContain("G 列「政治面貌起始日期」：“2024-13-01”不是存在的日期");
    expect(html).toContain("K 列「手机号」：“12345”不是有效的 11 位手机号");
    expect(html).toContain("A 列「学号/工号」：“2024079999”已存在于系统中");
    expect(html).toContain("E 列「所在党组织」：“已撤销支部”已撤销，不能导入到该组织");
    expect(html).not.toContain('value="confirm"');
    expect({ people: count("Person"), statuses: count("StatusChange"), passwords: count("Password") }).toEqual(before);
    expect(importAudits()).toHaveLength(0);
  });

  it("refuses a unit of another college with the same message as an unknown one", async () => {
    const c = await as("S001");
    const res = await upload(c, await xlsx([["2024070101", "跨院", null, null, "机械学院教工党支部", "群众", null, null, null, null, null, null]]), "a.xlsx");
    expect(plain(res)).toContain("E 列「所在党组织」：找不到“机械学院教工党支部”，或该组织不在您的管理范围内");
  });

  it("asks an admin, who sees both colleges, for the full name of a shared unit name", async () => {
    const c = await as("A001");
    const res = await upload(c, await xlsx([["2024070102", "重名", null, null, "学生第一党支部", "群众", null, null, null, null, null, null]]), "a.xlsx");
    expect(plain(res)).toContain("“学生第一党支部”有 2 个同名组织，请填写完整名称");
    const full = await upload(
      c,
      await xlsx([["2024070102", "重名", null, null, "机械学院党委/学生第一党支部", "群众", null, null, null, null, null, null]]),
      "a.xlsx",
    );
    expect(plain(full)).toContain("共 1 行，0 行有问题");
  });

  it("refuses a file that is not a spreadsheet, or a broken workbook, in Chinese", async () => {
    const c = await as("S001");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const res = await upload(c, png, "名单.xlsx");
    expect(res.status).toBe(400);
    expect(plain(res)).toContain("无法识别该文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件");
    const broken = await upload(c, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), "名单.xlsx");
    expect(broken.status).toBe(400);
    expect(plain(broken)).toContain("文件已损坏或不是有效的 .xlsx 工作簿");
    const none = await c.post(
      "/manage/people/import",
      (() => {
        const f = new FormData();
        f.append("intent", "dryRun");
        return f;
      })(),
    );
    expect(none.status).toBe(400);
    expect(plain(none)).toContain("请选择要导入的 .xlsx 或 .csv 文件");
  });

  it("refuses an upload above the size limit by its declared length", async () => {
    const c = await as("S001");
    const big = new Uint8Array(11 * 1024 * 1024).fill(0x41);
    const res = await upload(c, big, "big.csv");
    expect(res.status).toBe(413);
    expect(plain(res)).toContain("文件超过 10 MB 的上限");
  });

  it("reads a GBK-encoded CSV, as Excel saves it on a Chinese Windows", async () => {
    const c = await as("S001");
    const text = csv([["2024070201", "李雷", "男", "学生", "学生第一党支部", "入党积极分子", "2024/5/1", "", "", "", "13812345678", ""]]);
    const res = await upload(c, gbk(text), "名单.csv");
    expect(res.status).toBe(200);
    const html = plain(res);
    expect(html).toContain("共 1 行，0 行有问题");
    expect(html).toContain("李雷");
    expect(html).toContain("2024-05-01");
  });

  it("reads a UTF-8 CSV with a BOM", async () => {
    const c = await as("S001");
    const text = `\uFEFF${csv([["2024070202", "韩梅梅", "女", "", "学生第一党支部", "群众", "", "", "", "", "", ""]])}`;
    const res = await upload(c, new TextEncoder().encode(text), "名单.csv");
    expect(plain(res)).toContain("共 1 行，0 行有问题");
    expect(plain(res)).toContain("韩梅梅");
  });
});

describe("confirmation", () => {
  it("imports a clean file in one go, without a password for anyone, and offers their activation codes", async () => {
    const c = await as("S001");
    const before = count("Person");
    const file = await xlsx([
      ["2024070301", "赵一", "女", "学生", "学生第一党支部", "入党积极分子", "2025-09-01", null, null, null, "13900000001", "11010519491231002X"],
      ["2024070302", "赵二", "女", "学生", "计算机学院党委/学生第一党支部", "发展对象", null, null, "是", "组织委员", null, null],
      ["T2024001", "赵老师", null, "教职工", "教工党支部", "群众", null, "科级及以下干部", null, null, null, MALE_ID],
    ]);
    const dry = await upload(c, file, "新积极分子.xlsx");
    expect(plain(dry)).toContain("共 3 行，0 行有问题");
    expect(plain(dry)).toContain("确认导入 3 人");
    const hash = expectedHash(dry);
    expect(hash).toBe(sha256(file));

    // Nothing on the page asks for a password to share.
    expect(dry.text).not.toContain("初始密码");
    expect(dry.text).not.toContain('type="password"');

    const passwordsBefore = count("Password");
    const res = await upload(c, file, "新积极分子.xlsx", { intent: "confirm", expectedHash: hash! });
    expect(res.status).toBe(200);
    expect(plain(res)).toContain("已导入 3 人");
    // The page leads to the activation codes of the imported people, per unit.
    expect(plain(res)).toContain(`href="/manage/people/activation?unitId=${csBranch.id}"`);
    expect(plain(res)).toContain("为学生第一党支部的 2 人生成激活码");
    expect(plain(res)).toContain("为教工党支部的 1 人生成激活码");
    expect(count("Person")).toBe(before + 3);

    const db = server.factory.db;
    const people = db
      .prepare(
        "SELECT id, number, name, gender, category, unitId, politicalStatus, statusSince, cadreLevel, isCommitteeMember, committeeRole, phone, idNumber FROM Person WHERE number IN ('2024070301','2024070302','T2024001') ORDER BY number",
      )
      .all() as Record<string, unknown>[];
    expect(people.map((p) => [p.number, p.politicalStatus, p.category, p.cadreLevel, p.isCommitteeMember, p.committeeRole])).toEqual([
      ["2024070301", "activist", "student", "none", 0, null],
      ["2024070302", "target", "student", "none", 1, "组织委员"],
      ["T2024001", "masses", "staff", "section", 0, null],
    ]);
    // The ID numbers are read, checked against the gender or fill it in, and not kept (decision 033).
    expect(people[0]).toMatchObject({
      gender: "female",
      unitId: csBranch.id,
      statusSince: "2025-09-01T00:00:00.000+00:00",
      phone: "13900000001",
      idNumber: null,
    });
    expect(people[2]).toMatchObject({ gender: "male", idNumber: null, statusSince: null });
    const statuses = db
      .prepare(
        "SELECT p.number, s.fromStatus, s.toStatus, s.effectiveOn FROM StatusChange s JOIN Person p ON p.id = s.personId WHERE p.number IN ('2024070301','2024070302','T2024001') ORDER BY p.number",
      )
      .all() as Record<string, unknown>[];
    expect(statuses.map((s) => [s.number, s.fromStatus, s.toStatus])).toEqual([
      ["2024070301", null, "activist"],
      ["2024070302", null, "target"],
    ]);
    expect(statuses[0].effectiveOn).toBe("2025-09-01T00:00:00.000+00:00");
    // No shared secret: nobody imported has a password (or a hash shared with the others) to guess.
    const passwords = db
      .prepare("SELECT hash FROM Password WHERE personId IN (SELECT id FROM Person WHERE number IN ('2024070301','2024070302','T2024001'))")
      .all();
    expect(passwords).toEqual([]);
    expect(count("Password")).toBe(passwordsBefore);

    const audits = importAudits();
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0].detail)).toMatchObject({ rows: 3, byStatus: { activist: 1, target: 1, masses: 1 } });

    const newcomer = new Client(server.url);
    expect((await newcomer.login("2024070302", "Start2026ab")).status).toBe(400);

    // The same file again: every number is now taken, and nothing more is written.
    const again = await upload(c, file, "新积极分子.xlsx", { intent: "confirm", expectedHash: hash! });
    expect(again.status).toBe(400);
    expect(plain(again)).toContain("“2024070301”已存在于系统中");
    expect(count("Person")).toBe(before + 3);
  });

  it("imports a roster longer than one statement's batch, each person with their own dated stages", async () => {
    // 1,203 people: the rows go in 500 to a statement, and each statement's new ids are matched to the
    // rows by number, so a person's steps must land on that person and no other.
    const c = await as("S001");
    const before = { people: count("Person"), statuses: count("StatusChange") };
    const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const rows = Array.from({ length: 1203 }, (_, i) => {
      const number = `B${String(i).padStart(6, "0")}`;
      // Every third a 发展对象 who applied and became an activist on dates of their own; the others activists since one.
      return i % 3 === 0
        ? [number, `批量${i}`, "女", "学生", "学生第一党支部", "发展对象", day(i + 400), day(i), day(i + 200)]
        : [number, `批量${i}`, "男", "学生", "学生第一党支部", "入党积极分子", day(i), null, null];
    });
    const header = [...HEADER.slice(0, 7), "申请入党时间", "确定为入党积极分子时间"];
    const text = [header, ...rows].map((r) => r.map((v) => v ?? "").join(",")).join("\r\n");
    const bytes = new TextEncoder().encode(text);
    const dry = await upload(c, bytes, "整批名册.csv");
    expect(plain(dry)).toContain("共 1203 行，0 行有问题");
    const res = await upload(c, bytes, "整批名册.csv", { intent: "confirm", expectedHash: expectedHash(dry)! });
    expect(plain(res)).toContain("已导入 1203 人");

    const db = server.factory.db;
    const steps = db
      .prepare(
        "SELECT p.number, s.fromStatus, s.toStatus, s.effectiveOn FROM StatusChange s JOIN Person p ON p.id = s.personId WHERE p.number LIKE 'B%' ORDER BY p.number, s.effectiveOn",
      )
      .all() as { number: string; fromStatus: string | null; toStatus: string; effectiveOn: string }[];
    const expected = rows.flatMap(([number, , , , , , since, applied, activist], i) =>
      i % 3 === 0
        ? [
            { number, fromStatus: null, toStatus: "applicant", effectiveOn: applied },
            { number, fromStatus: "applicant", toStatus: "activist", effectiveOn: activist },
            { number, fromStatus: "activist", toStatus: "target", effectiveOn: since },
          ]
        : [{ number, fromStatus: null, toStatus: "activist", effectiveOn: since }],
    );
    // The day of each step (a stored timestamp, read alike on both engines).
    expect(steps.map((s) => ({ ...s, effectiveOn: s.effectiveOn.slice(0, 10) }))).toEqual(expected);
    expect(count("Person")).toBe(before.people + 1203);
    expect(count("StatusChange")).toBe(before.statuses + expected.length);
  });

  it("writes nothing when one row of the confirmed file has a problem", async () => {
    const c = await as("S001");
    const before = { people: count("Person"), statuses: count("StatusChange"), passwords: count("Password") };
    const file = await xlsx([
      ["2024070401", "钱一", null, null, "学生第一党支部", "入党积极分子", null, null, null, null, null, null],
      ["2024070402", "钱二", null, null, "学生第一党支部", "入党积极分子", null, null, null, null, null, null],
      ["2024070403", "钱三", null, null, "学生第一党支部", "入党积极分子", "2024-02-30", null, null, null, null, null],
    ]);
    // A confirmation never trusts an earlier dry run: this one goes straight to confirm.
    const res = await upload(c, file, "a.xlsx", { intent: "confirm", expectedHash: sha256(file) });
    expect(res.status).toBe(400);
    expect(plain(res)).toContain("共 3 行，1 行有问题");
    expect(plain(res)).toContain("G 列「政治面貌起始日期」：“2024-02-30”不是存在的日期");
    expect({ people: count("Person"), statuses: count("StatusChange"), passwords: count("Password") }).toEqual(before);
  });

  it("refuses to import a file other than the one that was checked", async () => {
    const c = await as("S001");
    const before = count("Person");
    const checked = await xlsx([["2024070501", "孙一", null, null, "学生第一党支部", "群众", null, null, null, null, null, null]]);
    const other = await xlsx([["2024070502", "孙二", null, null, "学生第一党支部", "群众", null, null, null, null, null, null]]);
    const res = await upload(c, other, "a.xlsx", { intent: "confirm", expectedHash: sha256(checked) });
    expect(res.status).toBe(400);
    expect(plain(res)).toContain("所选文件与预检时的文件不一致，请重新预检");
    expect(count("Person")).toBe(before);
  });
});

describe("template and permissions", () => {
  it("serves an .xlsx template with the columns, an example and the units the downloader may use", async () => {
    const c = await as("S001");
    const res = await c.download("/manage/people/import-template/xlsx");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const bytes = res.bytes;
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const sheet = await readSheet(bytes);
    expect(sheet[0]).toEqual(HEADER);
    expect(sheet).toHaveLength(2);
    const notes = (await readSheet(bytes, "填写说明")).flat().map(String);
    expect(notes).toContain("教工党支部");
    expect(notes).not.toContain("机械学院教工党支部");
    expect(notes.some((n) => n.includes("入党积极分子"))).toBe(true);

    // Uploaded as it is, the example row is reported rather than imported.
    const dry = await upload(c, bytes, "人员导入模板.xlsx");
    expect(plain(dry)).toContain("这是模板中的示例行，请删除后再导入");
  });

  it("serves a CSV template with a BOM that the import reads back", async () => {
    const c = await as("S001");
    const res = await c.download("/manage/people/import-template/csv");
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(res.bytes);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain(HEADER.join(","));
    expect((await c.get("/manage/people/import-template/pdf")).status).toBe(404);
  });

  it("refuses a learner without grants, for the page, the upload and the template", async () => {
    const c = await as("L001");
    expect((await c.get("/manage/people/import")).status).toBe(403);
    expect((await c.get("/manage/people/import-template/xlsx")).status).toBe(403);
    const before = count("Person");
    const res = await upload(c, await xlsx([["2024070601", "越权", null, null, "学生第一党支部", "群众", null, null, null, null, null, null]]), "a.xlsx", {
      intent: "confirm",
      expectedHash: "0".repeat(64),
    });
    expect(res.status).toBe(403);
    expect(count("Person")).toBe(before);
  });

  it("shows the page with the template links and the file field to a secretary", async () => {
    const c = await as("S001");
    const res = await c.get("/manage/people/import");
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/manage/people/import-template/xlsx"');
    expect(res.text).toMatch(/enctype="multipart\/form-data"/i);
    expect(res.text).toContain('name="file"');
    expect(res.text).toContain('value="dryRun"');
  });
});
