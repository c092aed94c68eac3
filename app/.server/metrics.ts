import crypto from "node:crypto";
import type express from "express";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import client from "prom-client";
import type { ServerBuild } from "@remix-run/node";
import { sessionCacheFigures } from "./auth/session-cache";
import { contestIntake } from "./contest/intake";
import { prisma, prismaGate } from "./db";
import { env } from "./env";
import { studyWriter } from "./learning/study-writer";
import { askPrimary, isWorkerProcess } from "./processes";
import type { PageTurns } from "./http/page-turns";
import type { WalCheckpoints } from "./wal-checkpoints";
import { writeLockWaits } from "./sql-sqlite";

// GET /metrics for Prometheus (decision 075), on only when METRICS_TOKEN is set, and then only for a
// caller that sends it as `Authorization: Bearer <token>` (compared in constant time); 404 otherwise,
// so the endpoint is invisible to the public. Without the token the middleware below is not even
// installed: `npm start` pays nothing.
//
// What it reports: request latency by route pattern (the Remix route id, or the fixed name of a route
// outside Remix: never the raw URL, so the label values are bounded by the app's routes), the contest
// intake's and the study writer's queues, the notification outbox's backlog, the database's
// transaction gate (SQLite has no pool: one Prisma connection whose interactive transactions queue
// behind the gate in db.ts; its waiters are the pool's waiters; on PostgreSQL this becomes the pg
// pool's total, idle and waiting counts), the event loop's delay and the process (prom-client's
// default metrics: CPU, memory, handles, GC).
//
// Several processes (WEB_CONCURRENCY): a scrape reaches one worker, which asks the primary; the
// primary gathers every worker's registry with prom-client's AggregatorRegistry (counters and
// histograms summed, gauges per worker) and answers. One scrape, the whole server.

const register = client.register;
// In a worker of several: constructing an AggregatorRegistry is what installs prom-client's answer to the primary's requests.
if (isWorkerProcess()) new client.AggregatorRegistry();
client.collectDefaultMetrics({ register, eventLoopMonitoringPrecision: 20 });

