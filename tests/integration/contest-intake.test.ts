import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { OPTION_LETTERS } from "~/lib/quiz-grading";
import { type ContestFactory, openContestFactory } from "../contest-factories";
import { openFactory } from "../factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { TEMPLATE_DB, TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";
import { spawnServer } from "../support/spawn-server";

// Contest entries and the answer intake against the real server (POST /contests/:id and
// POST /api/contests/answer): one entry per person with its paper, answers graded on the server and
// kept once (a retry is harmless, the first answer stands), every refusal storing nothing, hand-in
// and the deadline scoring what was stored, and acknowledged answers surviving a killed process.

let server: TestServer;
let cf: ContestFactory;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
let hash: string;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  cf = openContestFactory(f.db);
  const root = f.unit({ name: "竞赛大学党委", kind: "committee" });
  const college = f.unit({ name: "历史学院党委", kind: "college", parent: root });
  const other = f.unit({ name: "化学学院党委", kind: "college", parent: root });
  hash = await hashPassword(PASSWORD);
  for (const key of ["first", "retry", "refuse", "late", "crowd1", "crowd2", "crowd3", "crowd4", "hand", "sweep"]) {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId: college.id, politicalStatus: "member" });
    f.passwordHash(ids[key], hash);
  }
  ids.outsider = f.person({ number: "outsider", name: "外院学员", unitId: other.id, politicalStatus: "member" });
  f.passwordHash(ids.outsider, hash);
  const trainer = f.person({ number: "trainer", name: "教员", unitId: root.id, politicalStatus: "member" });
  const q = openQuizFactory(f.db);
  const { bankId } = q.standardBank({ slug: "dangshi", unitId: root.id, perType: 3 }); // 12 questions
  ids.contest = cf.contest({
    title: "党史知识竞赛",
    unitId: root.id,
    createdById: trainer,
    timeLimitSec: 900,
    creditHours: 50,
    sections: [{ bankId, count: 8, pointsEach: 500 }],
    audiences: [{ unitId: college.id }],
  });
  ids.quick = cf.contest({
    title: "快问快答",
    unitId: root.id,
    createdById: trainer,
    timeLimitSec: 2,
    sections: [{ bankId, count: 3, pointsEach: 500 }],
    audiences: [{ unitId: college.id }],
  });
  Object.assign(ids, { root: root.id, college: college.id, bankId, trainer });
});
afterAll(() => server?.stop());

/** A signed-in client, remembering whose it is. */
async function as(number: string, url = server.url) {
  const c = Object.assign(new Client(url), { number });
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}
type Person = Awaited<ReturnType<typeof as>>;

const db = () => server.factory.db;

async function enter(c: Person, contestId = ids.contest, file = db()): Promise<number> {
  const res = await c.post(`/contests/${contestId}`, { intent: "start" });
  expect(res.status, res.text).toBe(302);
  return (
    file.prepare("SELECT e.id FROM ContestEntry e JOIN Person p ON p.id = e.personId WHERE e.contestId = ? AND p.number = ?").get(contestId, c.number) as {
      id: number;
    }
  ).id;
}

type Item = { position: number; type: string; optionOrder: string | null; answer: string; options: string | null };
const itemsOf = (entryId: number, file = db()) =>
  file
    .prepare(
      "SELECT i.position, q.type, i.optionOrder, q.answer, q.options FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE i.entryId = ? ORDER BY i.position",
    )
    .all(entryId) as Item[];

/** The right answer as the phone sends it: letters of the order shown, "true"/"false", the text. */
function right(item: Item): string[] {
  const key = JSON.parse(item.answer) as unknown;
  if (item.type === "judge") return [String(key)];
  if (item.type === "fill") return [(key as string[])[0]];
  const order = item.optionOrder ? (JSON.parse(item.optionOrder) as string[]) : Object.keys(JSON.parse(item.options!) as object).sort();
  return ([] as string[]).concat(key as string | string[]).map((bank) => OPTION_LETTERS[order.indexOf(bank)]);
}
function wrong(item: Item): string[] {
  if (item.type === "judge") return [String(!(JSON.parse(item.answer) as boolean))];
  if (item.type === "fill") return ["不知道"];
  const r = right(item);
  return [OPTION_LETTERS.slice(0, 4).find((l) => !r.includes(l))!];
}

