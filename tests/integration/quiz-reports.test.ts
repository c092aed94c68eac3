import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The trainer's quiz report against the real server, over attempts taken through HTTP as learners
// take them: participation per unit against the eligible people, the score distribution, the
// per-question figures over first attempts, flagged attempts, the Excel export, and the scope: a
// college trainer sees their college only.
//
// The quiz belongs to 文学院 and is open to every 入党积极分子 of the university (a school-level
// trainer set it up), three fixed questions of 10 points: single (key B), true/false (true), fill.

let server: TestServer;
let quizId: number;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

/** Which of the three questions each learner gets right; a wrong single answer is C. */
const TAKERS: Record<string, [boolean, boolean, boolean] | "unanswered-single"> = {
  a1: [true, true, true],
  a2: [true, true, false],
  a3: [true, false, false],
  a4: [false, false, false],
  a7: [true, true, false],
  b1: [true, true, true],
  b2: "unanswered-single", // answers only the true/false question, correctly
  b3: [true, true, false],
  b4: [false, true, true],
  b5: [true, true, true], // the fast one: answers everything within seconds of starting
};

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const qf = openQuizFactory(f.db);
  const root = f.unit({ name: "报表大学党委", kind: "committee" });
  const wen = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const a1 = f.unit({ name: "文学院第一党支部", kind: "branch", branchType: "student", parent: wen });
  const a2 = f.unit({ name: "文学院第二党支部", kind: "branch", branchType: "student", parent: wen });
  const li = f.unit({ name: "理学院党委", kind: "college", parent: root });
  const b1 = f.unit({ name: "理学院学生党支部", kind: "branch", branchType: "student", parent: li });
  Object.assign(ids, { root: root.id, wen: wen.id });
  const person = async (key: string, unitId: number, politicalStatus = "activist", extra: { disabled?: boolean } = {}) => {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId, politicalStatus, ...extra });
    await f.password(ids[key], PASSWORD);
  };
  for (const k of ["a1", "a2", "a3", "a4", "a5", "a6"]) await person(k, a1.id);
  for (const k of ["a7", "a8"]) await person(k, a2.id);
  for (const k of ["b1", "b2", "b3", "b4", "b5"]) await person(k, b1.id);
  await person("m1", a1.id, "member"); // not in the audience
  await person("d1", a1.id, "activist", { disabled: true }); // disabled: not counted as eligible
  await person("TW", wen.id, "member");
  f.grant(ids.TW, "trainer", wen.id);
  await person("TR", root.id, "member");
  f.grant(ids.TR, "trainer", root.id);
  // TR is also the committee's secretary: people:sensitive shows numbers and statuses whole (TW sees them masked).
  f.grant(ids.TR, "secretary", root.id);

  const bank = qf.standardBank({ slug: "report-bank", unitId: root.id, perType: 1 });
  quizId = qf.quiz({
    title: "积极分子知识测验",
    unitId: wen.id,
    createdById: ids.TR,
    opensAt: new Date(Date.now() - HOUR),
    closesAt: new Date(Date.now() + 24 * HOUR),
    timeLimitSec: 1800,
    maxAttempts: 2,
    passPercent: 60,
    shuffleQuestions: false,
    shuffleOptions: false,
    slots: [bank.ids.single[0], bank.ids.judge[0], bank.ids.fill[0]].map((questionId) => ({ questionId, markEach: 1000 })),
    audiences: [{ unitId: root.id, politicalStatus: "activist" }],
  });

  for (const [number, pattern] of Object.entries(TAKERS)) await take(number, pattern, { fast: number === "b5" });
  // a1 takes a second attempt and gets everything wrong: the grade stays 100 (highest), and the
  // question figures still count a1's first attempt only.
  await take("a1", [false, false, false]);
  // a8 starts and leaves the attempt open.
  await start(await as("a8"));
  // Eighteen accounts hashed and seventeen attempts taken through the server: 60 s did not do on PostgreSQL at a load of 20.
}, 120_000);
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

async function start(c: Client) {
  const res = await c.post(`/quizzes/${quizId}`, {});
  expect(res.status).toBe(302);
  return res.location!;
}

async function take(number: string, pattern: (typeof TAKERS)[string], { fast = false } = {}) {
  const c = await as(number);
  const url = await start(c);
  const attemptId = Number(url.split("/").pop());
  if (!fast) {
    // As if the learner had spent ten minutes reading: the answers below are then plausible.
    server.factory.db
      .prepare("UPDATE QuizAttempt SET startedAt = ? WHERE id = ?")
      .run(new Date(Date.now() - 10 * 60_000).toISOString().replace("Z", "+00:00"), attemptId);
  }
  const answers: (string | null)[] =
    pattern === "unanswered-single" ? [null, "true", null] : [pattern[0] ? "B" : "C", pattern[1] ? "true" : "false", pattern[2] ? "三会一课" : "两学一做"];
  for (const [i, value] of answers.entries()) {
    if (value === null) continue;
    const res = await c.post(url, { intent: "save", position: String(i + 1), [`q${i + 1}`]: value });
    expect(res.status).toBe(200);
  }
  expect((await c.post(url, { intent: "submit" })).status).toBe(302);
}

