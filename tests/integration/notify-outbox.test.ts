import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type PushEndpoint, startPushEndpoint } from "../support/push-endpoint";
import { startSmtpSink } from "../support/smtp-sink";

// The notification outbox (decision 054) on a real database (SQLite, or PostgreSQL in the integration-pg
// run), sending for real: Web Push with the `web-push` library to an HTTPS push endpoint started here,
// which checks the VAPID signature and decrypts the payload with the subscription's keys (RFC 8292,
// RFC 8291), and email through nodemailer to an SMTP server started here. The sender is called with its
// clock and a process name, as the runner calls it every few seconds, so quiet hours, backoff and leases
// are tested without waiting.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("notify-outbox"), dataDir: `${process.cwd()}/tests/.tmp/notify-data-${process.pid}-${Date.now()}` };
});

const MINUTE = 60_000;
/** 2027-03-10 10:00 Beijing time: outside the default quiet hours. */
const MORNING = new Date("2027-03-10T02:00:00Z");

const f = testDb.factory;
let push: PushEndpoint;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let notify: typeof import("../../app/.server/notify/notify").notify;
let outbox: typeof import("../../app/.server/notify/outbox");
let prefs: typeof import("../../app/.server/notify/preferences");
let subscriptions: typeof import("../../app/.server/notify/push-subscriptions");
let vapid: typeof import("../../app/.server/notify/vapid");
let channels: import("../../app/.server/notify/channels").Channel[];
let unitId: number;
let seq = 0;

beforeAll(async () => {
  unitId = f.unit({ name: "通知测试党支部", kind: "branch", branchType: "student" }).id;
  push = await startPushEndpoint();
  smtp = await startSmtpSink();
  // Read when the app's env is first used, after these are set.
  process.env.DATA_DIR = dataDir;
  process.env.SMTP_URL = smtp.url;
  process.env.SMTP_FROM = "网上党校 <notify@dangxiao.test>";
  // The test's push service, named exactly (decision 060): on 127.0.0.1, so it must be.
  process.env.PUSH_ALLOWED_HOSTS = "127.0.0.1";
  ({ notify } = await import("../../app/.server/notify/notify"));
  outbox = await import("../../app/.server/notify/outbox");
  prefs = await import("../../app/.server/notify/preferences");
  subscriptions = await import("../../app/.server/notify/push-subscriptions");
  vapid = await import("../../app/.server/notify/vapid");
  const { createPushChannel } = await import("../../app/.server/notify/push-channel");
  const { createEmailChannel } = await import("../../app/.server/notify/email-channel");
  channels = [createPushChannel({ ca: push.ca }), createEmailChannel()];
});

afterAll(async () => {
  await push?.close();
  await smtp?.close();
  // The files first: they go even when the database can no longer be reached.
  fs.rmSync(dataDir, { recursive: true, force: true });
  await testDb.remove();
});

/** A person with quiet hours off (unless told) and, when asked, a browser subscribed to push. */
async function person(opts: { subscribe?: boolean; email?: string | null; quiet?: { start: number; end: number } | null; enabled?: string[] } = {}) {
  const id = f.person({ number: `N${++seq}`, name: `通知人${seq}`, unitId, politicalStatus: "member" });
  if (opts.quiet !== undefined || opts.email !== undefined || opts.enabled) {
    const enabled = new Set(opts.enabled ?? ["mention:push", "letter_reply:push", "letter_reply:email", "pinned_notice:push"]);
    await prefs.saveNotificationSettings(id, { enabled, quiet: opts.quiet ?? null, email: opts.email ?? null });
  }
  const sub = opts.subscribe ? push.subscribe() : null;
  if (sub) await subscriptions.savePushSubscription(id, null, { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, userAgent: "test" });
  return { id, sub };
}

