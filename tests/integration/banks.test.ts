import fs from "node:fs";
import path from "node:path";
import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import writeXlsxFile, { type Cell as XlsxCell } from "write-excel-file/node";
import { type UnitRow, openFactory } from "../factories";
import { Client, type Reply } from "../support/client";
import { TEMPLATE_DB, TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// Question banks against the real server: trainers manage the banks of their own college only,
// Excel import is a dry run first and then all rows or none, export reads back as the same
// questions. The content/banks sync runs in-process on a database of its own.

// Before any import: the app's env module reads DATABASE_URL once, for the in-process sync test.
const { syncDbFile } = vi.hoisted(() => {
  const syncDbFile = `${process.cwd()}/tests/.tmp/bank-sync-${process.pid}-${Date.now()}.db`;
  process.env.DATABASE_URL = `file:${syncDbFile}`;
  return { syncDbFile };
});

let server: TestServer;
const PASSWORD = "Passw0rd1";
let cs: UnitRow;
let csBankId: number;
let meBankId: number;

const HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "难度", "标签", "出处", "编号"];

function insertBank(slug: string, title: string, unitId: number): number {
  const now = new Date().toISOString().replace("Z", "+00:00");
  return Number(
    server.factory.db.prepare("INSERT INTO QuestionBank (slug, title, unitId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)").run(slug, title, unitId, now, now)
      .lastInsertRowid,
  );
}

function insertQuestion(bankId: number, key: string, stem: string): number {
  const now = new Date().toISOString().replace("Z", "+00:00");
  return Number(
    server.factory.db
      .prepare(
        `INSERT INTO Question (bankId, key, type, stem, options, answer, explanation, difficulty, tags, source, createdAt, updatedAt)
         VALUES (?, ?, 'single', ?, '{"A":"半年","B":"一年"}', '"B"', '依据《中国共产党章程》第七条。', 1, '["党章"]', NULL, ?, ?)`,
      )
      .run(bankId, key, stem, now, now).lastInsertRowid,
  );
}

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const me = f.unit({ name: "机械学院党委", kind: "college", parent: root });
  const csTrainer = f.person({ number: "T001", name: "计院培训员", unitId: cs.id, category: "staff", politicalStatus: "member" });
  f.grant(csTrainer, "trainer", cs.id);
  const learner = f.person({ number: "L001", name: "学员", unitId: cs.id, politicalStatus: "activist" });
  for (const id of [csTrainer, learner]) await f.password(id, PASSWORD);
  csBankId = insertBank("cs-basics", "计院党章题库", cs.id);
  insertQuestion(csBankId, "cs-basics-x001", "预备党员的预备期为多长时间？");
  meBankId = insertBank("me-basics", "机械学院题库", me.id);
  insertQuestion(meBankId, "me-basics-x001", "机械学院的一道题？");
});
afterAll(async () => {
  await server?.stop();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(syncDbFile + s, { force: true });
});

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const questionCount = (bankId?: number) =>
  (
    (bankId === undefined
      ? server.factory.db.prepare("SELECT COUNT(*) AS n FROM Question").get()
      : server.factory.db.prepare("SELECT COUNT(*) AS n FROM Question WHERE bankId = ?").get(bankId)) as { n: number }
  ).n;
const plain = (r: Reply) => r.text.replace(/<!-- -->/g, "");
const expectedHash = (r: Reply) => /name="expectedHash" value="([0-9a-f]{64})"/.exec(r.text)?.[1];

async function xlsx(rows: (string | null)[][]): Promise<Buffer> {
  const data: XlsxCell[][] = [HEADER, ...rows].map((r) => r.map((v) => (v === null ? null : { value: v, type: String })));
  return writeXlsxFile(data).toBuffer();
}

function upload(c: Client, bankId: number, bytes: Uint8Array, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), "题库.xlsx");
  form.append("intent", "dryRun");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return c.post(`/manage/banks/${bankId}/import`, form);
}

async function importAll(c: Client, bankId: number, file: Uint8Array) {
  const dry = await upload(c, bankId, file);
  expect(dry.status).toBe(200);
  const hash = expectedHash(dry);
  expect(hash, plain(dry).slice(0, 2000)).toBeDefined();
  return upload(c, bankId, file, { intent: "confirm", expectedHash: hash! });
}

