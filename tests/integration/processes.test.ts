import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveStateEvent } from "~/lib/live-events";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";
import { type SseReader, openSse } from "../support/sse";

// Two server processes on one port and one database file (WEB_CONCURRENCY=2, decision 071), the
// primary handing connections out round robin (said explicitly: with NODE_CLUSTER_SCHED_POLICY=none the
// kernel would choose, decision 096): a host's move reaches phones whichever process holds
// their stream; answers spread over both processes while the hand-in runs on either leave no
// acknowledged answer uncounted and count nothing refused; sign-in failures spread over both hit one
// throttle; exactly one process runs the sweeper. Each phone's stream is a connection of its own, so
// the round robin puts every other one on the other process.

let server: TestServer;
let logFile: string;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const PHONES = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"];
const CROWD = ["C1", "C2", "C3", "C4", "C5", "C6"];
const clients: Record<string, Client> = {};
const streams: SseReader[] = [];

beforeAll(async () => {
  logFile = path.join(TMP, `processes-${crypto.randomUUID()}.log`);
  const fd = fs.openSync(logFile, "w");
  server = await startTestServer({ env: { WEB_CONCURRENCY: "2", NODE_CLUSTER_SCHED_POLICY: "rr" }, logFd: fd });
  const f = server.factory;
  const qf = openQuizFactory(f.db);
  const cf = openContestFactory(f.db);
  const root = f.unit({ name: "多进程大学党委", kind: "committee" });
  const college = f.unit({ name: "数学学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "数学学院学生党支部", kind: "branch", branchType: "student", parent: college });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
  };
  for (const key of [...PHONES, ...CROWD, "VICTIM"]) await person(key, branch.id);
  await person("HOST", college.id);
  f.grant(ids.HOST, "trainer", college.id);
  const { bankId } = qf.standardBank({ slug: "duojincheng", unitId: college.id, perType: 3 });
  ids.contest = cf.contest({
    title: "多进程知识竞赛",
    unitId: college.id,
    createdById: ids.HOST,
    timeLimitSec: 900,
    sections: [{ bankId, count: 10, pointsEach: 500 }],
    audiences: [{ unitId: college.id, politicalStatus: "member" }],
  });
  ids.bank = bankId;
  for (const key of [...PHONES, ...CROWD, "HOST"]) {
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  }
});
afterAll(async () => {
  for (const s of streams) s.close();
  await server?.stop();
  fs.rmSync(logFile, { force: true });
});

const base = () => `/contests/${ids.contest}`;

describe("two server processes", () => {
  it("send a host's move to every phone, whichever process holds its stream", async () => {
    const created = await clients.HOST.post(`${base()}/host`, {
      intent: "create",
      bankId: String(ids.bank),
      count: "2",
      draw: "first",
      seconds: "20",
      points: "10",
    });
    expect(created.status).toBe(200);
    const round = server.factory.db.prepare("SELECT id, code FROM LiveRound WHERE contestId = ?").get(ids.contest) as { id: number; code: string };
    for (const key of PHONES) expect((await clients[key].post(`${base()}/live`, { code: round.code })).status).toBe(302);
    for (const key of PHONES) {
      const s = await openSse(`${server.url}${base()}/live/events`, clients[key].cookieHeader);
      expect(s.status).toBe(200);
      expect(((await s.next("state")).data as LiveStateEvent).state).toBe("lobby");
      streams.push(s);
    }
    expect((await clients.HOST.post(`${base()}/host`, { intent: "next", roundId: String(round.id) })).status).toBe(200);
    for (const s of streams) {
      const e = (await s.next("state", 3000)).data as LiveStateEvent;
      expect(e.state).toBe("question");
      expect(e.position).toBe(1);
    }
  });

  it("count every acknowledged answer and nothing refused, with answers and hand-in on both processes", async () => {
    for (const key of CROWD) {
      const c = clients[key];
      expect((await c.post(base(), { intent: "start" })).status).toBe(302);
      const { id: entryId } = server.factory.db.prepare("SELECT id FROM ContestEntry WHERE contestId = ? AND personId = ?").get(ids.contest, ids[key]) as {
        id: number;
      };
      const items = server.factory.db
        .prepare("SELECT position, q.type FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE entryId = ?")
        .all(entryId) as {
        position: number;
        type: string;
      }[];
      // Every answer at once, each on a connection of its own, and the hand-in among them.
      const sent = items.map(async (item) => {
        const body = new URLSearchParams({
          entryId: String(entryId),
          position: String(item.position),
          answer: item.type === "judge" ? "true" : item.type === "fill" ? "x" : "A",
        });
        const res = await c.request("/api/contests/answer", { method: "POST", body });
        return { position: item.position, ok: res.status === 200 && (JSON.parse(res.text) as { ok: boolean }).ok, status: res.status };
      });
      const handIn = new Promise((r) => setTimeout(r, 2)).then(() => c.post(base(), { intent: "submit", entryId: String(entryId) }));
      const [outcomes, handed] = await Promise.all([Promise.all(sent), handIn]);
      expect(handed.status).toBe(302);
      // Refused after the hand-in: 409 (closed, found by the writer) or 404 (no entry in progress any more).
      for (const o of outcomes) expect([200, 404, 409]).toContain(o.status);
      const stored = server.factory.db.prepare("SELECT position, points FROM ContestAnswer WHERE entryId = ?").all(entryId) as {
        position: number;
        points: number;
      }[];
      const entry = server.factory.db.prepare("SELECT state, score FROM ContestEntry WHERE id = ?").get(entryId) as { state: string; score: number };
      expect(entry.state).toBe("submitted");
      // Acknowledged ⇔ stored, and the score is the stored answers' (none written after the hand-in).
      expect(stored.map((a) => a.position).sort((a, b) => a - b)).toEqual(
        outcomes
          .filter((o) => o.ok)
          .map((o) => o.position)
          .sort((a, b) => a - b),
      );
      expect(entry.score).toBe(stored.reduce((sum, a) => sum + a.points, 0));
    }
  });

  it("throttle sign-in failures spread over both processes as one", async () => {
    // The limit for one account from one address is 5 failures (decision 029): the sixth is refused
    // even with the right password, however the round robin spread the five.
    // At once, so they go over several connections and both processes.
    const wrong = await Promise.all([1, 2, 3, 4, 5].map(() => new Client(server.url).login("VICTIM", "wrong-password")));
    expect(wrong.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    const right = await Promise.all([1, 2, 3, 4].map(() => new Client(server.url).login("VICTIM", PASSWORD)));
    expect(right.map((r) => r.status)).toEqual([400, 400, 400, 400]);
  });

  it("run the sweeper in one process only", () => {
    const started = fs.readFileSync(logFile, "utf8").match(/后台任务已启动/g) ?? [];
    expect(started.length).toBe(1);
  });
});
