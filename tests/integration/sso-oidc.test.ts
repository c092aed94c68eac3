import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { freePort } from "../support/free-port";
import { getWithHost } from "../support/host-header";
import { throughProvider } from "../support/oidc-browser";
import { type TestOidcProvider, oidcEnv, startOidcProvider } from "../support/oidc-provider";
import { type TestServer, startTestServer } from "../support/server";

// Campus single sign-on over OpenID Connect against a real provider (oidc-provider) on 127.0.0.1:
// authorize → the provider's login page → consent → our callback → signed in as the mapped person.

let provider: TestOidcProvider;
let server: TestServer;

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({
    redirectUri: `${publicUrl}/auth/oidc/callback`,
    accounts: {
      "2024200001": { password: "idp-pass-1", name: "赵一" },
      "2024200002": { password: "idp-pass-2", name: "钱二" },
      "2024299999": { password: "idp-pass-9", name: "外人" },
    },
  });
  server = await startTestServer({
    env: {
      PORT: String(port),
      ...oidcEnv(provider, publicUrl),
    },
  });
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const branch = f.unit({ name: "测试党支部", kind: "branch", parent: root, branchType: "student" });
  f.person({ number: "2024200001", name: "赵一", unitId: branch.id, politicalStatus: "member" });
  const admin = f.person({ number: "2024200002", name: "钱二", unitId: root.id, politicalStatus: "member" });
  f.grant(admin, "admin", root.id);
});
afterAll(async () => {
  await server?.stop();
  await provider?.stop();
});

async function startAt(client: Client, redirectTo = "/hours") {
  const start = await client.get(`/auth/oidc?redirectTo=${encodeURIComponent(redirectTo)}`);
  expect(start.status).toBe(302);
  return start.location!;
}

const lastAudit = (action: string) => {
  const row = server.factory.db.prepare("SELECT targetId, detail FROM AuditLog WHERE action = ? ORDER BY id DESC").get(action) as {
    targetId: string | null;
    detail: string;
  };
  return { targetId: row.targetId, ...(JSON.parse(row.detail) as Record<string, unknown>) };
};

describe("OpenID Connect sign-in", () => {
  it("sends the browser to the provider with PKCE, state, nonce and the redirect URI from PUBLIC_URL", async () => {
    const authorize = new URL(await startAt(new Client(server.url)));
    expect(`${authorize.origin}`).toBe(provider.issuer);
    const p = authorize.searchParams;
    expect(p.get("response_type")).toBe("code");
    expect(p.get("client_id")).toBe(provider.clientId);
    expect(p.get("redirect_uri")).toBe(`${server.url}/auth/oidc/callback`);
    expect(p.get("code_challenge_method")).toBe("S256");
    expect(p.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const hostile = await getWithHost(`${server.url}/auth/oidc`, "evil.example");
    expect(new URL(hostile.location!).searchParams.get("redirect_uri")).toBe(`${server.url}/auth/oidc/callback`);
  });

  it("signs in the person whose 学号 the provider names, and goes where the person was headed", async () => {
    const c = new Client(server.url);
    const callback = await throughProvider(provider.issuer, await startAt(c), server.url, "2024200001", "idp-pass-1");
    expect(callback).toMatch(/^\/auth\/oidc\/callback\?code=/);
    const done = await c.get(callback);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/hours");
    expect(c.sessionToken()).toMatch(/^[a-z2-7]{32}$/);
    const home = await c.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("赵一");
    expect(lastAudit("login.success")).toMatchObject({ via: "oidc" });
  });

  it("refuses a person the system does not know, in Chinese, and audits it", async () => {
    const c = new Client(server.url);
    const callback = await throughProvider(provider.issuer, await startAt(c), server.url, "2024299999", "idp-pass-9");
    const done = await c.get(callback);
    expect(done.status).toBe(403);
    expect(done.text).toContain("网上党校中没有学号/工号为 2024299999 的账号");
    expect(c.sessionToken()).toBeUndefined();
    expect(lastAudit("login.failure")).toEqual({ targetId: "2024299999", via: "oidc", reason: "unknown" });
  });

  it("refuses a callback whose state is not the one this browser started with", async () => {
    const c = new Client(server.url);
    const callback = await throughProvider(provider.issuer, await startAt(c), server.url, "2024200001", "idp-pass-1");
    const wrong = await c.get(callback.replace(/state=[^&]+/, `state=${"x".repeat(43)}`));
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("登录请求已过期或不是从本浏览器发起的");
    expect(c.sessionToken()).toBeUndefined();
    expect(lastAudit("login.failure")).toMatchObject({ via: "oidc", reason: "flow" });
  });

  it("refuses a callback opened in another browser (a link someone sent)", async () => {
    const attacker = new Client(server.url);
    const callback = await throughProvider(provider.issuer, await startAt(attacker), server.url, "2024200001", "idp-pass-1");
    const victim = new Client(server.url);
    const done = await victim.get(callback);
    expect(done.status).toBe(400);
    expect(victim.sessionToken()).toBeUndefined();
  });

  it("refuses an ID token whose payload was altered on the way (signature no longer matches)", async () => {
    const c = new Client(server.url);
    const callback = await throughProvider(provider.issuer, await startAt(c), server.url, "2024200001", "idp-pass-1");
    provider.tamperNextIdToken("2024200002");
    const done = await c.get(callback);
    expect(done.status).toBe(400);
    expect(done.text).toContain("未能确认您的身份");
    expect(c.sessionToken()).toBeUndefined();
    expect(lastAudit("login.failure")).toMatchObject({ via: "oidc", reason: "invalid" });
  });

  it("refuses a code redeemed twice", async () => {
    const c = new Client(server.url);
    const start = await c.get("/auth/oidc");
    const flow = /wsdx_sso=([^;]+)/.exec(start.headers.get("set-cookie")!)![1];
    const callback = await throughProvider(provider.issuer, start.location!, server.url, "2024200001", "idp-pass-1");
    const withFlow = () => fetch(server.url + callback, { headers: { Cookie: `wsdx_sso=${flow}` }, redirect: "manual" });
    expect((await withFlow()).status).toBe(302);
    const replay = await withFlow();
    expect(replay.status).toBe(400);
    expect(replay.headers.getSetCookie().join("\n")).not.toContain("wsdx_session=");
  });

  it("goes home instead of following a return path that leaves the site", async () => {
    const c = new Client(server.url);
    const callback = await throughProvider(provider.issuer, await startAt(c, "//evil.example/x"), server.url, "2024200001", "idp-pass-1");
    const done = await c.get(callback);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/");
  });

  it("says the sign-in was not completed when the person cancels at the provider", async () => {
    const c = new Client(server.url);
    const start = await c.get("/auth/oidc");
    const state = new URL(start.location!).searchParams.get("state")!;
    const done = await c.get(`/auth/oidc/callback?error=access_denied&state=${state}`);
    expect(done.status).toBe(400);
    expect(done.text).toContain("未完成登录");
  });
});