const row = (
  type: string,
  stem: string,
  options: string[],
  answer: string,
  extra: { tags?: string; difficulty?: string; source?: string; key?: string } = {},
) => [
  type,
  stem,
  ...Array.from({ length: 6 }, (_, i) => options[i] ?? null),
  answer,
  "依据《中国共产党章程》。",
  extra.difficulty ?? "中",
  extra.tags ?? "党章",
  extra.source ?? null,
  extra.key ?? null,
];

type QuestionRow = {
  key: string;
  type: string;
  stem: string;
  options: string | null;
  answer: string;
  explanation: string;
  difficulty: number;
  tags: string;
  source: string | null;
};
const questionsOf = (bankId: number) =>
  server.factory.db
    .prepare("SELECT key, type, stem, options, answer, explanation, difficulty, tags, source FROM Question WHERE bankId = ? AND archivedAt IS NULL ORDER BY id")
    .all(bankId) as QuestionRow[];

describe("access", () => {
  it("shows a trainer the banks of their college with counts per type, and the nav link", async () => {
    const c = await as("T001");
    const res = await c.get("/manage/banks");
    expect(res.status).toBe(200);
    const html = plain(res);
    expect(html).toContain("计院党章题库");
    expect(html).not.toContain("机械学院题库");
    expect(html).toContain('href="/manage/banks"');
  });

  it("refuses a learner", async () => {
    const c = await as("L001");
    expect((await c.get("/manage/banks")).status).toBe(403);
    expect((await c.get(`/manage/banks/${csBankId}`)).status).toBe(403);
  });

  it("refuses a trainer the bank of another college, its export and its import", async () => {
    const c = await as("T001");
    expect((await c.get(`/manage/banks/${meBankId}`)).status).toBe(403);
    expect((await c.get(`/manage/banks/${meBankId}/export`)).status).toBe(403);
    expect((await upload(c, meBankId, await xlsx([row("判断", "越权导入？", [], "对")]))).status).toBe(403);
    expect(questionCount(meBankId)).toBe(1);
    expect((await c.get("/manage/banks/999999")).status).toBe(404);
  });

  it("creates a bank only under a unit in scope", async () => {
    const c = await as("T001");
    const other = server.factory.db.prepare("SELECT id FROM OrgUnit WHERE name = '机械学院党委'").get() as { id: number };
    expect((await c.post("/manage/banks", { unitId: String(other.id), title: "越权题库" })).status).toBe(403);
    const res = await c.post("/manage/banks", { unitId: String(cs.id), title: "新建题库", slug: "cs-new" });
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/manage\/banks\/\d+$/);
    const again = await c.post("/manage/banks", { unitId: String(cs.id), title: "重复编号", slug: "cs-new" });
    expect(again.status).toBe(400);
    expect(plain(again)).toContain("编号 cs-new 已被其他题库使用");
  });
});

