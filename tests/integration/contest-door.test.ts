import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_IN_REPLY, pageInReply } from "~/lib/autosave";
import { decodeSingleFetch } from "../../bench/lib/single-fetch";
import { type ContestFactory, openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { rawRequest } from "../support/raw-http";
import { type TestServer, startTestServer } from "../support/server";

// The contest's door as a hydrated phone goes through it, against the real server (issue 17): the
// route discovery after the page (GET /__manifest), answered as Remix answers it, from the answer it
// kept for the same query; and 开始答题 asked for the paper in its reply (PAGE_IN_REPLY), which then
// needs no second request, holds no key, and is the paper the entry stored; 交卷 the same, with the
// result. Without the field (no script) both still redirect.

let server: TestServer;
let cf: ContestFactory;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
let contestId = 0;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const qf = openQuizFactory(f.db);
  cf = openContestFactory(f.db);
  const root = f.unit({ name: "入场大学党委", kind: "committee" });
  const branch = f.unit({ name: "入场学生党支部", kind: "branch", branchType: "student", parent: root });
  const elsewhere = f.unit({ name: "别处党委", kind: "committee" });
  for (const key of ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9"]) {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId: branch.id, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
  }
  ids.out = f.person({ number: "X1", name: "外单位学员", unitId: elsewhere.id, politicalStatus: "member" });
  await f.password(ids.out, PASSWORD);
  ids.trainer = f.person({ number: "T1", name: "教员", unitId: root.id, politicalStatus: "member" });
  const bank = qf.standardBank({ slug: "door", unitId: root.id, perType: 2 });
  contestId = cf.contest({
    title: "入场知识竞赛",
    unitId: root.id,
    createdById: ids.trainer,
    timeLimitSec: 900,
    sections: [{ bankId: bank.bankId, count: 6, pointsEach: 1000 }],
    audiences: [{ unitId: root.id }],
  });
}, 120_000);
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

/** 开始答题 as the hydrated page posts it (single fetch), with or without the field that asks for the paper. */
const start = (c: Client, withPaper: boolean) =>
  c.request(`/contests/${contestId}.data`, {
    method: "POST",
    body: new URLSearchParams(withPaper ? { intent: "start", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value } : { intent: "start" }),
  });

type Page = { mode: string; entryId: number | null; items: { position: number; stem: string; options: { value: string }[] }[] | null };
const pageOfReply = (text: string) => pageInReply<Page>((decodeSingleFetch(text) as { data?: unknown }).data);

const storedItems = (entryId: number) =>
  server.factory.db
    .prepare("SELECT i.position, q.stem, q.answer FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE i.entryId = ? ORDER BY i.position")
    .all(entryId) as { position: number; stem: string; answer: string }[];

