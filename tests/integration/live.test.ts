import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveMeEvent, type LiveStateEvent, type LiveStatsEvent } from "~/lib/live-events";
import { speedPoints } from "~/lib/live-scoring";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";
import { type SseReader, openSse } from "../support/sse";

// A live round against the real server: the host's moves, joining with the code (and who may not),
// answers refused outside their question's window by the server's clock, a retried answer changing
// nothing, speed-weighted points from the times the server stored, the key kept out of every event
// until the reveal, and a phone that reconnects getting the round where it is. Time is never waited
// for: a test moves questionAt or deadlineAt in the database, which is what the server would see
// had that much time passed.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const SECONDS = 20;
const POINTS = 10; // whole points in the form; hundredths in the database
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");
const clients: Record<string, Client> = {};
const streams: SseReader[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const qf = openQuizFactory(f.db);
  const cf = openContestFactory(f.db);
  const root = f.unit({ name: "现场大学党委", kind: "committee" });
  const college = f.unit({ name: "法学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "法学院学生党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "医学院党委", kind: "college", parent: root });
  Object.assign(ids, { college: college.id, other: other.id });
  const person = async (key: string, unitId: number, politicalStatus = "member") => {
    ids[key] = f.person({ number: key, name: `选手${key}`, unitId, politicalStatus });
    await f.password(ids[key], PASSWORD);
  };
  for (const key of ["P1", "P2", "P3"]) await person(key, branch.id);
  await person("MASS", branch.id, "masses");
  await person("FAR", other.id);
  await person("HOST", college.id);
  f.grant(ids.HOST, "trainer", college.id);
  await person("OTHERHOST", other.id);
  f.grant(ids.OTHERHOST, "trainer", other.id);
  // First three questions by id: single (key B), multiple (A+C), judge (true).
  ids.bank = qf.standardBank({ slug: "xianchang", unitId: college.id, perType: 2 }).bankId;
  ids.contest = cf.contest({
    title: "党史知识竞赛决赛",
    unitId: college.id,
    createdById: ids.HOST,
    audiences: [{ unitId: college.id, politicalStatus: "member" }],
  });
  for (const key of ["P1", "P2", "P3", "MASS", "FAR", "HOST", "OTHERHOST"]) {
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  }
});
afterAll(async () => {
  for (const s of streams) s.close();
  await server?.stop();
});

const base = () => `/contests/${ids.contest}`;
const host = (intent: string, extra: Record<string, string> = {}) =>
  clients.HOST.post(`${base()}/host`, { intent, roundId: String(ids.round ?? ""), ...extra });
/** P1 and P2 consent to be shown by name; P3 does not (decision 033). */
const CONSENTS = new Set(["P1", "P2"]);
const join = (key: string, code: string) => clients[key].post(`${base()}/live`, { code, ...(CONSENTS.has(key) ? { showName: "on" } : {}) });
async function answer(key: string, position: number, values: string[], roundId = ids.round) {
  const body = new URLSearchParams({ roundId: String(roundId), position: String(position) });
  for (const v of values) body.append("answer", v);
  const res = await clients[key].request(`${base()}/live/answer`, { method: "POST", body });
  return { status: res.status, body: JSON.parse(res.text) as { ok: boolean; code?: string; error?: string } };
}
async function events(key: string, path = "live/events") {
  const s = await openSse(`${server.url}${base()}/${path}`, clients[key].cookieHeader);
  streams.push(s);
  return s;
}
const round = () =>
  server.factory.db.prepare("SELECT state, current, code, questionAt, deadlineAt FROM LiveRound WHERE id = ?").get(ids.round) as {
    state: string;
    current: number;
    code: string;
    questionAt: string;
    deadlineAt: string;
  };
const answerRow = (position: number, key: string) =>
  server.factory.db
    .prepare("SELECT response, correct, points, elapsedMs, receivedAt FROM LiveAnswer WHERE roundId = ? AND position = ? AND personId = ?")
    .get(ids.round, position, ids[key]) as { response: string; correct: number; points: number; elapsedMs: number; receivedAt: string } | undefined;
const score = (key: string) =>
  (server.factory.db.prepare("SELECT score FROM LivePlayer WHERE roundId = ? AND personId = ?").get(ids.round, ids[key]) as { score: number }).score;

