import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { z } from "zod";
import { type DatabaseEngine, databaseEngine, databaseFileFromUrl } from "../env";
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
// Uploads in a bucket (STORAGE_URL=s3://…, decision 081): the objects are not copied. A bucket is backed
// up by its store (versioning, replication, the store's own snapshots), which keeps every version without
// moving terabytes of video through this machine; the manifest names the bucket (`uploads`) and
// `uploadsNotice` says so wherever a backup is made or restored, so nobody takes the folder for the whole.
//
// PostgreSQL (decision 073): `createBackup` and `restoreBackup` dispatch on the DATABASE_URL scheme. On
// PostgreSQL the database is `database.pgdump`, written by `pg_dump --format=custom` and restored by
// `pg_restore` into an empty database (backup-postgres.ts, loaded only then), with the same `files/`
// and manifest. Nothing here reads `env.databaseFile` (which throws on PostgreSQL): the SQLite file is
// derived from the URL only once the engine is known.

export const BACKUP_FORMAT = 1;
const DATABASE_FILE = "database.sqlite";
const PG_DUMP_FILE = "database.pgdump";
const FILES_DIR = "files";
const MANIFEST = "manifest.json";
const PARTIAL = ".partial";
/** What DATA_DIR holds that a backup leaves out: rebuilt on demand, or not yet anything. */
const SKIPPED_UNDER_DATA = ["cache", path.join("media", "tmp")];

const ManifestFileSchema = z.object({ path: z.string().min(1), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
/** What manifest.json holds; a restore reads it with this schema, so a damaged or foreign manifest is refused, not half-used. */
const ManifestSchema = z.object({
  format: z.number(),
  createdAt: z.string(),
  engine: z.enum(["sqlite", "postgres"]) satisfies z.ZodType<DatabaseEngine>,
  app: z.object({ name: z.string(), version: z.string() }),
  node: z.string(),
  /** SQLite's version (engine "sqlite"). */
  sqlite: z.string().optional(),
  /** The server's and pg_dump's versions (engine "postgres"): the restore needs a pg_restore of at least the latter's major version. */
  postgres: z.object({ server: z.string(), dump: z.string() }).optional(),
  /** The finished migrations in the copy, oldest first: the level the database is at (each engine's own history). */
  migrations: z.array(z.string()),
  database: ManifestFileSchema,
  files: z.array(ManifestFileSchema),
  /** Where the uploads are when they are not in `files/`: an S3-compatible store's bucket, backed up by the store. */
  uploads: z.object({ bucket: z.string(), endpoint: z.string() }).optional(),
  /** How long the database copy and the whole backup took, in ms. */
  timings: z.object({ database: z.number(), total: z.number() }),
});
export type ManifestFile = z.infer<typeof ManifestFileSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

export type BackupOptions = {
  /** `file:…` (SQLite) or `postgres(ql)://…` (pg_dump). */
  databaseUrl: string;
  dataDir: string;
  backupDir: string;
  /** The bucket the uploads are kept in (STORAGE_URL=s3://…); unset when they are in DATA_DIR. */
  uploads?: { bucket: string; endpoint: string };
  now?: Date;
};

/** The line every backup and restore of a backup without its uploads prints, or null when the uploads are in `files/`. */
export function uploadsNotice(manifest: Pick<Manifest, "uploads">): string | null {
  if (!manifest.uploads) return null;
  const where = `s3://${manifest.uploads.bucket} (${manifest.uploads.endpoint})`;
  return (
    `上传文件保存在对象存储 ${where} 中，不在本备份内：请用对象存储的版本控制、复制或快照备份该存储桶，恢复时数据库须与存储桶对应。` +
    ` / The uploads are in the bucket ${where}, not in this backup: back the bucket up with the object store (versioning, replication, snapshots), and restore the database beside that bucket.`
  );
}

export type BackupResult = { folder: string; manifest: Manifest };

/** Makes one backup now; safe while the server serves. */
export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  const engine = databaseEngine(opts.databaseUrl);
  const databaseFile = engine === "sqlite" ? databaseFileFromUrl(opts.databaseUrl) : null;
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
    let versions: Pick<Manifest, "sqlite" | "postgres">;
    let migrations: string[];
    const dbName = databaseFile ? DATABASE_FILE : PG_DUMP_FILE;
    const dbCopy = path.join(partial, dbName);
    if (databaseFile) {
      const { sqliteVersion } = await snapshotSqlite(databaseFile, dbCopy);
      versions = { sqlite: sqliteVersion };
    } else {
      const pgOps = await import("./backup-postgres");
      const { server, dump, dumpMajor } = await pgOps.dumpPostgres(opts.databaseUrl, dbCopy);
      versions = { postgres: { server, dump } };
      migrations = await pgOps.migrationsInDump(dbCopy, dumpMajor);
    }
    fs.chmodSync(dbCopy, 0o600);
    // Neither VACUUM INTO nor pg_dump fsyncs what it writes; a backup called complete must be on the disk.
    await syncToDisk(dbCopy);
    const tDatabase = performance.now() - t0;
    migrations = databaseFile ? finishedMigrations(dbCopy) : migrations!;
    const files = await copyDataFiles(opts.dataDir, path.join(partial, FILES_DIR), [
      ...(databaseFile ? databaseFilesOf(databaseFile) : []),
      ...SKIPPED_UNDER_DATA.map((p) => path.join(opts.dataDir, p)),
      path.resolve(opts.backupDir),
    ]);
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      createdAt: now.toISOString(),
      engine,
      app: appVersion(),
      node: process.version,
      ...versions,
      migrations,
      database: await describeFile(partial, dbName),
      files,
      // The bucket and the store's address only: never the keys.
      ...(opts.uploads ? { uploads: { bucket: opts.uploads.bucket, endpoint: opts.uploads.endpoint } } : {}),
      timings: { database: Math.round(tDatabase), total: 0 },
    };
    manifest.timings.total = Math.round(performance.now() - t0);
    fs.writeFileSync(path.join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + "\n", { mode: 0o600 });
    await syncToDisk(path.join(partial, MANIFEST));
    await syncDirectories(partial);
    fs.renameSync(partial, folder);
    await syncToDisk(opts.backupDir, "directory");
    return { folder, manifest };
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw e;
  }
}