describe("开始答题 with the paper in its reply", () => {
  it("answers with the stored paper, in its order, without a key; pressed again, the same paper", async () => {
    const c = await as("D1");
    const first = await start(c, true);
    expect(first.status).toBe(200);
    const page = pageOfReply(first.text)!;
    expect(page.mode).toBe("answering");
    const entry = server.factory.db.prepare("SELECT id, state FROM ContestEntry WHERE contestId = ? AND personId = ?").get(contestId, ids.D1) as {
      id: number;
      state: string;
    };
    expect(entry.state).toBe("in_progress");
    expect(page.entryId).toBe(entry.id);
    const stored = storedItems(entry.id);
    expect(page.items!.map((i) => [i.position, i.stem])).toEqual(stored.map((s) => [s.position, s.stem]));
    // The reply is built from what 开始 wrote, without reading it again: the page the loader gives afterwards.
    const loaded = (decodeSingleFetch((await c.get(`/contests/${contestId}.data`)).text) as Record<string, { data?: Record<string, unknown> }>)[
      "routes/contests.$contestId"
    ].data;
    expect({ ...page, serverNow: undefined }).toEqual({ ...loaded, serverNow: undefined });
    // No key of any kind: no field named for it, and no fill-in key's text anywhere in the reply.
    for (const item of page.items!) expect(item).not.toHaveProperty("answer");
    for (const s of stored) {
      const key = JSON.parse(s.answer) as unknown;
      if (Array.isArray(key) && typeof key[0] === "string" && key[0].length > 1) expect(first.text).not.toContain(key[0]);
    }
    // Another tap (a second phone, a double press) resumes the same entry and paper.
    const again = pageOfReply((await start(c, true)).text)!;
    expect(again.entryId).toBe(entry.id);
    expect(again.items!.map((i) => i.stem)).toEqual(page.items!.map((i) => i.stem));
  });

  it("is answered with the headers of Remix's own replies, as the route's action would answer it (the start lane)", async () => {
    const c = await as("D6");
    const started = await start(c, true);
    expect(started.status).toBe(200);
    const entryId = pageOfReply(started.text)!.entryId!;
    // 交卷's reply is Remix's: the same headers, but for those of the request itself and the encoding,
    // which depends on the length (the paper is compressed, a short result not).
    const handedIn = await c.request(`/contests/${contestId}.data`, {
      method: "POST",
      body: new URLSearchParams({ intent: "submit", entryId: String(entryId), [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value }),
    });
    expect(handedIn.status).toBe(200);
    const own = new Set(["date", "content-length", "content-encoding", "x-request-id", "content-security-policy", "set-cookie"]);
    const headersOf = (h: Headers) => [...h.entries()].filter(([k]) => !own.has(k));
    expect(headersOf(started.headers)).toEqual(headersOf(handedIn.headers));
    expect(started.headers.get("content-type")).toBe("text/x-script; charset=utf-8");
    expect(started.headers.get("x-remix-response")).toBe("yes");
    expect(started.headers.get("cache-control")).toBe("private, no-store");
  });

  it("leaves any other form to Remix, which answers it as before", async () => {
    // A field more: Remix's action reads the two it knows and answers with the paper.
    const c = await as("D7");
    const more = await c.request(`/contests/${contestId}.data`, {
      method: "POST",
      body: new URLSearchParams({ intent: "start", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value, note: "x" }),
    });
    expect(more.status).toBe(200);
    const page = pageOfReply(more.text)!;
    expect(page.mode).toBe("answering");
    expect(page.entryId).toBe(
      (server.factory.db.prepare("SELECT id FROM ContestEntry WHERE contestId = ? AND personId = ?").get(contestId, ids.D7) as { id: number }).id,
    );

    // A person who must change the password first is sent to do so, and enters nothing.
    const d8 = await as("D8");
    server.factory.db.prepare(`UPDATE "Password" SET "mustChange" = TRUE WHERE "personId" = ?`).run(ids.D8);
    const refused = await start(d8, true);
    expect(refused.status).toBe(202);
    expect((decodeSingleFetch(refused.text) as { redirect?: string }).redirect).toBe("/account/password");
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM ContestEntry WHERE personId = ?").get(ids.D8)).toEqual({ n: 0 });

    // Signed out: to the sign-in page, with no entry either.
    const anonymous = await new Client(server.url).request(`/contests/${contestId}.data`, {
      method: "POST",
      body: new URLSearchParams({ intent: "start", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value }),
    });
    expect(anonymous.status).toBe(202);
    expect((decodeSingleFetch(anonymous.text) as { redirect?: string }).redirect).toMatch(/^\/login\?redirectTo=/);
  });

  it("slides a session's expiry in the cookie too, whether the start lane answers or leaves it to Remix", async () => {
    /** Signed in, with 10 of the session's 14 days gone. */
    const aging = async (number: string) => {
      const c = await as(number);
      const soon = new Date(Date.now() + 4 * 86_400_000).toISOString().replace("Z", "+00:00");
      server.factory.db.prepare(`UPDATE "Session" SET "expiresAt" = ? WHERE "personId" = ?`).run(soon, ids[number === "X1" ? "out" : number]);
      return c;
    };
    const slid = (headers: Headers) => {
      const cookie = headers.get("set-cookie") ?? "";
      return cookie.includes("wsdx_session=") && new Date(/Expires=([^;]+)/.exec(cookie)![1]).getTime() > Date.now() + 13 * 86_400_000;
    };
    const answered = await start(await aging("D9"), true);
    expect(answered.status).toBe(200);
    expect(slid(answered.headers)).toBe(true);
    // Outside the audience: the lane declines after the session's check, and Remix refuses.
    const refused = await start(await aging("X1"), true);
    expect(refused.status).toBe(404);
    expect(slid(refused.headers)).toBe(true);
  });

  it("redirects, as before, when the form came without the script", async () => {
    const c = await as("D2");
    const res = await start(c, false);
    expect(res.status).toBe(202);
    expect((decodeSingleFetch(res.text) as { redirect?: string }).redirect).toBe(`/contests/${contestId}`);
    const doc = await c.post(`/contests/${contestId}`, { intent: "start" });
    expect(doc.status).toBe(302);
  });

  it("answers 交卷 with the result, its place and the ranking, as the loader gives them afterwards", async () => {
    const c = await as("D4");
    const paper = pageOfReply((await start(c, true)).text)!;
    const form = new URLSearchParams({ intent: "submit", entryId: String(paper.entryId), [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value });
    const reply = await c.request(`/contests/${contestId}.data`, { method: "POST", body: form });
    expect(reply.status).toBe(200);
    const page = pageOfReply(reply.text) as unknown as { mode: string; result: { state: string; place: { place: number; total: number }; ranking: unknown[] } };
    expect(page.mode).toBe("result");
    expect(page.result.state).toBe("submitted");
    expect(page.result.place.total).toBeGreaterThanOrEqual(1);
    expect(page.result.ranking.length).toBeGreaterThanOrEqual(1);
    const loaded = (decodeSingleFetch((await c.get(`/contests/${contestId}.data`)).text) as Record<string, { data?: unknown }>)["routes/contests.$contestId"]
      .data;
    expect(loaded).toMatchObject({ mode: "result", result: page.result });
    const entry = server.factory.db.prepare("SELECT state FROM ContestEntry WHERE id = ?").get(paper.entryId);
    expect(entry).toEqual({ state: "submitted" });
  });

  it("refuses a second contest after hand-in, and a person outside the audience, with no paper", async () => {
    const c = await as("D3");
    const page = pageOfReply((await start(c, true)).text)!;
    expect((await c.post(`/contests/${contestId}`, { intent: "submit", entryId: String(page.entryId) })).status).toBe(302);
    const after = await start(c, true);
    expect(after.status).toBe(409);
    expect(after.text).toContain("每人只能参赛一次，您已经交卷");
    expect(pageOfReply(after.text)).toBeUndefined();

    // Any other value of the field is refused in words, not read as a plain 开始.
    const odd = await (await as("X1")).request(`/contests/${contestId}.data`, { method: "POST", body: new URLSearchParams({ intent: "start", reply: "all" }) });
    expect(odd.status).toBe(400);
    expect(odd.text).toContain("无法识别的操作");

    const stranger = await start(await as("X1"), true);
    expect(stranger.status).toBe(404);
    expect(pageOfReply(stranger.text)).toBeUndefined();
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM ContestEntry WHERE personId = ?").get(ids.out)).toEqual({ n: 0 });
  });
});

/** A GET whose body is left as sent (fetch would undo the encoding). */
const rawGet = (pathname: string, headers: Record<string, string> = {}) => rawRequest(server.url, pathname, { headers });

describe("route discovery (GET /__manifest)", () => {
  /** The query the contest page's links make, with the build's version read from the page itself. */
  async function discoveryOfThePage() {
    const c = await as("D5");
    const html = (await c.get(`/contests/${contestId}`)).text;
    const version = /"version":\s*"([^"]+)"/.exec(html)?.[1];
    expect(version).toBeTruthy();
    return `/__manifest?p=%2Fcontests&p=%2Fcontests%2F${contestId}%2Flive&version=${version}`;
  }

  it("answers Remix's patches for the paths asked, the same bytes each time, cacheable, with the security headers", async () => {
    const query = await discoveryOfThePage();
    const first = await rawGet(query);
    expect(first.status).toBe(200);
    expect(first.headers["content-type"]).toMatch(/^application\/json/);
    expect(first.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(first.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    const patches = JSON.parse(first.body.toString("utf8")) as Record<string, { id: string; path?: string; module: string }>;
    expect(Object.keys(patches)).toEqual(expect.arrayContaining(["routes/contests._index", "routes/contests.$contestId_.live"]));
    expect(patches["routes/contests._index"].module).toMatch(/^\/assets\//);
    const second = await rawGet(query);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
  });

  it("sends brotli or gzip as the browser asks, with Vary, and plain when it asks for neither", async () => {
    const query = await discoveryOfThePage();
    const plain = await rawGet(query);
    const br = await rawGet(query, { "Accept-Encoding": "gzip, deflate, br" });
    const gzip = await rawGet(query, { "Accept-Encoding": "gzip" });
    if (plain.body.length >= 1024) {
      expect(br.headers["content-encoding"]).toBe("br");
      expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(gzip.headers["content-encoding"]).toBe("gzip");
      expect(zlib.gunzipSync(gzip.body).equals(plain.body)).toBe(true);
      expect(br.headers.vary).toContain("Accept-Encoding");
    } else {
      expect(br.body.equals(plain.body)).toBe(true);
    }
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(Number(plain.headers["content-length"])).toBe(plain.body.length);
  });

  it("tells a page of an older build to reload (204), keeps no answer for it, and refuses what Remix refuses", async () => {
    const stale = await rawGet("/__manifest?p=%2Fcontests&version=00000000");
    expect(stale.status).toBe(204);
    expect(stale.headers["x-remix-reload-document"]).toBe("true");
    expect(stale.headers["cache-control"]).toBe("no-store");
    const query = await discoveryOfThePage();
    const tooLong = await rawGet(`${query}&${"p=%2Fx&".repeat(1200)}`);
    expect(tooLong.status).toBe(400);
    const head = await rawRequest(server.url, query, { method: "HEAD" });
    expect(head.status).toBe(200);
  });
});