describe("Excel import", () => {
  it("lists the problems of every broken row in Chinese and writes nothing", async () => {
    const c = await as("T001");
    const before = questionCount();
    const file = await xlsx([
      row("问答", "什么是党性？", [], "略"),
      row("单选", "党员的预备期为？", ["半年", "一年"], "C"),
      row("单选", "预备党员的预备期为多长时间？", ["半年", "一年"], "B"),
      row("多选", "重复的题干？", ["甲", "乙", "丙"], "AB"),
      row("多选", "重复的题干？", ["甲", "乙", "丙"], "AC"),
      row("填空", "没有空的填空题", [], "一年"),
      row("判断", "", [], "对", { tags: "" }),
      row("判断", "党员有退党的自由。", [], "对"),
    ]);
    const res = await upload(c, csBankId, file);
    expect(res.status).toBe(200);
    const html = plain(res);
    expect(html).toContain("共 8 行，7 行有问题");
    expect(html).toContain("A 列「题型」：“问答”无法识别，可填：单选、多选、判断、填空");
    expect(html).toContain("I 列「答案」：C 不在选项中");
    expect(html).toContain("B 列「题干」：题库中已有相同题干的题目");
    expect(html).toContain("B 列「题干」：与第 6 行重复");
    expect(html).toContain("B 列「题干」：填空题题干中没有空，请用 ＿＿ 或 ____ 标出");
    expect(html).toContain("B 列「题干」：必填");
    expect(html).not.toContain('value="confirm"');
    expect(questionCount()).toBe(before);

    // A confirmation goes through the same checks, whatever hash it brings.
    const forced = await upload(c, csBankId, file, { intent: "confirm", expectedHash: "a".repeat(64) });
    expect(forced.status).toBe(400);
    expect(plain(forced)).toContain("所选文件与预检时的文件不一致，请重新预检");
    expect(questionCount()).toBe(before);
  });

  it("imports every row of a clean file, after a dry run, in one go", async () => {
    const c = await as("T001");
    const before = questionCount(csBankId);
    const file = await xlsx([
      row("单选", "党的最高领导机关是？", ["全国代表大会和中央委员会", "中央政治局"], "A", { source: "《中国共产党章程》第十条" }),
      row("多选", "“四个自信”包括？", ["道路自信", "理论自信", "制度自信", "文化自信"], "A,B,C,D", { difficulty: "难", tags: "四个自信、理论" }),
      row("判断", "党员有退党的自由。", [], "√", { difficulty: "易" }),
      row("填空", "预备党员的预备期为＿＿。", [], "一年｜1年", { key: "cs-fill-1" }),
    ]);
    const dry = await upload(c, csBankId, file);
    expect(plain(dry)).toContain("共 4 行，0 行有问题");
    expect(questionCount(csBankId)).toBe(before);
    const res = await upload(c, csBankId, file, { intent: "confirm", expectedHash: expectedHash(dry)! });
    expect(res.status).toBe(200);
    expect(plain(res)).toContain("已导入 4 道题目");
    expect(questionCount(csBankId)).toBe(before + 4);
    const stored = questionsOf(csBankId);
    expect(stored.map((q) => q.key)).toEqual(["cs-basics-x001", "cs-basics-x002", "cs-basics-x003", "cs-basics-x004", "cs-fill-1"]);
    expect(stored[2]).toMatchObject({ type: "multiple", answer: '["A","B","C","D"]', difficulty: 3, tags: '["四个自信","理论"]' });
    expect(stored[4]).toMatchObject({ type: "fill", answer: '["一年","1年"]', options: null });

    // The same file again: every stem is now in the bank.
    const again = await upload(c, csBankId, file);
    expect(plain(again)).toContain("共 4 行，4 行有问题");
    const audits = server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'bank.import'").get() as { n: number };
    expect(audits.n).toBe(1);
  });

  it("exports a bank that imports into a new bank as the same questions", async () => {
    const c = await as("T001");
    const exported = await c.download(`/manage/banks/${csBankId}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain("spreadsheetml");
    const bytes = new Uint8Array(exported.bytes);
    const sheet = await readSheet(exported.bytes);
    expect(sheet[0]).toEqual(HEADER);

    const created = await c.post("/manage/banks", { unitId: String(cs.id), title: "导入副本", slug: "cs-copy" });
    const copyId = Number(created.location!.split("/").pop());
    const res = await importAll(c, copyId, bytes);
    expect(res.status).toBe(200);
    expect(questionsOf(copyId)).toEqual(questionsOf(csBankId));
  });

  it("gives a template with an example row per type and a 填写说明 sheet", async () => {
    const c = await as("T001");
    const res = await c.download("/manage/banks/import-template");
    expect(res.status).toBe(200);
    const buf = res.bytes;
    const sheet = await readSheet(buf);
    expect(sheet[0]).toEqual(HEADER);
    expect(sheet.slice(1).map((r) => r[0])).toEqual(["单选", "多选", "判断", "填空"]);
    const notes = await readSheet(buf, "填写说明");
    expect(notes.flat()).toContain("题型");
    // Left in, the example rows are refused rather than imported.
    const dry = await upload(c, csBankId, new Uint8Array(buf));
    expect(plain(dry)).toContain("这是模板中的示例行，请删除后再导入");
  });
});

describe("editing", () => {
  it("adds a question, edits it, and refuses an invalid one with the reason beside the field", async () => {
    const c = await as("T001");
    const base = {
      intent: "save",
      questionId: "",
      type: "judge",
      stem: "党的纪律是党的各级组织和全体党员必须遵守的行为规则。",
      answerJudge: "true",
      explanation: "《中国共产党章程》第四十条。",
      difficulty: "2",
      tags: "纪律",
      source: "",
    };
    const created = await c.post(`/manage/banks/${csBankId}`, base);
    expect(created.status).toBe(302);
    const q = server.factory.db.prepare("SELECT id, key, answer FROM Question WHERE stem = ?").get(base.stem) as { id: number; key: string; answer: string };
    expect(q.key).toBe("cs-basics-x005");
    expect(q.answer).toBe("true");

    const edited = await c.post(`/manage/banks/${csBankId}`, {
      ...base,
      questionId: String(q.id),
      type: "single",
      optionA: "正确",
      optionB: "错误",
      answerSingle: "A",
      difficulty: "3",
    });
    expect(edited.status).toBe(302);
    expect(server.factory.db.prepare("SELECT type, answer, options, difficulty, key FROM Question WHERE id = ?").get(q.id)).toEqual({
      type: "single",
      answer: '"A"',
      options: '{"A":"正确","B":"错误"}',
      difficulty: 3,
      key: "cs-basics-x005",
    });

    const bad = await c.post(`/manage/banks/${csBankId}`, { ...base, questionId: String(q.id), type: "fill", answerFill: "规则" });
    expect(bad.status).toBe(400);
    expect(plain(bad)).toContain("填空题题干中没有空，请用 ＿＿ 或 ____ 标出");

    const page = await c.get(`/manage/banks/${csBankId}?edit=${q.id}`);
    expect(page.status).toBe(200);
    expect(plain(page)).toContain("编辑题目 cs-basics-x005");
    expect((await c.get(`/manage/banks/${csBankId}?type=single&difficulty=3&q=${encodeURIComponent("纪律")}`)).text).toContain("cs-basics-x005");
  });

  it("archives an answered question and deletes one never answered", async () => {
    const c = await as("T001");
    const db = server.factory.db;
    const now = new Date().toISOString().replace("Z", "+00:00");
    const answered = insertQuestion(csBankId, "cs-answered", "被作答过的题？");
    const fresh = insertQuestion(csBankId, "cs-fresh", "从未作答的题？");
    const person = (db.prepare("SELECT id FROM Person WHERE number = 'L001'").get() as { id: number }).id;
    const quiz = Number(
      db.prepare("INSERT INTO Quiz (title, unitId, createdById, updatedAt) VALUES ('测验', ?, ?, ?)").run(cs.id, person, now).lastInsertRowid,
    );
    const attempt = Number(
      db.prepare("INSERT INTO QuizAttempt (quizId, personId, number, seed, maxMark) VALUES (?, ?, 1, 's', 100)").run(quiz, person).lastInsertRowid,
    );
    db.prepare("INSERT INTO AttemptItem (attemptId, position, questionId, maxMark) VALUES (?, 1, ?, 100)").run(attempt, answered);

    const a = await c.post(`/manage/banks/${csBankId}`, { intent: "archive", questionId: String(answered) });
    expect(a.status).toBe(200);
    expect(plain(a)).toContain("已归档");
    expect((db.prepare("SELECT archivedAt FROM Question WHERE id = ?").get(answered) as { archivedAt: string | null }).archivedAt).not.toBeNull();
    const d = await c.post(`/manage/banks/${csBankId}`, { intent: "archive", questionId: String(fresh) });
    expect(plain(d)).toContain("已删除");
    expect(db.prepare("SELECT id FROM Question WHERE id = ?").get(fresh)).toBeUndefined();

    expect(plain(await c.get(`/manage/banks/${csBankId}?archived=1`))).toContain("被作答过的题？");
    // A question of another bank is not reached through this one.
    const foreign = (db.prepare("SELECT id FROM Question WHERE bankId = ?").get(meBankId) as { id: number }).id;
    expect((await c.post(`/manage/banks/${csBankId}`, { intent: "archive", questionId: String(foreign) })).status).toBe(400);
    expect(db.prepare("SELECT archivedAt FROM Question WHERE id = ?").get(foreign)).toEqual({ archivedAt: null });
  });
});

describe("the question list pages as the management tables do (decision 065)", () => {
  it("numbers its pages, takes a page size from 20/50/100, shows the last page past the end and refuses a bad size", async () => {
    const bankId = insertBank("cs-paging", "计院分页题库", cs.id);
    for (let i = 1; i <= 45; i++) insertQuestion(bankId, `cs-paging-${String(i).padStart(3, "0")}`, `分页第${i}题？`);
    const c = await as("T001");
    const keys = (html: string) => [...html.matchAll(/<span class="font-mono">(cs-paging-\d+)<\/span>/g)].map((m) => m[1]);
    const key = (i: number) => `cs-paging-${String(i).padStart(3, "0")}`;
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => key(from + i));

    const p2 = await c.get(`/manage/banks/${bankId}?page=2`);
    expect(p2.status).toBe(200);
    expect(keys(p2.text)).toEqual(range(21, 40));
    const text = p2.text.replaceAll("<!-- -->", "");
    expect(text).toContain("第 2 / 3 页");
    expect(p2.text).toMatch(/aria-current="page"[^>]*>2</);
    expect(p2.text).toMatch(/aria-label="第 3 页"/);
    expect(p2.text).toMatch(/>首页</);
    expect(keys((await c.get(`/manage/banks/${bankId}?size=50`)).text)).toEqual(range(1, 45));
    expect(keys((await c.get(`/manage/banks/${bankId}?page=999`)).text)).toEqual(range(41, 45));
    // The filter form keeps the page size.
    expect((await c.get(`/manage/banks/${bankId}?size=50`)).text).toContain('type="hidden" name="size" value="50"');
    const bad = await c.get(`/manage/banks/${bankId}?size=7`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("每页条数只能是 20、50、100");
  });
});

describe("content/banks sync", () => {
  it("brings the bank files in once: a second run changes nothing; a removed question is archived", async () => {
    fs.copyFileSync(TEMPLATE_DB, syncDbFile);
    const f = openFactory(syncDbFile);
    const { syncContentBanks } = await import("../../app/.server/quiz/banks");
    const { rawDb } = await import("../../app/.server/db");

    expect((await syncContentBanks()).warnings).toEqual(["尚未建立党组织，题库文件暂不导入"]);
    f.unit({ name: "党委", kind: "committee" });

    const first = await syncContentBanks();
    expect(first).toMatchObject({ files: 3, unchanged: 0, banksCreated: 3, questionsArchived: 0, warnings: [] });
    expect(first.questionsAdded).toBeGreaterThanOrEqual(150);
    const snapshot = () => f.db.prepare("SELECT bankId, key, stem, answer, archivedAt, updatedAt FROM Question ORDER BY id").all();
    const before = snapshot();

    const second = await syncContentBanks();
    expect(second).toEqual({
      files: 3,
      unchanged: 3,
      banksCreated: 0,
      banksUpdated: 0,
      questionsAdded: 0,
      questionsUpdated: 0,
      questionsArchived: 0,
      warnings: [],
    });
    expect(snapshot()).toEqual(before);

    // A changed file: one question dropped, one edited.
    const dir = path.join(TMP, `banks-${process.pid}-${Date.now()}`);
    fs.cpSync(path.resolve("content/banks"), dir, { recursive: true });
    const file = path.join(dir, "party-basics.yaml");
    const text = fs.readFileSync(file, "utf8");
    const dropped = text.replace(/\n {2}- id: pb-002\n[\s\S]*?(?=\n {2}- id: pb-003)/, "\n").replace("在哪里开幕？", "在哪座城市开幕？");
    fs.writeFileSync(file, dropped);
    const third = await syncContentBanks({ dir });
    expect(third).toMatchObject({ unchanged: 2, banksUpdated: 1, questionsAdded: 0, questionsUpdated: 1, questionsArchived: 1 });
    expect(await syncContentBanks({ dir })).toMatchObject({ unchanged: 3, questionsUpdated: 0, questionsArchived: 0 });
    expect(f.db.prepare("SELECT archivedAt IS NOT NULL AS archived FROM Question WHERE key = 'pb-002'").get()).toEqual({ archived: 1 });

    // Back to the original file: the question returns.
    expect(await syncContentBanks()).toMatchObject({ banksUpdated: 1, questionsUpdated: 2, questionsArchived: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
    rawDb().close();
    f.close();
  });
});
