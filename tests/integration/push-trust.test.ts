import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAgent } from "~/.server/notify/push-agent";
import { pushHostRules } from "~/lib/push-endpoint";
import { storedTimestamp } from "~/lib/timestamp";
import { toLocalInput } from "~/lib/quiz-settings";
import { type Factory } from "../factories";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type PushEndpoint, startPushEndpoint } from "../support/push-endpoint";
import { expectFieldError } from "../support/rendered-form";
import { type TestServer, startTestServer } from "../support/server";

// Decision 060, the attacker's findings on notifications (audit19 F1, F2, F3, F5, F6), through the
// real server and a push service of the test's own (HTTPS on 127.0.0.1, named in PUSH_ALLOWED_HOSTS
// as an operator would name a school's own push service):
// - F1: an endpoint is stored only on a known push service; IP addresses, localhost and other hosts
//   are refused beside the field; a row stored before the check is not sent to; a push host that
//   resolves to a private address is refused when connecting.
// - F2: ten subscriptions a person, the oldest dropped; every browser is sent to at once, and one
//   that never answers is cut off at the delivery's time limit while the others are pushed.
// - F3: signing out removes the subscriptions its session made; an older one (no session) stays.
// - F5: an endpoint moves to another person only with the same keys.
// - F6: a meeting's title and place take one line of text.

const PASSWORD = "Passw0rd1";
const dataDir = path.join(TMP, `push-trust-data-${crypto.randomUUID()}`);
let push: PushEndpoint;
let server: TestServer;
let f: Factory;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};

