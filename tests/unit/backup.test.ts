import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBackup, hasData, listBackups, pruneBackups, restoreBackup, uploadsNotice, verifyBackup } from "~/.server/ops/backup";

// The backup folder's rules (decision 075) on a small database of its own; the drill under load is
// tests/integration/restore-drill.test.ts.

let dir: string;
let root: string;
const MIGRATIONS = ["20260101000000_init", "20260201000000_people"];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-test-"));
  // A project root with its migrations, as restore reads them.
  root = path.join(dir, "project");
  for (const m of MIGRATIONS) fs.mkdirSync(path.join(root, "prisma", "migrations", m), { recursive: true });
  const data = path.join(dir, "data");
  fs.mkdirSync(path.join(data, "keys"), { recursive: true });
  fs.mkdirSync(path.join(data, "media", "tmp"), { recursive: true });
  fs.mkdirSync(path.join(data, "cache", "mdx"), { recursive: true });
  fs.writeFileSync(path.join(data, "keys", "certificate.key"), "k".repeat(43));
  fs.writeFileSync(path.join(data, "media", "a.mp4"), crypto.randomBytes(1000));
  fs.writeFileSync(path.join(data, "media", "tmp", "upload-in-progress"), "x");
  fs.writeFileSync(path.join(data, "cache", "mdx", "c.json"), "{}");
  const db = new Database(path.join(data, "app.db"));
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE "_prisma_migrations" ("migration_name" TEXT, "finished_at" TEXT, "rolled_back_at" TEXT);
           CREATE TABLE "Person" ("id" INTEGER PRIMARY KEY, "name" TEXT)`);
  for (const m of MIGRATIONS) db.prepare(`INSERT INTO "_prisma_migrations" VALUES (?, '2026-01-01', NULL)`).run(m);
  db.prepare(`INSERT INTO "Person" ("name") VALUES ('张三')`).run();
  db.close();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const source = () => ({
  databaseUrl: `file:${path.join(dir, "data", "app.db")}`,
  dataDir: path.join(dir, "data"),
  backupDir: path.join(dir, "backups"),
});
const target = (name: string) => ({
  databaseUrl: `file:${path.join(dir, name, "app.db")}`,
  dataDir: path.join(dir, name),
  root,
});

describe("backups", () => {
  it("hold the database, the data files but the cache and unfinished uploads, and a manifest", async () => {
    const { folder, manifest } = await createBackup(source());
    expect(path.basename(folder)).toMatch(/^backup-\d{8}T\d{6}Z$/);
    expect(manifest.migrations).toEqual(MIGRATIONS);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(["files/keys/certificate.key", "files/media/a.mp4"]);
    expect(manifest.database.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(folder).mode & 0o077).toBe(0);
    expect(await verifyBackup(folder)).toEqual(manifest);
  });

  it("name the bucket the uploads are in when they are in an object store, never its keys, and say the bucket is not in them", async () => {
    const plain = await createBackup(source());
    expect(plain.manifest.uploads).toBeUndefined();
    expect(uploadsNotice(plain.manifest)).toBeNull();
    const s3 = {
      kind: "s3",
      bucket: "dangxiao-media",
      endpoint: "https://s3.example.edu.cn",
      region: "cn-1",
      accessKeyId: "AKID",
      secretAccessKey: "SECRET-KEY",
    };
    const { folder, manifest } = await createBackup({ ...source(), uploads: s3 });
    expect(manifest.uploads).toEqual({ bucket: "dangxiao-media", endpoint: "https://s3.example.edu.cn" });
    const written = fs.readFileSync(path.join(folder, "manifest.json"), "utf8");
    expect(written).not.toContain("SECRET-KEY");
    expect(written).not.toContain("AKID");
    expect((await verifyBackup(folder)).uploads).toEqual(manifest.uploads);
    expect(uploadsNotice(manifest)).toMatch(
      /^上传文件保存在对象存储 s3:\/\/dangxiao-media \(https:\/\/s3\.example\.edu\.cn\) 中，不在本备份内.* \/ The uploads are in the bucket s3:\/\/dangxiao-media/,
    );
  });

  it("keep the newest BACKUP_KEEP", async () => {
    const made = [];
    for (let i = 0; i < 4; i++) made.push((await createBackup({ ...source(), now: new Date(Date.UTC(2026, 0, 1 + i)) })).folder);
    expect(pruneBackups(source().backupDir, 2).sort()).toEqual(made.slice(0, 2).sort());
    expect(listBackups(source().backupDir)).toEqual([made[3], made[2]]);
  });

  it("restore into an empty folder, and refuse a database with data unless forced", async () => {
    const { folder } = await createBackup(source());
    await restoreBackup({ folder, ...target("fresh") });
    expect(hasData(path.join(dir, "fresh", "app.db"))).toBe(true);
    expect(fs.readFileSync(path.join(dir, "fresh", "keys", "certificate.key"), "utf8")).toBe("k".repeat(43));
    await expect(restoreBackup({ folder, ...target("fresh") })).rejects.toThrow("--force");
    await restoreBackup({ folder, ...target("fresh"), force: true });
  });

  it("refuse a backup from newer code, a damaged one and a manifest that points outside", async () => {
    const { folder } = await createBackup(source());
    fs.rmSync(path.join(root, "prisma", "migrations", MIGRATIONS[1]), { recursive: true });
    await expect(restoreBackup({ folder, ...target("older") })).rejects.toThrow(MIGRATIONS[1]);

    const manifestFile = path.join(folder, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { files: { path: string }[] };
    manifest.files[0].path = "files/../../escape";
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    await expect(verifyBackup(folder)).rejects.toThrow("not allowed");

    const second = (await createBackup(source())).folder;
    fs.appendFileSync(path.join(second, "files", "media", "a.mp4"), "x");
    await expect(verifyBackup(second)).rejects.toThrow("checksum mismatch");
    await expect(restoreBackup({ folder: second, ...target("damaged") })).rejects.toThrow("checksum mismatch");
    expect(fs.existsSync(path.join(dir, "damaged", "app.db"))).toBe(false);
  });

  it("refuse a file of other content before writing anything, and a manifest that is not one", async () => {
    const { folder } = await createBackup(source());
    fs.mkdirSync(path.join(dir, "clash", "keys"), { recursive: true });
    fs.writeFileSync(path.join(dir, "clash", "keys", "certificate.key"), "another school's key");
    await expect(restoreBackup({ folder, ...target("clash") })).rejects.toThrow("--force");
    // The database was not written either: the refusal comes first.
    expect(fs.existsSync(path.join(dir, "clash", "app.db"))).toBe(false);

    const manifestFile = path.join(folder, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { database: { path: string }; files: unknown };
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, files: "all of them" }));
    await expect(verifyBackup(folder)).rejects.toThrow("unreadable or incomplete");
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, database: { ...manifest.database, path: "files/keys/certificate.key" } }));
    await expect(verifyBackup(folder)).rejects.toThrow("not allowed");
  });

  it("are readable by their owner only, every file included", async () => {
    const { folder, manifest } = await createBackup(source());
    for (const rel of [".", "manifest.json", manifest.database.path, ...manifest.files.map((f) => f.path)]) {
      expect(fs.statSync(path.join(folder, rel)).mode & 0o077, rel).toBe(0);
    }
    await restoreBackup({ folder, ...target("owner") });
    expect(fs.statSync(path.join(dir, "owner", "app.db")).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(dir, "owner", "keys", "certificate.key")).mode & 0o077).toBe(0);
  });

  it("refuse to restore a SQLite backup into PostgreSQL, before connecting or writing anything", async () => {
    const { folder } = await createBackup(source());
    // Port 9 (discard): nothing answers there, so a restore that tried to connect would fail otherwise.
    await expect(restoreBackup({ folder, ...target("pg"), databaseUrl: "postgres://u@127.0.0.1:9/dangxiao" })).rejects.toThrow(
      "a sqlite backup cannot be restored into a postgres database",
    );
    expect(fs.existsSync(path.join(dir, "pg"))).toBe(false);
  });

  it("choose pg_dump of the server's major version, else the nearest newer one, and say what to install when none fits", async () => {
    const { choosePgTool } = await import("~/.server/ops/backup-postgres");
    const lib = path.join(dir, "usr-lib-postgresql");
    for (const v of ["13", "15", "16"]) {
      fs.mkdirSync(path.join(lib, v, "bin"), { recursive: true });
      fs.writeFileSync(path.join(lib, v, "bin", "pg_dump"), "");
    }
    expect(choosePgTool("pg_dump", 15, lib, "")).toEqual({ path: path.join(lib, "15", "bin", "pg_dump"), major: 15 });
    expect(choosePgTool("pg_dump", 14, lib, "").major).toBe(15);
    expect(() => choosePgTool("pg_dump", 17, lib, "")).toThrow(/postgresql-client-17.*installed: 13, 15, 16.*refuses a server newer than itself/);
    expect(() => choosePgTool("pg_restore", 15, lib, "")).toThrow(/postgresql-client-15/);
  });
});
