import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePort } from "./lib/free-port";
import { type Balancer, type BalancerNode, startHaproxy } from "./lib/haproxy";
import { adminUrl, clusterRunning, initCluster, postgresBin, postgresOwner, reachableByOthers, startCluster, stopCluster } from "./lib/postgres-server";
import { ensureSystemPackages, haproxyBinary, stoppedWithParent } from "./lib/system-packages";
import { stopChildren } from "./lib/stop-children";

// `npm run start:cluster`: the multi-node setup on one machine, for trying it (decision 079). A
// PostgreSQL cluster in data/cluster/postgres (Debian's binaries), a database `dangxiao` in it, a
// CERT_SECRET generated once and kept in data/cluster/cert-secret, one DATA_DIR shared by all nodes
// (data/cluster/files), three app nodes each started the way `npm start` starts on a postgres:// URL
// (migrate, seed and sync once between them under the start-up lock, then serve) on ports of their
// own, and HAProxy in front on the port `npm start` uses. Ctrl-C or SIGTERM stops all of it.
// NODES (default 3), PORT (default 3000) and HOST (default 127.0.0.1) may be set.

const root = path.resolve(import.meta.dirname, "..");
const clusterDir = path.join(root, "data", "cluster");
const pgDir = path.join(clusterDir, "postgres");
const dataDir = path.join(clusterDir, "files");
const secretFile = path.join(clusterDir, "cert-secret");
const DATABASE = "dangxiao";
const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 3000);
const count = Number(process.env.NODES || 3);
if (!Number.isInteger(count) || count < 1 || count > 16) {
  console.error(`NODES 应为 1 到 16 的整数 / NODES must be a whole number from 1 to 16, not ${process.env.NODES}`);
  process.exit(1);
}

ensureSystemPackages(
  [
    { pkg: "postgresql", present: () => postgresBin() !== null },
    { pkg: "haproxy", present: () => haproxyBinary() !== null },
  ],
  "npm run start:cluster",
  { zh: "（PostgreSQL 数据库与 HAProxy 负载均衡）", en: " (the PostgreSQL database and the HAProxy balancer)" },
);
const bin = postgresBin()!;
if (postgresOwner() && !reachableByOthers(clusterDir)) {
  console.error(
    [
      `以 root 运行时 PostgreSQL 以 postgres 用户运行，但它无法进入 ${clusterDir}（上级目录缺少其他用户的 x 权限）。请把项目放在其他用户可进入的目录，或以普通用户运行。`,
      `As root, PostgreSQL runs as the postgres user, which cannot reach ${clusterDir} (a folder above it is not searchable by others). Put the project where others can reach it, or run as an ordinary user.`,
    ].join("\n"),
  );
  process.exit(1);
}

const t0 = performance.now();
fs.mkdirSync(dataDir, { recursive: true });
// A previous run that was killed may have left its PostgreSQL running: stopped, then started on a port of today's.
if (clusterRunning(pgDir)) {
  try {
    stopCluster(bin, pgDir);
  } catch {
    fs.rmSync(path.join(pgDir, "data", "postmaster.pid"), { force: true });
  }
}
const fresh = !fs.existsSync(path.join(pgDir, "data", "PG_VERSION"));
initCluster(bin, pgDir);
const pgPort = await freePort();
startCluster(bin, pgDir, pgPort);
console.info(`PostgreSQL ${fresh ? "已创建并启动 (created and started)" : "已启动 (started)"}: 127.0.0.1:${pgPort}, ${path.relative(root, pgDir)}`);

const children: ChildProcess[] = [];
let balancer: Balancer | undefined;
let stopping = false;

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  console.info("\n正在停止 (stopping): HAProxy, 应用节点 (app nodes), PostgreSQL…");
  await balancer?.stop();
  await stopChildren(children);
  try {
    stopCluster(bin, pgDir);
  } catch (e) {
    // Ctrl-C reaches PostgreSQL too (it shares the terminal's process group) and it may have stopped already.
    if (clusterRunning(pgDir)) console.error(`停止 PostgreSQL 失败 (stopping PostgreSQL failed): ${(e as Error).message}`);
  }
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

