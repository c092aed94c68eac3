import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { MDX_TIMEOUT_MESSAGE } from "~/.server/content/mdx-worker-pool";
import { PREVIEW_SUPERSEDED_MESSAGE } from "~/.server/content/preview-turns";
import { bodyTooLargeMessage, DISCARD_LIMIT, FORM_BODY_LIMIT } from "~/.server/http/body-limit";
import { UNREADABLE_FORM_MESSAGE } from "~/.server/http/form-body";
import { WORST_PREVIEW } from "../fixtures/pathological-mdx";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// No request can run code in the server or freeze it (issue 12, decisions 026 and 027), against the
// real server: a lesson preview whose front matter would have been evaluated is refused and its
// canary file never appears; the worst pathological preview is refused with a Chinese sentence while
// /healthz keeps answering; every body has a limit (a 50 MB sign-in form gets 413 without being
// read or echoed; an upload route keeps its own larger limit); a body that is not a form gets a 4xx.

let server: TestServer;
let trainer: Client;
let lessonUrl: string;
const PASSWORD = "Passw0rd1";
const CANARY = path.join(TMP, `front-matter-canary-${process.pid}`);

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "限额大学党委", kind: "committee" });
  const college = f.unit({ name: "限额学院党委", kind: "college", parent: root });
  const trainerId = f.person({ number: "TR1", name: "培训员", unitId: college.id, politicalStatus: "member" });
  f.passwordHash(trainerId, await hashPassword(PASSWORD));
  f.grant(trainerId, "trainer", college.id);
  trainer = new Client(server.url);
  expect((await trainer.login("TR1", PASSWORD)).status).toBe(302);
  const created = await trainer.post("/manage/courses", { title: "限额测试课程", slug: "xiane-ceshi", category: "党课", unitId: String(college.id) });
  expect(created.status).toBe(302);
  lessonUrl = `${created.location!}/lessons/lesson-1.data`;
}, 60_000);
afterAll(async () => {
  fs.rmSync(CANARY, { force: true });
  await server?.stop();
});

const preview = (body: string) => trainer.post(lessonUrl, { intent: "preview", body, checkpoints: "" });

describe("a lesson preview never runs the trainer's text", () => {
  it.each([
    ["---js", "---js"],
    ["---javascript", "---javascript"],
    ["--- js", "--- js"],
  ])("refuses front matter fenced as %s and nothing runs", async (_name, fence) => {
    const payload = `${fence}\n(require("node:fs").writeFileSync(${JSON.stringify(CANARY)}, "ran"), { title: "x" })\n---\n# 正文`;
    const res = await preview(payload);
    expect(res.status).toBe(200);
    expect(res.text).toContain("第 1 行：正文不能以 --- 开头");
    expect(fs.existsSync(CANARY)).toBe(false);
  });
});

describe("no preview freezes the server", () => {
  it("refuses the worst pathological preview with a Chinese sentence while /healthz keeps answering", { timeout: 60_000 }, async () => {
    let previewDone = false;
    const refused = preview(WORST_PREVIEW).finally(() => (previewDone = true));
    // On one event loop the compile would hold every request until it ended; in the worker, these
    // answer while it runs. Sequential, so the later ones are sent while the compile is surely going.
    const health: number[] = [];
    for (let i = 0; i < 10; i++) health.push((await fetch(`${server.url}/healthz`)).status);
    const answeredDuringPreview = !previewDone;
    const res = await refused;
    expect(health).toEqual(Array(10).fill(200));
    expect(answeredDuringPreview).toBe(true);
    expect(res.status).toBe(200);
    expect(res.text).toContain(MDX_TIMEOUT_MESSAGE);
    // The compiler was replaced: the next preview compiles.
    const next = await preview("## 下一次预览\n\n正文");
    expect(next.text).toContain("下一次预览");
  });
});

