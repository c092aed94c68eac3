import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { pgPoolConfig } from "../pg-types";

// The PostgreSQL side of backups (decision 075, amended): PostgreSQL's own tools, `pg_dump
// --format=custom` for the copy and `pg_restore` into an empty database, run as child processes (the
// server's event loop keeps serving while they work). pg_dump reads one snapshot of the whole database
// in one transaction, as VACUUM INTO does on SQLite: every commit acknowledged before it began is in the
// copy. Loaded by backup.ts only for a PostgreSQL DATABASE_URL, so the SQLite setup never loads `pg`.
//
// Which binaries: Debian installs each major version's tools under /usr/lib/postgresql/<major>/bin
// (`/usr/bin/pg_dump` is a wrapper that picks one by the local clusters, not by the server asked).
// pg_dump refuses a server of a newer major version than its own ("server version mismatch") and can
// dump any older one; pg_restore reads archives of its own or older versions only. So the dump takes
// the server's major version if installed, else the nearest newer one; the restore takes the archive's
// (or the nearest newer one). When none fits, both refuse before starting, naming the package to install
// (`postgresql-client-<major>`). PG_BIN (a folder holding pg_dump and pg_restore) overrides the choice.

const DEBIAN_ROOT = "/usr/lib/postgresql";

export type PgTool = { path: string; major: number };

/** The installed majors of a tool under Debian's layout (`root/<major>/bin/<tool>`), oldest first. */
export function installedPgTools(tool: "pg_dump" | "pg_restore", root = DEBIAN_ROOT): PgTool[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, "bin", tool)))
    .map((v) => ({ path: path.join(root, v, "bin", tool), major: Number(v) }))
    .sort((a, b) => a.major - b.major);
}

/** The major version a tool reports (`pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)` → 15). */
function reportedMajor(toolPath: string): number | null {
  const r = spawnSync(toolPath, ["--version"], { encoding: "utf8" });
  const m = /\(PostgreSQL\) (\d+)/.exec(r.stdout ?? "");
  return r.status === 0 && m ? Number(m[1]) : null;
}

/**
 * The tool for `major` (the server's for pg_dump, the archive's for pg_restore): that version, else the
 * nearest newer one installed; an error saying what to install otherwise.
 */
export function choosePgTool(tool: "pg_dump" | "pg_restore", major: number, root = DEBIAN_ROOT, pgBin = process.env.PG_BIN): PgTool {
  let candidates: PgTool[];
  if (pgBin) {
    const p = path.join(pgBin, tool);
    const m = fs.existsSync(p) ? reportedMajor(p) : null;
    candidates = m === null ? [] : [{ path: p, major: m }];
  } else {
    candidates = installedPgTools(tool, root);
    // Not Debian's layout at all: whatever the PATH has.
    if (candidates.length === 0 && !fs.existsSync(root)) {
      const m = reportedMajor(tool);
      if (m !== null) candidates = [{ path: tool, major: m }];
    }
  }
  const fit = candidates.find((c) => c.major === major) ?? candidates.find((c) => c.major > major);
  if (fit) return fit;
  const have = candidates.length ? candidates.map((c) => c.major).join(", ") : "none";
  const why =
    tool === "pg_dump"
      ? `the server is PostgreSQL ${major}, and pg_dump refuses a server newer than itself`
      : `the backup was written by pg_dump ${major}, and pg_restore cannot read an archive of a newer version`;
  throw new Error(
    `没有可用的 ${tool} ${major}（或更新版本），请安装 postgresql-client-${major} / no ${tool} of version ${major} or newer (installed: ${have}): ` +
      `${why}. Install postgresql-client-${major} (Debian: apt-get install postgresql-client-${major}, from apt.postgresql.org if your release lacks it), or set PG_BIN.`,
  );
}

