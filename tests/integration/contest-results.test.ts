import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawPrizeWinners } from "~/lib/prize-draw";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// A contest's results against the real server: the individual ranking with ties, names hidden outside
// the viewer's scope unless the person consented, the organisation table worked by hand, the award
// list, the prize draw (refused before the close and while papers are open, reproducible from its
// stored seed and pool, once only), the Excel export, and the scope.
//
// The contest belongs to 甲学院 and is open to the party members of 甲学院 and of 乙学院 (a school
// trainer added 乙学院). Papers are three questions of 10 points: 30 points in all.

let server: TestServer;
let contestId: number;
const ids: Record<string, number> = {};
const entries: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const MINUTE = 60_000;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const qf = openQuizFactory(f.db);
  const cf = openContestFactory(f.db);
  const root = f.unit({ name: "赛事大学党委", kind: "committee" });
  const a = f.unit({ name: "甲学院党委", kind: "college", parent: root });
  const a1 = f.unit({ name: "甲学院第一党支部", kind: "branch", branchType: "student", parent: a });
  const a2 = f.unit({ name: "甲学院第二党支部", kind: "branch", branchType: "student", parent: a });
  const b = f.unit({ name: "乙学院党委", kind: "college", parent: root });
  const b1 = f.unit({ name: "乙学院学生党支部", kind: "branch", branchType: "student", parent: b });
  const c = f.unit({ name: "丙学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, a: a.id, b: b.id, c: c.id, a1: a1.id, a2: a2.id });
  const person = async (key: string, unitId: number, politicalStatus = "member", extra: { disabled?: boolean } = {}) => {
    ids[key] = f.person({ number: key, name: `选手${key}`, unitId, politicalStatus, ...extra });
    await f.password(ids[key], PASSWORD);
  };
  for (const k of ["a1", "a2", "a3", "a4"]) await person(k, a1.id);
  await person("a5", a1.id, "member", { disabled: true }); // disabled: not eligible
  for (const k of ["a6", "a7"]) await person(k, a2.id);
  for (const k of ["b1", "b2", "b4"]) await person(k, b1.id);
  await person("b3", b1.id, "activist"); // not a member: outside the audience
  await person("c1", c.id); // 丙学院 is not invited
  // Trainers are 群众 here so they are nobody's eligible people.
  await person("TA", a.id, "masses");
  f.grant(ids.TA, "trainer", a.id);
  await person("TR", root.id, "masses");
  f.grant(ids.TR, "trainer", root.id);
  await person("TB", b.id, "masses");
  f.grant(ids.TB, "trainer", b.id);

  const bank = qf.standardBank({ slug: "contest-results", unitId: root.id, perType: 1 });
  contestId = cf.contest({
    title: "党史知识竞赛",
    unitId: a.id,
    createdById: ids.TR,
    sections: [{ bankId: bank.bankId, count: 3, pointsEach: 1000 }],
    audiences: [
      { unitId: a.id, politicalStatus: "member" },
      { unitId: b.id, politicalStatus: "member" },
    ],
  });
  const items = [bank.ids.single[0], bank.ids.judge[0], bank.ids.fill[0]].map((questionId) => ({ questionId, points: 1000 }));
  const finished = (key: string, score: number, seconds: number, extra: { state?: "submitted" | "expired"; showName?: boolean } = {}) => {
    const startedAt = new Date(Date.now() - 30 * MINUTE);
    const right = score / 1000;
    entries[key] = cf.entry({
      contestId,
      personId: ids[key],
      items,
      startedAt,
      state: extra.state ?? "submitted",
      finishedAt: new Date(startedAt.getTime() + seconds * 1000),
      score,
      correct: right,
      durationMs: seconds * 1000,
      showName: extra.showName,
      // The first `right` questions answered right, the rest wrong.
      answers: items.map((_, i) => ({ position: i + 1, response: "X", correct: i < right, points: i < right ? 1000 : 0 })),
    });
  };
  finished("a1", 3000, 100);
  finished("a2", 3000, 100, { state: "expired" }); // ties a1: same score, same time
  finished("b1", 3000, 150, { showName: true });
  finished("a3", 2000, 50);
  finished("b2", 2000, 80);
  finished("a6", 1000, 30);
  entries.a4 = cf.entry({ contestId, personId: ids.a4, items }); // still answering
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const url = () => `/manage/contests/${contestId}/results`;
/** The page's text without tags or React's text separators. */
const plain = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
/** The rows of a table on the page (by data-testid) as arrays of cell texts. */
function tableRows(html: string, testId: string): string[][] {
  const table = html.match(new RegExp(`<table[^>]*data-testid="${testId}"[^>]*>([\\s\\S]*?)</table>`))?.[1] ?? "";
  const body = table.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((td) => plain(td[1]).trim()));
}
const setClosesAt = (d: Date) =>
  server.factory.db.prepare("UPDATE Contest SET closesAt = ? WHERE id = ?").run(d.toISOString().replace("Z", "+00:00"), contestId);
const auditCount = (action: string) =>
  (server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = ? AND targetId = ?").get(action, String(contestId)) as { n: number }).n;

describe("contest results", () => {
  it("ranks by score, then time, with full ties sharing a place", async () => {
    const page = await (await as("TR")).get(url());
    expect(page.status).toBe(200);
    expect(tableRows(page.text, "ranking")).toEqual([
      ["1", "选手a1", "甲学院第一党支部", "30/30", "1分40秒"],
      ["1", "选手a2", "甲学院第一党支部", "30/30", "1分40秒"],
      ["3", "选手b1", "乙学院学生党支部", "30/30", "2分30秒"],
      ["4", "选手a3", "甲学院第一党支部", "20/30", "50秒"],
      ["5", "选手b2", "乙学院学生党支部", "20/30", "1分20秒"],
      ["6", "选手a6", "甲学院第二党支部", "10/30", "30秒"],
    ]);
    expect(plain(page.text)).toContain("已完成 6 人，1 人正在答题");
  });

  it("hides the names of people outside the trainer's scope unless they consented", async () => {
    const page = await (await as("TA")).get(url());
    const names = tableRows(page.text, "ranking").map((r) => r[1]);
    expect(names).toEqual(["选手a1", "选手a2", "选手b1", "选手a3", "匿名参赛者", "选手a6"]);
    expect(page.text).not.toContain("选手b2");
  });

  it("compares the colleges by participation rate, then average score", async () => {
    // 甲学院: 6 eligible members (a5 disabled), 4 finished: 66.7 %, (30 + 30 + 20 + 10) ÷ 4 = 22.5.
    // 乙学院: 3 eligible members (b3 is an activist), 2 finished: 66.7 %, (30 + 20) ÷ 2 = 25: ahead on average.
    // 丙学院 is not invited: not listed. Nobody reaches 80 %.
    const page = await (await as("TA")).get(url());
    expect(tableRows(page.text, "organisations")).toEqual([
      ["1", "乙学院党委", "3", "2", "66.7%", "25", ""],
      ["2", "甲学院党委", "6", "4", "66.7%", "22.5", ""],
    ]);
    const lower = await (await as("TA")).get(`${url()}?threshold=60`);
    expect(tableRows(lower.text, "organisations").map((r) => r[6])).toEqual(["★ 获奖", "★ 获奖"]);
    expect((await (await as("TA")).get(`${url()}?threshold=120`)).text).toContain("参与率门槛在 0 到 100 之间");
  });

  it("refuses the draw before the contest closes and while papers are still open", async () => {
    const c = await as("TA");
    const early = await c.post(url(), { intent: "draw", prizes: "2" });
    expect(early.status).toBe(400);
    expect(early.text).toContain("竞赛截止后才能抽奖");
    setClosesAt(new Date(Date.now() - MINUTE));
    const open = await c.post(url(), { intent: "draw", prizes: "2" });
    expect(open.status).toBe(400);
    expect(open.text).toContain("还有 1 份答卷未结束");
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM ContestPrizeDraw").get()).toEqual({ n: 0 });
    expect((await c.post(url(), { intent: "draw", prizes: "0" })).text).toContain("至少抽 1 名");
  });

  it("counts a4's expired paper: 甲学院 reaches 83.3 % and the award, and its branches add up", async () => {
    server.factory.db
      .prepare("UPDATE ContestEntry SET state = 'expired', score = 0, correct = 0, durationMs = 900000, finishedAt = deadlineAt WHERE id = ?")
      .run(entries.a4);
    const c = await as("TA");
    // 甲学院: 5 of 6, (30 + 30 + 20 + 10 + 0) ÷ 5 = 18.
    expect(tableRows((await c.get(url())).text, "organisations")).toEqual([
      ["1", "甲学院党委", "6", "5", "83.3%", "18", "★ 获奖"],
      ["2", "乙学院党委", "3", "2", "66.7%", "25", ""],
    ]);
    // One level down: 第一支部 a1–a4 all took part, (30 + 30 + 20 + 0) ÷ 4 = 20; 第二支部 1 of 2.
    expect(tableRows((await c.get(`${url()}?unit=${ids.a}`)).text, "organisations")).toEqual([
      ["1", "甲学院第一党支部", "4", "4", "100.0%", "20", "★ 获奖"],
      ["2", "甲学院第二党支部", "2", "1", "50.0%", "10", ""],
    ]);
    // A unit outside the audience's tree falls back to the whole tree, never sideways.
    expect(tableRows((await c.get(`${url()}?unit=99999`)).text, "organisations")).toHaveLength(2);
  });

  let drawnWinners: number[] = [];

  it("draws among the perfect papers with a stored seed, and the draw re-runs to the same winners", async () => {
    const c = await as("TA");
    const res = await c.post(url(), { intent: "draw", prizes: "2" });
    expect(res.status).toBe(200);
    expect(res.text).toContain("抽奖完成：从 3 份满分答卷中抽出 2 名");
    const draw = server.factory.db.prepare("SELECT id, seed, pool, winners, createdById FROM ContestPrizeDraw WHERE contestId = ?").get(contestId) as {
      id: number;
      seed: string;
      pool: string;
      winners: string;
      createdById: number;
    };
    expect(draw.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(draw.createdById).toBe(ids.TA);
    const pool = JSON.parse(draw.pool) as number[];
    expect(pool).toEqual([entries.a1, entries.a2, entries.b1].sort((x, y) => x - y));
    drawnWinners = JSON.parse(draw.winners) as number[];
    expect(drawnWinners).toHaveLength(2);
    // Anyone with the published seed and pool gets the same winners.
    expect(drawPrizeWinners(pool, 2, draw.seed)).toEqual(drawnWinners);

    const page = await c.get(url());
    expect(page.text).toContain(draw.seed);
    expect(plain(page.text)).toContain(`号池（3 份满分答卷的参赛编号）：${pool.join("、")}`);
    const check = await c.post(url(), { intent: "recheck", drawId: String(draw.id) });
    expect(check.status).toBe(200);
    expect(check.text).toContain("验证通过");
    expect(auditCount("contest.draw")).toBe(1);

    // Winners changed behind the draw's back: the re-check says so.
    server.factory.db.prepare("UPDATE ContestPrizeDraw SET winners = ? WHERE id = ?").run(JSON.stringify([...drawnWinners].reverse()), draw.id);
    const tampered = await c.post(url(), { intent: "recheck", drawId: String(draw.id) });
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain("验证未通过");
    server.factory.db.prepare("UPDATE ContestPrizeDraw SET winners = ? WHERE id = ?").run(draw.winners, draw.id);
  });

  it("draws once only", async () => {
    const again = await (await as("TA")).post(url(), { intent: "draw", prizes: "3" });
    expect(again.status).toBe(400);
    expect(again.text).toContain("不能重抽");
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM ContestPrizeDraw").get()).toEqual({ n: 1 });
  });

  it("exports the ranking, the organisation table, the draw and question rates as Excel, audited", async () => {
    const before = auditCount("contest.export");
    const file = await (await as("TA")).download(`/manage/contests/${contestId}/results.xlsx?unit=${ids.root}&threshold=80`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("spreadsheetml");
    expect(file.headers.get("cache-control")).toContain("no-store");
    expect(decodeURIComponent(file.headers.get("content-disposition")!)).toContain("党史知识竞赛-成绩.xlsx");

    const people = await readSheet(file.bytes, "个人排名");
    expect(people[0].slice(0, 7)).toEqual(["名次", "参赛编号", "学号/工号", "姓名", "党组织", "得分", "满分"]);
    // TA is a trainer without people:sensitive: the numbers of TA's own people are masked (a1 → **).
    expect(people.slice(1).map((r) => [r[0], r[2], r[3], r[5]])).toEqual([
      [1, "**", "选手a1", 30],
      [1, "**", "选手a2", 30],
      [3, null, "选手b1", 30], // consented: named, but no number outside TA's scope
      [4, "**", "选手a3", 20],
      [5, null, "匿名参赛者", 20],
      [6, "**", "选手a6", 10],
      [7, "**", "选手a4", 0],
    ]);

    const units = await readSheet(file.bytes, "组织排名");
    const header = units.findIndex((r) => r[0] === "名次");
    expect(units.slice(header + 1)).toEqual([
      [1, "甲学院党委", 6, 5, 83.3, 18, "获奖"],
      [2, "乙学院党委", 3, 2, 66.7, 25, null],
    ]);

    const draws = await readSheet(file.bytes, "抽奖结果");
    const seed = (server.factory.db.prepare("SELECT seed FROM ContestPrizeDraw").get() as { seed: string }).seed;
    expect(draws.find((r) => r[0] === "种子")?.[1]).toBe(seed);
    const winnersHeader = draws.findIndex((r) => r[0] === "中奖顺序");
    expect(draws.slice(winnersHeader + 1).map((r) => r[1])).toEqual(drawnWinners);

    const items = await readSheet(file.bytes, "题目正确率");
    // Seven finished papers: the first question right in 6 (all but a4), the second in 4, the third in 3.
    expect(items.slice(1).map((r) => [r[3], r[4], r[5]])).toEqual([
      [7, 3, 42.9],
      [7, 5, 71.4],
      [7, 6, 85.7],
    ]);
    expect(auditCount("contest.export")).toBe(before + 1);
  });

  it("keeps learners and other colleges' trainers out, and unknown contests alike", async () => {
    const learner = await as("a1");
    expect((await learner.get(url())).status).toBe(403);
    expect((await learner.download(`${url()}.xlsx`)).status).toBe(403);
    const other = await as("TB");
    expect((await other.get(url())).status).toBe(403);
    expect((await other.download(`${url()}.xlsx`)).status).toBe(403);
    expect((await other.post(url(), { intent: "recheck", drawId: "1" })).status).toBe(403);
    expect((await (await as("TA")).get("/manage/contests/999999/results")).status).toBe(403);
    expect((await (await as("TA")).get("/manage/contests/abc/results.xlsx")).status).toBe(403);
  });
});
