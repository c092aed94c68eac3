import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveListener } from "~/.server/contest/live/hub";
import { adminUrl, freshPostgresDatabase, postgresCluster, type TestDatabase } from "../support/postgres";

// Live rounds across nodes on real PostgreSQL (decision 077): two nodes in one test process, each with
// its own hub of streams and its own LISTEN connection, on one database of this file's own. Node A is
// the process's own publisher (the one the host's moves use); node B is a second publisher with a hub of
// its own, as a second app node would have. A stream is a listener in a hub that keeps what it is sent.
// The modules are imported after DATABASE_URL is set: db.ts and publish.ts choose the engine when loaded.

let db: TestDatabase;
let app: {
  db: typeof import("~/.server/db");
  hub: typeof import("~/.server/contest/live/hub");
  publish: typeof import("~/.server/contest/live/publish");
  fanOut: typeof import("~/.server/contest/live/fan-out");
  host: typeof import("~/.server/contest/live/host");
};
let peersB: import("~/.server/contest/live/fan-out").PgNoticePeers;
let nodeB: import("~/.server/contest/live/publish").LivePublisher;
let hubB: import("~/.server/contest/live/hub").LiveHub;
const watchers: pg.Client[] = [];

type Seen = { event: string; data: Record<string, unknown>; version: number };
type Stream = LiveListener & { seen: Seen[] };