/** What libpq accepts in a URL's query; others (Prisma's `schema`, `connection_limit`…) make it refuse the URL. */
const LIBPQ_PARAMETERS = new Set(
  "host hostaddr port dbname user passfile connect_timeout client_encoding options application_name fallback_application_name keepalives keepalives_idle keepalives_interval keepalives_count tcp_user_timeout sslmode requiressl sslcompression sslcert sslkey sslpassword sslrootcert sslcrl sslcrldir sslsni requirepeer ssl_min_protocol_version ssl_max_protocol_version gssencmode krbsrvname gsslib service target_session_attrs channel_binding".split(
    " ",
  ),
);

/** The URL without its password, and the password for PGPASSWORD: never on a command line, where `ps` shows it. */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  for (const key of [...u.searchParams.keys()]) if (!LIBPQ_PARAMETERS.has(key)) u.searchParams.delete(key);
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(toolPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(toolPath)} 失败 / failed (exit ${code}): ${err.trim() || out.trim()}`)),
    );
  });
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(pgPoolConfig(url));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The server's version: `15.14` and 15. */
export async function serverVersion(url: string): Promise<{ version: string; major: number }> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ server_version: string; server_version_num: string }>(
      "SELECT current_setting('server_version') AS server_version, current_setting('server_version_num') AS server_version_num",
    );
    return { version: rows[0].server_version.split(" ")[0], major: Math.floor(Number(rows[0].server_version_num) / 10000) };
  });
}

/** `pg_dump --format=custom` of the database at `url` into `file`; the versions of the server and of pg_dump. */
export async function dumpPostgres(url: string, file: string): Promise<{ server: string; dump: string; dumpMajor: number }> {
  const server = await serverVersion(url);
  const tool = choosePgTool("pg_dump", server.major);
  const { dbname, env } = connection(url);
  await run(tool.path, ["--format=custom", "--no-password", `--file=${file}`, `--dbname=${dbname}`], env);
  const dump = (await run(tool.path, ["--version"], env)).match(/\(PostgreSQL\) (\S+)/)?.[1] ?? String(tool.major);
  return { server: server.version, dump, dumpMajor: tool.major };
}

/**
 * The migrations recorded in a dump ("_app_migrations", decision 073), oldest first, read from the
 * archive itself (pg_restore of that table's data to stdout): the level of the copy, not of the server.
 */
export async function migrationsInDump(file: string, dumpMajor: number): Promise<string[]> {
  const tool = choosePgTool("pg_restore", dumpMajor);
  const out = await run(tool.path, ["--data-only", "--table=_app_migrations", "--file=-", file], process.env);
  const lines = out.split("\n");
  const start = lines.findIndex((l) => l.startsWith("COPY ") && l.includes("_app_migrations"));
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === "\\.") break;
    names.push(line.split("\t")[0]);
  }
  return names.sort();
}

/** Whether the database has any table in the schema `public` (an empty database, as createdb makes one, has none). */
export async function postgresHasTables(url: string): Promise<boolean> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' LIMIT 1`);
    return rows.length > 0;
  });
}

/**
 * `pg_restore` of the archive into the database at `url`, in one transaction (a failure leaves the
 * database as it was), owners and grants left to the target's user. `replace` drops the archive's
 * objects first (`--clean --if-exists`).
 */
export async function restorePostgres(url: string, file: string, dumpMajor: number, replace: boolean): Promise<void> {
  const tool = choosePgTool("pg_restore", dumpMajor);
  const { dbname, env } = connection(url);
  await run(
    tool.path,
    [
      "--single-transaction",
      "--exit-on-error",
      "--no-owner",
      "--no-privileges",
      "--no-password",
      ...(replace ? ["--clean", "--if-exists"] : []),
      `--dbname=${dbname}`,
      file,
    ],
    env,
  );
}

/** The migrations this code ships for PostgreSQL (prisma/postgresql/migrations), oldest first. */
export function shippedPostgresMigrations(root = process.cwd()): string[] {
  const dir = path.join(root, "prisma", "postgresql", "migrations");
  return fs
    .readdirSync(dir)
    .filter((f) => fs.statSync(path.join(dir, f)).isDirectory())
    .sort();
}
