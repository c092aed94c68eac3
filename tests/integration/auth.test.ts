import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

let server: TestServer;
let memberId: number;
let branchId: number;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const branch = f.unit({ name: "测试党支部", kind: "branch", parent: root, branchType: "student" });
  branchId = branch.id;
  memberId = f.person({ number: "2024000001", name: "测试党员", unitId: branch.id, politicalStatus: "member" });
  await f.password(memberId, "Passw0rd!");
  const fresh = f.person({ number: "2024000002", name: "新导入", unitId: branch.id });
  await f.password(fresh, "Init1234", true);
});
afterAll(() => server?.stop());

describe("sign-in and sessions", () => {
  it("signs in with the student number and sets an HttpOnly, SameSite=Lax session cookie", async () => {
    const c = new Client(server.url);
    const res = await c.login("2024000001", "Passw0rd!");
    expect(res.status).toBe(302);
    expect(res.location).toBe("/");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/wsdx_session=[a-z2-7]{32}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await c.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("测试党员");
  });

  it("stores only the SHA-256 of the token", async () => {
    const c = new Client(server.url);
    await c.login("2024000001", "Passw0rd!");
    const token = c.sessionToken()!;
    const rows = server.factory.db.prepare("SELECT id FROM Session").all() as { id: string }[];
    expect(rows.some((r) => r.id === token)).toBe(false);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
    const hex = Buffer.from(digest).toString("hex");
    expect(rows.some((r) => r.id === hex)).toBe(true);
  });

  it("gives the same message for a wrong password and an unknown account", async () => {
    const c = new Client(server.url);
    const wrong = await c.login("2024000001", "nope");
    const unknown = await c.login("9999999999", "nope");
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(wrong.text).toContain("账号或密码不正确");
    expect(unknown.text).toContain("账号或密码不正确");
  });

  it("logout ends the session on the server, not only in the browser", async () => {
    const c = new Client(server.url);
    await c.login("2024000001", "Passw0rd!");
    const token = c.sessionToken()!;
    const out = await c.post("/logout", {});
    expect(out.status).toBe(302);
    const replay = new Client(server.url);
    const res = await replay.request("/", { headers: { Cookie: `wsdx_session=${token}` } });
    expect(res.status).toBe(302);
    expect(res.location).toContain("/login");
  });

  it("never redirects off the site after sign-in, even through characters browsers strip", async () => {
    for (const redirectTo of [
      "//evil.example/x",
      "/\t/evil.example/x",
      "/\\evil.example",
      "https://evil.example/",
      "/..//evil.example",
      "/%2e%2e//evil.example",
      "/%2f%2fevil.example",
    ]) {
      const c = new Client(server.url);
      const res = await c.post("/login", { username: "2024000001", password: "Passw0rd!", redirectTo });
      expect(res.status).toBe(302);
      expect(res.location).toBe("/");
    }
    const ok = await new Client(server.url).post("/login", { username: "2024000001", password: "Passw0rd!", redirectTo: "/account/hours?year=2025" });
    expect(ok.location).toBe("/account/hours?year=2025");
  });

  it("refuses a form post from another site", async () => {
    const c = new Client(server.url);
    const res = await c.post("/login", { username: "2024000001", password: "Passw0rd!" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
    const none = await c.post("/login", { username: "2024000001", password: "Passw0rd!" }, { origin: null });
    expect(none.status).toBe(403);
  });

  it("sends an imported account to change its password first, then ends its other sessions", async () => {
    const a = new Client(server.url);
    const res = await a.login("2024000002", "Init1234");
    expect(res.location).toBe("/account/password");
    expect((await a.get("/")).location).toBe("/account/password");
    const b = new Client(server.url);
    await b.login("2024000002", "Init1234");
    const bad = await a.post("/account/password", { currentPassword: "Init1234", newPassword: "short", confirmPassword: "short" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("密码至少 8 位");
    const ok = await a.post("/account/password", { currentPassword: "Init1234", newPassword: "NewPass123", confirmPassword: "NewPass123" });
    expect(ok.status).toBe(302);
    expect((await a.get("/")).status).toBe(200);
    expect((await b.get("/")).location).toContain("/login");
  });

  it("locks an account after repeated failures, even for the right password", async () => {
    const f = server.factory;
    const id = f.person({ number: "2024000003", name: "锁定测试", unitId: branchId });
    await f.password(id, "Right1234");
    const c = new Client(server.url);
    for (let i = 0; i < 5; i++) await c.login("2024000003", "wrong");
    const res = await c.login("2024000003", "Right1234");
    expect(res.status).toBe(400);
    expect(res.text).toContain("账号或密码不正确，或尝试过于频繁");
  });

  it("sends security headers with a fresh CSP nonce that the page's scripts carry", async () => {
    const c = new Client(server.url);
    const a = await c.get("/login");
    const b = await c.get("/login");
    const csp = a.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(nonce).not.toBe(/'nonce-([^']+)'/.exec(b.headers.get("content-security-policy")!)![1]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    const scripts = [...a.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
  });

  it("answers /healthz once the database answers", async () => {
    const res = await new Client(server.url).get("/healthz");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ status: "ok", database: "ok" });
  });
});
