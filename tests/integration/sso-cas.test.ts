import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestCasServer, startCasServer } from "../support/cas-server";
import { Client } from "../support/client";
import { freePort } from "../support/free-port";
import { getWithHost } from "../support/host-header";
import { type TestServer, startTestServer } from "../support/server";
import { SERVER_START_TEST_MS, spawnServer } from "../support/spawn-server";

// Campus single sign-on over CAS 2.0 and 3.0, against the small CAS server of tests/support: the
// browser's part is done by the cookie-keeping client, the CAS login form by a plain post.

let cas: TestCasServer;
let v3: TestServer;
let v2: TestServer;

const flowCookieOf = (setCookie: string | null) => /wsdx_sso=([^;]+)/.exec(setCookie ?? "")?.[1] ?? null;

beforeAll(async () => {
  cas = await startCasServer({
    users: {
      zhangsan: { password: "cas-pass-1", attributes: { studentNumber: "2024100001", cn: "张三", memberOf: ["students", "party"] } },
      lisi: { password: "cas-pass-2", attributes: { studentNumber: "2024199999" } },
      wangwu: { password: "cas-pass-3", attributes: { studentNumber: "2024100003" } },
      noattr: { password: "cas-pass-4" },
      "2024100001": { password: "cas-pass-5" },
      "2024100002": { password: "cas-pass-6" },
      zhaoliu: { password: "cas-pass-7", attributes: { studentNumber: "2024100005" } },
    },
  });
  const [p3, p2] = [await freePort(), await freePort()];
  v3 = await startTestServer({
    env: { PORT: String(p3), PUBLIC_URL: `http://127.0.0.1:${p3}`, CAS_BASE_URL: cas.baseUrl, CAS_VERSION: "3.0", CAS_ID_ATTRIBUTE: "studentNumber" },
  });
  v2 = await startTestServer({
    env: { PORT: String(p2), PUBLIC_URL: `http://127.0.0.1:${p2}`, CAS_BASE_URL: cas.baseUrl, CAS_VERSION: "2.0", SSO_LABEL: "信息门户" },
  });
  for (const server of [v3, v2]) {
    const f = server.factory;
    const root = f.unit({ name: "测试大学党委", kind: "committee" });
    const branch = f.unit({ name: "测试党支部", kind: "branch", parent: root, branchType: "student" });
    f.person({ number: "2024100001", name: "张三", unitId: branch.id, politicalStatus: "member" });
    f.person({ number: "2024100002", name: "停用者", unitId: branch.id, disabled: true });
    f.person({ number: "2024100003", name: "王五", unitId: branch.id, disabled: true });
  }
});
afterAll(async () => {
  await v3?.stop();
  await v2?.stop();
  await cas?.stop();
});

/** Starts the flow in `client` and signs in at the CAS login form; returns the callback path and the flow cookie. */
async function throughCas(server: TestServer, client: Client, username: string, password: string, redirectTo = "/hours") {
  const start = await client.get(`/auth/cas?redirectTo=${encodeURIComponent(redirectTo)}`);
  expect(start.status).toBe(302);
  const login = new URL(start.location!);
  expect(`${login.origin}${login.pathname}`).toBe(`${cas.baseUrl}/login`);
  const service = login.searchParams.get("service")!;
  expect(service).toMatch(new RegExp(`^${server.url}/auth/cas\\?flow=[A-Za-z0-9_-]{43}$`));
  const posted = await fetch(login, { method: "POST", body: new URLSearchParams({ username, password }), redirect: "manual" });
  expect(posted.status).toBe(302);
  const back = new URL(posted.headers.get("location")!);
  expect(back.origin).toBe(server.url);
  return { callback: back.pathname + back.search, flowCookie: flowCookieOf(start.headers.get("set-cookie"))! };
}

const failures = (server: TestServer) =>
  (
    server.factory.db.prepare("SELECT targetId, detail FROM AuditLog WHERE action = 'login.failure' ORDER BY id").all() as {
      targetId: string | null;
      detail: string;
    }[]
  ).map((r) => ({ targetId: r.targetId, ...(JSON.parse(r.detail) as Record<string, unknown>) }));

