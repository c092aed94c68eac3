import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { all, get, raw, sql } from "../sql";

// Backups and restore for the IT office (decision 075). A backup is one folder,
// `<BACKUP_DIR>/backup-<UTC time>/`, holding
//   - `database.sqlite`: a consistent copy of the database, made while the server serves (VACUUM INTO
//     on a connection of its own in a worker thread: the database as of the moment its read began);
//   - `files/`: everything else under DATA_DIR (media and uploads, claims, pipeline files, minutes,
//     the library, and `keys/` with the certificate signing key and the VAPID keys), copied after the
//     database, so every file a row of the copy names is there (a file written later is harmless);
//   - `manifest.json`: format, time, app and engine versions, the migration level, and the size and
//     SHA-256 of every file, checked before anything is restored.
// It is written under a `.partial` name and renamed when whole, so a folder without the suffix is a
// complete backup. The folder holds the signing key and personal data: it is created readable by its
// owner only. Left out: the database's own files when they live in DATA_DIR, the MDX cache (rebuilt on
// demand), unfinished uploads (`media/tmp`) and the backup folder itself if it lies inside DATA_DIR.
//
// PostgreSQL (next session): `createBackup` dispatches on the DATABASE_URL scheme; the postgres branch
// is `pgDumpBackup` below, which will run `pg_dump --format=custom` into `database.pgdump` with the
// same `files/` and manifest, and `restoreBackup` will run `pg_restore` into an empty database.

export const BACKUP_FORMAT = 1;
const DATABASE_FILE = "database.sqlite";
const FILES_DIR = "files";
const MANIFEST = "manifest.json";
const PARTIAL = ".partial";
/** What DATA_DIR holds that a backup leaves out: rebuilt on demand, or not yet anything. */
const SKIPPED_UNDER_DATA = ["cache", path.join("media", "tmp")];

export type Engine = "sqlite" | "postgres";

export type ManifestFile = { path: string; bytes: number; sha256: string };
export type Manifest = {
  format: number;
  createdAt: string;
  engine: Engine;
  app: { name: string; version: string };
  node: string;
  sqlite: string;
  /** The finished migrations in the copy, oldest first: the level the database is at. */
  migrations: string[];
  database: ManifestFile;
  files: ManifestFile[];
  /** How long the database copy and the whole backup took, in ms. */
  timings: { database: number; total: number };
};

export function databaseEngine(databaseUrl: string): Engine {
  if (databaseUrl.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgres";
  throw new Error(`不支持的 DATABASE_URL / unsupported DATABASE_URL scheme: ${databaseUrl.split(":")[0]}`);
}

export type BackupOptions = {
  databaseUrl: string;
  /** The database file (SQLite), resolved from the URL by env.ts. */
  databaseFile: string;
  dataDir: string;
  backupDir: string;
  now?: Date;
};

export type BackupResult = { folder: string; manifest: Manifest };

/** Makes one backup now; safe while the server serves. */
export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  if (databaseEngine(opts.databaseUrl) === "postgres") return pgDumpBackup();
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  fs.mkdirSync(opts.backupDir, { recursive: true, mode: 0o700 });
  const name = `backup-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
  let folder = path.join(opts.backupDir, name);
  // Two backups in the same second (a manual one beside the schedule) get distinct folders.
  for (let n = 2; fs.existsSync(folder) || fs.existsSync(folder + PARTIAL); n++) folder = path.join(opts.backupDir, `${name}-${n}`);
  const partial = folder + PARTIAL;
  fs.mkdirSync(partial, { mode: 0o700 });
  try {
    const dbCopy = path.join(partial, DATABASE_FILE);
    const { sqliteVersion } = await snapshotSqlite(opts.databaseFile, dbCopy);
    fs.chmodSync(dbCopy, 0o600);
    const tDatabase = performance.now() - t0;
    const migrations = finishedMigrations(dbCopy);
    const files = await copyDataFiles(opts.dataDir, path.join(partial, FILES_DIR), [
      ...databaseFilesOf(opts.databaseFile),
      ...SKIPPED_UNDER_DATA.map((p) => path.join(opts.dataDir, p)),
      path.resolve(opts.backupDir),
    ]);
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      createdAt: now.toISOString(),
      engine: "sqlite",
      app: appVersion(),
      node: process.version,
      sqlite: sqliteVersion,
      migrations,
      database: await describeFile(partial, DATABASE_FILE),
      files,
      timings: { database: Math.round(tDatabase), total: 0 },
    };
    manifest.timings.total = Math.round(performance.now() - t0);
    fs.writeFileSync(path.join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(partial, folder);
    return { folder, manifest };
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw e;
  }
}

/** The PostgreSQL backup: pg_dump, with the same files and manifest. Next session (issue 16). */
export function pgDumpBackup(): never {
  throw new Error("PostgreSQL 的备份（pg_dump）尚未实现 / backups of a PostgreSQL database (pg_dump) are not implemented yet");
}

/** `VACUUM INTO` in a worker thread: the server's event loop keeps serving while the copy is written. */
function snapshotSqlite(source: string, dest: string): Promise<{ sqliteVersion: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./sqlite-snapshot-worker.mjs", import.meta.url), { workerData: { source, dest } });
    let settled = false;
    worker.once("message", (m: { ok: true; sqliteVersion: string } | { ok: false; error: string }) => {
      settled = true;
      if (m.ok) resolve({ sqliteVersion: m.sqliteVersion });
      else reject(new Error(`数据库复制失败 / the database copy failed: ${m.error}`));
    });
    worker.once("error", (e) => {
      settled = true;
      reject(e);
    });
    worker.once("exit", (code) => !settled && reject(new Error(`the database copy stopped (exit ${code})`)));
  });
}

function databaseFilesOf(file: string): string[] {
  return ["", "-wal", "-shm", "-journal"].map((s) => path.resolve(file + s));
}

/** The migration level of a SQLite file: its finished migrations, oldest first. */
export function finishedMigrations(dbFile: string): string[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return all<{ name: string }>(
      db,
      sql`SELECT "migration_name" AS "name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL ORDER BY "migration_name"`,
    ).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** The migrations this code ships (prisma/migrations), oldest first. */