async function answer(c: Client, entryId: number, position: number, values: string[]) {
  const body = new URLSearchParams({ entryId: String(entryId), position: String(position) });
  for (const v of values) body.append("answer", v);
  const res = await c.request("/api/contests/answer", { method: "POST", body });
  return { status: res.status, body: JSON.parse(res.text) as { ok: boolean; status?: string; error?: string; code?: string } };
}

const answers = (entryId: number, file = db()) =>
  file.prepare("SELECT position, response, correct, points FROM ContestAnswer WHERE entryId = ? ORDER BY position").all(entryId) as {
    position: number;
    response: string;
    correct: number;
    points: number;
  }[];

describe("entering", () => {
  it("draws one paper per person once; starting again resumes it", async () => {
    const c = await as("first");
    const entryId = await enter(c);
    expect(await enter(c)).toBe(entryId);
    expect(db().prepare("SELECT COUNT(*) AS n FROM ContestEntry WHERE personId = ?").get(ids.first)).toEqual({ n: 1 });
    const items = itemsOf(entryId);
    expect(items).toHaveLength(8);
    expect(new Set(items.map((i) => i.answer + i.options)).size).toBeGreaterThan(1);
    // The page shows the paper without the key.
    const page = await c.get(`/contests/${ids.contest}`);
    expect(page.text).toContain("已答 0/8 题");
    expect(page.text).not.toMatch(/EXPLAIN-|"answer":/);
  });

  it("refuses a person outside the audience like a contest that does not exist", async () => {
    const c = await as("outsider");
    expect((await c.get(`/contests/${ids.contest}`)).status).toBe(404);
    expect((await c.post(`/contests/${ids.contest}`, { intent: "start" })).status).toBe(404);
    expect(db().prepare("SELECT COUNT(*) AS n FROM ContestEntry WHERE personId = ?").get(ids.outsider)).toEqual({ n: 0 });
  });
});