describe("one trainer's previews do not starve everyone else's", () => {
  it("keeps one preview per person compiling and one waiting; another trainer's preview goes between", { timeout: 120_000 }, async () => {
    const f = server.factory;
    const college = f.unit({ name: "限额第二学院党委", kind: "college" });
    const otherId = f.person({ number: "TR2", name: "另一培训员", unitId: college.id, politicalStatus: "member" });
    f.passwordHash(otherId, await hashPassword(PASSWORD));
    f.grant(otherId, "trainer", college.id);
    const other = new Client(server.url);
    expect((await other.login("TR2", PASSWORD)).status).toBe(302);
    const created = await other.post("/manage/courses", { title: "第二门课程", slug: "di-er-men", category: "党课", unitId: String(college.id) });
    const otherLesson = `${created.location!}/lessons/lesson-1.data`;

    // Four slow previews at once, each different so none is shared with another. Whatever order they
    // reach the compiler in (on PostgreSQL the reads before it take longer, and the order varied), one
    // compiles, and of the three behind it the two older give way to the newest.
    const settled: string[] = [];
    const slow = [0, 1, 2, 3].map((i) => preview(`${WORST_PREVIEW}${i}`).then((r) => (settled.push(`slow${i}`), r)));
    const superseded = await new Promise<number[]>((resolve) => {
      const done: number[] = [];
      let answered = 0;
      slow.forEach(
        (p, i) =>
          void p.then((r) => {
            answered++;
            if (r.text.includes(PREVIEW_SUPERSEDED_MESSAGE)) done.push(i);
            if (done.length === 2 || answered === slow.length) resolve(done);
          }),
      );
    });
    expect(superseded).toHaveLength(2);
    const theirs = other.post(otherLesson, { intent: "preview", body: "## 别人的预览\n\n正文", checkpoints: "" }).then((r) => (settled.push("other"), r));
    const [otherReply, ...slowReplies] = await Promise.all([theirs, ...slow]);
    expect(otherReply.text).toContain("别人的预览");
    // The two not superseded both compiled, to the time limit: the one compiling and the one waiting, which settled last.
    const kept = [0, 1, 2, 3].filter((i) => !superseded.includes(i));
    for (const i of kept) expect(slowReplies[i].text).toContain(MDX_TIMEOUT_MESSAGE);
    const waiting = kept.reduce((a, b) => (settled.indexOf(`slow${a}`) > settled.indexOf(`slow${b}`) ? a : b));
    // The other trainer's preview was answered before the first trainer's waiting one.
    expect(settled.indexOf("other")).toBeLessThan(settled.indexOf(`slow${waiting}`));
  });
});

