import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAVE_FORM_INTENT } from "~/components/quiz/answer-sheet";
import { AUTOSAVE_INTENT, MARK_INTENT } from "~/lib/autosave";
import { type ContestFactory, openContestFactory } from "../contest-factories";
import { type QuizFactory, openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Routes whose address names two things (a quiz and an attempt, a contest and an entry from the form)
// act only when the second belongs to the first: a person's own attempt or entry reached through the
// address of another quiz or contest they may also take answers 404 and changes nothing, whatever the
// intent (the script's autosave and 标记, the no-script save and hand-in of decision 064, the contest's
// answer, hand-in and name consent). Against the real server and its SQLite.

let server: TestServer;
let qf: QuizFactory;
let cf: ContestFactory;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  qf = openQuizFactory(f.db);
  cf = openContestFactory(f.db);
  const root = f.unit({ name: "地址范围大学党委", kind: "committee" });
  ids.learner = f.person({ number: "S1", name: "学员甲", unitId: root.id, politicalStatus: "member" });
  await f.password(ids.learner, PASSWORD);
  ids.trainer = f.person({ number: "T1", name: "教员", unitId: root.id, politicalStatus: "member" });
  const bank = qf.standardBank({ slug: "scope", unitId: root.id, perType: 1 });
  Object.assign(ids, { root: root.id, bank: bank.bankId });
});
afterAll(() => server?.stop());

async function signedIn() {
  const c = new Client(server.url);
  expect((await c.login("S1", PASSWORD)).status).toBe(302);
  return c;
}
const db = () => server.factory.db;
const post = (c: Client, url: string, form: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of ([] as string[]).concat(v)) body.append(k, one);
  return c.request(url, { method: "POST", body });
};

describe("a quiz attempt under another quiz's address", () => {
  const quiz = (title: string) =>
    qf.quiz({
      title,
      unitId: ids.root,
      createdById: ids.trainer,
      opensAt: new Date(Date.now() - HOUR),
      closesAt: new Date(Date.now() + 24 * HOUR),
      timeLimitSec: 1800,
      reviewPolicy: "after_submit",
      layout: "single",
      slots: [{ bankId: ids.bank, count: 4, markEach: 2500 }],
      audiences: [{ unitId: ids.root }],
    });
  const snapshot = (attemptId: number) =>
    JSON.stringify([
      db().prepare("SELECT state, mark, finishedAt FROM QuizAttempt WHERE id = ?").get(attemptId),
      db().prepare("SELECT position, response, marked, answeredAt, answerCount FROM AttemptItem WHERE attemptId = ? ORDER BY position").all(attemptId),
    ]);

  it("answers 404 to the page and to every intent of its action, and saves, marks and hands in nothing", async () => {
    const own = quiz("本人的测验");
    const other = quiz("另一个测验");
    const c = await signedIn();
    const started = await c.post(`/quizzes/${own}`, {});
    expect(started.status, started.text.slice(0, 300)).toBe(302);
    const attemptId = Number(/\/attempts\/(\d+)$/.exec(started.location!)![1]);
    // The person may take the other quiz too (its page opens), and its attempt numbers mean nothing here.
    expect((await c.get(`/quizzes/${other}`)).status).toBe(200);
    const before = snapshot(attemptId);

    const wrong = `/quizzes/${other}/attempts/${attemptId}`;
    expect((await c.get(wrong)).status).toBe(404);
    expect((await c.get(`${wrong}.data`)).status).toBe(404);
    const posts: Record<string, string | string[]>[] = [
      { intent: AUTOSAVE_INTENT, position: "4", q4: "答案" },
      { intent: MARK_INTENT, position: "1", marked: "on" },
      { intent: SAVE_FORM_INTENT, shown: ["1", "2"], m1: "on", m2: "on", q4: "答案" },
      { intent: "submit", q4: "答案" },
    ];
    for (const form of posts) {
      const res = await post(c, `${wrong}?at=1`, form);
      expect(res.status, `${String(form.intent)}: ${res.text.slice(0, 200)}`).toBe(404);
      expect(res.text).toContain("没有找到这次作答");
    }
    expect(snapshot(attemptId)).toBe(before);

    // Under its own quiz's address the same posts act (the check is the address, not the posts).
    expect((await post(c, `/quizzes/${own}/attempts/${attemptId}`, { intent: MARK_INTENT, position: "1", marked: "on" })).status).toBe(200);
    expect(snapshot(attemptId)).not.toBe(before);
  });
});

describe("a contest entry under another contest's address", () => {
  const contest = (title: string) =>
    cf.contest({
      title,
      unitId: ids.root,
      createdById: ids.trainer,
      timeLimitSec: 900,
      sections: [{ bankId: ids.bank, count: 4, pointsEach: 2500 }],
      audiences: [{ unitId: ids.root }],
    });
  const snapshot = (entryId: number) =>
    JSON.stringify([
      db().prepare("SELECT state, score, showName, finishedAt FROM ContestEntry WHERE id = ?").get(entryId),
      db().prepare("SELECT position, response FROM ContestAnswer WHERE entryId = ? ORDER BY position").all(entryId),
    ]);

  it("answers 404 to the answer, the hand-in and the name consent, storing nothing, for an entry in progress and a finished one", async () => {
    const own = contest("本人的竞赛");
    const other = contest("另一个竞赛");
    const c = await signedIn();
    expect((await c.post(`/contests/${own}`, { intent: "start" })).status).toBe(302);
    // The person has an entry in the other contest too: the address's contest is one they take.
    expect((await c.post(`/contests/${other}`, { intent: "start" })).status).toBe(302);
    const entryId = (db().prepare("SELECT id FROM ContestEntry WHERE contestId = ? AND personId = ?").get(own, ids.learner) as { id: number }).id;

    const attempts = (entry: number): Record<string, string | string[]>[] => [
      { intent: "answer", entryId: String(entry), position: "1", answer: ["A"] },
      { intent: "showName", entryId: String(entry), showName: "on" },
      { intent: "submit", entryId: String(entry) },
    ];
    const before = snapshot(entryId);
    for (const form of attempts(entryId)) {
      const res = await post(c, `/contests/${other}`, form);
      expect(res.status, `${String(form.intent)}: ${res.text.slice(0, 200)}`).toBe(404);
      expect(res.text).toContain("没有找到这次参赛记录");
    }
    expect(snapshot(entryId)).toBe(before);

    // Handed in under its own address, its name consent is still not reachable through the other one.
    expect((await c.post(`/contests/${own}`, { intent: "submit", entryId: String(entryId) })).status).toBe(302);
    const finished = snapshot(entryId);
    expect((await post(c, `/contests/${other}`, { intent: "showName", entryId: String(entryId), showName: "on" })).status).toBe(404);
    expect(snapshot(entryId)).toBe(finished);
    expect((await post(c, `/contests/${own}`, { intent: "showName", entryId: String(entryId), showName: "on" })).status).toBe(302);
    expect(snapshot(entryId)).not.toBe(finished);
  });
});