describe("answers", () => {
  it("grades on the server and keeps the first answer: a retry or a change is answered as a duplicate", async () => {
    const c = await as("retry");
    const entryId = await enter(c);
    const [a, b] = itemsOf(entryId);
    expect(await answer(c, entryId, a.position, right(a))).toMatchObject({ status: 200, body: { ok: true, status: "saved" } });
    expect(await answer(c, entryId, a.position, right(a))).toMatchObject({ status: 200, body: { ok: true, status: "duplicate" } });
    expect(await answer(c, entryId, a.position, wrong(a))).toMatchObject({ status: 200, body: { ok: true, status: "duplicate" } });
    expect(await answer(c, entryId, b.position, wrong(b))).toMatchObject({ status: 200, body: { ok: true, status: "saved" } });
    expect(answers(entryId).map((r) => ({ position: r.position, correct: r.correct, points: r.points }))).toEqual([
      { position: a.position, correct: 1, points: 500 },
      { position: b.position, correct: 0, points: 0 },
    ]);
  });

  it("refuses what is not an answer to the person's own paper in progress, and stores nothing", async () => {
    const c = await as("refuse");
    const entryId = await enter(c);
    const [item] = itemsOf(entryId);
    const othersEntry = (db().prepare("SELECT id FROM ContestEntry WHERE personId = ?").get(ids.first) as { id: number }).id;
    expect(await answer(c, entryId, 99, right(item))).toMatchObject({ status: 400, body: { ok: false, code: "bad_position", error: "这道题不在您的试卷中" } });
    expect(await answer(c, othersEntry, 1, ["A"])).toMatchObject({ status: 404, body: { ok: false, code: "not_found" } });
    expect(await answer(c, entryId, item.position, [])).toMatchObject({ status: 400, body: { code: "malformed" } });
    expect(await answer(c, entryId, item.position, item.type === "fill" ? ["x".repeat(201)] : ["Z"])).toMatchObject({
      status: 400,
      body: { code: "malformed" },
    });
    const res = await c.request("/api/contests/answer", { method: "POST", body: new URLSearchParams({ entryId: "abc", position: "1" }) });
    expect(res.status).toBe(400);
    // Not signed in, and from another site.
    const anonymous = await new Client(server.url).request("/api/contests/answer", {
      method: "POST",
      body: new URLSearchParams({ entryId: String(entryId), position: "1", answer: "A" }),
    });
    expect(anonymous.status).toBe(401);
    const crossSite = await c.request("/api/contests/answer", {
      method: "POST",
      body: new URLSearchParams({ entryId: String(entryId), position: "1", answer: "A" }),
      origin: "https://evil.example",
    });
    expect(crossSite.status).toBe(403);
    expect(answers(entryId)).toEqual([]);
    expect(answers(othersEntry)).toEqual([]);
  });

  it("refuses an answer after the deadline by the server's clock, and closes the entry with what came before it", async () => {
    const c = await as("late");
    const entryId = await enter(c, ids.quick);
    const [first, second] = itemsOf(entryId);
    expect((await answer(c, entryId, first.position, right(first))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100)); // the contest's 2 s limit passes
    expect(await answer(c, entryId, second.position, right(second))).toMatchObject({ status: 409, body: { ok: false, code: "deadline" } });
    expect(answers(entryId).map((a) => a.position)).toEqual([first.position]);
    // Reading the page closes the entry with what was stored before the deadline, timed to the deadline.
    const page = await c.get(`/contests/${ids.quick}`);
    expect(page.text).toContain("作答时间已到，系统已按时交卷");
    expect(db().prepare("SELECT state, score, correct, durationMs FROM ContestEntry WHERE id = ?").get(entryId)).toEqual({
      state: "expired",
      score: 500,
      correct: 1,
      durationMs: 2000,
    });
  });

  it("stores every acknowledged answer exactly once when many arrive at once, duplicates included", async () => {
    const people = ["crowd1", "crowd2", "crowd3", "crowd4"];
    const clients = await Promise.all(people.map((p) => as(p)));
    const entries = await Promise.all(clients.map((c) => enter(c)));
    const sends = clients.flatMap((c, k) =>
      itemsOf(entries[k]).flatMap((item) => [0, 1, 2].map(() => () => answer(c, entries[k], item.position, right(item)))),
    );
    const replies = await Promise.all(sends.sort(() => Math.random() - 0.5).map((send) => send()));
    expect(replies.every((r) => r.status === 200 && r.body.ok)).toBe(true);
    expect(replies.filter((r) => r.body.status === "saved")).toHaveLength(4 * 8);
    for (const entryId of entries) {
      const stored = answers(entryId);
      expect(stored).toHaveLength(8);
      expect(stored.every((a) => a.correct === 1 && a.points === 500)).toBe(true);
    }
  });
});

describe("handing in", () => {
  it("scores what was stored, credits the contest's 学时 once, and refuses a second hand-in and later answers", async () => {
    const c = await as("hand");
    const entryId = await enter(c);
    const items = itemsOf(entryId);
    for (const [k, item] of items.slice(0, 5).entries()) await answer(c, entryId, item.position, k < 3 ? right(item) : wrong(item));
    const res = await c.post(`/contests/${ids.contest}`, { intent: "submit", entryId: String(entryId) });
    expect(res.status).toBe(302);
    const entry = db().prepare("SELECT state, score, correct, durationMs FROM ContestEntry WHERE id = ?").get(entryId) as {
      state: string;
      score: number;
      correct: number;
      durationMs: number;
    };
    expect(entry).toMatchObject({ state: "submitted", score: 1500, correct: 3 });
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    const again = await c.post(`/contests/${ids.contest}`, { intent: "submit", entryId: String(entryId) });
    expect(again.status).toBe(409);
    expect((await answer(c, entryId, items[6].position, right(items[6]))).body.ok).toBe(false);
    expect(answers(entryId)).toHaveLength(5);
    expect(db().prepare("SELECT amount, category, sourceKind, sourceId FROM HoursEntry WHERE personId = ?").all(ids.hand)).toEqual([
      { amount: 50, category: "contest", sourceKind: "contest", sourceId: String(ids.contest) },
    ]);
    // One entry per person: starting again is refused.
    const restart = await c.post(`/contests/${ids.contest}`, { intent: "start" });
    expect(restart.status).toBe(409);
    const page = await c.get(`/contests/${ids.contest}`);
    expect(page.text).toContain("答对 3/8 题");
    // The only finished paper of this contest so far; the ranking shows it without a name (no consent yet).
    expect(page.text).toContain("当前排名 第 1 名（共 1 人交卷）");
    expect(page.text).toContain("匿名参赛者");
    // With consent, the name appears in the ranking too (the page's header shows it already).
    const mentions = (text: string) => text.split("学员hand").length - 1;
    expect((await c.post(`/contests/${ids.contest}`, { intent: "showName", entryId: String(entryId), showName: "on" })).status).toBe(302);
    const after = (await c.get(`/contests/${ids.contest}`)).text;
    expect(mentions(after)).toBe(mentions(page.text) + 1);
  });
});

