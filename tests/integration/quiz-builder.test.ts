import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UnitRow } from "../factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The quiz builder: settings with Chinese validation, slots, audiences, publishing checks, the
// paper frozen once attempts exist, and scope.

let server: TestServer;
const ids: Record<string, number> = {};
let collegeA: UnitRow;
const PASSWORD = "Passw0rd1";
const now = () => new Date().toISOString().replace("Z", "+00:00");

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  const a = f.unit({ name: "甲学院党委", kind: "college", parent: root });
  const b = f.unit({ name: "乙学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, a: a.id, b: b.id });
  collegeA = a;
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: key, unitId, category: "staff", politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
  };
  await person("trainerA", a.id);
  f.grant(ids.trainerA, "trainer", a.id);
  await person("trainerB", b.id);
  f.grant(ids.trainerB, "trainer", b.id);
  await person("learner", a.id);
  const bank = f.db
    .prepare("INSERT INTO QuestionBank (slug, title, unitId, createdAt, updatedAt) VALUES ('demo', '党章题库', ?, ?, ?)")
    .run(root.id, now(), now()).lastInsertRowid;
  ids.bank = Number(bank);
  const q = f.db.prepare(
    "INSERT INTO Question (bankId, key, type, stem, options, answer, explanation, difficulty, tags, createdAt, updatedAt) VALUES (?, ?, 'single', ?, ?, '\"A\"', '依据党章', 1, ?, ?, ?)",
  );
  for (let i = 1; i <= 6; i++) {
    const id = q.run(
      ids.bank,
      `q-${i}`,
      `党章第${i}题`,
      JSON.stringify({ A: "甲", B: "乙" }),
      JSON.stringify(i <= 3 ? ["党章", "义务"] : ["党章"]),
      now(),
      now(),
    ).lastInsertRowid;
    ids[`q${i}`] = Number(id);
  }
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

let quizUrl = "";

describe("the quiz builder", () => {
  it("creates a draft quiz in the trainer's unit", async () => {
    const c = await as("trainerA");
    const res = await c.post("/manage/quizzes", { title: "两学一做测试", unitId: String(ids.a) });
    expect(res.status).toBe(302);
    quizUrl = res.location!;
    expect(quizUrl).toMatch(/^\/manage\/quizzes\/\d+$/);
    const page = await c.get(quizUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain("两学一做测试");
    expect(page.text).toContain("草稿");
  });

  it("refuses settings that make no sense, in Chinese, and keeps the old ones", async () => {
    const c = await as("trainerA");
    const res = await c.post(quizUrl, {
      intent: "settings",
      title: "两学一做测试",
      opensAt: "2026-12-10T09:00",
      closesAt: "2026-12-01T09:00",
      maxAttempts: "0",
      gradeMethod: "highest",
      passPercent: "180",
      reviewPolicy: "after_submit",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("截止时间须晚于开始时间");
    expect(res.text).toContain("至少允许作答 1 次");
    expect(res.text).toContain("及格线在 0 到 100 之间");
    const ok = await c.post(quizUrl, {
      intent: "settings",
      title: "两学一做测试",
      opensAt: "",
      closesAt: "2099-12-01T18:00",
      timeLimitMin: "30",
      maxAttempts: "2",
      gradeMethod: "highest",
      passPercent: "80",
      reviewPolicy: "after_submit",
      shuffleQuestions: "on",
      creditHours: "0.5",
    });
    expect(ok.status).toBe(200);
    const row = server.factory.db.prepare("SELECT timeLimitSec, maxAttempts, passPercent, creditHours, closesAt, shuffleOptions FROM Quiz").get() as Record<
      string,
      unknown
    >;
    expect(row).toMatchObject({ timeLimitSec: 1800, maxAttempts: 2, passPercent: 80, creditHours: 50, shuffleOptions: 0 });
    expect(String(row.closesAt)).toContain("2099-12-01T10:00:00");
  });

  it("offers the learner's layout, keeps it when a form does not send it, and refuses a word it does not know", async () => {
    const c = await as("trainerA");
    const settings = {
      intent: "settings",
      title: "两学一做测试",
      opensAt: "",
      closesAt: "2099-12-01T18:00",
      timeLimitMin: "30",
      maxAttempts: "2",
      gradeMethod: "highest",
      passPercent: "80",
      reviewPolicy: "after_submit",
      shuffleQuestions: "on",
      creditHours: "0.5",
    };
    const layout = () => (server.factory.db.prepare("SELECT layout FROM Quiz").get() as { layout: string }).layout;
    expect((await c.get(quizUrl)).text).toContain("逐题作答（一屏一题）");
    const bad = await c.post(quizUrl, { ...settings, layout: "scroll" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("请选择作答方式");
    expect(layout()).toBe("page");
    expect((await c.post(quizUrl, { ...settings, layout: "single" })).status).toBe(200);
    expect(layout()).toBe("single");
    expect((await c.post(quizUrl, settings)).status).toBe(200);
    expect(layout()).toBe("single");
  });

  it("refuses a draw larger than its pool and publishing without a paper or an audience", async () => {
    const c = await as("trainerA");
    expect((await c.post(quizUrl, { intent: "publish" })).text).toContain("试卷还没有题目");
    const tooMany = await c.post(quizUrl, { intent: "slot-add", kind: "draw", bankId: String(ids.bank), tag: "义务", count: "4", mark: "5" });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain("符合条件的题目只有 3 道");
    expect((await c.post(quizUrl, { intent: "slot-add", kind: "draw", bankId: String(ids.bank), tag: "义务", count: "3", mark: "5" })).status).toBe(200);
    expect((await c.post(quizUrl, { intent: "slot-add", kind: "fixed", questionId: String(ids.q5), mark: "10" })).status).toBe(200);
    const dup = await c.post(quizUrl, { intent: "slot-add", kind: "fixed", questionId: String(ids.q5), mark: "10" });
    expect(dup.text).toContain("该题目已在试卷中");
    expect((await c.post(quizUrl, { intent: "publish" })).text).toContain("还没有指定参加范围");
  });

  it("invites only units in the trainer's scope, then publishes", async () => {
    const c = await as("trainerA");
    expect((await c.post(quizUrl, { intent: "audience-add", unitId: String(ids.b), politicalStatus: "" })).status).toBe(403);
    expect((await c.post(quizUrl, { intent: "audience-add", unitId: String(ids.a), politicalStatus: "member" })).status).toBe(200);
    const res = await c.post(quizUrl, { intent: "publish" });
    expect(res.status).toBe(200);
    expect(res.text).toContain("测试已发布");
    const page = await c.get(quizUrl);
    expect(page.text).toContain("共 <!-- -->4<!-- --> 题，满分 <!-- -->25<!-- --> 分");
  });

  it("freezes the paper once somebody has started", async () => {
    const quizId = Number(quizUrl.split("/").pop());
    server.factory.db
      .prepare("INSERT INTO QuizAttempt (quizId, personId, number, state, seed, startedAt, maxMark) VALUES (?, ?, 1, 'in_progress', 's', ?, 2500)")
      .run(quizId, ids.learner, now());
    const c = await as("trainerA");
    const res = await c.post(quizUrl, { intent: "slot-add", kind: "fixed", questionId: String(ids.q6), mark: "5" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("试卷题目不能再修改");
  });

  it("keeps other units' trainers and learners out", async () => {
    expect((await (await as("trainerB")).get(quizUrl)).status).toBe(403);
    expect((await (await as("trainerB")).post(quizUrl, { intent: "archive" })).status).toBe(403);
    expect((await (await as("learner")).get("/manage/quizzes")).status).toBe(403);
    expect((await (await as("trainerA")).get("/manage/quizzes/999999")).status).toBe(403);
    const status = server.factory.db.prepare("SELECT status FROM Quiz").get() as { status: string };
    expect(status.status).toBe("published");
  });

  it("builds a paper only from banks of the quiz's unit, above it or below it, whatever ids the form names", async () => {
    const f = server.factory;
    const bankOf = (slug: string, unitId: number) => {
      const bankId = Number(
        f.db
          .prepare("INSERT INTO QuestionBank (slug, title, unitId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)")
          .run(slug, `题库${slug}`, unitId, now(), now()).lastInsertRowid,
      );
      const questionId = Number(
        f.db
          .prepare(
            "INSERT INTO Question (bankId, key, type, stem, options, answer, explanation, difficulty, tags, createdAt, updatedAt) VALUES (?, 'k1', 'single', ?, ?, '\"B\"', '答案解析', 1, '[]', ?, ?)",
          )
          .run(bankId, `${slug}的保密题`, JSON.stringify({ A: "甲", B: "乙" }), now(), now()).lastInsertRowid,
      );
      return { bankId, questionId };
    };
    const foreign = bankOf("b-only", ids.b);
    const branch = f.unit({ name: "甲学院第一党支部", kind: "branch", branchType: "student", parent: collegeA });
    const below = bankOf("a-branch", branch.id);

    const c = await as("trainerA");
    const created = await c.post("/manage/quizzes", { title: "只用本组织题库", unitId: String(ids.a) });
    const url = created.location!;
    const quizId = Number(url.split("/").pop());
    const fixed = await c.post(url, { intent: "slot-add", kind: "fixed", questionId: String(foreign.questionId), mark: "5" });
    expect(fixed.status).toBe(400);
    expect(fixed.text).toContain("不能使用其他党组织题库中的题目");
    const draw = await c.post(url, { intent: "slot-add", kind: "draw", bankId: String(foreign.bankId), count: "1", mark: "5" });
    expect(draw.status).toBe(400);
    expect(draw.text).toContain("不能使用其他党组织的题库");
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM QuizSlot WHERE quizId = ?").get(quizId)).toEqual({ n: 0 });
    // Nothing of the other college's bank reached the page either.
    expect((await c.get(`${url}?q=${encodeURIComponent("保密题")}`)).text).not.toContain("b-only的保密题");

    // The college's own branch bank and the school's bank are within reach.
    expect((await c.post(url, { intent: "slot-add", kind: "fixed", questionId: String(below.questionId), mark: "5" })).status).toBe(200);
    expect((await c.post(url, { intent: "slot-add", kind: "draw", bankId: String(below.bankId), count: "1", mark: "5" })).status).toBe(200);
    expect((await c.post(url, { intent: "slot-add", kind: "draw", bankId: String(ids.bank), count: "1", mark: "5" })).status).toBe(200);
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM QuizSlot WHERE quizId = ?").get(quizId)).toEqual({ n: 3 });
  });
});