/** A stream as a phone (or with `host`, a big screen) holds it: what it was sent, with the version it had then. */
function stream(version: number, host = false): Stream {
  const decoder = new TextDecoder();
  const s: Stream = {
    personId: host ? null : 1,
    host,
    version,
    seen: [],
    send(bytes) {
      const text = decoder.decode(bytes);
      const m = /^event: (\w+)\ndata: (.*)\n\n$/s.exec(text);
      if (m) s.seen.push({ event: m[1], data: JSON.parse(m[2]) as Record<string, unknown>, version: s.version });
    },
    close() {},
  };
  return s;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const states = (s: Stream) => s.seen.filter((e) => e.event === "state");

async function newRound(code: string): Promise<number> {
  const round = await app.db.prisma.liveRound.create({ data: { title: "党史知识竞赛 · 现场赛", code, hostId: 1, unitId: 1 }, select: { id: true } });
  return round.id;
}

async function versionOf(roundId: number): Promise<number> {
  return (await app.db.prisma.liveRound.findUniqueOrThrow({ where: { id: roundId }, select: { version: true } })).version;
}

/** A change the screens show, as a host's move or a consent makes one: the version bumped, then published through node A. */
async function change(roundId: number, data: { title?: string } = {}) {
  await app.db.prisma.liveRound.update({ where: { id: roundId }, data: { ...data, version: { increment: 1 } } });
  await app.publish.publishState(roundId);
}

beforeAll(async () => {
  db = await freshPostgresDatabase();
  process.env.DATABASE_URL = db.url;
  process.env.CERT_SECRET ??= "a-test-secret-of-at-least-32-characters";
  app = {
    db: await import("~/.server/db"),
    hub: await import("~/.server/contest/live/hub"),
    publish: await import("~/.server/contest/live/publish"),
    fanOut: await import("~/.server/contest/live/fan-out"),
    host: await import("~/.server/contest/live/host"),
  };
  hubB = new app.hub.LiveHub();
  // Node B waits 1.5–3 s before reconnecting, so a test can change a round while it is not listening, even on a busy machine.
  peersB = new app.fanOut.PgNoticePeers(db.url, { minRetryMs: 3000, maxRetryMs: 3000 });
  nodeB = new app.publish.LivePublisher(hubB, peersB);
  app.publish.livePublisher.follow();
  nodeB.follow();
  await until("both nodes listening", () => app.publish.livePublisher.follow() > 0 && nodeB.follow() > 0);
});

afterAll(async () => {
  for (const w of watchers) await w.end();
  await nodeB?.stop();
  await app?.publish.livePublisher.stop();
  await app?.db.prisma.$disconnect();
  await (app?.db.sqlDb() as { end?: () => Promise<void> } | undefined)?.end?.();
  await db?.drop();
});

describe("live rounds across nodes (PostgreSQL LISTEN/NOTIFY)", () => {
  it("a host's move on node A reaches a phone and a big screen on node B, and node A's own phone once", async () => {
    const roundId = await newRound("100001");
    const phoneB = stream(0);
    const screenB = stream(0, true);
    const phoneA = stream(0);
    hubB.add(roundId, phoneB);
    hubB.add(roundId, screenB);
    app.hub.liveHub.add(roundId, phoneA);
    try {
      await app.host.finishRound(roundId);
      const [state] = await until("the state on node B", () => states(phoneB).length > 0 && states(phoneB));
      expect(state.data).toMatchObject({ roundId, state: "finished" });
      expect(state.version).toBe(await versionOf(roundId));
      await until("the state and the counters on node B's big screen", () => screenB.seen.some((e) => e.event === "stats") && states(screenB).length > 0);
      // Node A sent it at once; its own notice, heard a moment later, is recognised by the version and not sent again.
      expect(states(phoneA).map((e) => e.data.state)).toEqual(["finished"]);
      await new Promise((r) => setTimeout(r, 300));
      expect(states(phoneA)).toHaveLength(1);
      expect(states(phoneB)).toHaveLength(1);
    } finally {
      app.hub.liveHub.remove(roundId, phoneA);
      hubB.remove(roundId, phoneB);
      hubB.remove(roundId, screenB);
    }
  });

  it("a notice carries the round's id and version only, nothing of the round", async () => {
    const { port } = await postgresCluster();
    const watcher = new pg.Client({ connectionString: adminUrl(port, db.name) });
    watchers.push(watcher);
    await watcher.connect();
    const payloads: string[] = [];
    watcher.on("notification", (m) => payloads.push(m.payload ?? ""));
    await watcher.query(`LISTEN ${app.fanOut.LIVE_CHANNEL}`);
    const roundId = await newRound("100002");
    const phoneA = stream(0);
    app.hub.liveHub.add(roundId, phoneA);
    try {
      await change(roundId, { title: "第二轮 · 秘密题目" });
      app.publish.scheduleStats(roundId);
      // Each notice goes out on whichever pooled connection is free, so the two may arrive in either
      // order; each is read on its own, so the order does not matter to the nodes either.
      const ofRound = () => payloads.map((p) => JSON.parse(p) as Record<string, unknown>).filter((n) => n.round === roundId);
      await until("two notices", () => ofRound().length >= 2);
      const version = await versionOf(roundId);
      expect(ofRound()).toHaveLength(2);
      expect(ofRound()).toEqual(
        expect.arrayContaining([
          { round: roundId, version },
          { round: roundId, stats: 1 },
        ]),
      );
      expect(payloads.join("")).not.toContain("秘密");
      // Anything else on the channel is ignored.
      expect(app.fanOut.readNotice('{"round":"1; DROP","version":2}')).toBeNull();
      expect(app.fanOut.readNotice("not json")).toBeNull();
    } finally {
      app.hub.liveHub.remove(roundId, phoneA);
    }
  });

  it("never sends a stream an older state than it has, whatever order the notices and reads come in", async () => {
    const roundId = await newRound("100003");
    const phoneB = stream(0);
    hubB.add(roundId, phoneB);
    try {
      // Ten changes published through node A without waiting for each other.
      const published: Promise<void>[] = [];
      for (let i = 0; i < 10; i++) {
        await app.db.prisma.liveRound.update({ where: { id: roundId }, data: { version: { increment: 1 } } });
        published.push(app.publish.publishState(roundId));
      }
      await Promise.all(published);
      await until("the last version on node B", () => phoneB.version === 10);
      const seen = states(phoneB).map((e) => e.version);
      expect(seen.length).toBeGreaterThan(0);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
      // A late notice of an older version, and a read older than what the stream has: nothing is sent.
      const before = phoneB.seen.length;
      nodeB.onPeerState(roundId, 4);
      const ahead = stream(99);
      hubB.add(roundId, ahead);
      nodeB.onPeerState(roundId, 11);
      await new Promise((r) => setTimeout(r, 300));
      expect(phoneB.seen.length).toBe(before);
      expect(ahead.seen).toEqual([]);
      hubB.remove(roundId, ahead);
    } finally {
      hubB.remove(roundId, phoneB);
    }
  });

  it("the big screen's counters changed on node A are sent to the big screen on node B", async () => {
    const roundId = await newRound("100004");
    const screenB = stream(0, true);
    hubB.add(roundId, screenB);
    try {
      await app.db.prisma.liveRound.update({ where: { id: roundId }, data: { state: "question", current: 1 } });
      app.publish.scheduleStats(roundId);
      const stats = await until("counters on node B", () => screenB.seen.find((e) => e.event === "stats"));
      expect(stats.data).toEqual({ players: 0, answered: 0 });
    } finally {
      hubB.remove(roundId, screenB);
    }
  });

  it("a listener whose connection is killed reconnects and sends its streams what they missed meanwhile", async () => {
    const roundId = await newRound("100005");
    const phoneB = stream(0);
    hubB.add(roundId, phoneB);
    try {
      const listener = peersB.listener!;
      const connects = listener.connects;
      const pid = listener.backendPid!;
      const { port } = await postgresCluster();
      const admin = new pg.Client({ connectionString: adminUrl(port) });
      await admin.connect();
      try {
        expect((await admin.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [pid])).rows[0].ok).toBe(true);
      } finally {
        await admin.end();
      }
      await until("node B's connection seen lost", () => !listener.listening);
      // Changed while node B does not listen (it waits 1.5–3 s before reconnecting): its notice is lost to B.
      await change(roundId, { title: "断线期间的变化" });
      expect(listener.listening).toBe(false);
      expect(states(phoneB)).toEqual([]);
      const [state] = await until("the missed state after the reconnect", () => states(phoneB).length > 0 && states(phoneB));
      expect(state.data).toMatchObject({ roundId, title: "断线期间的变化" });
      expect(listener.connects).toBe(connects + 1);
      expect(listener.backendPid).not.toBe(pid);
      // And it hears notices again.
      await change(roundId, { title: "重连之后" });
      await until("a notice after the reconnect", () => states(phoneB).some((e) => e.data.title === "重连之后"));
    } finally {
      hubB.remove(roundId, phoneB);
    }
  });
});
