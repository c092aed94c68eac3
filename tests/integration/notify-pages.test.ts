import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Factory } from "../factories";
import { Client } from "../support/client";
import { type InProcessDatabase, inProcessDatabase } from "../support/in-process-db";
import { TMP } from "../support/paths";
import { type PushEndpoint, startPushEndpoint } from "../support/push-endpoint";
import { SERVER_START_TEST_MS, type SpawnedServer, spawnServer } from "../support/spawn-server";

// Notifications through the real server (decision 054): a member subscribes a browser and turns quiet
// hours off on /account/notifications; a college pins a notice, which lands in her inbox at once (the
// header counts it) and in the outbox. The server is stopped before its outbox runner's next pass and
// started again on the same file: the new process sends the push, once, to an HTTPS push endpoint that
// checks the VAPID signature and decrypts it. Then the inbox: opening marks read and follows the link,
// another person's notification is not found, "全部标为已读" clears the count; subscriptions are the
// caller's only and bad keys are refused. On the run's engine (decision 080): a SQLite file, or a fresh
// PostgreSQL database in the integration-pg run, which the restarted server finds again as the file.

const PASSWORD = "Passw0rd1";
let testDb: InProcessDatabase;
const dataDir = path.join(TMP, `notify-pages-data-${crypto.randomUUID()}`);
let f: Factory;
let push: PushEndpoint;
let server: SpawnedServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};

/** Starts the server on the test's database; `interval` is how often its outbox runner sweeps after the pass at start. */
async function boot(interval: number) {
  server = await spawnServer({
    dbFile: testDb.target,
    env: { DATA_DIR: dataDir, NOTIFY_INTERVAL_MS: String(interval), NODE_EXTRA_CA_CERTS: push.certFile, PUSH_ALLOWED_HOSTS: "127.0.0.1" },
  });
  for (const key of Object.keys(clients)) clients[key] = await signIn(key);
}
async function signIn(key: string) {
  const c = new Client(server.url);
  expect((await c.login(key, PASSWORD)).status).toBe(302);
  return c;
}

beforeAll(async () => {
  testDb = await inProcessDatabase("notify-pages");
  f = testDb.factory;
  push = await startPushEndpoint();
  const root = f.unit({ name: "推送大学党委", kind: "committee" });
  const college = f.unit({ name: "历史学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "历史学院学生党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "物理学院党委", kind: "college", parent: root });
  for (const [key, unitId] of [
    ["SEC", college.id],
    ["MEM", branch.id],
    ["MEM2", branch.id],
    ["FAR", other.id],
  ] as const) {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client("");
  }
  f.grant(ids.SEC, "secretary", college.id);
  ids.college = college.id;
  // The first server never sweeps again after its pass at start.
  await boot(600_000);
});

