import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The audit of notification settings (issue 19): a save records what it changed (switches on and off,
// quiet hours, the email address masked), a save changing nothing records nothing, and each browser
// subscribed or removed is recorded by its push service's host only, never the endpoint.

let server: TestServer;
let member: Client;
let personId: number;
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "审计大学党委", kind: "committee" });
  personId = f.person({ number: "AUD1", name: "人员AUD1", unitId: root.id, politicalStatus: "member" });
  await f.password(personId, PASSWORD);
  member = new Client(server.url);
  expect((await member.login("AUD1", PASSWORD)).status).toBe(302);
});
afterAll(async () => {
  await server?.stop();
});

const logged = (action: string) =>
  (
    server.factory.db.prepare("SELECT actorId, targetId, detail FROM AuditLog WHERE action = ? ORDER BY id").all(action) as {
      actorId: number;
      targetId: string;
      detail: string;
    }[]
  ).map((r) => ({ actorId: r.actorId, targetId: r.targetId, detail: JSON.parse(r.detail) as Record<string, unknown> }));

describe("notification settings", () => {
  it("audits what a save changed, with the email masked, and nothing for a save that changes nothing", async () => {
    // Defaults: mentions, pinned notices, grading and deadlines by push; letter replies and meetings by push and email.
    const save = (fields: Record<string, string | string[]>) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
      return member.post("/account/notifications", form);
    };
    const defaults = [
      "mention:push",
      "letter_reply:push",
      "letter_reply:email",
      "pinned_notice:push",
      "meeting:push",
      "meeting:email",
      "deadline:push",
      "grading:push",
    ];
    const first = await save({
      intent: "save",
      on: defaults.filter((k) => k !== "mention:push").concat("grading:email"),
      quiet: "on",
      quietStart: "22:00",
      quietEnd: "07:00",
      email: "zhou.dangyuan@example.edu.cn",
    });
    expect(first.location).toBe("/account/notifications?saved=1");
    expect(logged("notification.settings")).toEqual([
      {
        actorId: personId,
        targetId: String(personId),
        detail: { on: ["grading:email"], off: ["mention:push"], email: { from: null, to: "z***n@example.edu.cn" } },
      },
    ]);
    // The same again: nothing changed, nothing recorded.
    await save({
      intent: "save",
      on: defaults.filter((k) => k !== "mention:push").concat("grading:email"),
      quiet: "on",
      quietStart: "22:00",
      quietEnd: "07:00",
      email: "zhou.dangyuan@example.edu.cn",
    });
    expect(logged("notification.settings")).toHaveLength(1);
    // Quiet hours off and the email removed.
    await save({ intent: "save", on: defaults });
    const last = logged("notification.settings").at(-1)!.detail;
    expect(last).toEqual({
      on: ["mention:push"],
      off: ["grading:email"],
      quiet: { from: "22:00–07:00", to: "关闭" },
      email: { from: "z***n@example.edu.cn", to: null },
    });
    const text = JSON.stringify(logged("notification.settings"));
    expect(text).not.toContain("zhou.dangyuan");
  });

  it("audits a browser subscribed and removed by its push service's host, never its endpoint", async () => {
    const endpoint = "https://fcm.googleapis.com/fcm/send/secret-capability-token";
    const p256dh = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url");
    const auth = Buffer.alloc(16, 9).toString("base64url");
    expect((await member.post("/account/notifications", { intent: "subscribe", endpoint, p256dh, auth })).status).toBe(200);
    const { id } = server.factory.db.prepare("SELECT id FROM PushSubscription WHERE personId = ?").get(personId) as { id: number };
    expect((await member.post("/account/notifications", { intent: "unsubscribe", id: String(id) })).status).toBe(302);
    // Removing it again is refused and recorded nowhere.
    expect((await member.post("/account/notifications", { intent: "unsubscribe", id: String(id) })).status).toBe(404);
    expect(logged("notification.subscribe")).toEqual([{ actorId: personId, targetId: String(personId), detail: { host: "fcm.googleapis.com" } }]);
    expect(logged("notification.unsubscribe")).toEqual([{ actorId: personId, targetId: String(personId), detail: { host: "fcm.googleapis.com" } }]);
    const all = JSON.stringify(server.factory.db.prepare("SELECT detail FROM AuditLog").all());
    expect(all).not.toContain("secret-capability-token");
  });
});