const deliveries = (personId: number) =>
  f.db
    .prepare(
      `SELECT d."id", d."channel", d."state", d."attempts", d."nextAttemptAt", d."lastError", d."sentAt" FROM "NotificationDelivery" d
       JOIN "Notification" n ON n."id" = d."notificationId" WHERE n."personId" = ? ORDER BY d."id"`,
    )
    .all(personId) as {
    id: number;
    channel: string;
    state: string;
    attempts: number;
    nextAttemptAt: string;
    lastError: string | null;
    sentAt: string | null;
  }[];
const pushesTo = (subId: number) => push.received.filter((r) => r.subscription === subId);
const deliver = (now: Date, worker = "test-a") => outbox.deliverDue({ now, worker, channels });

describe("notify()", () => {
  it("writes one inbox row per person and key, and one outbox row per channel the person has on", async () => {
    const a = await person({ quiet: null });
    const b = await person({ quiet: null, enabled: ["mention:email"], email: "b@dangxiao.test" });
    const input = {
      personIds: [a.id, b.id, a.id],
      kind: "mention" as const,
      title: "有人提到了你",
      body: "在“学习二十大”中提到了你",
      url: "/discuss/1",
      dedupeKey: "mention:post:1",
    };
    expect((await notify(undefined, input)).sort()).toEqual([a.id, b.id].sort());
    // The same key again: nothing new, for either person.
    expect(await notify(undefined, { ...input, title: "again" })).toEqual([]);
    const inbox = f.db.prepare(`SELECT "personId", "title" FROM "Notification" WHERE "dedupeKey" = 'mention:post:1' ORDER BY "personId"`).all();
    expect(inbox).toEqual([a.id, b.id].sort().map((personId) => ({ personId, title: "有人提到了你" })));
    // a: the kind's default (push only); b switched push off and email on.
    expect(deliveries(a.id).map((d) => d.channel)).toEqual(["push"]);
    expect(deliveries(b.id).map((d) => d.channel)).toEqual(["email"]);
  });

  it("holds the outside channels until quiet hours end; the inbox row is there at once", async () => {
    const p = await person({ subscribe: true }); // no settings: the default 22:00–07:00
    const evening = new Date("2027-03-10T15:30:00Z"); // 23:30 Beijing
    await notify(undefined, { personIds: [p.id], kind: "mention", title: "晚间提醒", body: "正文", dedupeKey: "quiet:1", notBefore: evening });
    expect(f.db.prepare(`SELECT COUNT(*) AS n FROM "Notification" WHERE "personId" = ?`).get(p.id)).toEqual({ n: 1 });
    const [d] = deliveries(p.id);
    expect(new Date(d.nextAttemptAt).toISOString()).toBe("2027-03-10T23:00:00.000Z"); // 07:00 Beijing, the next morning
    await deliver(new Date("2027-03-10T22:59:00Z"));
    expect(deliveries(p.id)[0].state).toBe("pending");
    expect(pushesTo(p.sub!.id)).toHaveLength(0);
    await deliver(new Date("2027-03-10T23:00:00Z"));
    expect(deliveries(p.id)[0].state).toBe("sent");
    expect(pushesTo(p.sub!.id)).toHaveLength(1);
  });
});

