import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The contest builder against the real server: creating a draft, settings with Chinese validation,
// sections drawn from a bank, audiences within the trainer's scope, the publishing checks, the paper
// frozen once somebody has an entry, and another college's trainer kept out.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const qf = openQuizFactory(f.db);
  const root = f.unit({ name: "竞赛大学党委", kind: "committee" });
  const a = f.unit({ name: "甲学院党委", kind: "college", parent: root });
  const b = f.unit({ name: "乙学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, a: a.id, b: b.id });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, category: "staff", politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
  };
  await person("trainerA", a.id);
  f.grant(ids.trainerA, "trainer", a.id);
  await person("trainerB", b.id);
  f.grant(ids.trainerB, "trainer", b.id);
  await person("learner", a.id);
  // Six questions at the root: three tagged 义务, two of difficulty 3; one archived (never drawn).
  ids.bank = qf.bank({ slug: "contest-bank", title: "党史题库", unitId: root.id });
  for (let i = 1; i <= 6; i++) {
    ids[`q${i}`] = qf.question(
      ids.bank,
      `c-${i}`,
      { type: "judge", stem: `党史第${i}题`, answer: true },
      { tags: i <= 3 ? ["党史", "义务"] : ["党史"], difficulty: i >= 5 ? 3 : 1 },
    );
  }
  f.db.prepare("UPDATE Question SET archivedAt = ? WHERE id = ?").run(new Date().toISOString().replace("Z", "+00:00"), ids.q6);
  // 乙学院's own bank: not for 甲学院's contests.
  ids.bankB = qf.bank({ slug: "b-bank", title: "乙学院题库", unitId: b.id });
  qf.question(ids.bankB, "b-1", { type: "judge", stem: "乙学院内部题", answer: true });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const row = (contestId: number) =>
  server.factory.db.prepare("SELECT title, status, opensAt, closesAt, timeLimitSec, creditHours FROM Contest WHERE id = ?").get(contestId) as Record<
    string,
    unknown
  >;
const sectionCount = (contestId: number) =>
  (server.factory.db.prepare("SELECT COUNT(*) AS n FROM ContestSection WHERE contestId = ?").get(contestId) as { n: number }).n;

let url = "";
let contestId = 0;

describe("the contest builder", () => {
  it("creates a draft contest in the trainer's unit and lists it", async () => {
    const c = await as("trainerA");
    expect((await c.post("/manage/contests", { title: "", unitId: String(ids.a) })).text).toContain("请填写竞赛名称");
    const res = await c.post("/manage/contests", { title: "党史知识竞赛", unitId: String(ids.a) });
    expect(res.status).toBe(302);
    url = res.location!;
    expect(url).toMatch(/^\/manage\/contests\/\d+$/);
    contestId = Number(url.split("/").pop());
    expect(row(contestId)).toMatchObject({ title: "党史知识竞赛", status: "draft", timeLimitSec: 1800 });
    const page = await c.get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain("党史知识竞赛");
    expect(page.text).toContain("草稿");
    expect((await c.get("/manage/contests")).text).toContain(`href="${url}"`);
  });

  it("refuses a contest in another college", async () => {
    const c = await as("trainerA");
    expect((await c.post("/manage/contests", { title: "越权竞赛", unitId: String(ids.b) })).status).toBe(403);
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM Contest WHERE title = '越权竞赛'").get()).toEqual({ n: 0 });
  });

  it("refuses settings that make no sense, in Chinese, and keeps the old ones", async () => {
    const c = await as("trainerA");
    const before = row(contestId);
    const res = await c.post(url, { intent: "settings", title: "改名", opensAt: "2099-12-10T09:00", closesAt: "2099-12-01T09:00", timeLimitMin: "0" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("截止时间须晚于开始时间");
    expect(res.text).toContain("时长至少 1 分钟");
    expect((await c.post(url, { intent: "settings", title: "改名", opensAt: "", closesAt: "2099-12-01T09:00", timeLimitMin: "20" })).text).toContain(
      "请填写开始时间",
    );
    expect(row(contestId)).toEqual(before);
    const ok = await c.post(url, {
      intent: "settings",
      title: "党史知识竞赛（决赛）",
      opensAt: "2026-01-01T08:00",
      closesAt: "2099-12-01T18:00",
      timeLimitMin: "20",
      creditHours: "0.5",
    });
    expect(ok.status).toBe(200);
    const saved = row(contestId);
    expect(saved).toMatchObject({ title: "党史知识竞赛（决赛）", timeLimitSec: 1200, creditHours: 50 });
    // Beijing time in the form, UTC in the database.
    expect(String(saved.opensAt)).toContain("2026-01-01T00:00:00");
    expect(String(saved.closesAt)).toContain("2099-12-01T10:00:00");
  });

  it("refuses a section its pool cannot fill (archived questions do not count) and another college's bank", async () => {
    const c = await as("trainerA");
    const tooMany = await c.post(url, { intent: "section-add", bankId: String(ids.bank), tag: "", difficulty: "3", count: "2", points: "5" });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain("符合条件的题目只有 1 道，不够抽取 2 道");
    const foreign = await c.post(url, { intent: "section-add", bankId: String(ids.bankB), tag: "", difficulty: "", count: "1", points: "5" });
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain("不能使用其他党组织的题库");
    expect(sectionCount(contestId)).toBe(0);
  });

  it("refuses to publish without a paper, without an audience, or with a pool that shrank", async () => {
    const c = await as("trainerA");
    expect((await c.post(url, { intent: "publish" })).text).toContain("试卷还没有题目");
    expect((await c.post(url, { intent: "section-add", bankId: String(ids.bank), tag: "义务", difficulty: "", count: "3", points: "10" })).status).toBe(200);
    expect((await c.post(url, { intent: "section-add", bankId: String(ids.bank), tag: "", difficulty: "", count: "1", points: "5" })).status).toBe(200);
    expect((await c.post(url, { intent: "publish" })).text).toContain("还没有指定参赛范围");
    expect((await c.post(url, { intent: "audience-add", unitId: String(ids.a), politicalStatus: "member" })).status).toBe(200);
    // A question of the 义务 pool archived after the section was added: 2 left for 3 draws.
    server.factory.db.prepare("UPDATE Question SET archivedAt = ? WHERE id = ?").run(new Date().toISOString().replace("Z", "+00:00"), ids.q3);
    const shrunk = await c.post(url, { intent: "publish" });
    expect(shrunk.status).toBe(400);
    expect(shrunk.text).toContain("第 1 组只有 2 道可抽的题，不够 3 道");
    server.factory.db.prepare("UPDATE Question SET archivedAt = NULL WHERE id = ?").run(ids.q3);
    expect(row(contestId).status).toBe("draft");
  });

  it("refuses to publish once the closing time has passed", async () => {
    const c = await as("trainerA");
    const db = server.factory.db;
    // After the opening time but already past (the form refuses closing before opening; the row may still say so).
    db.prepare("UPDATE Contest SET closesAt = ? WHERE id = ?").run(new Date(Date.now() - 60_000).toISOString().replace("Z", "+00:00"), contestId);
    expect((await c.post(url, { intent: "publish" })).text).toContain("截止时间已过");
    db.prepare("UPDATE Contest SET closesAt = ? WHERE id = ?").run("2025-12-01T00:00:00.000+00:00", contestId);
    expect((await c.post(url, { intent: "publish" })).text).toContain("截止时间须晚于开始时间");
    expect(row(contestId).status).toBe("draft");
    server.factory.db.prepare("UPDATE Contest SET closesAt = ? WHERE id = ?").run("2099-12-01T10:00:00.000+00:00", contestId);
  });

  it("invites only units in the trainer's scope, then publishes with the paper's totals shown", async () => {
    const c = await as("trainerA");
    expect((await c.post(url, { intent: "audience-add", unitId: String(ids.b), politicalStatus: "" })).status).toBe(403);
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM ContestAudience WHERE contestId = ?").get(contestId)).toEqual({ n: 1 });
    const res = await c.post(url, { intent: "publish" });
    expect(res.status).toBe(200);
    expect(res.text).toContain("竞赛已发布");
    expect(row(contestId).status).toBe("published");
    const page = await c.get(url);
    expect(page.text).toContain("每人 <!-- -->4<!-- --> 题，满分 <!-- -->35<!-- --> 分");
  });

  it("freezes the paper once somebody has an entry, while settings stay editable", async () => {
    openContestFactory(server.factory.db).entry({ contestId, personId: ids.learner, items: [{ questionId: ids.q1, points: 1000 }] });
    const c = await as("trainerA");
    const add = await c.post(url, { intent: "section-add", bankId: String(ids.bank), tag: "", difficulty: "", count: "1", points: "5" });
    expect(add.status).toBe(400);
    expect(add.text).toContain("试卷不能再修改");
    const sectionId = (
      server.factory.db.prepare("SELECT id FROM ContestSection WHERE contestId = ? ORDER BY position LIMIT 1").get(contestId) as { id: number }
    ).id;
    expect((await c.post(url, { intent: "section-remove", id: String(sectionId) })).text).toContain("试卷不能再修改");
    expect(sectionCount(contestId)).toBe(2);
    expect((await c.get(url)).text).toContain("试卷已锁定");
    const later = await c.post(url, {
      intent: "settings",
      title: "党史知识竞赛（决赛）",
      opensAt: "2026-01-01T08:00",
      closesAt: "2099-12-31T18:00",
      timeLimitMin: "20",
    });
    expect(later.status).toBe(200);
    expect(String(row(contestId).closesAt)).toContain("2099-12-31T10:00:00");
  });

  it("keeps other colleges' trainers and learners out", async () => {
    const other = await as("trainerB");
    expect((await other.get(url)).status).toBe(403);
    expect((await other.post(url, { intent: "archive" })).status).toBe(403);
    expect((await other.get("/manage/contests")).text).not.toContain(`href="${url}"`);
    expect((await (await as("learner")).get("/manage/contests")).status).toBe(403);
    expect((await (await as("learner")).get(url)).status).toBe(403);
    expect((await (await as("trainerA")).get("/manage/contests/999999")).status).toBe(403);
    expect(row(contestId).status).toBe("published");
  });

  it("unpublishes and archives", async () => {
    const c = await as("trainerA");
    expect((await c.post(url, { intent: "unpublish" })).text).toContain("撤回为草稿");
    expect(row(contestId).status).toBe("draft");
    expect((await c.post(url, { intent: "archive" })).text).toContain("已归档");
    expect(row(contestId).status).toBe("archived");
    expect((await c.get("/manage/contests")).text).not.toContain(`href="${url}"`);
  });
});
