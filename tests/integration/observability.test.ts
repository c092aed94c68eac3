import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { testEngine } from "../support/engine";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// Request ids, JSON logs and /metrics against the real server (decision 075): the id on every
// response (the proxy's only when trusted and well-formed), /metrics invisible without the token,
// latency labelled by route pattern and never by raw URL, and, with two processes, one scrape
// that sums both.

const TOKEN = "m".repeat(24) + "-metrics-token-for-tests";
let one: TestServer;
let two: TestServer;
let logFile: string;
let logFd: number;

beforeAll(async () => {
  logFile = path.join(TMP, `observability-${process.pid}.log`);
  logFd = fs.openSync(logFile, "w");
  [one, two] = await Promise.all([
    startTestServer({ env: { METRICS_TOKEN: TOKEN, TRUST_PROXY: "true", LOG_FORMAT: "json" }, logFd }),
    startTestServer({ env: { METRICS_TOKEN: TOKEN, WEB_CONCURRENCY: "2" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  if (logFd !== undefined) fs.closeSync(logFd);
  fs.rmSync(logFile, { force: true });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function scrape(url: string, token: string | null = TOKEN) {
  const res = await fetch(`${url}/metrics`, { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("request ids", () => {
  it("gives every response an id: a fresh UUID, or the trusted proxy's when it is well-formed", async () => {
    const plain = await fetch(`${one.url}/healthz`);
    expect(plain.headers.get("x-request-id")).toMatch(UUID);
    const other = await fetch(`${one.url}/healthz`);
    expect(other.headers.get("x-request-id")).not.toBe(plain.headers.get("x-request-id"));
    const fromProxy = await fetch(`${one.url}/login`, { headers: { "X-Request-Id": "nginx-0f3a9c2e71b4" } });
    expect(fromProxy.headers.get("x-request-id")).toBe("nginx-0f3a9c2e71b4");
    for (const bad of ["short", "has spaces in it", "x".repeat(129), 'quote"injection1']) {
      const res = await fetch(`${one.url}/healthz`, { headers: { "X-Request-Id": bad } });
      expect(res.headers.get("x-request-id"), bad).toMatch(UUID);
    }
    // Also on the crowd routes outside Remix, refusals included.
    const answer = await fetch(`${one.url}/api/contests/answer`, { method: "POST", headers: { Origin: one.url } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get("x-request-id")).toMatch(UUID);
  });

  it("ignores a client's id when no proxy is trusted", async () => {
    const res = await fetch(`${two.url}/healthz`, { headers: { "X-Request-Id": "client-chosen-id-1234" } });
    expect(res.headers.get("x-request-id")).toMatch(UUID);
  });

  it("writes the server's log as JSON lines when asked", () => {
    const lines = fs
      .readFileSync(logFile, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"));
    const started = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).includes("后台任务已启动"));
    expect(started).toMatchObject({ level: "info", pid: expect.any(Number) as number, time: expect.any(String) as string });
  });
});

describe("kept-alive connections", () => {
  it("keeps an idle connection for 65 s, longer than a balancer's, in every process", async () => {
    for (const server of [one, two]) {
      const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
        const agent = new http.Agent({ keepAlive: true });
        http
          .get(`${server.url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on("end", () => {
              agent.destroy();
              resolve(res.headers["keep-alive"] as string | undefined);
            });
          })
          .on("error", reject);
      });
      // Node's default of 5 s let a client's POST meet the server closing its pooled connection.
      expect(keepAlive, server.url).toBe("timeout=65");
    }
  });
});

describe("/metrics", () => {
  it("does not exist without the token, or with a wrong one", async () => {
    expect((await scrape(one.url, null)).status).toBe(404);
    expect((await scrape(one.url, "wrong")).status).toBe(404);
    expect((await scrape(one.url, TOKEN + "x")).status).toBe(404);
    const basic = await fetch(`${one.url}/metrics`, { headers: { Authorization: `Basic ${Buffer.from(`a:${TOKEN}`).toString("base64")}` } });
    expect(basic.status).toBe(404);
  });

  it("reports latency by route pattern, the queues, the outbox, the database gate, the pages in turn and the event loop", async () => {
    const c = new Client(one.url);
    expect((await c.get("/login")).status).toBe(200);
    // A sign-in that fails: its attempt is written in a transaction of the raw connection.
    expect(
      (await c.request("/login", { method: "POST", body: new URLSearchParams({ redirectTo: "", username: "nobody-here", password: "wrong-password" }) }))
        .status,
    ).toBe(400);
    expect((await c.get("/contests/rawurlprobe")).status).toBeGreaterThanOrEqual(300);
    expect((await c.get("/no-such-page-rawurlprobe")).status).toBe(404);
    // A lane's request the front door turns away is counted as refused, as Express's are.
    expect((await c.request("/api/study", { method: "POST", body: new URLSearchParams({ intent: "begin" }), origin: "http://evil.example" })).status).toBe(403);
    const { status, text, type } = await scrape(one.url);
    expect(status).toBe(200);
    expect(type).toContain("text/plain");
    expect(sample(text, "http_request_duration_seconds_count", { method: "GET", route: "routes/login", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "http_request_duration_seconds_count", { route: "routes/contests.$contestId" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "http_request_duration_seconds_count", { route: "/api/contests/answer", status: "401" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "http_request_duration_seconds_count", { route: "unmatched", status: "404" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "http_request_duration_seconds_count", { method: "POST", route: "refused", status: "403" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "http_request_duration_seconds_count", { route: "/api/study", status: "403" })).toBeUndefined();
    // Raw URLs never become labels.
    expect(text).not.toContain("rawurlprobe");
    expect(text).toMatch(/^contest_intake_queue_depth 0$/m);
    expect(text).toMatch(/^study_writer_queue_depth 0$/m);
    expect(sample(text, "notification_outbox_backlog", { state: "pending" })).toBe(0);
    expect(sample(text, "db_transaction_gate", { state: "waiting" })).toBe(0);
    // Pages in turn (decision 091): the pages above are done, and the scrape itself takes no turn.
    expect(sample(text, "http_page_turns", { state: "running" })).toBe(0);
    expect(sample(text, "http_page_turns", { state: "waiting" })).toBe(0);
    // SQLite: the WAL checkpoint thread (decision 092) runs every 250 ms in this one process and reports its
    // last checkpoint. PostgreSQL has no WAL of ours to checkpoint: nothing runs, nothing is reported.
    const checkpoints = Number(/^sqlite_wal_checkpoints (\d+)$/m.exec(text)?.[1]);
    if (testEngine() === "sqlite") {
      expect(checkpoints).toBeGreaterThan(0);
      expect(sample(text, "sqlite_wal_frames", { state: "checkpointed" })).toBeGreaterThanOrEqual(0);
    } else {
      expect(checkpoints).toBe(0);
      expect(sample(text, "sqlite_wal_frames", { state: "checkpointed" })).toBeUndefined();
    }
    // SQLite: every write transaction of the raw connection counts its wait for the write lock (the
    // sign-in above wrote its attempt in one). PostgreSQL's transactions do not take SQLite's lock.
    const lockWaits = Number(/^sqlite_write_lock_wait_seconds_count (\d+)$/m.exec(text)?.[1]);
    if (testEngine() === "sqlite") expect(lockWaits).toBeGreaterThan(0);
    else expect(lockWaits).toBe(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
  });

  it("keeps no timer of a page once it is answered", async () => {
    // Remix times every page's data for streamTimeout (5 s) until the request's signal ends; the signal ends with the answer (request-signal.ts).
    const c = new Client(one.url);
    const pages = 100;
    for (let i = 0; i < pages; i++) expect((await c.get("/login")).status).toBe(200);
    const timers = sample((await scrape(one.url)).text, "nodejs_active_resources", { type: "Timeout" }) ?? 0;
    expect(timers).toBeLessThan(pages / 2);
  });

  it("gathers every process's figures in one scrape when several serve", async () => {
    const N = 12;
    for (let i = 0; i < N; i++) expect((await fetch(`${two.url}/healthz`)).status).toBe(200);
    const { status, text } = await scrape(two.url);
    expect(status).toBe(200);
    // Round robin spreads the requests' connections over both workers; only the sum of both reaches N.
    expect(sample(text, "http_request_duration_seconds_count", { method: "GET", route: "routes/healthz", status: "200" })).toBeGreaterThanOrEqual(N);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
  });
});