const requestDuration = new client.Histogram({
  name: "http_request_duration_seconds",
  help: "Time to the end of the response, by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

new client.Gauge({
  name: "contest_intake_queue_depth",
  help: "Contest answers waiting for the next batch commit",
  collect() {
    this.set(contestIntake().queued);
  },
});
new client.Gauge({
  name: "study_writer_queue_depth",
  help: "Study writes (heartbeats, sessions) waiting for the next batch commit",
  collect() {
    this.set(studyWriter().queued);
  },
});
new client.Gauge({
  name: "db_transaction_gate",
  help: "The Prisma connection's transaction gate: open (1 while an interactive transaction runs) and waiting (queries queued behind it)",
  labelNames: ["state"] as const,
  collect() {
    const gate = prismaGate();
    this.set({ state: "open" }, gate.open ? 1 : 0);
    this.set({ state: "waiting" }, gate.waiting);
  },
});
new client.Gauge({
  name: "auth_sessions_kept",
  help: "Sessions this process keeps while the session epoch stands (SQLite, decision 093)",
  collect() {
    this.set(sessionCacheFigures().kept);
  },
});
new client.Counter({
  name: "auth_session_validations_total",
  help: "Session validations since the process started, answered from a kept session (kept) or from the database (database) (SQLite, decision 093)",
  labelNames: ["from"] as const,
  collect() {
    const f = sessionCacheFigures();
    this.reset();
    this.inc({ from: "kept" }, f.hits);
    this.inc({ from: "database" }, f.misses);
  },
});
new client.Counter({
  name: "auth_session_epoch_reads_total",
  help: "Reads of the session epoch since the process started: one serves the validations that wait for it together (SQLite, decision 095)",
  collect() {
    this.reset();
    this.inc(sessionCacheFigures().epochReads);
  },
});
let pageTurns: Pick<PageTurns, "running" | "waiting"> | null = null;
new client.Gauge({
  name: "http_page_turns",
  help: "Pages (GET and HEAD) and small forms (POST, decision 094) of this process being served in turn (running) and waiting for a turn (waiting)",
  labelNames: ["state"] as const,
  collect() {
    this.set({ state: "running" }, pageTurns?.running ?? 0);
    this.set({ state: "waiting" }, pageTurns?.waiting ?? 0);
  },
});

/** The server's pages in turn (decision 091), reported by the gauge above. */
export function reportPageTurns(turns: Pick<PageTurns, "running" | "waiting">) {
  pageTurns = turns;
}

const writeLockWait = new client.Histogram({
  name: "sqlite_write_lock_wait_seconds",
  help: "How long each write transaction of the raw connection waited, once its turn in the process came, for SQLite's write lock (Prisma's connection quiet, no other process writing), or until it gave up at busy_timeout (SQLite)",
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
});
writeLockWaits.observe = (seconds) => writeLockWait.observe(seconds);

let walCheckpoints: Pick<WalCheckpoints, "runs" | "last"> | null = null;
new client.Gauge({
  name: "sqlite_wal_checkpoints",
  help: "WAL checkpoints tried by the checkpoint thread since its process started, 4 a second (SQLite, decision 092): one that stops rising means the thread is not running",
  collect() {
    this.set(walCheckpoints?.runs ?? 0);
  },
});
new client.Gauge({
  name: "sqlite_wal_frames",
  help: "At the last checkpoint: the WAL's frames (in_wal) and how many of them were in the database file after it (checkpointed)",
  labelNames: ["state"] as const,
  collect() {
    const last = walCheckpoints?.last;
    // A checkpoint that could not run (busy) reports -1 frames: the figures of the last one that ran stand.
    if (!last || !("log" in last) || last.log < 0) return;
    this.set({ state: "in_wal" }, last.log);
    this.set({ state: "checkpointed" }, last.checkpointed);
  },
});

/** The WAL checkpoint thread (decision 092) of the process that runs it, reported by the gauges above. */
export function reportWalCheckpoints(checkpoints: Pick<WalCheckpoints, "runs" | "last">) {
  walCheckpoints = checkpoints;
}

// Only the process that runs the background work reports the outbox (a table, the same for all).
if (!isWorkerProcess() || process.env.APP_WORKER_INDEX === "0") {
  new client.Gauge({
    name: "notification_outbox_backlog",
    help: "Notification deliveries not yet done: pending (waiting or due) and sending",
    labelNames: ["state"] as const,
    async collect() {
      const rows = await prisma.notificationDelivery.groupBy({ by: ["state"], where: { state: { in: ["pending", "sending"] } }, _count: { _all: true } });
      this.set({ state: "pending" }, 0);
      this.set({ state: "sending" }, 0);
      for (const r of rows) this.set({ state: r.state }, r._count._all);
    },
  });
}

// The same (patched, CommonJS) route matching Remix runs, as router-patch.ts loads it.
const { matchRoutes } = createRequire(import.meta.url)("@remix-run/router") as {
  matchRoutes(routes: RouteNode[], location: string): { route: RouteNode }[] | null;
};

type RouteNode = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: RouteNode[] };

/** The Remix routes as a tree for matchRoutes (patched: it keeps the ranked branches of this array, decision 017). */
function routeTree(build: ServerBuild): RouteNode[] {
  const nodes = new Map<string, RouteNode>();
  for (const r of Object.values(build.routes)) nodes.set(r.id, { id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive });
  const roots: RouteNode[] = [];
  for (const r of Object.values(build.routes)) {
    const node = nodes.get(r.id)!;
    const parent = r.parentId ? nodes.get(r.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** The label of a Remix request: its deepest matching route's id, or "unmatched" (404s: bots probing). */
export function remixRouteLabeller(build: ServerBuild | (() => Promise<ServerBuild>)): (pathname: string) => string {
  if (typeof build === "function") return () => "remix"; // dev: the build changes under Vite
  const tree = routeTree(build);
  return (pathname) => {
    const path = pathname.endsWith(".data") ? pathname.slice(0, -5).replace(/\/_root$/, "/") || "/" : pathname;
    const matches = matchRoutes(tree, path);
    return matches ? matches[matches.length - 1].route.id : "unmatched";
  };
}

/**
 * The middleware that times every request; `label(req, res)` names its route when it ends. Installed
 * first, so the time includes every other middleware. One clock read, one listener, one observation.
 */
export function requestTiming(label: (req: express.Request, res: express.Response) => string): express.RequestHandler {
  return (req, res, next) => {
    timeRequest(req, res, () => label(req, res));
    next();
  };
}

/** Times one request from now until its response is finished, under the route `label()` names then. */
export function timeRequest(req: IncomingMessage, res: ServerResponse, label: () => string): void {
  const start = performance.now();
  res.once("finish", () => {
    requestDuration.observe({ method: req.method ?? "GET", route: label(), status: String(res.statusCode) }, (performance.now() - start) / 1000);
  });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  // Hashes of equal length, so timingSafeEqual never throws and the length of the token leaks nothing.
  const a = crypto.createHash("sha256").update(header.slice(7)).digest();
  const b = crypto.createHash("sha256").update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

/** GET /metrics: the figures in Prometheus's text format, for the token's holder only. */
export function metricsHandler(): express.RequestHandler {
  return (req, res, next) => {
    const token = env.metricsToken;
    if (!token || !tokenMatches(req.get("authorization"), token)) return next(); // the ordinary 404
    void (async () => {
      try {
        const text = isWorkerProcess() ? await askPrimary<string>("metrics", {}) : await register.metrics();
        res.status(200).set("Content-Type", register.contentType).set("Cache-Control", "no-store").send(text);
      } catch (e) {
        next(e);
      }
    })();
  };
}