describe("every body has a limit", () => {
  const FIFTY_MB = 50 * 1024 * 1024;

  it("refuses a 50 MB sign-in form with 413, without reading or echoing it", async () => {
    const marker = "回显标记";
    const username = `${marker}${"a".repeat(FIFTY_MB)}`;
    const res = await new Client(server.url).post("/login", { username, password: "x" });
    expect(res.status).toBe(413);
    expect(res.text).toBe(bodyTooLargeMessage(FORM_BODY_LIMIT));
    expect(res.text).not.toContain(marker);
  });

  it("refuses a 50 MB sign-in form sent in chunks (no Content-Length) once it passes the limit", async () => {
    // The route reads until the limit; the rest is thrown away so the client sees the answer.
    const chunk = new TextEncoder().encode("a".repeat(1024 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode("password=x&username="));
        if (sent >= 50) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await new Client(server.url).request("/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.text).toBe(bodyTooLargeMessage(FORM_BODY_LIMIT));
  });

  it("refuses a 50 MB multipart sign-in form: only upload routes take more", async () => {
    const form = new FormData();
    form.set("username", "TR1");
    form.set("password", PASSWORD);
    form.set("padding", new Blob([new Uint8Array(FIFTY_MB)]), "padding.bin");
    const res = await new Client(server.url).post("/login", form);
    expect(res.status).toBe(413);
    expect(res.text).toBe(bodyTooLargeMessage(FORM_BODY_LIMIT));
  });

  it("lets an upload route take a file over the form limit, up to its own", async () => {
    const claim = (bytes: number) => {
      const form = new FormData();
      form.set("title", "");
      form.set("certificate", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "证书.png");
      return trainer.post("/account/claims", form);
    };
    const big = await claim(FORM_BODY_LIMIT + 1024 * 1024);
    // Read whole and judged on its fields, not refused for its size.
    expect(big.status).toBe(400);
    expect(big.text).not.toContain("上限");
    const tooBig = await claim(6 * 1024 * 1024);
    expect(tooBig.status).toBe(413);
    expect(tooBig.text).toContain("文件超过 5 MB 的上限");
  });

  it("answers an oversized contest answer with 413 and a sentence, not a broken connection", async () => {
    const res = await trainer.request("/api/contests/answer", {
      method: "POST",
      body: new URLSearchParams({ entryId: "1", position: "1", answer: "甲".repeat(20_000) }),
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toEqual({ ok: false, error: "提交内容过长" });
  });

  // A raw connection: a POST whose body is chunked and never ends by itself, answered before the server reads it.
  // Sends up to `upTo` bytes of body (waiting for the socket as a client does) and reports what came back.
  async function sendUnreadBody(path: string, upTo: number) {
    const { hostname, port } = new URL(server.url);
    const socket = net.connect(Number(port), hostname);
    socket.on("error", () => {});
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    await new Promise<void>((r) => socket.once("connect", () => r()));
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${server.url}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = Buffer.concat([Buffer.from(`100000\r\n`), Buffer.alloc(0x100000, "a"), Buffer.from("\r\n")]);
    let sent = 0;
    while (sent < upTo && !isClosed) {
      sent += 0x100000;
      if (!socket.write(chunk)) await Promise.race([new Promise((r) => socket.once("drain", r)), closed]);
    }
    const closedByServer = isClosed;
    socket.destroy();
    return { answer, sent, closedByServer };
  }

  it.each([
    ["a contest answer without a session (the lane's 401)", "/api/contests/answer", "401"],
    ["a form to a page for people signed in (a redirect to sign in)", "/account/claims", "302"],
  ])("stops reading a body it answered without reading: %s", { timeout: 60_000 }, async (_name, path, status) => {
    const { answer, sent, closedByServer } = await sendUnreadBody(path, DISCARD_LIMIT * 8);
    expect(answer.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    // Past the discard limit the connection is closed. The slack: the sockets' buffers, and what arrives
    // between two measurements (every 20 ms; tens of MB at loopback's speed).
    expect(closedByServer).toBe(true);
    expect(sent).toBeLessThan(DISCARD_LIMIT * 2);
  });

  it("keeps the connection for the next request after answering a small body it did not read", async () => {
    const { hostname, port } = new URL(server.url);
    const socket = net.connect(Number(port), hostname);
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    await new Promise<void>((r) => socket.once("connect", () => r()));
    const body = "entryId=1&position=1&answer=A";
    socket.write(
      `POST /api/contests/answer HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${server.url}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
    await expect.poll(() => answer.match(/HTTP\/1\.1 \d+/g) ?? [], { timeout: 10_000 }).toEqual(["HTTP/1.1 401", "HTTP/1.1 200"]);
    socket.destroy();
  });

  it("answers a form sent to a page that takes none with 405, and logs no error for it", async () => {
    // The test server fails the file on any line the server writes to stderr.
    const res = await new Client(server.url).post("/healthz", { a: "1" });
    expect(res.status).toBe(405);
  });

  it("keeps ordinary forms working", async () => {
    const res = await new Client(server.url).login("TR1", "wrong-password");
    expect(res.status).toBe(400);
  });
});

describe("a body that is not a form gets a 4xx, not a 500", () => {
  it.each([
    ["text/plain", "text/plain;charset=UTF-8", "username=TR1&password=x"],
    ["JSON", "application/json", '{"username":"TR1"}'],
    ["multipart without its boundary", "multipart/form-data", "--x\r\n"],
    ["no type at all", null, "username=TR1&password=x"],
  ])("%s", async (_name, type, body) => {
    const headers = new Headers();
    if (type) headers.set("Content-Type", type);
    const res = await new Client(server.url).request("/login", { method: "POST", headers, body: type ? body : new TextEncoder().encode(body) });
    expect(res.status).toBe(415);
    expect(res.text).toBe("请通过页面表单提交");
  });
});

describe("a multipart body that breaks its own boundary gets a 400 in Chinese, not a 500", () => {
  const broken = { "Content-Type": "multipart/form-data; boundary=XYZ" };
  it.each([
    ["the sign-in form", "/login", false],
    ["a studio action", () => lessonUrl, true],
    ["the study heartbeat", "/api/study", true],
  ] as const)("%s", async (_name, target, signedIn) => {
    const client = signedIn ? trainer : new Client(server.url);
    const url = typeof target === "function" ? target() : target;
    const res = await client.request(url, { method: "POST", headers: broken, body: "这不是按边界分段的表单" });
    expect(res.status).toBe(400);
    expect(res.text).toContain(UNREADABLE_FORM_MESSAGE);
  });
});
