import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Sliding expiry, expired sessions, and the per-address throttle (which locks the whole address,
// so it runs on a server of its own).

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  for (const n of ["U1", "U2"]) await f.password(f.person({ number: n, name: n, unitId: root.id }), "Passw0rd1");
});
afterAll(() => server?.stop());

const expiresAt = (token: string) => {
  const id = crypto.createHash("sha256").update(token).digest("hex");
  const row = server.factory.db.prepare("SELECT expiresAt FROM Session WHERE id = ?").get(id) as { expiresAt: string };
  return new Date(row.expiresAt).getTime();
};

describe("session lifetime", () => {
  it("slides the expiry forward, in the database and the cookie, once half the lifetime has passed", async () => {
    const c = new Client(server.url);
    await c.login("U1", "Passw0rd1");
    const token = c.sessionToken()!;
    // Pretend 10 of the 14 days have passed.
    const soon = new Date(Date.now() + 4 * 86_400_000).toISOString().replace("Z", "+00:00");
    server.factory.db.prepare("UPDATE Session SET expiresAt = ?").run(soon);
    const res = await c.get("/");
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`wsdx_session=${token}`);
    const newExpiry = new Date(/Expires=([^;]+)/.exec(cookie)![1]).getTime();
    expect(newExpiry).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    expect(expiresAt(token)).toBeGreaterThan(Date.now() + 13 * 86_400_000);
  });

  it("does not touch a fresh session", async () => {
    const c = new Client(server.url);
    await c.login("U2", "Passw0rd1");
    const res = await c.get("/");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("sends an expired session to sign in and deletes it", async () => {
    const c = new Client(server.url);
    await c.login("U1", "Passw0rd1");
    const id = crypto.createHash("sha256").update(c.sessionToken()!).digest("hex");
    const past = new Date(Date.now() - 1000).toISOString().replace("Z", "+00:00");
    server.factory.db.prepare("UPDATE Session SET expiresAt = ? WHERE id = ?").run(past, id);
    const res = await c.get("/");
    expect(res.status).toBe(302);
    expect(res.location).toContain("/login");
    expect((server.factory.db.prepare("SELECT COUNT(*) AS n FROM Session WHERE id = ?").get(id) as { n: number }).n).toBe(0);
  });

  it("ignores a forged or malformed token", async () => {
    const c = new Client(server.url);
    for (const token of ["x", "a".repeat(32), "'; DROP TABLE Session; --"]) {
      const res = await c.request("/", { headers: { Cookie: `wsdx_session=${encodeURIComponent(token)}` } });
      expect(res.location).toContain("/login");
    }
  });
});

describe("per-address throttle", () => {
  // Its own server starts inside the test: on PostgreSQL a database is copied first, and the start takes longer.
  it("refuses even a right password from an address with too many failures", async () => {
    const own = await startTestServer();
    try {
      const root = own.factory.unit({ name: "党委", kind: "committee" });
      await own.factory.password(own.factory.person({ number: "OK1", name: "甲", unitId: root.id }), "Passw0rd1");
      const c = new Client(own.url);
      // 50 failures spread over many accounts, so no single account is locked.
      for (let i = 0; i < 50; i++) await c.login(`nobody-${i}`, "wrong");
      const res = await c.login("OK1", "Passw0rd1");
      expect(res.status).toBe(400);
      expect(res.text).toContain("尝试过于频繁");
      const reasons = own.factory.db.prepare("SELECT detail FROM AuditLog WHERE action = 'login.failure' AND targetId = 'OK1'").all() as { detail: string }[];
      expect(reasons.map((r) => JSON.parse(r.detail).reason)).toContain("throttled");
    } finally {
      await own.stop();
    }
  }, 90_000);
});
