import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { FORM_BODY_LIMIT, bodyTooLargeMessage } from "~/.server/http/body-limit";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The crowd's two lanes (contest answers, study heartbeats) are served before Express (decision 086),
// against the real server: they take the same front door as every route (request id, security headers,
// the cross-site check, form bodies only, the declared body limit), a query string does not move a
// request off its lane, and behind a trusted proxy the cross-site check reads the browser's scheme from
// X-Forwarded-Proto as it does for every other route.

let server: TestServer;
let proxied: TestServer;

beforeAll(async () => {
  [server, proxied] = await Promise.all([startTestServer(), startTestServer({ env: { TRUST_PROXY: "true" } })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.stop(), proxied?.stop()]);
});

const LANES = ["/api/contests/answer", "/api/study"] as const;
const form = () => new URLSearchParams({ entryId: "1", position: "1", answer: "A", intent: "begin", lessonId: "1" });

describe.each(LANES)("the lane %s", (lane) => {
  it("carries a request id and the security headers on what it answers", async () => {
    const res = await new Client(server.url).request(lane, { method: "POST", body: form() });
    // Not signed in: the answer intake says so in JSON, the player is sent to sign in.
    expect(res.status).toBe(lane === "/api/study" ? 302 : 401);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("permissions-policy")).toContain("geolocation=()");
  });

  it("takes a trusted proxy's request id, and only a trusted proxy's", async () => {
    const id = "proxy-req-0001:ab";
    const viaProxy = await new Client(proxied.url).request(lane, { method: "POST", body: form(), headers: { "X-Request-Id": id } });
    expect(viaProxy.headers.get("x-request-id")).toBe(id);
    const direct = await new Client(server.url).request(lane, { method: "POST", body: form(), headers: { "X-Request-Id": id } });
    expect(direct.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a request from another site", async () => {
    const res = await new Client(server.url).request(lane, { method: "POST", body: form(), origin: "http://evil.example" });
    expect(res.status).toBe(403);
    expect(res.text).toBe("跨站请求已被拒绝");
    const none = await new Client(server.url).request(lane, { method: "POST", body: form(), origin: null });
    expect(none.status).toBe(403);
  });

  it("refuses a body that is not a form", async () => {
    const res = await new Client(server.url).request(lane, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"entryId":1}' });
    expect(res.status).toBe(415);
    expect(res.text).toBe("请通过页面表单提交");
    // A streamed body without a type at all.
    const untyped = await new Client(server.url).request(lane, {
      method: "POST",
      body: new Blob(["entryId=1"]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(untyped.status).toBe(415);
  });

  it("refuses a body declared over the form limit before reading it", async () => {
    const body = new URLSearchParams({ answer: "x".repeat(FORM_BODY_LIMIT + 10) });
    const res = await new Client(server.url).request(lane, { method: "POST", body });
    expect(res.status).toBe(413);
    expect(res.text).toBe(bodyTooLargeMessage(FORM_BODY_LIMIT));
  });

  it("keeps a request with a query string on the lane", async () => {
    const res = await new Client(server.url).request(`${lane}?from=phone`, { method: "POST", body: form() });
    if (lane === "/api/contests/answer") {
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toEqual({ ok: false, error: "登录已过期，请重新登录后继续作答" });
      expect(res.headers.get("cache-control")).toBe("no-store");
    } else {
      expect(res.status).toBe(302);
      expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent(`${lane}?from=phone`)}`);
    }
  });

  it("takes the browser's scheme from X-Forwarded-Proto behind a trusted proxy, and only there", async () => {
    const host = new URL(proxied.url).host;
    const client = new Client(proxied.url);
    const headers = { "X-Forwarded-Proto": "https, http" };
    const same = await client.request(lane, { method: "POST", body: form(), headers, origin: `https://${host}` });
    expect(same.status).not.toBe(403);
    const downgraded = await client.request(lane, { method: "POST", body: form(), headers, origin: `http://${host}` });
    expect(downgraded.status).toBe(403);
    // Without a trusted proxy the header is anyone's to write, and is not read.
    const direct = new URL(server.url).host;
    const forged = await new Client(server.url).request(lane, { method: "POST", body: form(), headers, origin: `https://${direct}` });
    expect(forged.status).toBe(403);
    // An empty header is no scheme: the connection's own is used, as Express does.
    const empty = await client.request(lane, { method: "POST", body: form(), headers: { "X-Forwarded-Proto": "" }, origin: `http://${host}` });
    expect(empty.status).not.toBe(403);
  });
});

it("leaves a GET of a lane's path to the pages (not found)", async () => {
  const res = await new Client(server.url).get("/api/contests/answer");
  expect(res.status).toBe(404);
});

it("lets a signed-in phone go away in the middle of its answer without an error, and serves the next", async () => {
  const f = server.factory;
  const unit = f.unit({ name: "快速通道测试支部", kind: "branch" });
  const personId = f.person({ number: "FL1", name: "学员甲", unitId: unit.id, politicalStatus: "member" });
  f.passwordHash(personId, await hashPassword("Passw0rd1"));
  const phone = new Client(server.url);
  expect((await phone.login("FL1", "Passw0rd1")).status).toBe(302);
  const target = new URL(`${server.url}/api/contests/answer`);
  // Half a body, sent in chunks, then the connection is gone.
  await new Promise<void>((resolve, reject) => {
    const req = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      headers: { Cookie: phone.cookieHeader, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
    });
    req.on("error", () => resolve());
    req.on("response", () => reject(new Error("answered a body that never ended")));
    req.write("entryId=1&posi");
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 300);
  });
  // The same phone's next answer is read and judged: there is no such entry.
  const next = await phone.request("/api/contests/answer", { method: "POST", body: new URLSearchParams({ entryId: "999999", position: "1", answer: "A" }) });
  expect(next.status).toBe(404);
  expect(JSON.parse(next.text)).toMatchObject({ ok: false, error: "没有找到这次参赛记录" });
  // And the server wrote no error for the phone that left: stop() fails the file if it did.
  await new Promise((r) => setTimeout(r, 200));
  expect(server.stderr.join("")).not.toContain("failed");
});
