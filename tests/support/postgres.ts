import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migratePostgres } from "../../scripts/lib/pg-migrate";
import { freePort } from "./free-port";
import { TMP } from "./paths";

// A private PostgreSQL cluster for the tests (decision 073): Debian's binaries, a folder of its own,
// listening on 127.0.0.1 and a socket in that folder only, trust authentication (nothing but this
// machine reaches it). Started once per test run by the first test file that asks for it (other
// test processes wait for it), with a template database migrated once; each test file gets a fresh
// database copied from the template (CREATE DATABASE … TEMPLATE, about 0.2 s). The integration
// run's global setup stops it at the end and clears what a killed run left behind.

const STATE = path.join(TMP, "postgres.json");
const LOCK = path.join(TMP, "postgres.lock");
const TEMPLATE = "app_template";
const START_WAIT_MS = 180_000;

type State = { dir: string; port: number; bin: string } | { error: string };

const INSTALL = [
  "PostgreSQL is not installed: the tests run the app on a private PostgreSQL cluster and need Debian's server binaries",
  "(/usr/lib/postgresql/<version>/bin/initdb). Install them as root with",
  "  apt-get update && apt-get install -y --no-install-recommends postgresql",
  "(npm test and .ci/run do this by themselves when run as root), or point PG_BIN at a folder holding initdb and pg_ctl.",
  "未安装 PostgreSQL：测试需要 Debian 的 postgresql 软件包。请以 root 身份运行 apt-get update && apt-get install -y postgresql。",
].join("\n");

/** The folder of PostgreSQL's server binaries: PG_BIN, or the newest under /usr/lib/postgresql. */
export function postgresBin(): string | null {
  if (process.env.PG_BIN) return fs.existsSync(path.join(process.env.PG_BIN, "initdb")) ? process.env.PG_BIN : null;
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(base, versions[0], "bin") : null;
}

/** initdb refuses to run as root: as root the cluster belongs to the `postgres` user Debian's package creates. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("running as root, and there is no `postgres` user to run PostgreSQL as (Debian's postgresql package creates it)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function pgCommand(bin: string, tool: string, args: string[]) {
  const owner = runAs();
  const [cmd, argv] = owner ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  try {
    return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${tool} failed: ${err.stderr || err.stdout || err.message}`);
  }
}

/** Whether another user (postgres) can reach `dir`: every folder above it must be searchable by others. */
function reachableByOthers(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(d) && (fs.statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

export function adminUrl(port: number, database = "postgres") {
  return `postgresql://postgres@127.0.0.1:${port}/${database}`;
}

async function startCluster(): Promise<State> {
  const bin = postgresBin();
  if (!bin) throw new Error(INSTALL);
  const owner = runAs();
  // Under the tests' tmp folder, unless the postgres user cannot reach it (a clone in /root) or the
  // socket's path would pass the 107 bytes a Unix socket name may have.
  let dir = path.join(TMP, `postgres-${process.pid}`);
  if ((owner && !reachableByOthers(TMP)) || dir.length > 80) dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsdx-pg-"));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, "data");
  pgCommand(bin, "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
  // Durability is not what the tests are about: fsync off saves seconds a run on a shared machine.
  const settings = `-k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  let port = 0;
  for (let tries = 0; ; tries++) {
    port = await freePort();
    try {
      pgCommand(bin, "pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "-o", `-p ${port} ${settings}`, "start"]);
      break;
    } catch (e) {
      // Another process may have taken the free port meanwhile.
      if (tries >= 2) throw e;
    }
  }
  const admin = new pg.Client({ connectionString: adminUrl(port) });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${TEMPLATE}"`);
  await admin.end();
  await migratePostgres(adminUrl(port, TEMPLATE));
  return { dir, port, bin };
}

async function waitForState(): Promise<State> {
  const t0 = Date.now();
  while (Date.now() - t0 < START_WAIT_MS) {
    if (fs.existsSync(STATE)) return JSON.parse(fs.readFileSync(STATE, "utf8")) as State;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the test PostgreSQL cluster did not start within ${START_WAIT_MS / 1000} s (another test process was starting it)`);
}

let cluster: Promise<{ port: number }> | undefined;

/** The run's cluster, started by whichever test process asks first. */
export function postgresCluster(): Promise<{ port: number }> {
  return (cluster ??= (async () => {
    fs.mkdirSync(TMP, { recursive: true });
    let state: State;
    let first = false;
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: "wx" });
      first = true;
    } catch {
      state = await waitForState();
    }
    if (first) {
      try {
        state = await startCluster();
      } catch (e) {
        state = { error: (e as Error).message };
      }
      fs.writeFileSync(`${STATE}.tmp`, JSON.stringify(state));
      fs.renameSync(`${STATE}.tmp`, STATE);
    }
    if ("error" in state!) throw new Error(state.error);
    return { port: state!.port };
  })());
}

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** The certificate key the tests' PostgreSQL processes share: multi-node mode refuses to start without one (decision 076). */
export const TEST_CERT_SECRET = "test-certificate-secret-shared-by-every-node";

/**
 * A new database copied from the migrated template: empty tables, every migration applied. Sets
 * CERT_SECRET in this process when it has none, as every node on PostgreSQL needs it.
 */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  process.env.CERT_SECRET ??= TEST_CERT_SECRET;
  const { port } = await postgresCluster();
  const name = `test_${crypto.randomUUID().replace(/-/g, "")}`;
  const admin = new pg.Client({ connectionString: adminUrl(port) });
  await admin.connect();
  try {
    for (let tries = 0; ; tries++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`);
        break;
      } catch (e) {
        // 55006: the template is in use (a copy of it is being made at this moment by another file).
        if ((e as { code?: string }).code !== "55006" || tries >= 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: adminUrl(port, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl(port) });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Stops the run's cluster and removes its folder; also what a killed run left (called before and after the integration run). */
export function stopPostgres(): void {
  if (fs.existsSync(STATE)) {
    const state = JSON.parse(fs.readFileSync(STATE, "utf8")) as State;
    if (!("error" in state) && fs.existsSync(path.join(state.dir, "data", "postmaster.pid"))) {
      try {
        pgCommand(state.bin, "pg_ctl", ["-D", path.join(state.dir, "data"), "-m", "fast", "-w", "stop"]);
      } catch (e) {
        console.warn(`stopping the test PostgreSQL cluster: ${(e as Error).message}`);
      }
    }
    if (!("error" in state)) fs.rmSync(state.dir, { recursive: true, force: true });
  }
  for (const f of [STATE, LOCK]) fs.rmSync(f, { force: true });
}
