import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { type ServerBuild, createRequestHandler } from "@remix-run/node";
import express from "express";
import { contestAnswerHandler } from "./app/.server/contest/answer-endpoint";
import { contestStartLane } from "./app/.server/contest/start-lane";
import { liveHub } from "./app/.server/contest/live/hub";
import { env } from "./app/.server/env";
import { studyHandler } from "./app/.server/learning/study-endpoint";
import { TURN_BODY_LIMIT, isSmallForm, limitUnreadBody, newBodyBudget, readCappedBody } from "./app/.server/http/body-limit";
import { onlyClientBuildEntries } from "./app/.server/http/client-files";
import { responseCompression } from "./app/.server/http/compression";
import { type RequestContext, requestContextStorage } from "./app/.server/http/context";
import { fastLanes } from "./app/.server/http/fast-lane";
import { pageTurns } from "./app/.server/http/page-turns";
import { frontDoor } from "./app/.server/http/front-door";
import { type ManifestLane, manifestLane } from "./app/.server/http/manifest-lane";
import { precompressedStatic } from "./app/.server/http/precompressed";
import { sendText } from "./app/.server/http/reply";
import { remixHandler } from "./app/.server/http/remix-handler";
import { routerPatchProblem } from "./app/.server/router-patch";
import { serviceWorkerUncached } from "./app/.server/http/service-worker-headers";
import { runsBackgroundWork } from "./app/.server/processes";
import { checkFileStorage } from "./app/.server/storage/storage";
import { startSweeper } from "./app/.server/sweeper";
import { startBackupSchedule } from "./app/.server/ops/backup-schedule";
import { checkpointOnlyAsBackstop } from "./app/.server/db";
import { startWalCheckpoints } from "./app/.server/wal-checkpoints";
import { log } from "./app/.server/ops/log";

// The HTTP server: the front door every request takes (front-door.ts: request id, security headers with a
// per-request CSP nonce, the cross-site check, the body type and size limits of decision 027), then the
// crowd's two lanes before Express (fast-lane.ts, decision 086), or Express: compression (decision 062),
// static files of the client build, and the Remix handler. `startServer` resolves once it listens.

/** Pages and forms a process serves at once; the others wait their turn (decisions 091, 094). */
const PAGES_AT_ONCE = 8;
/** The longest a page or form keeps its turn before its head is written (decision 091). */
const PAGE_TURN_MS = 500;

export type StartedServer = { url: string; port: number; close(): Promise<void> };