describe("a live round", () => {
  it("is hosted only by a trainer of the contest's unit", async () => {
    expect((await clients.OTHERHOST.get(`${base()}/host`)).status).toBe(403);
    expect((await clients.P1.get(`${base()}/host`)).status).toBe(403);
    expect(
      (await clients.OTHERHOST.post(`${base()}/host`, { intent: "create", bankId: String(ids.bank), count: "3", draw: "first", seconds: "20", points: "10" }))
        .status,
    ).toBe(403);
    const page = await clients.HOST.get(`${base()}/host`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("新建一轮现场赛");
  });

  it("is created with a 6-digit code and refuses bad settings in Chinese", async () => {
    const bad = await clients.HOST.post(`${base()}/host`, {
      intent: "create",
      bankId: String(ids.bank),
      count: "0",
      draw: "first",
      seconds: "2",
      points: "10",
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("至少 1 道题");
    expect(bad.text).toContain("每题至少 5 秒");
    const tooMany = await clients.HOST.post(`${base()}/host`, {
      intent: "create",
      bankId: String(ids.bank),
      count: "7",
      draw: "first",
      seconds: "20",
      points: "10",
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain("只有 6 道单选、多选或判断题");

    const res = await clients.HOST.post(`${base()}/host`, {
      intent: "create",
      bankId: String(ids.bank),
      count: "3",
      draw: "first",
      seconds: String(SECONDS),
      points: String(POINTS),
    });
    expect(res.status).toBe(200);
    const row = server.factory.db.prepare("SELECT id, code, state FROM LiveRound WHERE contestId = ?").get(ids.contest) as {
      id: number;
      code: string;
      state: string;
    };
    expect(row.code).toMatch(/^\d{6}$/);
    expect(row.state).toBe("lobby");
    ids.round = row.id;
    const questions = server.factory.db
      .prepare("SELECT q.type, lq.seconds, lq.points FROM LiveQuestion lq JOIN Question q ON q.id = lq.questionId WHERE roundId = ? ORDER BY position")
      .all(row.id);
    expect(questions).toEqual([
      { type: "single", seconds: SECONDS, points: POINTS * 100 },
      { type: "multiple", seconds: SECONDS, points: POINTS * 100 },
      { type: "judge", seconds: SECONDS, points: POINTS * 100 },
    ]);
    // One open round per contest.
    const second = await clients.HOST.post(`${base()}/host`, {
      intent: "create",
      bankId: String(ids.bank),
      count: "3",
      draw: "random",
      seconds: "20",
      points: "10",
    });
    expect(second.status).toBe(409);
    expect(second.text).toContain("已有一轮现场赛在进行");
  });

  it("refuses a wrong code and people outside the contest's audience", async () => {
    const code = round().code;
    const wrong = await join("P1", code === "000000" ? "000001" : "000000");
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("加入码不正确");
    expect((await join("P1", "12ab")).text).toContain("请输入大屏幕上的 6 位数字加入码");
    // Another college, and the right college with a political status the audience leaves out.
    expect((await join("FAR", code)).status).toBe(403);
    expect((await join("MASS", code)).status).toBe(403);
    expect((await clients.FAR.get(`${base()}/live`)).status).toBe(403);
    // Not joined yet: no stream, no answer.
    expect((await events("P1")).status).toBe(403);
    expect((await answer("P1", 1, ["B"])).body.code).toBe("not_joined");
    const players = server.factory.db.prepare("SELECT count(*) AS n FROM LivePlayer WHERE roundId = ?").get(ids.round) as { n: number };
    expect(players.n).toBe(0);
  });

  it("lets the audience join with the code, and refuses an answer before any question", async () => {
    const code = round().code;
    for (const key of ["P1", "P2", "P3"]) {
      const res = await join(key, code);
      expect(res.status).toBe(302);
      expect(res.location).toBe(`${base()}/live`);
    }
    expect((await join("P1", code)).status).toBe(302); // joining twice is harmless
    const waiting = await clients.P1.get(`${base()}/live`);
    expect(waiting.text).toContain("等待主持人出题");
    const consent = server.factory.db.prepare("SELECT personId, showName FROM LivePlayer WHERE roundId = ? ORDER BY personId").all(ids.round);
    expect(consent).toEqual([
      { personId: ids.P1, showName: 1 },
      { personId: ids.P2, showName: 1 },
      { personId: ids.P3, showName: 0 },
    ]);
    // P3's phone says how the screens show P3 without consent.
    expect((await clients.P3.get(`${base()}/live`)).text.replace(/<!-- -->/g, "")).toContain("不勾选则显示为“参赛者 #3”");
    const early = await answer("P1", 1, ["B"]);
    expect(early.status).toBe(409);
    expect(early.body.error).toBe("现在不是答题时间");
  });

  it("sends the question to every phone without its key, with the server's deadline and clock", async () => {
    const p1 = await events("P1");
    const p2 = await events("P2");
    expect(p1.status).toBe(200);
    expect(p1.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(p1.headers.get("cache-control")).toBe("no-store");
    const lobby = (await p1.next("state")).data as LiveStateEvent;
    expect(lobby.state).toBe("lobby");
    expect(((await p1.next("me")).data as LiveMeEvent).score).toBe(0);
    await p2.next("state");

    const before = Date.now();
    expect((await host("next")).status).toBe(200);
    const received = await Promise.all([p1.next("state"), p2.next("state")]);
    for (const { data } of received) {
      const e = data as LiveStateEvent;
      expect(e.state).toBe("question");
      expect(e.position).toBe(1);
      expect(e.deadlineAt! - e.questionAt!).toBe(SECONDS * 1000);
      expect(e.now).toBeGreaterThanOrEqual(before - 1000);
      expect(Object.keys(e.question!).sort()).toEqual(["options", "points", "position", "seconds", "stem", "type"]);
      expect(e.question!.options.map((o) => o.value)).toEqual(["A", "B", "C", "D"]);
      expect(e.reveal).toBeNull();
      expect(e.leaderboard).toBeNull();
      expect(JSON.stringify(e)).not.toMatch(/EXPLAIN|"answer"/);
    }
    const stored = round();
    expect(stored.state).toBe("question");
    expect(Date.parse(stored.deadlineAt) - Date.parse(stored.questionAt)).toBe(SECONDS * 1000);
    // The phone's page (and its data) carry no key either while the question is open.
    const data = await clients.P1.get(`${base()}/live.data`);
    expect(data.status).toBe(200);
    expect(data.text).not.toContain("EXPLAIN");
    expect(data.text).not.toMatch(/"reveal",\{/);
  });

  it("scores a right answer by the server's time, a wrong one 0, and keeps the first answer", async () => {
    // Four seconds have passed since the question was shown, as far as the server can tell.
    const shownAt = new Date(Date.parse(round().questionAt) - 4000);
    server.factory.db.prepare("UPDATE LiveRound SET questionAt = ? WHERE id = ?").run(ts(shownAt), ids.round);
    const right = await answer("P1", 1, ["B"]);
    expect(right).toEqual({ status: 200, body: { ok: true, position: 1 } });
    const row = answerRow(1, "P1")!;
    expect(row.correct).toBe(1);
    expect(row.elapsedMs).toBe(Date.parse(row.receivedAt) - shownAt.getTime());
    expect(row.elapsedMs).toBeGreaterThanOrEqual(4000);
    expect(row.points).toBe(speedPoints(POINTS * 100, row.elapsedMs, SECONDS * 1000));
    expect(row.points).toBeLessThan(POINTS * 100 - 0.5 * POINTS * 100 * (4000 / (SECONDS * 1000)) + 1);
    expect(score("P1")).toBe(row.points);

    expect((await answer("P2", 1, ["C"])).status).toBe(200);
    expect(answerRow(1, "P2")).toMatchObject({ correct: 0, points: 0 });

    // A retry, even with another choice, changes nothing.
    const again = await answer("P1", 1, ["A"]);
    expect(again.status).toBe(200);
    expect(answerRow(1, "P1")).toEqual(row);
    expect(score("P1")).toBe(row.points);

    // Malformed answers are refused with a sentence.
    expect((await answer("P3", 1, ["Z"])).body).toMatchObject({ ok: false, code: "malformed" });
    expect((await answer("P3", 1, ["A", "B"])).body).toMatchObject({ ok: false, code: "malformed" });
    expect((await answer("P3", 2, ["A"])).body).toMatchObject({ ok: false, code: "wrong_question" });
  });

  it("refuses an answer after the server's deadline", async () => {
    server.factory.db.prepare("UPDATE LiveRound SET deadlineAt = ? WHERE id = ?").run(ts(new Date(Date.now() - 1)), ids.round);
    const late = await answer("P3", 1, ["B"]);
    expect(late.status).toBe(409);
    expect(late.body.error).toContain("本题作答时间已到");
    expect(answerRow(1, "P3")).toBeUndefined();
  });

  it("reveals the key, the distribution and the leaderboard, and each phone its own standing", async () => {
    const p1 = await events("P1");
    await p1.next("state");
    const mid = (await p1.next("me")).data as LiveMeEvent;
    // Before the reveal a phone is told it answered, not whether it was right, and its score leaves the answer out.
    expect(mid).toMatchObject({ score: 0, place: null, answer: { position: 1, correct: null, points: null } });

    const hostStream = await events("HOST", "host/events");
    expect(((await hostStream.next("state")).data as LiveStateEvent).state).toBe("question");
    expect((await hostStream.next("stats")).data as LiveStatsEvent).toEqual({ players: 3, answered: 2 });

    expect((await host("reveal")).status).toBe(200);
    const revealed = (await p1.next("state")).data as LiveStateEvent;
    expect(revealed.state).toBe("reveal");
    expect(revealed.reveal).toEqual({
      answer: ["B"],
      distribution: [
        { value: "A", count: 0, correct: false },
        { value: "B", count: 1, correct: true },
        { value: "C", count: 1, correct: false },
        { value: "D", count: 0, correct: false },
      ],
      unanswered: 1,
      correctCount: 1,
    });
    // Names only with consent: P3, who gave none, is the third to join, of 法学院学生党支部.
    expect(revealed.leaderboard!.map((r) => [r.place, r.name, r.unit])).toEqual([
      [1, "选手P1", "法学院学生党支部"],
      [2, "选手P2", "法学院学生党支部"],
      [2, "参赛者 #3", "法学院学生党支部"],
    ]);
    expect(JSON.stringify(revealed)).not.toContain("选手P3");
    const me = (await p1.next("me")).data as LiveMeEvent;
    expect(me).toEqual({ score: score("P1"), place: 1, players: 3, answer: { position: 1, correct: true, points: score("P1") } });
    expect(((await hostStream.next("state")).data as LiveStateEvent).reveal?.correctCount).toBe(1);
    // Answers stop at the reveal.
    expect((await answer("P3", 1, ["B"])).body.code).toBe("no_question");
    // The host cannot skip ahead twice.
    expect((await host("reveal")).status).toBe(409);
  });

  it("gives a phone that reconnects the round where it is", async () => {
    const p2 = await events("P2");
    const now = (await p2.next("state")).data as LiveStateEvent;
    expect(now).toMatchObject({ state: "reveal", position: 1 });
    expect((await p2.next("me")).data).toMatchObject({ score: 0, place: 2, answer: { position: 1, correct: false, points: 0 } });
    p2.close();

    expect((await host("next")).status).toBe(200);
    expect((await answer("P2", 2, ["C", "A"])).status).toBe(200);
    expect(answerRow(2, "P2")).toMatchObject({ response: JSON.stringify(["A", "C"]), correct: 1 });
    // The phone reloads mid-question: the current question, its deadline, and that it already answered.
    const back = await events("P2");
    const state = (await back.next("state")).data as LiveStateEvent;
    expect(state).toMatchObject({ state: "question", position: 2, reveal: null });
    expect(state.question!.type).toBe("multiple");
    expect(state.deadlineAt).toBe(Date.parse(round().deadlineAt));
    expect((await back.next("me")).data).toEqual({ score: 0, place: null, players: 3, answer: { position: 2, correct: null, points: null } });
  });

  it("finishes with the final ranking and gives the code back", async () => {
    const code = round().code;
    const p3 = await events("P3");
    await p3.next("state");
    expect((await host("finish")).status).toBe(200);
    const last = await (async () => {
      for (;;) {
        const e = (await p3.next("state")).data as LiveStateEvent;
        if (e.state === "finished") return e;
      }
    })();
    expect(last.question).toBeNull();
    expect(last.leaderboard![0].name).toBe("选手P2");
    expect(round().code).not.toBe(code);
    expect((await join("P1", code)).status).toBe(400);
    expect((await host("next")).status).toBe(409);
  });

  it("lets a player change their consent, and the screens follow at once", async () => {
    const screen = await events("HOST", "host/events");
    expect(((await screen.next("state")).data as LiveStateEvent).state).toBe("finished");
    const names = async () => ((await screen.next("state")).data as LiveStateEvent).leaderboard!.map((r) => r.name).sort();
    expect((await clients.P3.post(`${base()}/live`, { intent: "showName", showName: "on" })).status).toBe(302);
    expect(await names()).toEqual(["选手P1", "选手P2", "选手P3"]);
    expect((await clients.P1.post(`${base()}/live`, { intent: "showName" })).status).toBe(302);
    expect(await names()).toEqual(["参赛者 #1", "选手P2", "选手P3"]);
    // Someone who never joined has no consent to give.
    expect((await clients.HOST.post(`${base()}/live`, { intent: "showName", showName: "on" })).status).toBe(403);
  });
});