export function shippedMigrations(root = process.cwd()): string[] {
  const dir = path.join(root, "prisma", "migrations");
  return fs
    .readdirSync(dir)
    .filter((f) => fs.statSync(path.join(dir, f)).isDirectory())
    .sort();
}

function appVersion(): { name: string; version: string } {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve("package.json"), "utf8")) as { name: string; version: string };
    return { name: pkg.name, version: pkg.version };
  } catch {
    return { name: "unknown", version: "unknown" };
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function describeFile(root: string, rel: string): Promise<ManifestFile> {
  const file = path.join(root, rel);
  return { path: rel.split(path.sep).join("/"), bytes: fs.statSync(file).size, sha256: await sha256Of(file) };
}

/** Copies the files under `from` (but not `skip`) into `to`, describing each as copied. */
async function copyDataFiles(from: string, to: string, skip: string[]): Promise<ManifestFile[]> {
  const skipped = new Set(skip.map((p) => path.resolve(p)));
  const out: ManifestFile[] = [];
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(from)) return out;
  const walk = async (rel: string) => {
    for (const entry of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      const source = path.join(from, child);
      if (skipped.has(path.resolve(source)) || entry.name.endsWith(PARTIAL)) continue;
      if (entry.isDirectory()) {
        fs.mkdirSync(path.join(to, child), { recursive: true, mode: 0o700 });
        await walk(child);
      } else if (entry.isFile()) {
        try {
          // On libuv's threads: a scheduled backup copies videos without stalling the server's requests.
          await fs.promises.copyFile(source, path.join(to, child));
        } catch (e) {
          // Deleted since it was listed (a withdrawn upload): not part of this backup.
          if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
          throw e;
        }
        fs.chmodSync(path.join(to, child), 0o600);
        out.push(await describeFile(to, child));
      }
    }
  };
  await walk("");
  out.forEach((f) => (f.path = `${FILES_DIR}/${f.path}`));
  return out;
}