export async function startServer({ dev = false } = {}): Promise<StartedServer> {
  const unpatched = routerPatchProblem();
  if (unpatched) throw new Error(unpatched);
  await checkFileStorage();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.trustProxy);

  // /metrics (decision 075): with METRICS_TOKEN set, every request is timed by its route pattern; without it, nothing is installed.
  let routeOfRemix: (pathname: string) => string = () => "remix";
  const metrics = env.metricsToken ? await import("./app/.server/metrics") : null;
  if (metrics) {
    app.use(
      metrics.requestTiming((req, res) => {
        const route = (req.route as { path?: unknown } | undefined)?.path;
        if (route === "*") return routeOfRemix(req.path);
        if (typeof route === "string") return route;
        return res.statusCode < 400 ? "static" : "refused";
      }),
    );
  }

  app.use((req, res, next) => {
    const pass = frontDoor(req, res, { dev });
    if (!pass) return;
    res.locals.requestId = pass.requestId;
    res.locals.cspNonce = pass.cspNonce;
    next();
  });
  app.use(responseCompression());

  // Stopping behind a balancer (decision 079): for DRAIN_SECONDS the health check says so while every
  // other request is still served, so the balancer stops sending new ones before the port closes.
  let draining = false;
  app.get("/healthz", (_req, res, next) => {
    if (!draining) return next();
    res.status(503).set("Cache-Control", "no-store").json({ status: "draining" });
  });

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let discovery: ManifestLane | null = null;
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  } else {
    const buildDir = path.resolve("build");
    const serverEntry = path.join(buildDir, "server", "index.js");
    if (!fs.existsSync(serverEntry)) throw new Error("No build found: run `npm run build` (npm start does it for you).");
    build = (await import(serverEntry)) as ServerBuild;
    // Hashed files never change: a year, immutable, and the build's brotli or gzip copy when the browser takes it.
    const assetsDir = path.join(buildDir, "client", "assets");
    app.use("/assets", precompressedStatic(assetsDir));
    app.use("/assets", express.static(assetsDir, { immutable: true, maxAge: "1y" }));
    // Route discovery, answered from what Remix answered before for the same query (manifest-lane.ts).
    discovery = manifestLane(createRequestHandler(build, "production"));
    const clientDir = path.join(buildDir, "client");
    app.use(onlyClientBuildEntries(clientDir, express.static(clientDir, { maxAge: "1h", setHeaders: serviceWorkerUncached })));
  }

  if (metrics) {
    routeOfRemix = metrics.remixRouteLabeller(build);
    app.get("/metrics", metrics.metricsHandler());
  }

  // The crowd's two routes, before Express (decision 086): contest answers (decision 019) and study heartbeats (decision 070).
  const lanes = fastLanes({ "/api/contests/answer": contestAnswerHandler, "/api/study": studyHandler }, { dev, logError: log.error });

  const handler = remixHandler(build, dev ? "development" : "production");
  // Pages in turn (decision 091): GET and HEAD, but not the health check, which says how the process
  // itself is doing and must not wait behind a crowd's pages; and small forms (decision 094), before the pages.
  const turns = pageTurns({ limit: PAGES_AT_ONCE, holdMs: PAGE_TURN_MS });
  if (metrics) metrics.reportPageTurns(turns);
  app.all("*", (req, res, next) => {
    const context: RequestContext = {
      clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      cspNonce: res.locals.cspNonce as string,
      requestId: res.locals.requestId as string,
      local: { address: req.socket.localAddress ?? "", port: req.socket.localPort ?? env.port },
      appendHeader: (name: string, value: string) => res.append(name, value),
      bodyBudget: newBodyBudget(),
    };
    const serve = (leaveTurn?: () => void) => {
      context.leaveTurn = leaveTurn;
      void requestContextStorage.run(context, () => handler(req, res, next));
    };
    // A small form, read whole: 开始 with the page in its reply is answered by the start lane when it can
    // (decision 105), and by Remix when it declines, as is every other form.
    const serveForm = (leaveTurn: () => void) => {
      context.leaveTurn = leaveTurn;
      void requestContextStorage.run(context, async () => {
        const logError = (message: string, e: unknown) => log.error(message, e, { requestId: context.requestId });
        if (!(await contestStartLane(req, res, context.wholeBody!, logError))) await handler(req, res, next);
      });
    };
    if ((req.method === "GET" || req.method === "HEAD") && req.path !== "/healthz") turns.take(req, res, serve);
    else if (req.method === "POST" && isSmallForm(req)) {
      // A form takes its turn once its body is here whole (decision 094), so a slow sender holds none.
      readCappedBody(req, TURN_BODY_LIMIT)
        .then(
          (body) => {
            // Cannot happen: Node's parser reads no more than the declared length, which was checked.
            if (body === null) return void res.destroy();
            context.wholeBody = body;
            turns.take(req, res, serveForm, "form");
          },
          () => {}, // the client went away before its body arrived: nobody to answer
        )
        .catch((e: unknown) => {
          log.error("a form could not take its turn", e, { requestId: context.requestId });
          res.destroy();
        });
    } else serve();
  });

  // Exactly one process runs the sweeper, the background runners and the scheduled backups (decision 071;
  // backups are off unless BACKUP_INTERVAL_HOURS is set: decision 075).
  const stopBackups = runsBackgroundWork() ? startBackupSchedule() : () => {};
  const stopSweeper = runsBackgroundWork() ? await startSweeper() : () => {};
  // SQLite: the WAL is checkpointed by a thread of the background process, not inside a request's commit (decision 092).
  await checkpointOnlyAsBackstop();
  const checkpoints = env.databaseEngine === "sqlite" && runsBackgroundWork() ? await startWalCheckpoints(env.databaseFile) : null;
  if (metrics && checkpoints) metrics.reportWalCheckpoints(checkpoints);
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      limitUnreadBody(req, res);
      if (discovery?.takes(req)) {
        if (metrics) metrics.timeRequest(req, res, () => (res.statusCode < 400 ? "/__manifest" : "refused"));
        const pass = frontDoor(req, res, { dev });
        if (!pass) return;
        discovery.serve(req, res).catch((e: unknown) => {
          log.error("/__manifest failed", e, { requestId: pass.requestId });
          if (res.headersSent) res.destroy();
          else sendText(res, 500, "服务器出错了，请稍后重试");
        });
        return;
      }
      const lane = lanes.laneOf(req);
      if (lane === undefined) return app(req, res);
      // Labelled as Express labels its own: the lane's path, or "refused" when the front door turned it away.
      let outcome: "served" | "refused" = "refused";
      if (metrics) metrics.timeRequest(req, res, () => (outcome === "served" ? lane : "refused"));
      outcome = lanes.serve(lane, req, res);
    });
    server.listen(env.port, env.host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : env.port;
      resolve({
        url: `http://${env.host}:${port}`,
        port,
        close: async () => {
          if (env.drainMs > 0 && !draining) {
            draining = true;
            await new Promise((r) => setTimeout(r, env.drainMs));
          }
          await checkpoints?.stop();
          await new Promise<void>((r) => {
            stopSweeper();
            stopBackups();
            // Live rounds' event streams never end by themselves; closing them lets the server close.
            liveHub.closeAll();
            server.close(() => r());
          });
        },
      });
    });
    // An idle kept-alive connection is closed after 65 s, not Node's 5 s. A client that picks a pooled
    // connection at the moment the server closes it has its request broken, and only a GET is
    // repeated for it: a POST (an answer, a heartbeat, a form) is lost with a network error, which the
    // loaded test runs met as EPIPE on a large form and the heartbeats bench as ECONNRESET. A balancer
    // in front (HAProxy, nginx) keeps its idle connections to the nodes for less than this, as its
    // documentation asks of the server behind it; the headers' timeout must exceed it.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.on("error", reject);
  });
}
