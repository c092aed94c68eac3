import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { rawRequest } from "../support/raw-http";
import { ROOT, TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// A course's media through the real server (GET /media/:courseId/<path>): the whole file, byte ranges
// as a <video> element asks for them (206, 416, If-Range), who may fetch what (the same 404 for
// everyone else, and a sign-in redirect when nobody is signed in), paths that try to leave the course,
// a slow client that must not make the server read a large file into memory, and HEAD (a known leak).

let server: TestServer;
let passwordHash: string;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const VIDEO = "content/courses/jijifenzi-peixun/media/lesson-01.mp4";
const video = fs.readFileSync(path.join(ROOT, VIDEO));
const SIZE = video.length;
const BIG_BYTES = 200 * 1024 * 1024;
const bigFile = path.join(TMP, `course-media-big-${crypto.randomUUID()}.mp4`);

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const cf = openCourseFactory(f.db);
  const root = f.unit({ name: "媒体大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院教工党支部", kind: "branch", branchType: "staff", parent: college });
  const other = f.unit({ name: "理学院党委", kind: "college", parent: root });
  passwordHash = await hashPassword(PASSWORD);
  const person = (key: string, unitId: number, politicalStatus: string) => {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId, politicalStatus });
    f.passwordHash(ids[key], passwordHash);
  };
  person("member", branch.id, "member");
  person("activist", branch.id, "activist");
  person("trainer", college.id, "member");
  f.grant(ids.trainer, "trainer", college.id);
  person("otherTrainer", other.id, "member");
  f.grant(ids.otherTrainer, "trainer", other.id);

  ids.course = cf.course({ slug: "dangyuan-xuexi", unitId: college.id, audienceStatuses: ["member"] });
  cf.media({ courseId: ids.course, path: "media/lesson-01.mp4", file: VIDEO, mime: "video/mp4", durationSec: 48 });
  ids.draft = cf.course({ slug: "caogao-kecheng", unitId: college.id, status: "draft" });
  cf.media({ courseId: ids.draft, path: "media/tiny.mp4", file: "tests/fixtures/media/tiny.mp4", mime: "video/mp4", durationSec: 2 });

  // A 200 MB file that takes no disk space: a short header, then a hole. Serving does not look inside.
  const fd = fs.openSync(bigFile, "w");
  fs.writeSync(fd, Buffer.from("0000001c667479706973736f", "hex"));
  fs.ftruncateSync(fd, BIG_BYTES);
  fs.closeSync(fd);
  cf.media({
    courseId: ids.course,
    path: "media/big.mp4",
    file: path.relative(ROOT, bigFile),
    mime: "video/mp4",
    bytes: BIG_BYTES,
    // Hashing 200 MB would only slow the test down; the ETag comes from this column and nothing checks it here.
    sha256: crypto.createHash("sha256").update("big").digest("hex"),
  });
});
afterAll(async () => {
  fs.rmSync(bigFile, { force: true });
  await server?.stop();
});

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const url = (courseId: number, p: string) => `/media/${courseId}/${p}`;

/** A GET with the request line sent exactly as written: fetch() would resolve dot segments itself. */
const rawGet = (pathname: string, cookie: string) => rawRequest(server.url, pathname, { headers: { Cookie: cookie } });

/** The server's process: the one whose environment names this server's database (TestServer does not expose it). */
function serverPid(s: TestServer): number {
  const wanted = `DATABASE_URL=${/^postgres/.test(s.dbFile) ? s.dbFile : `file:${s.dbFile}`}\0`;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").includes(wanted)) return Number(entry);
    } catch {
      // A process that ended meanwhile, or one that is not ours.
    }
  }
  throw new Error("the test server's process was not found");
}