try {
  const admin = new pg.Client({ connectionString: adminUrl(pgPort) });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await admin.end();
  }

  // One key for every node, kept across starts: a certificate signed by any node verifies on all (decision 076).
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, crypto.randomBytes(48).toString("base64url") + "\n", { mode: 0o600 });
  const certSecret = fs.readFileSync(secretFile, "utf8").trim();

  const nodes: BalancerNode[] = [];
  for (let i = 1; i <= count; i++) nodes.push({ name: `node${i}`, host: "127.0.0.1", port: port + i });
  // Started together, as N machines would be: the start-up lock lets one do the start-up work.
  await Promise.all(nodes.map((n) => startNode(n, adminUrl(pgPort, DATABASE), certSecret)));
  balancer = await startHaproxy({ dir: clusterDir, host, port, nodes, echo: true });
} catch (e) {
  console.error(`启动失败 (start failed): ${(e as Error).message}`);
  await stopAll(1);
}

const { DEMO_ACCOUNTS, DEMO_PASSWORD } = await import("../prisma/seed");
console.info(
  `\n网上党校 (${count} 个节点 nodes, PostgreSQL, HAProxy) is running at ${balancer!.url}  (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);
console.info(`  节点 (nodes): ${Array.from({ length: count }, (_, i) => `http://127.0.0.1:${port + i + 1}`).join("  ")}`);
console.info(`  PostgreSQL: ${adminUrl(pgPort, DATABASE)}   数据 (data): ${path.relative(root, clusterDir)}`);
console.info(`\n演示账号 (demo accounts) — 密码 password: ${DEMO_PASSWORD}（如未修改）`);
for (const a of DEMO_ACCOUNTS) console.info(`  ${a.username.padEnd(10)} ${a.role}`);
console.info("\n按 Ctrl-C 停止全部 (Ctrl-C stops everything).");

/** One app node: `npm start`'s script on the shared database, data folder and key; resolves once it serves. */
function startNode(node: BalancerNode, databaseUrl: string, certSecret: string): Promise<void> {
  // Stopped with this script even if it is killed (SIGKILL), so no node outlives it.
  const child = spawn(...stoppedWithParent(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")]), {
    cwd: root,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json"),
      DATABASE_URL: databaseUrl,
      CERT_SECRET: certSecret,
      DATA_DIR: dataDir,
      HOST: node.host,
      PORT: String(node.port),
      // The balancer replaces X-Forwarded-For with the client's address (scripts/lib/haproxy.ts).
      TRUST_PROXY: "true",
      // A node stopped on its own (a rolling restart) answers /healthz with 503 for 3 s first: the
      // balancer checks every second and takes it out after two failures, before its port closes.
      DRAIN_SECONDS: "3",
      WEB_CONCURRENCY: "1",
    },
    // A group of its own: Ctrl-C reaches this script, which stops the balancer before the nodes.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const prefix = (stream: NodeJS.WriteStream) => {
    let partial = "";
    return (b: Buffer) => {
      partial += b.toString();
      const lines = partial.split("\n");
      partial = lines.pop()!;
      for (const line of lines) stream.write(`[${node.name}] ${line}\n`);
    };
  };
  const toStdout = prefix(process.stdout);
  child.stderr!.on("data", prefix(process.stderr));
  return new Promise((resolve, reject) => {
    let serving = false;
    child.stdout!.on("data", (b: Buffer) => {
      toStdout(b);
      out += b.toString();
      if (!serving && /is running at /.test(out)) {
        serving = true;
        out = "";
        resolve();
      }
    });
    child.once("exit", (code, signal) => {
      if (!serving) reject(new Error(`${node.name} exited with ${code ?? signal} before it served`));
      else if (!stopping)
        console.error(
          `⚠ 节点 ${node.name} 已退出 (${code ?? signal})，负载均衡把请求转给其他节点 (node exited; the balancer sends its requests to the others)`,
        );
    });
  });
}
