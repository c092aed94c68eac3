import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QuizFactory, openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// An attacker's pass over the phone and reach work (decisions 059–065), through the real server:
// odd values a hand-made post can carry, and what a personal page tells the caches between.

let server: TestServer;
let qf: QuizFactory;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  qf = openQuizFactory(f.db);
  const root = f.unit({ name: "审计大学党委", kind: "committee" });
  const branch = f.unit({ name: "审计学院学生党支部", kind: "branch", branchType: "student", parent: root });
  ids.A1 = f.person({ number: "A1", name: "学员甲", unitId: branch.id, politicalStatus: "member" });
  await f.password(ids.A1, PASSWORD);
  ids.trainer = f.person({ number: "T1", name: "教员", unitId: root.id, politicalStatus: "member" });
  const bank = qf.standardBank({ slug: "audit15", unitId: root.id, perType: 1 });
  Object.assign(ids, { root: root.id, bank: bank.bankId, branch: branch.id });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}
const db = () => server.factory.db;

describe("a quiz's no-script save with made-up values", () => {
  it("refuses a 标记 position that is not a whole number with a 400, saving none of the post's answers or marks", async () => {
    const c = await as("A1");
    const quizId = qf.quiz({
      title: "审计测验",
      unitId: ids.root,
      createdById: ids.trainer,
      opensAt: new Date(Date.now() - HOUR),
      closesAt: new Date(Date.now() + 24 * HOUR),
      timeLimitSec: 1800,
      reviewPolicy: "after_close",
      layout: "single",
      slots: [{ bankId: ids.bank, count: 4, markEach: 2500 }],
      audiences: [{ unitId: ids.root }],
    });
    const url = (await c.post(`/quizzes/${quizId}`, {})).location!;
    const attemptId = Number(/\/attempts\/(\d+)$/.exec(url)![1]);
    const items = () => db().prepare("SELECT response, marked FROM AttemptItem WHERE attemptId = ? ORDER BY position").all(attemptId);
    const fill = db()
      .prepare("SELECT i.position FROM AttemptItem i JOIN Question q ON q.id = i.questionId WHERE i.attemptId = ? AND q.type = 'fill'")
      .get(attemptId) as { position: number };
    const before = items();
    for (const shown of ["abc", "1e30", "1.5", "0"]) {
      // A fill box's text rides along: it must not be saved by a post that is refused.
      const form = new URLSearchParams({ intent: "save-form", shown: "1" });
      form.append("shown", shown);
      form.append(`m${shown}`, "on");
      form.append(`q${fill.position}`, "半截答案");
      const res = await c.request(`${url}?at=2`, { method: "POST", body: form });
      expect(res.status, `shown=${shown}`).toBe(400);
      expect(res.text).toContain("这道题不在本次作答中");
    }
    expect(items()).toEqual(before);
  });
});

describe("what a personal page tells the caches between", () => {
  it("a signed-in page and its .data are private and not stored (a shared lab computer, a proxy), while a route's own header stands", async () => {
    const c = await as("A1");
    for (const path of ["/account", "/hours", "/hours.data", "/notifications", "/"]) {
      const res = await c.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control"), path).toBe("private, no-store");
    }
    // The certificate check page keeps its own header (public, but never stored either).
    expect((await c.get("/hours/verify/not-a-token")).headers.get("cache-control")).toBe("no-store");
  });
});