/** The page's text without tags, spaces collapsed, for reading it as a person does. */
const plain = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<!--.*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

/** A table row of the participation table, by its unit name: the numbers as shown. */
function unitRow(html: string, unitName: string): string[] {
  const table = /data-testid="participation"[\s\S]*?<\/table>/.exec(html)![0];
  const row = [...table.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((r) => r.includes(`>${unitName}<`));
  if (!row) return [];
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => plain(m[1]).trim());
}

describe("the quiz report", () => {
  it("shows a school trainer participation per unit against the eligible people, rolled up", async () => {
    const page = await (await as("TR")).get(`/manage/quizzes/${quizId}/report`);
    expect(page.status).toBe(200);
    // eligible, took, rate, passed, mean — a8's open attempt is not a grade; m1 and d1 are not eligible.
    expect(unitRow(page.text, "文学院第一党支部")).toEqual(["6", "4", "66.7%", "2", "50"]);
    expect(unitRow(page.text, "文学院第二党支部")).toEqual(["2", "1", "50.0%", "1", "66.6"]);
    expect(unitRow(page.text, "文学院党委")).toEqual(["8", "5", "62.5%", "3", "53.3"]);
    expect(unitRow(page.text, "理学院学生党支部")).toEqual(["5", "5", "100.0%", "4", "73.3"]);
    expect(unitRow(page.text, "报表大学党委")).toEqual(["13", "10", "76.9%", "7", "63.3"]);
    expect(plain(page.text)).toContain("1 人正在作答");
  });

  it("gives the score distribution of the grades that count", async () => {
    const page = plain((await (await as("TR")).get(`/manage/quizzes/${quizId}/report`)).text);
    // Grades: 100 ×3 (a1 keeps their highest), 66.6 ×4, 33.3 ×2 (a3, b2), 0 ×1 (a4).
    expect(page).toContain("10 人有成绩");
    expect(page).toMatch(/90–100 3 人/);
    expect(page).toMatch(/60–69 4 人/);
    expect(page).toMatch(/30–39 2 人/);
    expect(page).toMatch(/0–9 1 人/);
    expect(page).toContain("通过 7 人（70.0%）");
  });

  it("ranks the questions hardest first, over first attempts, with discrimination and the common wrong answer", async () => {
    const page = await (await as("TR")).get(`/manage/quizzes/${quizId}/report`);
    const table = /data-testid="question-stats"[\s\S]*?<\/table>/.exec(page.text)![0];
    const rows = [...table.matchAll(/<tr[\s\S]*?<\/tr>/g)].slice(1).map((m) => plain(m[0]).trim());
    expect(rows).toHaveLength(3);
    // fill: 4 of 10 right; single: 7 of 10 (a1's all-wrong second attempt not counted); judge: 8 of 10.
    expect(rows[0]).toMatch(/填空题第1题.* 10 40\.0%/);
    expect(rows[0]).toContain("两学一做（5 人）");
    expect(rows[1]).toMatch(/单选题第1题.* 10 70\.0%/);
    // Right or wrong on the single question against the rest of the score (the other two, as a fraction):
    // p = 0.7, M₁ = 4.5/7, M₀ = 0.5, s = √0.14, so r = (M₁ − M₀)/s · √(p·q) ≈ 0.175.
    expect(rows[1]).toMatch(/0\.17 区分度较低/);
    expect(rows[1]).toContain("C（2 人）");
    expect(rows[2]).toMatch(/判断题第1题.* 10 80\.0%/);
    // Neither keys nor explanations are part of the report.
    expect(page.text).not.toContain("EXPLAIN-");
  });

  it("lists the implausibly fast attempt with its evidence, and only that one", async () => {
    const page = plain((await (await as("TR")).get(`/manage/quizzes/${quizId}/report`)).text);
    expect(page).toContain("异常作答（1）");
    expect(page).toMatch(/学员b5\s*（b5，理学院学生党支部）第 1 次作答 · 100 分/);
    expect(page).toMatch(/开始后极短时间内完成全部作答：\d+(\.\d)? 秒内作答 3 题/);
  });

  it("limits a college trainer to their college", async () => {
    const page = await (await as("TW")).get(`/manage/quizzes/${quizId}/report`);
    expect(page.status).toBe(200);
    expect(unitRow(page.text, "文学院党委")).toEqual(["8", "5", "62.5%", "3", "53.3"]);
    expect(unitRow(page.text, "理学院学生党支部")).toEqual([]);
    expect(page.text).not.toContain("理学院");
    expect(page.text).not.toContain("学员b5");
    expect(plain(page.text)).toContain("异常作答（0）");
    // Five first attempts are too few to say anything about discrimination.
    expect(plain(page.text)).toContain("样本不足");
  });

  it("exports the same figures, everyone in scope with their grade, as Excel", async () => {
    const c = await as("TR");
    const file = await c.download(`/manage/quizzes/${quizId}/report.xlsx`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("spreadsheetml");
    expect(file.headers.get("cache-control")).toContain("no-store");
    expect(decodeURIComponent(file.headers.get("content-disposition")!)).toContain("积极分子知识测验-统计.xlsx");

    const people = await readSheet(file.bytes, "人员成绩");
    expect(people[0]).toEqual(["学号/工号", "姓名", "党组织", "政治面貌", "作答次数", "成绩", "是否通过", "备注"]);
    const byNumber = new Map(people.slice(1).map((r) => [String(r[0]), r]));
    // Thirteen eligible people, a1 with two attempts and the highest grade, a5 not yet taken.
    expect(byNumber.size).toBe(13);
    expect(byNumber.get("a1")?.slice(4, 7)).toEqual([2, 100, "通过"]);
    expect(byNumber.get("a5")?.slice(4, 7)).toEqual([0, null, "未参加"]);
    expect(byNumber.get("b5")?.[7]).toBe("有作答被标记为异常");
    expect(byNumber.has("m1")).toBe(false);
    expect(byNumber.has("d1")).toBe(false);

    const units = (await readSheet(file.bytes, "参与情况")).map((r) => r.map((x) => (typeof x === "string" ? x.trim() : x)));
    expect(units.find((r) => r[0] === "文学院第一党支部")?.slice(1, 5)).toEqual([6, 4, 66.7, 2]);
    const items = await readSheet(file.bytes, "题目分析");
    expect(items.slice(1).map((r) => r[6])).toEqual([40, 70, 80]);
    const flags = await readSheet(file.bytes, "异常作答");
    expect(flags.slice(1).map((r) => String(r[0]))).toEqual(["b5"]);

    const audited = server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'quiz.export' AND targetId = ?").get(String(quizId)) as {
      n: number;
    };
    expect(audited.n).toBe(1);

    // A college trainer's export holds their college only.
    const own = await (await as("TW")).download(`/manage/quizzes/${quizId}/report.xlsx`);
    const theirs = (await readSheet(own.bytes, "人员成绩")).slice(1);
    expect(theirs.map((r) => String(r[1])).sort()).toEqual(["学员a1", "学员a2", "学员a3", "学员a4", "学员a5", "学员a6", "学员a7", "学员a8"]);
    // A trainer without people:sensitive gets numbers and political status masked.
    expect(new Set(theirs.map((r) => `${r[0]} ${r[3]}`))).toEqual(new Set(["** ***"]));
  });

  it("grades an attempt left open past its deadline before counting it, rather than as someone still answering", async () => {
    const open = server.factory.db
      .prepare("SELECT a.id FROM QuizAttempt a JOIN Person p ON p.id = a.personId WHERE p.number = 'a8' AND a.quizId = ?")
      .get(quizId) as {
      id: number;
    };
    server.factory.db
      .prepare("UPDATE QuizAttempt SET deadlineAt = ? WHERE id = ?")
      .run(new Date(Date.now() - 60_000).toISOString().replace("Z", "+00:00"), open.id);
    // Nobody reads a8's pages: the trainer's report collects it (decision 090).
    const page = plain((await (await as("TR")).get(`/manage/quizzes/${quizId}/report`)).text);
    expect(page).not.toContain("正在作答");
    expect(server.factory.db.prepare("SELECT state FROM QuizAttempt WHERE id = ?").get(open.id)).toEqual({ state: "expired" });
  });

  it("refuses learners and trainers of other units, and unknown quizzes alike", async () => {
    const learner = await as("a1");
    expect((await learner.get(`/manage/quizzes/${quizId}/report`)).status).toBe(403);
    expect((await learner.download(`/manage/quizzes/${quizId}/report.xlsx`)).status).toBe(403);
    const trainer = await as("TW");
    expect((await trainer.get(`/manage/quizzes/999999/report`)).status).toBe(403);
    expect((await trainer.get(`/manage/quizzes/abc/report.xlsx`)).status).toBe(403);
  });
});
