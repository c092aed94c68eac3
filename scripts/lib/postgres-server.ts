import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// A PostgreSQL cluster in a folder of our own, with Debian's server binaries (decision 073): what the
// tests' private cluster (tests/support/postgres.ts) and `npm run start:cluster` (decision 079) both
// do. Listening on 127.0.0.1 and a socket in that folder only, trust authentication: nothing but this
// machine reaches it. As root, the cluster belongs to the `postgres` user Debian's package creates
// (initdb refuses to run as root).

export const POSTGRES_INSTALL = [
  "PostgreSQL is not installed: this needs Debian's server binaries",
  "(/usr/lib/postgresql/<version>/bin/initdb). Install them as root with",
  "  apt-get update && apt-get install -y --no-install-recommends postgresql",
  "(npm test, npm run start:cluster and .ci/run do this by themselves when run as root), or point PG_BIN at a folder holding initdb and pg_ctl.",
  "未安装 PostgreSQL：需要 Debian 的 postgresql 软件包。请以 root 身份运行 apt-get update && apt-get install -y postgresql。",
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

/** The user the cluster runs as when this process is root (`postgres`), or null: this process's own user. */
export function postgresOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("running as root, and there is no `postgres` user to run PostgreSQL as (Debian's postgresql package creates it)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs one of PostgreSQL's tools (initdb, pg_ctl) as the cluster's owner; throws with what it printed. */
export function pgCommand(bin: string, tool: string, args: string[]): string {
  const owner = postgresOwner();
  const [cmd, argv] = owner ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  try {
    return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${tool} failed: ${err.stderr || err.stdout || err.message}`);
  }
}

/** Whether another user (postgres) can reach `dir`: every folder above it must be searchable by others. */
export function reachableByOthers(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(d) && (fs.statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

export function adminUrl(port: number, database = "postgres") {
  return `postgresql://postgres@127.0.0.1:${port}/${database}`;
}

/** `dir` made (mode 0700, owned by the cluster's owner) and `dir/data` initialised, unless it already is. */
export function initCluster(bin: string, dir: string): void {
  const owner = postgresOwner();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  if (fs.existsSync(path.join(dir, "data", "PG_VERSION"))) return;
  pgCommand(bin, "initdb", ["-D", path.join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
}

/**
 * Starts the cluster in `dir` on `port` (its socket in `dir`, its log in `dir/server.log`) and waits
 * until it accepts connections. `settings` are extra `-c name=value` options. A folder whose path is
 * too long for a Unix socket's name (107 bytes) gets no socket: TCP on 127.0.0.1 is what we use.
 */
export function startCluster(bin: string, dir: string, port: number, settings: string[] = []): void {
  const socket = dir.length <= 90 ? `-k ${dir}` : "-k ''";
  const options = [`-p ${port}`, socket, "-c listen_addresses=127.0.0.1", ...settings.map((s) => `-c ${s}`)].join(" ");
  pgCommand(bin, "pg_ctl", ["-D", path.join(dir, "data"), "-l", path.join(dir, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
}

/** Whether the cluster in `dir` is running (its postmaster.pid is there). */
export function clusterRunning(dir: string): boolean {
  return fs.existsSync(path.join(dir, "data", "postmaster.pid"));
}

/** Stops the cluster in `dir` (fast: open sessions are ended) and waits until it has. */
export function stopCluster(bin: string, dir: string): void {
  if (clusterRunning(dir)) pgCommand(bin, "pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]);
}