/** fsync on libuv's threads (the event loop keeps serving); a directory's too, where the platform allows it. */
async function syncToDisk(target: string, kind: "file" | "directory" = "file"): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(target, "r");
  } catch (e) {
    // Windows opens no directory for syncing (its renames are journalled by NTFS); a file must sync.
    if (kind === "directory" && ["EISDIR", "EPERM", "EACCES"].includes((e as NodeJS.ErrnoException).code ?? "")) return;
    throw e;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every directory under `root`, and itself, synced: the new entries of a backup are durable before it is renamed complete. */
async function syncDirectories(root: string): Promise<void> {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) if (entry.isDirectory()) await syncDirectories(path.join(root, entry.name));
  await syncToDisk(root, "directory");
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
        await syncToDisk(path.join(to, child));
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
  let manifest: Manifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(fs.readFileSync(manifestFile, "utf8")));
  } catch {
    throw new Error(`${MANIFEST} 无法读取或内容不完整 / ${MANIFEST} is unreadable or incomplete`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`备份格式 ${manifest.format} 无法识别 / unknown backup format ${manifest.format}`);
  const dbName = manifest.engine === "sqlite" ? DATABASE_FILE : PG_DUMP_FILE;
  if (manifest.database.path !== dbName || (manifest.engine === "postgres" && !manifest.postgres))
    throw new Error(`清单中的路径不合法 / a path in the manifest is not allowed: ${manifest.database.path}`);
  for (const expected of [manifest.database, ...manifest.files]) {
    const file = path.join(folder, ...expected.path.split("/"));
    const parts = expected.path.split("/");
    if (parts.some((p) => p === "" || p === "." || p === "..") || (expected !== manifest.database && (parts[0] !== FILES_DIR || parts.length < 2))) {
      throw new Error(`清单中的路径不合法 / a path in the manifest is not allowed: ${expected.path}`);
    }
    if (!fs.existsSync(file)) throw new Error(`备份缺少文件 / the backup lacks ${expected.path}`);
    const actual = await describeFile(folder, expected.path);
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
      throw new Error(`校验和不符，备份已损坏 / checksum mismatch, the backup is damaged: ${expected.path}`);
    }
  }
  const level =
    manifest.engine === "sqlite"
      ? finishedMigrations(path.join(folder, DATABASE_FILE))
      : await (await import("./backup-postgres")).migrationsInDump(path.join(folder, PG_DUMP_FILE), dumpMajorOf(manifest));
  if (level.join("\n") !== manifest.migrations.join("\n")) {
    throw new Error("备份数据库的迁移记录与清单不符 / the backup's migrations differ from its manifest");
  }
  return manifest;
}