describe("CAS 3.0 (/p3/serviceValidate, the number in an attribute)", () => {
  it("shows the SSO button above the password form", async () => {
    const page = await new Client(v3.url).get("/login?redirectTo=%2Fhours");
    expect(page.text).toContain("统一身份认证登录");
    expect(page.text).toContain('href="/auth/cas?redirectTo=%2Fhours"');
    expect(page.text.indexOf("统一身份认证登录")).toBeLessThan(page.text.indexOf('name="password"'));
  });

  it("signs in the person whose 学号 the attribute names and goes where the person was headed", async () => {
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "zhangsan", "cas-pass-1");
    const done = await c.get(callback);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/hours");
    expect(done.headers.getSetCookie().join("\n")).toMatch(/wsdx_sso=;.*Max-Age=0/);
    expect(c.sessionToken()).toMatch(/^[a-z2-7]{32}$/);
    const home = await c.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("张三");
    expect(cas.validations.at(-1)!.path).toBe("/p3/serviceValidate");
    const success = v3.factory.db.prepare("SELECT targetId, detail FROM AuditLog WHERE action = 'login.success' ORDER BY id DESC").get() as { detail: string };
    expect(JSON.parse(success.detail)).toEqual({ via: "cas" });
  });

  it("refuses a person the system does not know, saying so in Chinese, and audits it", async () => {
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "lisi", "cas-pass-2");
    const done = await c.get(callback);
    expect(done.status).toBe(403);
    expect(done.text).toContain("网上党校中没有学号/工号为 2024199999 的账号");
    expect(c.sessionToken()).toBeUndefined();
    expect(failures(v3).at(-1)).toEqual({ targetId: "2024199999", via: "cas", reason: "unknown" });
  });

  it("refuses a disabled person", async () => {
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "wangwu", "cas-pass-3");
    const done = await c.get(callback);
    expect(done.status).toBe(403);
    expect(done.text).toContain("账号已停用");
    expect(c.sessionToken()).toBeUndefined();
    expect(failures(v3).at(-1)).toMatchObject({ targetId: "2024100003", reason: "disabled" });
  });

  it("refuses a CAS answer without the configured attribute", async () => {
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "noattr", "cas-pass-4");
    const done = await c.get(callback);
    expect(done.status).toBe(403);
    expect(done.text).toContain("没有提供您的学号/工号");
    expect(c.sessionToken()).toBeUndefined();
  });

  it("refuses an unknown ticket and a ticket used once already", async () => {
    const c = new Client(v3.url);
    const { callback, flowCookie } = await throughCas(v3, c, "zhangsan", "cas-pass-1");
    const bogus = callback.replace(/ticket=[^&]+/, "ticket=ST-not-issued-by-cas");
    const withFlow = (path: string) => fetch(v3.url + path, { headers: { Cookie: `wsdx_sso=${flowCookie}` }, redirect: "manual" });
    const unknown = await withFlow(bogus);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("凭据无效或已使用");
    const first = await withFlow(callback);
    expect(first.status).toBe(302);
    const replay = await withFlow(callback);
    expect(replay.status).toBe(400);
    expect(replay.headers.getSetCookie().join("\n")).not.toContain("wsdx_session=");
    expect(failures(v3).at(-1)).toMatchObject({ via: "cas", reason: "invalid", error: "INVALID_TICKET" });
  });

  it("refuses a ticket issued for another service URL (someone else's flow)", async () => {
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "lisi", "cas-pass-2");
    const flow = new URLSearchParams(callback.split("?")[1]).get("flow")!;
    // An attacker's ticket, issued for the attacker's own flow, pasted into the victim's callback.
    const foreign = cas.issueTicket("zhangsan", `${v3.url}/auth/cas?flow=${"A".repeat(43)}`);
    const done = await c.get(`/auth/cas?flow=${flow}&ticket=${foreign}`);
    expect(done.status).toBe(400);
    expect(c.sessionToken()).toBeUndefined();
    expect(failures(v3).at(-1)).toMatchObject({ reason: "invalid", error: "INVALID_SERVICE" });
  });

  it("refuses a callback opened in a browser that did not start the sign-in, without asking CAS", async () => {
    const attacker = new Client(v3.url);
    const { callback } = await throughCas(v3, attacker, "zhangsan", "cas-pass-1");
    const seen = cas.validations.length;
    const victim = new Client(v3.url);
    const done = await victim.get(callback);
    expect(done.status).toBe(400);
    expect(done.text).toContain("不是从本浏览器发起的");
    expect(victim.sessionToken()).toBeUndefined();
    expect(cas.validations.length).toBe(seen);
  });

  it("refuses a validation answer that declares entities or is not the CAS format", async () => {
    for (const xml of [
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY u "2024100001">]><cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>&u;</cas:user></cas:authenticationSuccess></cas:serviceResponse>`,
      `<serviceResponse><authenticationSuccess><user>2024100001</user></authenticationSuccess></serviceResponse>`,
      `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>2024100001</cas:user>`,
    ]) {
      const c = new Client(v3.url);
      const { callback } = await throughCas(v3, c, "zhangsan", "cas-pass-1");
      cas.answerNextWith(xml);
      const done = await c.get(callback);
      expect(done.status).toBe(400);
      expect(c.sessionToken()).toBeUndefined();
    }
  });

  it("says the CAS server cannot be reached when it answers with an error page", async () => {
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "zhangsan", "cas-pass-1");
    cas.answerNextWith({ status: 503 });
    const done = await c.get(callback);
    expect(done.status).toBe(502);
    expect(done.text).toContain("服务暂时无法访问");
    expect(done.text).toContain("使用学号/工号和密码登录");
    expect(failures(v3).at(-1)).toMatchObject({ via: "cas", reason: "unavailable", error: "HTTP 503" });
  });

  it("builds the service URL from PUBLIC_URL, whatever Host the request names", async () => {
    const start = await getWithHost(`${v3.url}/auth/cas`, "evil.example");
    expect(start.status).toBe(302);
    expect(new URL(start.location!).searchParams.get("service")).toMatch(new RegExp(`^${v3.url}/auth/cas\\?flow=`));
  });

  it("goes home instead of following a return path that leaves the site", async () => {
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "zhangsan", "cas-pass-1", "//evil.example/x");
    const done = await c.get(callback);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/");
  });
});

describe("an account in use through CAS", () => {
  it("gets no activation code: one issued before the first CAS sign-in is revoked by it, and no new one is issued", async () => {
    const f = v3.factory;
    const root = (f.db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL").get() as { id: number }).id;
    const branch = (f.db.prepare("SELECT id FROM OrgUnit WHERE name = '测试党支部'").get() as { id: number }).id;
    const personId = f.person({ number: "2024100005", name: "赵六", unitId: branch, politicalStatus: "member" });
    const secretaryId = f.person({ number: "S0001", name: "书记", unitId: root, politicalStatus: "member" });
    await f.password(secretaryId, "Passw0rd1");
    f.grant(secretaryId, "secretary", root);
    const sec = new Client(v3.url);
    expect((await sec.login("S0001", "Passw0rd1")).status).toBe(302);
    const code = (html: string) => /data-testid="activation-code">([A-Z0-9-]+)</.exec(html.replace(/<!-- -->/g, ""))?.[1];

    // A slip printed before the person first used the campus sign-on.
    const early = code((await sec.post(`/manage/people/${personId}`, { intent: "activation-issue" })).text)!;
    expect(early).toBeTruthy();
    const c = new Client(v3.url);
    const { callback } = await throughCas(v3, c, "zhaoliu", "cas-pass-7");
    expect((await c.get(callback)).location).toBe("/hours");

    // Whoever holds that slip cannot add a password to the account now.
    const used = await new Client(v3.url).post("/activate", { number: "2024100005", code: early, newPassword: "Taken2026x", confirmPassword: "Taken2026x" });
    expect(used.text).toContain("该激活码已作废");
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM Password WHERE personId = ?").get(personId)).toEqual({ n: 0 });
    const again = await sec.post(`/manage/people/${personId}`, { intent: "activation-issue" });
    expect(again.status).toBe(400);
    expect(again.text).toContain("该账号已通过统一身份认证登录使用，无需激活码");
  });
});

describe("CAS 2.0 (/serviceValidate, the CAS user name is the number)", () => {
  it("signs in the person named by cas:user, with the school's own label on the button", async () => {
    const page = await new Client(v2.url).get("/login");
    expect(page.text).toContain("信息门户登录");
    const c = new Client(v2.url);
    const { callback } = await throughCas(v2, c, "2024100001", "cas-pass-5", "/");
    const done = await c.get(callback);
    expect(done.status).toBe(302);
    expect(cas.validations.at(-1)!.path).toBe("/serviceValidate");
    expect((await c.get("/")).text).toContain("张三");
  });

  it("refuses an unknown CAS user and a disabled person", async () => {
    const unknown = new Client(v2.url);
    const a = await throughCas(v2, unknown, "zhangsan", "cas-pass-1");
    const refused = await unknown.get(a.callback);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("没有学号/工号为 zhangsan 的账号");
    const disabled = new Client(v2.url);
    const b = await throughCas(v2, disabled, "2024100002", "cas-pass-6");
    expect((await disabled.get(b.callback)).status).toBe(403);
    expect(disabled.sessionToken()).toBeUndefined();
  });

  it("refuses a reused ticket", async () => {
    const c = new Client(v2.url);
    const { callback, flowCookie } = await throughCas(v2, c, "2024100001", "cas-pass-5");
    const withFlow = () => fetch(v2.url + callback, { headers: { Cookie: `wsdx_sso=${flowCookie}` }, redirect: "manual" });
    expect((await withFlow()).status).toBe(302);
    expect((await withFlow()).status).toBe(400);
  });
});

describe("SSO settings are checked at start", () => {
  it(
    "refuses to start without PUBLIC_URL, with a CAS server over plain http elsewhere, or with both protocols, naming the setting in Chinese",
    { timeout: SERVER_START_TEST_MS },
    async () => {
      const withoutPublicUrl = spawnServer({ dbFile: v3.dbFile, env: { CAS_BASE_URL: cas.baseUrl } });
      await expect(withoutPublicUrl).rejects.toThrow(/启用统一身份认证时必须设置 PUBLIC_URL/);
      const plainHttp = spawnServer({ dbFile: v3.dbFile, env: { CAS_BASE_URL: "http://cas.example.edu.cn/cas", PUBLIC_URL: "https://dx.example.edu.cn" } });
      await expect(plainHttp).rejects.toThrow(/CAS_BASE_URL 必须是 https 地址/);
      const both = spawnServer({
        dbFile: v3.dbFile,
        env: { CAS_BASE_URL: "https://cas.example.edu.cn/cas", OIDC_ISSUER: "https://idp.example.edu.cn", PUBLIC_URL: "https://dx.example.edu.cn" },
      });
      await expect(both).rejects.toThrow(/CAS_BASE_URL 与 OIDC_ISSUER 只能设置一个[\s\S]*设置 OIDC_ISSUER 时必须设置 OIDC_CLIENT_ID/);
    },
  );
});