afterAll(async () => {
  await server?.stop();
  await push?.close();
  await testDb?.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const unread = async (key: string) => {
  const page = await clients[key].get("/notifications");
  return Number(/data-testid="unread-count"[^>]*>(\d+)</.exec(page.text)?.[1] ?? 0);
};
const deliveryStates = (personId: number) =>
  f.db
    .prepare(`SELECT d."state" FROM "NotificationDelivery" d JOIN "Notification" n ON n."id" = d."notificationId" WHERE n."personId" = ? ORDER BY d."id"`)
    .all(personId)
    .map((r) => (r as { state: string }).state);

describe("a pinned notice, through a restart", () => {
  let sub: ReturnType<PushEndpoint["subscribe"]>;

  it("stores a browser's subscription for the caller, and quiet hours as chosen", async () => {
    sub = push.subscribe();
    const res = await clients.MEM.post("/account/notifications", { intent: "subscribe", endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth });
    expect(res.status).toBe(200);
    expect(f.db.prepare(`SELECT "personId" FROM "PushSubscription" WHERE "endpoint" = ?`).get(sub.endpoint)).toEqual({ personId: ids.MEM });
    const saved = await clients.MEM.post("/account/notifications", { intent: "save", on: "pinned_notice:push", quietStart: "22:00", quietEnd: "07:00" });
    expect(saved.location).toBe("/account/notifications?saved=1");
    const page = await clients.MEM.get("/account/notifications");
    expect(page.text).toContain("接收推送的设备");
    expect(page.text).toContain(new URL(sub.endpoint).host);
    expect(page.text).not.toContain(sub.endpoint);
    // Her personal-data page lists the device and the settings too (decision 033).
    const mine = await clients.MEM.get("/account/data");
    expect(mine.text).toContain("接收推送的设备");
    expect(mine.text).toContain(new URL(sub.endpoint).host);
    expect(mine.text).toContain("消息通知");
  });

  it("notifies the notice's audience at once in the inbox; the push waits in the outbox", async () => {
    const res = await clients.SEC.post("/manage/notices", {
      intent: "post",
      unitId: String(ids.college),
      title: "关于开展主题党日活动的通知",
      body: "本周五下午",
      pinned: "on",
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain("通知已发布");
    expect(await unread("MEM")).toBe(1);
    expect(await unread("MEM2")).toBe(1);
    expect(await unread("FAR")).toBe(0);
    expect(await unread("SEC")).toBe(0);
    expect(deliveryStates(ids.MEM)).toEqual(["pending"]);
    expect(push.received).toHaveLength(0);
  });

  it(
    "is pushed once by the next process after a restart",
    async () => {
      await server.stop();
      const arrived = push.next();
      await boot(100);
      const got = await arrived;
      expect(got.subscription).toBe(sub.id);
      expect(got.payload).toMatchObject({ title: "历史学院党委置顶通知", body: "关于开展主题党日活动的通知", url: "/" });
      expect(push.problems).toEqual([]);
      // A second notice, pushed by the same process many passes later: the first was not sent again.
      const second = push.next();
      await clients.SEC.post("/manage/notices", { intent: "post", unitId: String(ids.college), title: "第二则置顶通知", body: "正文", pinned: "on" });
      expect(((await second).payload as { body: string }).body).toBe("第二则置顶通知");
      expect(push.received.map((r) => (r.payload as { body: string }).body)).toEqual(["关于开展主题党日活动的通知", "第二则置顶通知"]);
      // The runner's passes never overlap, so the pass that pushed the second had finished the first.
      expect(deliveryStates(ids.MEM)[0]).toBe("sent");
    },
    SERVER_START_TEST_MS,
  );
});

describe("the inbox", () => {
  it("shows the count in the header, opens a notification (read, then its link), and marks all read", async () => {
    const home = await clients.MEM2.get("/notifications");
    expect(home.text).toContain('data-testid="unread-count"');
    expect(home.text).toContain("关于开展主题党日活动的通知");
    const [first] = f.db.prepare(`SELECT "id" FROM "Notification" WHERE "personId" = ? ORDER BY "id"`).all(ids.MEM2) as { id: number }[];
    const opened = await clients.MEM2.post("/notifications", { intent: "open", id: String(first.id) });
    expect(opened.status).toBe(302);
    expect(opened.location).toBe("/");
    expect(await unread("MEM2")).toBe(1);
    // Someone else's notification does not exist for the caller.
    expect((await clients.FAR.post("/notifications", { intent: "open", id: String(first.id) })).status).toBe(404);
    const all = await clients.MEM2.post("/notifications", { intent: "read_all" });
    expect(all.location).toBe("/notifications");
    expect(await unread("MEM2")).toBe(0);
    expect((await clients.MEM2.get("/notifications")).text).toContain("没有未读消息");
  });
});

describe("push subscriptions", () => {
  it("refuses keys that are not a P-256 key and a 16-byte secret, and a non-https endpoint", async () => {
    const s = push.subscribe();
    for (const bad of [{ p256dh: "abc" }, { auth: crypto.randomBytes(8).toString("base64url") }, { endpoint: s.endpoint.replace("https:", "http:") }]) {
      const res = await clients.MEM2.post("/account/notifications", { intent: "subscribe", endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, ...bad });
      expect(res.status).toBe(400);
    }
    expect(f.db.prepare(`SELECT COUNT(*) AS n FROM "PushSubscription" WHERE "personId" = ?`).get(ids.MEM2)).toEqual({ n: 0 });
  });

  it("removes only the caller's own subscription", async () => {
    const { id } = f.db.prepare(`SELECT "id" FROM "PushSubscription" WHERE "personId" = ?`).get(ids.MEM) as { id: number };
    expect((await clients.FAR.post("/account/notifications", { intent: "unsubscribe", id: String(id) })).status).toBe(404);
    expect((await clients.MEM.post("/account/notifications", { intent: "unsubscribe", id: String(id) })).status).toBe(302);
    expect(f.db.prepare(`SELECT COUNT(*) AS n FROM "PushSubscription" WHERE "personId" = ?`).get(ids.MEM)).toEqual({ n: 0 });
  });
});