describe("Web Push", () => {
  it("sends a VAPID-signed, encrypted payload the push endpoint can decrypt with the subscription's keys", async () => {
    const p = await person({ subscribe: true, quiet: null });
    await notify(undefined, {
      personIds: [p.id],
      kind: "pinned_notice",
      title: "学院党委置顶通知",
      body: "请于周五前完成必修课程",
      url: "/notices/5",
      dedupeKey: "notice:5",
    });
    expect(await deliver(new Date())).toMatchObject({ sent: 1 });
    const [got] = pushesTo(p.sub!.id);
    expect(got.payload).toEqual({ title: "学院党委置顶通知", body: "请于周五前完成必修课程", url: "/notices/5", tag: "notice:5" });
    expect(got.vapidKey).toBe(vapid.vapidKeys().publicKey);
    expect(got.audience).toBe(push.origin);
    expect(got.ttl).toBeGreaterThan(0);
    expect(push.problems).toEqual([]);
    expect(deliveries(p.id)).toMatchObject([{ state: "sent", attempts: 1, lastError: null }]);
    expect(f.db.prepare(`SELECT "lastSuccessAt" IS NOT NULL AS ok FROM "PushSubscription" WHERE "personId" = ?`).get(p.id)).toEqual({ ok: 1 });
    // The key pair was generated once and kept under DATA_DIR.
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, "keys", "vapid.json"), "utf8")).publicKey).toBe(got.vapidKey);
  });

  it("retries a failing endpoint later, and sends once when it recovers", async () => {
    const p = await person({ subscribe: true, quiet: null });
    push.answer(p.sub!.id, 500, 503);
    await notify(undefined, { personIds: [p.id], kind: "mention", title: "重试", body: "正文", dedupeKey: "retry:1" });
    const t0 = new Date(MORNING);
    expect(await deliver(t0)).toMatchObject({ retried: 1 });
    expect(deliveries(p.id)[0]).toMatchObject({ state: "pending", attempts: 1 });
    expect(deliveries(p.id)[0].lastError).toContain("500");
    expect(new Date(deliveries(p.id)[0].nextAttemptAt).getTime()).toBe(t0.getTime() + MINUTE);
    // Not due yet: nothing is tried.
    await deliver(new Date(t0.getTime() + 30_000));
    expect(deliveries(p.id)[0].attempts).toBe(1);
    await deliver(new Date(t0.getTime() + MINUTE)); // 503: the second wait is 4 minutes
    expect(deliveries(p.id)[0]).toMatchObject({ state: "pending", attempts: 2 });
    expect(new Date(deliveries(p.id)[0].nextAttemptAt).getTime()).toBe(t0.getTime() + 5 * MINUTE);
    await deliver(new Date(t0.getTime() + 5 * MINUTE));
    expect(deliveries(p.id)[0]).toMatchObject({ state: "sent", attempts: 3 });
    await deliver(new Date(t0.getTime() + 60 * MINUTE));
    expect(pushesTo(p.sub!.id).map((r) => (r.payload as { tag: string }).tag)).toEqual(["retry:1"]);
  });

  it("gives up after the last attempt and says why", async () => {
    const p = await person({ subscribe: true, quiet: null });
    push.answer(p.sub!.id, ...Array<number>(10).fill(500));
    await notify(undefined, { personIds: [p.id], kind: "mention", title: "放弃", body: "正文", dedupeKey: "giveup:1" });
    for (let i = 0; i < 10; i++) await deliver(new Date(MORNING.getTime() + i * 24 * 60 * MINUTE));
    const { MAX_DELIVERY_ATTEMPTS } = await import("~/lib/notification-schedule");
    expect(deliveries(p.id)[0]).toMatchObject({ state: "failed", attempts: MAX_DELIVERY_ATTEMPTS });
    expect(deliveries(p.id)[0].lastError).toContain("500");
  });

  it.each([404, 410])("removes a subscription the push service answers %i for", async (status) => {
    const p = await person({ subscribe: true, quiet: null });
    push.answer(p.sub!.id, status);
    await notify(undefined, { personIds: [p.id], kind: "mention", title: "失效", body: "正文", dedupeKey: `gone:${status}` });
    await deliver(new Date());
    expect(f.db.prepare(`SELECT COUNT(*) AS n FROM "PushSubscription" WHERE "personId" = ?`).get(p.id)).toEqual({ n: 0 });
    expect(deliveries(p.id)[0]).toMatchObject({ state: "skipped", lastError: "推送订阅已失效，已删除" });
  });

  it("skips, with the reason, a person with no subscribed browser", async () => {
    const p = await person({ quiet: null });
    await notify(undefined, { personIds: [p.id], kind: "mention", title: "无订阅", body: "正文", dedupeKey: "nosub:1" });
    await deliver(new Date());
    expect(deliveries(p.id)[0]).toMatchObject({ state: "skipped", lastError: "未在任何设备上开启推送" });
  });
});