/** Reads a backup's manifest and checks every file against it; throws on the first problem. */
export async function verifyBackup(folder: string): Promise<Manifest> {
  const manifestFile = path.join(folder, MANIFEST);
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${folder} 不是完整的备份（没有 ${MANIFEST}）/ not a complete backup (no ${MANIFEST})`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`备份格式 ${manifest.format} 无法识别 / unknown backup format ${manifest.format}`);
  if (manifest.engine !== "sqlite") return pgDumpBackup();
  for (const expected of [manifest.database, ...manifest.files]) {
    const file = path.join(folder, ...expected.path.split("/"));
    const parts = expected.path.split("/");
    if (parts.some((p) => p === "" || p === "." || p === "..") || (parts[0] !== FILES_DIR && expected.path !== DATABASE_FILE)) {
      throw new Error(`清单中的路径不合法 / a path in the manifest is not allowed: ${expected.path}`);
    }
    if (!fs.existsSync(file)) throw new Error(`备份缺少文件 / the backup lacks ${expected.path}`);
    const actual = await describeFile(folder, expected.path);
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
      throw new Error(`校验和不符，备份已损坏 / checksum mismatch, the backup is damaged: ${expected.path}`);
    }
  }
  const level = finishedMigrations(path.join(folder, DATABASE_FILE));
  if (level.join("\n") !== manifest.migrations.join("\n")) {
    throw new Error("备份数据库的迁移记录与清单不符 / the backup's migrations differ from its manifest");
  }
  return manifest;
}

export type RestoreOptions = {
  folder: string;
  databaseUrl: string;
  databaseFile: string;
  dataDir: string;
  /** Overwrite a database that has data (and files of the same name). */
  force?: boolean;
  /** Where the code's migrations are read from (the project root). */
  root?: string;
};

/**
 * Restores a backup into DATA_DIR and the database file, with the server stopped: checksums and the
 * migration level first (a backup from newer code than this is refused; an older one is migrated
 * forward by the next `npm start`), then the database, then the files. Refuses to replace a database
 * that has data unless `force`.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<{ manifest: Manifest; files: number }> {
  if (databaseEngine(opts.databaseUrl) === "postgres") return pgDumpBackup();
  const manifest = await verifyBackup(opts.folder);
  const shipped = new Set(shippedMigrations(opts.root));
  const unknown = manifest.migrations.filter((m) => !shipped.has(m));
  if (unknown.length > 0) {
    throw new Error(
      `备份来自更新的版本（本程序没有迁移 ${unknown.join(", ")}），请用相同或更新的版本恢复 / the backup comes from newer code (unknown migrations: ${unknown.join(", ")})`,
    );
  }
  if (!opts.force && hasData(opts.databaseFile)) {
    throw new Error(`${opts.databaseFile} 已有数据，未覆盖；确需覆盖请加 --force / the database has data and was not overwritten; pass --force to replace it`);
  }
  fs.mkdirSync(path.dirname(opts.databaseFile), { recursive: true });
  // Written beside the target and renamed over it: a failed copy leaves the old database as it was.
  const incoming = `${opts.databaseFile}.restoring-${process.pid}`;
  fs.copyFileSync(path.join(opts.folder, DATABASE_FILE), incoming);
  for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(opts.databaseFile + suffix, { force: true });
  fs.renameSync(incoming, opts.databaseFile);
  for (const f of manifest.files) {
    const rel = f.path.slice(FILES_DIR.length + 1).split("/");
    const target = path.join(opts.dataDir, ...rel);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    if (!opts.force && fs.existsSync(target) && (await sha256Of(target)) !== f.sha256) {
      throw new Error(`${target} 已存在且内容不同，未覆盖；确需覆盖请加 --force / exists with other content; pass --force to replace it`);
    }
    await fs.promises.copyFile(path.join(opts.folder, ...f.path.split("/")), target);
  }
  return { manifest, files: manifest.files.length };
}

/** Whether a database file holds anything beyond its schema (any row in any table but the migrations'). */
export function hasData(dbFile: string): boolean {
  if (!fs.existsSync(dbFile) || fs.statSync(dbFile).size === 0) return false;
  const db = new Database(dbFile, { readonly: true });
  try {
    // SQLite's catalogue: the PostgreSQL restore asks information_schema instead.
    const tables = all<{ name: string }>(
      db,
      sql`SELECT "name" FROM "sqlite_master" WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%' AND "name" <> '_prisma_migrations'`,
    );
    return tables.some((t) => get(db, sql`SELECT 1 AS "one" FROM ${raw(`"${t.name.replace(/"/g, '""')}"`)} LIMIT 1`) !== undefined);
  } finally {
    db.close();
  }
}

/** The complete backups in a folder, newest first. */
export function listBackups(backupDir: string): string[] {
  if (!fs.existsSync(backupDir)) return [];
  return fs
    .readdirSync(backupDir)
    .filter((n) => n.startsWith("backup-") && !n.endsWith(PARTIAL) && fs.existsSync(path.join(backupDir, n, MANIFEST)))
    .sort()
    .reverse()
    .map((n) => path.join(backupDir, n));
}

/** Deletes all but the newest `keep` complete backups, and partial ones a crash left behind (a day old: not one being written). */
export function pruneBackups(backupDir: string, keep: number, now = Date.now()): string[] {
  const removed = listBackups(backupDir).slice(keep);
  if (fs.existsSync(backupDir)) {
    for (const n of fs.readdirSync(backupDir)) {
      const folder = path.join(backupDir, n);
      if (n.startsWith("backup-") && n.endsWith(PARTIAL) && now - fs.statSync(folder).mtimeMs > 86_400_000) removed.push(folder);
    }
  }
  for (const folder of removed) fs.rmSync(folder, { recursive: true, force: true });
  return removed;
}
