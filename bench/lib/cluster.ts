import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type PgSqlDb, createPgSqlDb } from "../../app/.server/sql-pg";
import { freePort } from "../../scripts/lib/free-port";
import { type Balancer, HAPROXY_INSTALL, nodesInService, startHaproxy } from "../../scripts/lib/haproxy";
import { moveToPostgres } from "../../scripts/lib/move-to-postgres";
import {
  POSTGRES_INSTALL,
  adminUrl,
  clusterRunning,
  initCluster,
  postgresBin,
  postgresOwner,
  reachableByOthers,
  startCluster,
  stopCluster,
} from "../../scripts/lib/postgres-server";
import { haproxyBinary } from "../../scripts/lib/system-packages";
import { type SpawnedServer, spawnServer } from "../../tests/support/spawn-server";

// The benchmarks' "cluster" target (decision 084): what `npm run start:cluster` and the multi-node
// test (tests/integration/cluster.test.ts) run, with their helpers: a PostgreSQL cluster in a folder
// of its own (scripts/lib/postgres-server.ts, default durability as start:cluster), the scenario's
// prepared SQLite file moved into it (scripts/lib/move-to-postgres.ts, decision 078), three built
// servers on it (tests/support/spawn-server.ts, one shared DATA_DIR and CERT_SECRET, TRUST_PROXY)
// and HAProxy in front (scripts/lib/haproxy.ts). Everything on 127.0.0.1.
// `stop()` stops all of it; `stopNow()` is the synchronous part for a signal handler (the nodes and
// HAProxy stop by themselves when this process goes, PostgreSQL does not).

export type BenchCluster = {
  url: string;
  nodes: SpawnedServer[];
  databaseUrl: string;
  sqlDb: PgSqlDb;
  /** SIGKILLs one node (the second) and resolves once it is gone; the balancer's URL is unchanged. */
  killNode(): Promise<string>;
  stderr(): string;
  stop(): Promise<void>;
};

const NODES = 3;
const CERT_SECRET = "bench-certificate-secret-shared-by-every-node";

export function clusterPrerequisites(): string | null {
  if (!postgresBin()) return POSTGRES_INSTALL;
  if (!haproxyBinary()) return HAPROXY_INSTALL;
  return null;
}

/** This run's PostgreSQL folder under `tmp` (or the system's tmp when the postgres user cannot reach it, or the socket's path would be too long). */
export function postgresDir(tmp: string): string {
  let dir = path.join(tmp, `postgres-${process.pid}`);
  if ((postgresOwner() && !reachableByOthers(tmp)) || dir.length > 80) dir = path.join(os.tmpdir(), `wsdx-bench-postgres-${process.pid}`);
  return dir;
}

/** Stops PostgreSQL in `dir` if it runs and removes the folder (synchronous: also from a signal handler). */
export function removePostgres(dir: string): void {
  const bin = postgresBin();
  try {
    if (bin && clusterRunning(dir)) stopCluster(bin, dir);
  } catch (e) {
    console.warn(`stopping the bench PostgreSQL cluster: ${(e as Error).message}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

export async function startBenchCluster(opts: { pgDir: string; sqliteFile: string; dataDir: string; balancerDir: string }): Promise<BenchCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error(POSTGRES_INSTALL);
  removePostgres(opts.pgDir);
  initCluster(bin, opts.pgDir);
  const pgPort = await freePort();
  startCluster(bin, opts.pgDir, pgPort);
  const nodes: SpawnedServer[] = [];
  let balancer: Balancer | undefined;
  let sqlDb: PgSqlDb | undefined;
  const stop = async () => {
    await balancer?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await sqlDb?.end();
    removePostgres(opts.pgDir);
  };
  try {
    const admin = new pg.Client({ connectionString: adminUrl(pgPort) });
    await admin.connect();
    await admin.query(`CREATE DATABASE "bench"`);
    await admin.end();
    const databaseUrl = adminUrl(pgPort, "bench");
    const moved = await moveToPostgres(opts.sqliteFile, databaseUrl);
    console.info(`cluster:  ${moved.rows.toLocaleString("en")} rows moved into PostgreSQL in ${(moved.ms / 1000).toFixed(1)} s`);
    const env = { CERT_SECRET, DATA_DIR: opts.dataDir, TRUST_PROXY: "true" };
    const started = await Promise.allSettled(Array.from({ length: NODES }, () => spawnServer({ dbFile: databaseUrl, env, startTimeoutMs: 180_000 })));
    for (const s of started) if (s.status === "fulfilled") nodes.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    balancer = await startHaproxy({
      dir: opts.balancerDir,
      host: "127.0.0.1",
      port: await freePort(),
      nodes: nodes.map((n, i) => ({ name: `node${i + 1}`, host: "127.0.0.1", port: Number(new URL(n.url).port) })),
    });
    const seen = await nodesInService(balancer, NODES, 60_000);
    if (seen.length < NODES) throw new Error(`the balancer saw only ${seen.join(", ")} within 60 s`);
    sqlDb = createPgSqlDb(databaseUrl);
    const url = balancer.url;
    return {
      url,
      nodes,
      databaseUrl,
      sqlDb,
      async killNode() {
        const victim = nodes[1];
        const exited = new Promise((r) => victim.child.once("exit", r));
        victim.child.kill("SIGKILL");
        await exited;
        return url;
      },
      stderr: () => [...nodes.flatMap((n, i) => n.stderr.map((l) => `[node${i + 1}] ${l}`))].join("").trim(),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