beforeAll(async () => {
  push = await startPushEndpoint();
  server = await startTestServer({
    env: {
      DATA_DIR: dataDir,
      NODE_EXTRA_CA_CERTS: push.certFile,
      PUSH_ALLOWED_HOSTS: "127.0.0.1",
      NOTIFY_INTERVAL_MS: "100",
      NOTIFY_SEND_LIMIT_MS: "8000",
    },
  });
  f = server.factory;
  const root = f.unit({ name: "信任大学党委", kind: "committee" });
  const college = f.unit({ name: "信任学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "信任学院学生党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "外院党委", kind: "college", parent: root });
  for (const [key, unitId] of [
    ["SEC", college.id],
    ["OLD", branch.id],
    ["CAP", branch.id],
    ["LANE", branch.id],
    ["OUT", branch.id],
    ["OWNER", branch.id],
    ["TAKER", branch.id],
    ["FAR", other.id],
  ] as const) {
    ids[key] = f.person({ number: `T${key}`, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = await signIn(key);
  }
  f.grant(ids.SEC, "secretary", college.id);
  f.grant(ids.SEC, "secretary", branch.id);
  ids.college = college.id;
  ids.branch = branch.id;
});

afterAll(async () => {
  await server?.stop();
  await push?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(key: string) {
  const c = new Client(server.url);
  expect((await c.login(`T${key}`, PASSWORD)).status).toBe(302);
  return c;
}

const subscribe = (c: Client, s: { endpoint: string; p256dh: string; auth: string }) =>
  c.post("/account/notifications", { intent: "subscribe", endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth });

/** Pinned notices pushed at once: quiet hours off (the default 22:00–07:00 would hold them). */
const pushesOn = (key: string) => clients[key].post("/account/notifications", { intent: "save", on: "pinned_notice:push" });

async function pinNotice(title: string) {
  const res = await clients.SEC.post("/manage/notices", { intent: "post", unitId: String(ids.college), title, body: "正文", pinned: "on" });
  expect(res.text).toContain("通知已发布");
}

const endpointsOf = (personId: number) =>
  (f.db.prepare(`SELECT "endpoint" FROM "PushSubscription" WHERE "personId" = ? ORDER BY "id"`).all(personId) as { endpoint: string }[]).map((r) => r.endpoint);

const delivery = (personId: number, body: string) =>
  f.db
    .prepare(
      `SELECT d."state", d."lastError" FROM "NotificationDelivery" d JOIN "Notification" n ON n."id" = d."notificationId"
       WHERE n."personId" = ? AND n."body" = ? AND d."channel" = 'push'`,
    )
    .get(personId, body) as { state: string; lastError: string | null } | undefined;

/** A row as it was stored before decision 060: any endpoint, no session. */
function storeLegacy(personId: number, endpoint: string, s: { p256dh: string; auth: string }) {
  f.db
    .prepare(`INSERT INTO "PushSubscription" ("personId", "endpoint", "p256dh", "auth", "userAgent", "createdAt") VALUES (?, ?, ?, ?, 'legacy', ?)`)
    .run(personId, endpoint, s.p256dh, s.auth, storedTimestamp(new Date()));
}

describe("F1: push endpoints only on push services", () => {
  it("refuses an IP address, localhost and any host that is not a known push service, with the reason", async () => {
    const keys = push.subscribe();
    const cases: [string, string][] = [
      ["https://169.254.169.254/latest/meta-data/", "推送地址不能是 IP 地址或本机地址"],
      ["https://10.0.0.1:8443/admin", "推送地址不能是 IP 地址或本机地址"],
      ["https://[::1]/x", "推送地址不能是 IP 地址或本机地址"],
      ["https://localhost:22/", "推送地址不能是 IP 地址或本机地址"],
      ["https://localhost./", "推送地址不能是 IP 地址或本机地址"],
      ["https://0xa9.254.169.254/", "推送地址不能是 IP 地址或本机地址"], // 169.254.169.254 once parsed
      ["https://intranet.example.edu.cn/push", "推送地址不属于已知的浏览器推送服务"],
      ["https://fcm.googleapis.com.evil.example/fcm/send/x", "推送地址不属于已知的浏览器推送服务"],
      ["https://fcm.googleapis.com:8443/fcm/send/x", "推送地址的端口有误"],
    ];
    for (const [endpoint, message] of cases) {
      const res = await subscribe(clients.FAR, { ...keys, endpoint });
      expect(res.status, endpoint).toBe(400);
      expect(res.text, endpoint).toContain(message);
    }
    expect(endpointsOf(ids.FAR)).toEqual([]);
    // A browser's real endpoints are kept (never sent to here: FAR is outside every notice below).
    const fcm = `https://fcm.googleapis.com/fcm/send/${crypto.randomBytes(16).toString("base64url")}`;
    const apple = `https://web.push.apple.com/${crypto.randomBytes(16).toString("base64url")}`;
    for (const endpoint of [fcm, apple]) expect((await subscribe(clients.FAR, { ...keys, endpoint })).status).toBe(200);
    expect(endpointsOf(ids.FAR)).toEqual([fcm, apple]);
  });

  it("does not send to a row stored before the check, whose host is not allowed", async () => {
    await pushesOn("OLD");
    const sub = push.subscribe();
    // The test's push service, reached by the name localhost: its certificate covers it, the rule does not.
    storeLegacy(ids.OLD, sub.endpoint.replace("127.0.0.1", "localhost"), sub);
    await pinNotice("旧订阅不应收到");
    await expect.poll(() => delivery(ids.OLD, "旧订阅不应收到")?.state, { timeout: 20_000 }).toBe("skipped");
    expect(delivery(ids.OLD, "旧订阅不应收到")?.lastError).toContain("推送地址不在允许的推送服务之列");
    expect(push.received.filter((r) => r.subscription === sub.id)).toEqual([]);
  });

  it("refuses to connect to a push host that resolves to a private address, unless that host is named exactly", async () => {
    const post = (agent: https.Agent) =>
      new Promise<number>((resolve, reject) => {
        const req = https.request(`https://localhost:${new URL(push.origin).port}/push/0`, { method: "POST", agent }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    // localhost resolves to 127.0.0.1 (the hosts file): refused for a host allowed only by a pattern…
    await expect(post(pushAgent(pushHostRules("*.example.edu.cn"), push.ca))).rejects.toThrow("解析到内网或本机地址");
    // …and connected to when the operator named it (the push service answers: no such subscription).
    expect(await post(pushAgent(pushHostRules("localhost"), push.ca))).toBe(404);
  });
});

describe("F2: how many browsers, and how long one may take", () => {
  it("keeps a person's ten newest subscriptions: the eleventh replaces the oldest", async () => {
    const subs = Array.from({ length: 11 }, () => push.subscribe());
    for (const s of subs) expect((await subscribe(clients.CAP, s)).status).toBe(200);
    expect(endpointsOf(ids.CAP)).toEqual(subs.slice(1).map((s) => s.endpoint));
    const page = await clients.CAP.get("/account/notifications");
    expect(page.text.match(/data-testid="push-subscription"/g)).toHaveLength(10);
  });

  it("pushes to every browser at once; one whose push service never answers is cut off at the time limit", async () => {
    await pushesOn("LANE");
    const dead = push.subscribe([0]); // never answers
    const live = push.subscribe();
    expect((await subscribe(clients.LANE, dead)).status).toBe(200);
    expect((await subscribe(clients.LANE, live)).status).toBe(200);
    const closed = push.nextClosed();
    await pinNotice("一个浏览器不应拖住其他浏览器");
    expect(await closed).toBe(dead.id);
    // The live browser had it before the dead one was given up (one after the other, it would wait behind it).
    expect(push.events.filter((e) => e === `received ${live.id}` || e === `closed ${dead.id}`)).toEqual([`received ${live.id}`, `closed ${dead.id}`]);
    await expect.poll(() => delivery(ids.LANE, "一个浏览器不应拖住其他浏览器")?.state, { timeout: 20_000 }).toBe("sent");
  });
});

describe("F3: signing out", () => {
  it("removes the subscriptions that session made; another session's and an older one stay", async () => {
    const phone = await signIn("OUT");
    const lab = await signIn("OUT");
    const onPhone = push.subscribe();
    const onLab = push.subscribe();
    const older = push.subscribe();
    expect((await subscribe(phone, onPhone)).status).toBe(200);
    expect((await subscribe(lab, onLab)).status).toBe(200);
    storeLegacy(ids.OUT, older.endpoint, older);
    expect((await lab.post("/logout", {})).location).toBe("/login");
    expect(endpointsOf(ids.OUT)).toEqual([onPhone.endpoint, older.endpoint]);
    const page = await phone.get("/account/notifications");
    expect(page.text.match(/data-testid="push-subscription"/g)).toHaveLength(2);
  });
});

describe("F5: an endpoint someone else holds", () => {
  it("moves to another person only with the same keys; the holder may renew her keys", async () => {
    const s = push.subscribe();
    expect((await subscribe(clients.OWNER, s)).status).toBe(200);
    const other = push.subscribe();
    const taken = await subscribe(clients.TAKER, { endpoint: s.endpoint, p256dh: other.p256dh, auth: other.auth });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain("这个浏览器的推送已由另一个账号开启");
    expect(f.db.prepare(`SELECT "personId", "p256dh" FROM "PushSubscription" WHERE "endpoint" = ?`).get(s.endpoint)).toEqual({
      personId: ids.OWNER,
      p256dh: s.p256dh,
    });
    // The same browser profile, signed in as TAKER now: the same keys move the row to her.
    expect((await subscribe(clients.TAKER, s)).status).toBe(200);
    expect(endpointsOf(ids.TAKER)).toEqual([s.endpoint]);
    expect(endpointsOf(ids.OWNER)).toEqual([]);
    // Its holder's browser subscribing again with new keys replaces them.
    expect((await subscribe(clients.TAKER, { endpoint: s.endpoint, p256dh: other.p256dh, auth: other.auth })).status).toBe(200);
    expect(f.db.prepare(`SELECT "p256dh" FROM "PushSubscription" WHERE "endpoint" = ?`).get(s.endpoint)).toEqual({ p256dh: other.p256dh });
  });
});

describe("F6: one line of text", () => {
  const HOUR = 3600_000;
  const meeting = (overrides: Record<string, string>) => {
    const now = Date.now();
    return {
      unitId: String(ids.branch),
      title: "十二月支部党员大会",
      kind: "branch_meeting",
      startsAt: toLocalInput(new Date(now + 24 * HOUR)),
      endsAt: toLocalInput(new Date(now + 26 * HOUR)),
      checkinOpensAt: toLocalInput(new Date(now + 23 * HOUR)),
      checkinClosesAt: toLocalInput(new Date(now + 26 * HOUR)),
      hours: "2",
      ...overrides,
    };
  };
  const count = () => (f.db.prepare(`SELECT COUNT(*) AS n FROM "Activity"`).get() as { n: number }).n;

  it("refuses a line break or control character in a meeting's title and place, beside the field", async () => {
    const before = count();
    for (const title of ["会议\r\nATTENDEE:mailto:x@evil.example\r\nEND:VEVENT", "会议\u0007", "会议\u202e"]) {
      const res = await clients.SEC.post("/manage/activities", meeting({ title }));
      expect(res.status).toBe(400);
      expectFieldError(res.text, "new-activity-title", "活动名称只能填写一行文字，不能包含换行或控制字符");
    }
    expect(count()).toBe(before);
    const created = await clients.SEC.post("/manage/activities", meeting({ title: "  十二月支部党员大会  " }));
    expect(created.status).toBe(302);
    const id = Number(/\/manage\/activities\/(\d+)/.exec(created.location ?? "")?.[1]);
    const settings = await clients.SEC.post(`/manage/activities/${id}`, { intent: "settings", ...meeting({ place: "地点\r\nX-INJ:1" }) });
    expect(settings.status).toBe(400);
    expectFieldError(settings.text, "settings-place", "地点只能填写一行文字");
    expect(f.db.prepare(`SELECT "title", "place" FROM "Activity" WHERE "id" = ?`).get(id)).toEqual({ title: "十二月支部党员大会", place: null });
  });
});