describe("the outbox's claims", () => {
  it("lets one process only claim a row, and another reclaim it once the lease has run out", async () => {
    const p = await person({ subscribe: true, quiet: null });
    await notify(undefined, { personIds: [p.id], kind: "mention", title: "租约", body: "正文", dedupeKey: "lease:1" });
    const [d] = deliveries(p.id);
    const t0 = new Date(MORNING.getTime() + 100 * 24 * 60 * MINUTE);
    // Process A claims the row and dies before sending.
    expect(await outbox.claimDelivery(d.id, t0, "process-a")).toBe(true);
    expect(await outbox.claimDelivery(d.id, t0, "process-b")).toBe(false);
    expect(await deliver(new Date(t0.getTime() + outbox.LEASE_MS - 1), "process-b")).toMatchObject({ sent: 0 });
    expect(pushesTo(p.sub!.id)).toHaveLength(0);
    // Its lease over, B sends it: once.
    await deliver(new Date(t0.getTime() + outbox.LEASE_MS), "process-b");
    await deliver(new Date(t0.getTime() + 2 * outbox.LEASE_MS), "process-c");
    expect(pushesTo(p.sub!.id)).toHaveLength(1);
    expect(deliveries(p.id)[0]).toMatchObject({ state: "sent", attempts: 2 });
  });

  it("sends each row once when two processes sweep at the same moment", async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => person({ subscribe: true, quiet: null })));
    await notify(undefined, { personIds: people.map((p) => p.id), kind: "mention", title: "并发", body: "正文", dedupeKey: "race:1" });
    const now = new Date(MORNING.getTime() + 200 * 24 * 60 * MINUTE);
    const [a, b] = await Promise.all([deliver(now, "racer-a"), deliver(now, "racer-b")]);
    expect(a.sent + b.sent).toBe(6);
    for (const p of people) expect(pushesTo(p.sub!.id)).toHaveLength(1);
  });
});

describe("email", () => {
  it("sends the notification to the person's address through SMTP, in Chinese", async () => {
    const p = await person({ quiet: null, email: "zhang@dangxiao.test", enabled: ["letter_reply:email"] });
    const received = smtp.next();
    await notify(undefined, {
      personIds: [p.id],
      kind: "letter_reply",
      title: "您的来信有了回复",
      body: "关于支部活动室开放时间的来信已答复",
      url: "/mailbox/letters/3",
      dedupeKey: "letter:3:reply:1",
    });
    expect(await deliver(new Date())).toMatchObject({ sent: 1 });
    const mail = await received;
    expect(mail.to).toEqual(["zhang@dangxiao.test"]);
    expect(mail.from).toBe("notify@dangxiao.test");
    expect(mail.subject).toBe("您的来信有了回复");
    expect(mail.text).toContain(`通知人${seq}：`);
    expect(mail.text).toContain("关于支部活动室开放时间的来信已答复");
    expect(mail.text).toContain("/mailbox/letters/3");
    expect(deliveries(p.id)[0]).toMatchObject({ channel: "email", state: "sent" });
  });

  it("skips a person without an email address, with the reason", async () => {
    const p = await person({ quiet: null, enabled: ["letter_reply:email"] });
    const before = smtp.messages.length;
    await notify(undefined, { personIds: [p.id], kind: "letter_reply", title: "回复", body: "正文", dedupeKey: "letter:4:reply:1" });
    await deliver(new Date());
    expect(deliveries(p.id)[0]).toMatchObject({ channel: "email", state: "skipped", lastError: "未填写接收通知的电子邮箱" });
    expect(smtp.messages.length).toBe(before);
  });
});
