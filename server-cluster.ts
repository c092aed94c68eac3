import cluster, { type Worker } from "node:cluster";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { type StartedServer } from "./server";
import { type Envelope } from "./app/.server/processes";
import { log } from "./app/.server/ops/log";
import { env } from "./app/.server/env";

// One server on every core (decision 071): `startServers({ count })` with count 1 is today's single
// process (server.ts); with more, this process becomes node:cluster's primary. It forks `count`
// workers running this same file (each one `startServer()` on the shared port, the primary handing
// connections out round robin unless `acceptPolicy` says otherwise), relays their messages to each
// other, answers what must hold for all of them (the argon2 slots), and forks a worker again when one
// dies. The primary serves no request: the start-up work (migrate, seed, sync) is done before it
// forks, by the caller.

/** The default's ceiling: more processes than this on the one SQLite file were never measured (decision 087). */
export const DEFAULT_PROCESS_CEILING = 4;

/**
 * How many processes serve: WEB_CONCURRENCY, or one per core up to DEFAULT_PROCESS_CEILING (decision 087:
 * on 2 cores, two processes took the contest morning faster at every step than one). `npm start --dev`
 * and the tests' servers run one unless they ask.
 */
export function webConcurrency(set = process.env.WEB_CONCURRENCY, cores = os.availableParallelism()): number {
  if (set === undefined || set === "") return Math.max(1, Math.min(cores, DEFAULT_PROCESS_CEILING));
  const n = Number(set);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`WEB_CONCURRENCY must be a whole number from 1 to 64, not ${set}`);
  return n;
}

/**
 * Who accepts the port's connections (decision 096), by NODE_CLUSTER_SCHED_POLICY, Node's own setting:
 * the primary, handing them out round robin (`rr`, the default), or each worker itself (`none`). Round
 * robin hands a busy worker its next connection only once it has taken the last, so under a crowd new
 * connections wait in the primary; without it, connections opened while the server is quiet gather in
 * one worker (a quiz morning's 128: 73 and 22). A value Node would ignore is refused rather than read as
 * its default.
 */
export function acceptPolicy(set = process.env.NODE_CLUSTER_SCHED_POLICY): number {
  if (set === undefined || set === "" || set === "rr") return cluster.SCHED_RR;
  if (set === "none") return cluster.SCHED_NONE;
  throw new Error(`NODE_CLUSTER_SCHED_POLICY must be none or rr, not ${set}`);
}

const RESTART_DELAY_MS = 1_000;

export async function startServers({ count, dev = false }: { count: number; dev?: boolean }): Promise<StartedServer & { processes: number }> {
  const policy = acceptPolicy(); // checked with one process too: a wrong value is refused, not ignored
  if (count <= 1 || dev) {
    const { startServer } = await import("./server");
    return { ...(await startServer({ dev })), processes: 1 };
  }
  const { PrimaryState } = await import("./app/.server/primary-state");
  const shared = new PrimaryState();
  cluster.schedulingPolicy = policy; // before the first fork, as Node requires
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url) });
  let stopping = false;
  const byIndex = new Map<number, Worker>();

  const fork = (index: number) => {
    const worker = cluster.fork({ APP_WORKER_INDEX: String(index) });
    byIndex.set(index, worker);
    worker.on("message", (m: Envelope) => {
      if (m?.app === "relay") {
        for (const other of byIndex.values()) if (other !== worker && other.isConnected()) other.send(m);
      } else if (m?.app === "ask") {
        // /metrics of all workers, gathered here (decision 075); the rest is the shared state's.
        const answer =
          m.kind === "metrics" ? import("./app/.server/ops/cluster-metrics").then((c) => c.clusterMetrics()) : shared.answer(worker.id, m.kind, m.payload);
        void answer.then(
          (result) => m.id !== 0 && worker.isConnected() && worker.send({ app: "reply", id: m.id, result } satisfies Envelope),
          (e: unknown) => m.id !== 0 && worker.isConnected() && worker.send({ app: "reply", id: m.id, error: String(e) } satisfies Envelope),
        );
      }
    });
    worker.on("exit", (code, signal) => {
      shared.forgetWorker(worker.id);
      if (byIndex.get(index) === worker) byIndex.delete(index);
      if (stopping) return;
      log.error(`服务进程 ${index} 已退出，${RESTART_DELAY_MS / 1000} 秒后重启 (worker exited, restarting)`, undefined, {
        worker: index,
        exit: signal ?? code,
      });
      setTimeout(() => !stopping && fork(index), RESTART_DELAY_MS).unref();
    });
    return worker;
  };

  const port = await new Promise<number>((resolve, reject) => {
    let listening = 0;
    const onListening = (_w: Worker, address: { port: number }) => {
      if (++listening < count) return;
      cluster.off("listening", onListening);
      cluster.off("exit", onEarlyExit);
      resolve(address.port);
    };
    const onEarlyExit = (w: Worker, code: number) => {
      stopping = true;
      for (const other of byIndex.values()) other.kill("SIGTERM");
      reject(new Error(`worker ${w.id} exited with ${code} before it listened`));
    };
    cluster.on("listening", onListening);
    cluster.on("exit", onEarlyExit);
    for (let i = 0; i < count; i++) fork(i);
  });

  const host = process.env.HOST ?? "127.0.0.1";
  return {
    url: `http://${host}:${port}`,
    port,
    processes: count,
    close: async () => {
      stopping = true;
      await Promise.all(
        [...byIndex.values()].map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const force = setTimeout(() => w.process.kill("SIGKILL"), env.drainMs + 5_000);
              w.once("exit", () => (clearTimeout(force), resolve()));
              w.process.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

// A worker: the production server of server.ts, until the primary stops it or goes away.
if (cluster.isWorker && process.env.APP_WORKER_INDEX !== undefined) {
  process.env.NODE_ENV = "production";
  const { prismaReady } = await import("./app/.server/db");
  const { startServer } = await import("./server");
  await prismaReady();
  const server = await startServer();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  // The primary was killed: nothing would stop this worker or restart it, and no one relays to it.
  process.on("disconnect", () => void stop());
}