/** The major version of the pg_dump that wrote a PostgreSQL backup (`15.14` → 15). */
function dumpMajorOf(manifest: Manifest): number {
  return Number(manifest.postgres!.dump.split(".")[0]);
}

export type RestoreOptions = {
  folder: string;
  /** Where to restore to: `file:…`, or `postgres(ql)://…` (an empty database: pg_restore). */
  databaseUrl: string;
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
 * that has data, or a file with other content, unless `force`: both checked before anything is written.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<{ manifest: Manifest; files: number }> {
  const engine = databaseEngine(opts.databaseUrl);
  const manifest = await verifyBackup(opts.folder);
  if (manifest.engine !== engine) {
    throw new Error(
      `这是 ${manifest.engine} 数据库的备份，不能恢复到 ${engine} 数据库 / a ${manifest.engine} backup cannot be restored into a ${engine} database (moving a school's data between engines is a migration of its own: README, PostgreSQL)`,
    );
  }
  const pgOps = engine === "postgres" ? await import("./backup-postgres") : null;
  const shipped = new Set(pgOps ? pgOps.shippedPostgresMigrations(opts.root) : shippedMigrations(opts.root));
  const unknown = manifest.migrations.filter((m) => !shipped.has(m));
  if (unknown.length > 0) {
    throw new Error(
      `备份来自更新的版本（本程序没有迁移 ${unknown.join(", ")}），请用相同或更新的版本恢复 / the backup comes from newer code (unknown migrations: ${unknown.join(", ")})`,
    );
  }
  const targets = manifest.files.map((f) => ({
    from: path.join(opts.folder, ...f.path.split("/")),
    to: path.join(opts.dataDir, ...f.path.split("/").slice(1)),
    sha256: f.sha256,
  }));
  if (!opts.force) {
    if (pgOps ? await pgOps.postgresHasTables(opts.databaseUrl) : hasData(databaseFileFromUrl(opts.databaseUrl))) {
      throw new Error(
        pgOps
          ? "目标 PostgreSQL 数据库不是空的（已有数据表），未覆盖；请恢复到新建的空数据库，确需覆盖请加 --force / the PostgreSQL database is not empty (it has tables) and was not overwritten: restore into a new empty database, or pass --force to replace what the backup holds"
          : `${databaseFileFromUrl(opts.databaseUrl)} 已有数据，未覆盖；确需覆盖请加 --force / the database has data and was not overwritten; pass --force to replace it`,
      );
    }
    for (const t of targets) {
      if (fs.existsSync(t.to) && (await sha256Of(t.to)) !== t.sha256) {
        throw new Error(`${t.to} 已存在且内容不同，未覆盖；确需覆盖请加 --force / exists with other content; pass --force to replace it`);
      }
    }
  }
  if (pgOps) {
    // One transaction: a failed restore leaves the database as it was.
    await pgOps.restorePostgres(opts.databaseUrl, path.join(opts.folder, PG_DUMP_FILE), dumpMajorOf(manifest), Boolean(opts.force));
  } else {
    const databaseFile = databaseFileFromUrl(opts.databaseUrl);
    fs.mkdirSync(path.dirname(databaseFile), { recursive: true, mode: 0o700 });
    // Written beside the target and renamed over it: a failed copy leaves the old database as it was.
    const incoming = `${databaseFile}.restoring-${process.pid}`;
    fs.copyFileSync(path.join(opts.folder, DATABASE_FILE), incoming);
    fs.chmodSync(incoming, 0o600);
    await syncToDisk(incoming);
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(databaseFile + suffix, { force: true });
    fs.renameSync(incoming, databaseFile);
  }
  for (const t of targets) {
    fs.mkdirSync(path.dirname(t.to), { recursive: true, mode: 0o700 });
    await fs.promises.copyFile(t.from, t.to);
    fs.chmodSync(t.to, 0o600);
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