describe("ranges", () => {
  let c: Client;
  beforeAll(async () => {
    c = await as("member");
  });

  it("sends the whole file with the headers a media file needs", async () => {
    const res = await c.download(url(ids.course, "media/lesson-01.mp4"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(SIZE));
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-type")).toBe("video/mp4");
    // The media response's own headers replace the site's page defaults (sent once, not twice).
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.bytes.equals(video)).toBe(true);
  });

  it("answers a byte range with 206 and exactly those bytes", async () => {
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=100000-199999", 100_000, 199_999],
      ["bytes=-100", SIZE - 100, SIZE - 1],
      [`bytes=${SIZE - 10}-`, SIZE - 10, SIZE - 1],
      // An end past the file is cut to its last byte.
      [`bytes=${SIZE - 5}-${SIZE + 1000}`, SIZE - 5, SIZE - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await fetchRange(c, range);
      expect(r.status, range).toBe(206);
      expect(r.headers.get("content-range"), range).toBe(`bytes ${start}-${end}/${SIZE}`);
      expect(r.headers.get("content-length"), range).toBe(String(end - start + 1));
      expect(r.headers.get("content-type"), range).toBe("video/mp4");
      expect(r.bytes.equals(video.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it("answers a range that starts beyond the end with 416", async () => {
    for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 1}-${SIZE + 100}`]) {
      const r = await fetchRange(c, range);
      expect(r.status, range).toBe(416);
      expect(r.headers.get("content-range"), range).toBe(`bytes */${SIZE}`);
      expect(r.bytes.length, range).toBe(0);
    }
  });

  it("honours If-Range only with the file's own ETag", async () => {
    const etag = (await fetchRange(c, "bytes=0-0")).headers.get("etag")!;
    const same = await fetchRange(c, "bytes=0-99", { "If-Range": etag });
    expect(same.status).toBe(206);
    expect(same.headers.get("content-range")).toBe(`bytes 0-99/${SIZE}`);
    expect(same.bytes.equals(video.subarray(0, 100))).toBe(true);
    const changed = await fetchRange(c, "bytes=0-99", { "If-Range": '"0123456789abcdef0123456789abcdef"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("content-range")).toBeNull();
    expect(changed.bytes.equals(video)).toBe(true);
  });

  async function fetchRange(client: Client, range: string, extra: Record<string, string> = {}) {
    const res = await fetch(server.url + url(ids.course, "media/lesson-01.mp4"), { headers: { Cookie: client.cookieHeader, Range: range, ...extra } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }
});

describe("who may fetch media", () => {
  it("answers a learner outside the course's audience like a missing file", async () => {
    const res = await (await as("activist")).download(url(ids.course, "media/lesson-01.mp4"));
    expect(res.status).toBe(404);
    expect(res.bytes.toString()).toBe("文件不存在");
  });

  it("lets a trainer of the course's unit preview a draft course's media, and nobody else", async () => {
    const tiny = fs.readFileSync(path.join(ROOT, "tests/fixtures/media/tiny.mp4"));
    const trainer = await (await as("trainer")).download(url(ids.draft, "media/tiny.mp4"));
    expect(trainer.status).toBe(200);
    expect(trainer.bytes.equals(tiny)).toBe(true);
    for (const who of ["otherTrainer", "member"]) {
      const res = await (await as(who)).download(url(ids.draft, "media/tiny.mp4"));
      expect(res.status, who).toBe(404);
    }
  });

  it("sends an anonymous request to sign in", async () => {
    const res = await new Client(server.url).download(url(ids.course, "media/lesson-01.mp4"));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(url(ids.course, "media/lesson-01.mp4"))}`);
    expect(res.bytes.length).toBe(0);
  });

  it("answers 404 for paths and courses that have no media file", async () => {
    const c = await as("member");
    for (const p of [
      url(ids.course, "media/lesson-02.mp4"),
      url(ids.course, "lesson-01.mp4"),
      url(999_999, "media/lesson-01.mp4"),
      "/media/abc/media/lesson-01.mp4",
      url(ids.draft, "media/lesson-01.mp4"),
    ]) {
      const res = await c.download(p);
      expect(res.status, p).toBe(404);
    }
  });

  it("never serves a file outside the course through dot segments, encoded or not", async () => {
    const c = await as("trainer");
    const pkg = fs.readFileSync(path.join(ROOT, "package.json"));
    const attempts = [
      `/media/${ids.course}/../../package.json`,
      `/media/${ids.course}/media/../../../package.json`,
      `/media/${ids.course}/%2e%2e/%2e%2e/package.json`,
      `/media/${ids.course}/media/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json`,
      `/media/${ids.course}/media/..%2f..%2f..%2f..%2fpackage.json`,
      `/media/${ids.course}/media%2f..%2f..%2f..%2f..%2fpackage.json`,
      `/media/${ids.course}/..%5c..%5cpackage.json`,
      `/media/${ids.course}/${encodeURIComponent(path.join(ROOT, "package.json"))}`,
    ];
    const logged = server.stderr.join("");
    for (const p of attempts) {
      const res = await rawGet(p, c.cookieHeader);
      expect(res.status, p).toBe(404);
      expect(res.body.includes(pkg.subarray(0, 40)), p).toBe(false);
      expect(res.body.toString(), p).not.toContain("wangshang-dangxiao");
    }
    // The server resolves dot segments (new URL()) before routing, so three of these ask for
    // /package.json, which no route matches: a 404, and not an error for the log (entry.server.tsx).
    await new Promise((r) => setTimeout(r, 200));
    expect(server.stderr.join("")).toBe(logged);
  });
});

describe("a slow client", () => {
  const rssBytes = (pid: number) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

  it("does not make the server read a large file into memory while the client reads nothing", async () => {
    const c = await as("member");
    const pid = serverPid(server);
    const { hostname, port } = new URL(server.url);
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    // Read nothing: the socket stays paused, so the kernel's buffers fill and the server must wait.
    socket.pause();
    const before = rssBytes(pid);
    socket.write(`GET ${url(ids.course, "media/big.mp4")} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCookie: ${c.cookieHeader}\r\nConnection: close\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 1500));
    const grown = rssBytes(pid) - before;

    // The request was answered with the file (so the server had a 200 MB body to send).
    const head = await new Promise<string>((resolve, reject) => {
      let got = "";
      socket.on("data", (b: Buffer) => {
        got += b.toString("latin1");
        if (got.includes("\r\n\r\n")) resolve(got.slice(0, got.indexOf("\r\n\r\n")));
      });
      socket.once("error", reject);
      socket.resume();
    });
    socket.destroy();
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).toMatch(new RegExp(`^content-length: ${BIG_BYTES}$`, "im"));
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });
});

// A HEAD of a media file: Remix answers HEAD by dropping the response body without closing it, so the
// file mediaResponse opened would stay open until garbage collection (and Node then warns, DEP0137).
// The media loader closes the body itself (app/.server/learning/media.ts). The test has its own server
// because those warnings would land on stderr whenever GC happens to run, and uses a file larger than
// one read-ahead chunk (64 KiB), which the stream cannot finish and close by itself.
describe("a HEAD request for media", () => {
  // Its own server starts inside the test: on PostgreSQL a database is copied first, and the start takes longer.
  it("leaves no file open on the server", async () => {
    const own = await startTestServer({ allowStderr: true });
    try {
      const f = own.factory;
      const unit = f.unit({ name: "媒体大学党委", kind: "committee" });
      const learner = f.person({ number: "head", name: "学员head", unitId: unit.id, politicalStatus: "member" });
      f.passwordHash(learner, passwordHash);
      const cf = openCourseFactory(f.db);
      const courseId = cf.course({ slug: "head-kecheng", unitId: unit.id });
      cf.media({ courseId, path: "media/lesson-01.mp4", file: VIDEO, mime: "video/mp4", durationSec: 48 });
      const c = new Client(own.url);
      expect((await c.login("head", PASSWORD)).status).toBe(302);
      const pid = serverPid(own);
      const target = path.join(ROOT, VIDEO);
      const openOnTarget = () =>
        fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
          try {
            return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
          } catch {
            return false;
          }
        }).length;

      for (let i = 0; i < 20; i++) {
        const res = await c.request(url(courseId, "media/lesson-01.mp4"), { method: "HEAD" });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-length")).toBe(String(SIZE));
      }
      await new Promise((r) => setTimeout(r, 300));
      // Each handle is either still open or was closed by GC with a warning: both are the bug.
      const gcWarnings = own.stderr
        .join("")
        .split("\n")
        .filter((l) => l.includes("on garbage collection"));
      expect({ open: openOnTarget(), gcWarnings }).toEqual({ open: 0, gcWarnings: [] });
    } finally {
      await own.stop();
    }
  }, 90_000);
});
