import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveStateEvent } from "~/lib/live-events";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";
import { type RawReply, rawRequest } from "../support/raw-http";
import { type SseReader, openSse } from "../support/sse";

// What goes over the wire (decision 062), read as raw bytes from the real server: pages and their
// data in brotli or gzip as the browser asks, plain when it asks for neither; the build's hashed
// files from their precompressed copies, kept a year; a live round's event stream never compressed
// and still arriving event by event.

let server: TestServer;
const PASSWORD = "Passw0rd1";
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const streams: SseReader[] = [];

type Raw = RawReply;

/** A GET whose body is left as sent (fetch would undo the encoding). */
const rawGet = (pathname: string, headers: Record<string, string>) => rawRequest(server.url, pathname, { headers });

const decode = (raw: Raw) =>
  raw.headers["content-encoding"] === "br"
    ? zlib.brotliDecompressSync(raw.body)
    : raw.headers["content-encoding"] === "gzip"
      ? zlib.gunzipSync(raw.body)
      : raw.body;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "压缩大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院学生党支部", kind: "branch", branchType: "student", parent: college });
  ids.member = f.person({ number: "ZIP1", name: "压缩学员", unitId: branch.id, politicalStatus: "member" });
  await f.password(ids.member, PASSWORD);
  ids.host = f.person({ number: "ZIPHOST", name: "压缩主持", unitId: college.id, politicalStatus: "member" });
  await f.password(ids.host, PASSWORD);
  f.grant(ids.host, "trainer", college.id);
  ids.bank = openQuizFactory(f.db).standardBank({ slug: "yasuo", unitId: college.id, perType: 2 }).bankId;
  ids.contest = openContestFactory(f.db).contest({
    title: "压缩知识竞赛",
    unitId: college.id,
    createdById: ids.host,
    audiences: [{ unitId: college.id, politicalStatus: "member" }],
  });
  for (const [key, number] of [
    ["member", "ZIP1"],
    ["host", "ZIPHOST"],
  ]) {
    clients[key] = new Client(server.url);
    expect((await clients[key].login(number, PASSWORD)).status).toBe(302);
  }
});
afterAll(async () => {
  for (const s of streams) s.close();
  await server?.stop();
});

describe("compression", () => {
  it("sends a page in brotli or gzip as asked, and plain to a client that asks for neither", async () => {
    const cookie = clients.member.cookieHeader;
    const br = await rawGet("/", { Cookie: cookie, "Accept-Encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    const gz = await rawGet("/", { Cookie: cookie, "Accept-Encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    const plain = await rawGet("/", { Cookie: cookie, "Accept-Encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const none = await rawGet("/", { Cookie: cookie });
    expect(none.headers["content-encoding"]).toBeUndefined();

    // The same page whichever way it came: the member's home, and smaller compressed. It is rendered
    // whole and sent in one piece with its length, never as a chunked stream (decision 089).
    for (const raw of [br, gz, plain, none]) {
      expect(decode(raw).toString("utf8")).toContain("压缩学员");
      expect(raw.headers["transfer-encoding"]).toBeUndefined();
      expect(Number(raw.headers["content-length"])).toBe(raw.body.length);
    }
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    // HTML is never cached as immutable: a deploy must reach the next visit.
    expect(br.headers["cache-control"] ?? "").not.toMatch(/immutable/);
  });

  it("sends a page's HEAD without its body, and an error page whole with its status", async () => {
    const cookie = clients.member.cookieHeader;
    const head = await rawRequest(server.url, "/", { method: "HEAD", headers: { Cookie: cookie, "Accept-Encoding": "br" } });
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toMatch(/^text\/html/);
    expect(head.body.length).toBe(0);
    // The error boundary's page is rendered by the same entry as any page (entry.server.tsx), a second time.
    const missing = await rawGet("/contests/987654", { Cookie: cookie, "Accept-Encoding": "br" });
    expect(missing.status).toBe(404);
    expect(missing.headers["content-encoding"]).toBe("br");
    expect(Number(missing.headers["content-length"])).toBe(missing.body.length);
    expect(decode(missing).toString("utf8")).toContain("没有找到这个竞赛");
  });

  it("compresses Remix's .data answers", async () => {
    const data = await rawGet("/courses.data", { Cookie: clients.member.cookieHeader, "Accept-Encoding": "br" });
    expect(data.status).toBe(200);
    expect(data.headers["content-type"]).toMatch(/^text\/x-script/);
    // A small answer (under 1 KB) is sent as it is; a larger one compressed.
    if (data.headers["content-encoding"] === undefined) expect(data.body.length).toBeLessThan(1024);
    else expect(data.headers["content-encoding"]).toBe("br");
    const login = await rawGet("/login", { "Accept-Encoding": "gzip" });
    expect(login.headers["content-encoding"]).toBe("gzip");
  });

  it("serves the build's hashed files precompressed and immutable, and the service worker revalidated", async () => {
    const assets = path.join("build", "client", "assets");
    const script = fs.readdirSync(assets).find((f) => /^components-[\w-]+\.js$/.test(f))!;
    expect(fs.existsSync(path.join(assets, `${script}.br`))).toBe(true);
    const original = fs.readFileSync(path.join(assets, script));

    // As Chromium asks: gzip listed first, brotli still preferred.
    const br = await rawGet(`/assets/${script}`, { "Accept-Encoding": "gzip, deflate, br, zstd" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-type"]).toMatch(/^(?:application|text)\/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(decode(br).equals(original)).toBe(true);

    const gz = await rawGet(`/assets/${script}`, { "Accept-Encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(decode(gz).equals(original)).toBe(true);

    const plain = await rawGet(`/assets/${script}`, {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    expect(plain.body.equals(original)).toBe(true);
    // Each form has its own validator, so a cache never answers one with the other.
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);

    const sw = await rawGet("/sw.js", { "Accept-Encoding": "br" });
    expect(sw.status).toBe(200);
    expect(sw.headers["cache-control"]).toBe("no-cache");
  });

  it("sends a live round's events uncompressed, each as it happens", async () => {
    const created = await clients.host.post(`/contests/${ids.contest}/host`, {
      intent: "create",
      bankId: String(ids.bank),
      count: "2",
      draw: "first",
      seconds: "20",
      points: "10",
    });
    expect(created.status).toBe(200);
    const round = server.factory.db.prepare("SELECT id, code FROM LiveRound WHERE contestId = ?").get(ids.contest) as { id: number; code: string };
    expect((await clients.member.post(`/contests/${ids.contest}/live`, { code: round.code })).status).toBe(302);

    const events = await openSse(`${server.url}/contests/${ids.contest}/live/events`, clients.member.cookieHeader, { "Accept-Encoding": "br, gzip" });
    streams.push(events);
    expect(events.status).toBe(200);
    expect(events.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(events.headers.get("content-encoding")).toBeNull();
    expect(((await events.next("state")).data as LiveStateEvent).state).toBe("lobby");

    // The stream stays open; the host's next move arrives on it by itself.
    expect((await clients.host.post(`/contests/${ids.contest}/host`, { intent: "next", roundId: String(round.id) })).status).toBe(200);
    const question = (await events.next("state")).data as LiveStateEvent;
    expect(question.state).toBe("question");
    expect(question.position).toBe(1);
  });
});