describe("a killed server", () => {
  it("still has every acknowledged answer after SIGKILL and a restart", { timeout: 90_000 }, async () => {
    const dbFile = path.join(TMP, `kill-${crypto.randomUUID()}.db`);
    fs.copyFileSync(TEMPLATE_DB, dbFile);
    const f = openFactory(dbFile);
    const root = f.unit({ name: "党委", kind: "committee" });
    const q = openQuizFactory(f.db);
    const { bankId } = q.standardBank({ slug: "kill", unitId: root.id, perType: 7 });
    const trainer = f.person({ number: "t", name: "教员", unitId: root.id, politicalStatus: "member" });
    const contestId = openContestFactory(f.db).contest({
      title: "断电演练",
      unitId: root.id,
      createdById: trainer,
      sections: [{ bankId, count: 25, pointsEach: 400 }],
      audiences: [{ unitId: root.id }],
    });
    const numbers = Array.from({ length: 6 }, (_, i) => `k${i}`);
    for (const n of numbers) f.passwordHash(f.person({ number: n, name: n, unitId: root.id, politicalStatus: "member" }), hash);

    let running = await spawnServer({ dbFile });
    try {
      const clients = await Promise.all(numbers.map((n) => as(n, running.url)));
      const entries: number[] = [];
      for (const c of clients) entries.push(await enter(c, contestId, f.db));
      const acked = new Set<string>();
      let stop = false;
      let finished = 0;
      const senders = clients.map(async (c, k) => {
        try {
          for (const item of itemsOf(entries[k], f.db)) {
            if (stop) return;
            const r = await answer(c, entries[k], item.position, right(item)).catch(() => null);
            if (r?.body.ok) acked.add(`${entries[k]}/${item.position}`);
          }
        } finally {
          finished++;
        }
      });
      // Kill the server once some answers are in, while the rest are in flight.
      while (acked.size < 40 && finished < clients.length) await new Promise((r) => setTimeout(r, 5));
      const exited = new Promise((r) => running.child.once("exit", r));
      running.child.kill("SIGKILL");
      stop = true;
      await Promise.all(senders);
      await exited;
      running = await spawnServer({ dbFile });
      const stored = new Set(
        (f.db.prepare("SELECT entryId, position FROM ContestAnswer").all() as { entryId: number; position: number }[]).map((a) => `${a.entryId}/${a.position}`),
      );
      expect(acked.size).toBeGreaterThanOrEqual(40);
      expect([...acked].filter((k) => !stored.has(k))).toEqual([]);
      // The restarted server goes on taking answers for the same entries.
      const c = await as(numbers[0], running.url);
      const open = itemsOf(entries[0], f.db).find((i) => !stored.has(`${entries[0]}/${i.position}`));
      if (open) expect((await answer(c, entries[0], open.position, right(open))).body.status).toBe("saved");
      expect(finished).toBe(clients.length);
    } finally {
      f.close();
      await running.stop();
      for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
    }
  });
});
