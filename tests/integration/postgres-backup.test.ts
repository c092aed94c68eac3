import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TMP } from "../support/paths";
import { type TestDatabase, emptyPostgresDatabase, freshPostgresDatabase } from "../support/postgres";
import { runScript } from "../support/run-script";

// `npm run backup` and `npm run restore` on PostgreSQL (decision 075, amended): a database of the test
// cluster with rows and a data folder with media and the certificate key, backed up by the script as an
// operator runs it (pg_dump, custom format), restored into a new empty database and a new data folder,
// where the rows, the migration level and the files are found. The scripts run as child processes with
// the environment an operator gives them.

let source: TestDatabase;
let work: string;
const created: TestDatabase[] = [];

async function query<Row extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<Row>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** A new database as `createdb` makes one: no tables at all. */
async function emptyDatabase(): Promise<string> {
  const database = await emptyPostgresDatabase();
  created.push(database);
  return database.url;
}

beforeAll(async () => {
  source = await freshPostgresDatabase();
  work = fs.mkdtempSync(path.join(TMP, "pg-backup-"));
  const units = await query<{ id: number }>(
    source.url,
    `INSERT INTO "OrgUnit" ("name", "kind", "path", "depth", "updatedAt") VALUES ('校党委', 'committee', '/pending/', 0, now()) RETURNING "id"`,
  );
  await query(source.url, `UPDATE "OrgUnit" SET "path" = '/' || "id" || '/' WHERE "id" = $1`, [units[0].id]);
  for (let i = 1; i <= 3; i++) {
    await query(
      source.url,
      `INSERT INTO "Person" ("number", "name", "category", "unitId", "politicalStatus", "updatedAt") VALUES ($1, $2, 'student', $3, 'member', now())`,
      [`S000${i}`, `学员${i}`, units[0].id],
    );
  }
  const data = path.join(work, "data");
  fs.mkdirSync(path.join(data, "keys"), { recursive: true });
  fs.mkdirSync(path.join(data, "media"), { recursive: true });
  fs.writeFileSync(path.join(data, "keys", "vapid.json"), '{"publicKey":"p","privateKey":"k"}');
  fs.writeFileSync(path.join(data, "media", "lesson.mp4"), crypto.randomBytes(4096));
});

afterAll(async () => {
  for (const database of created) await database.drop();
  await source?.drop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("backups on PostgreSQL", () => {
  it("npm run backup writes a pg_dump with the files, and npm run restore puts both back into an empty database", async () => {
    const backupDir = path.join(work, "backups");
    const backup = await runScript("backup.ts", [], { DATABASE_URL: source.url, DATA_DIR: path.join(work, "data"), BACKUP_DIR: backupDir });
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toContain("备份完成");
    const [name] = fs.readdirSync(backupDir);
    const folder = path.join(backupDir, name);
    expect(fs.readdirSync(folder).sort()).toEqual(["database.pgdump", "files", "manifest.json"]);
    // pg_dump's custom format begins with PGDMP.
    expect(fs.readFileSync(path.join(folder, "database.pgdump")).subarray(0, 5).toString()).toBe("PGDMP");
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8")) as {
      engine: string;
      postgres: { server: string; dump: string };
      migrations: string[];
      database: { path: string };
      files: { path: string }[];
    };
    const shipped = fs
      .readdirSync(path.join(ROOT, "prisma", "postgresql", "migrations"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(manifest).toMatchObject({ engine: "postgres", database: { path: "database.pgdump" }, migrations: shipped });
    expect(manifest.postgres.server.split(".")[0]).toBe(manifest.postgres.dump.split(".")[0]);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(["files/keys/vapid.json", "files/media/lesson.mp4"]);

    // Into a new empty database and data folder.
    const target = await emptyDatabase();
    const restoredData = path.join(work, "restored");
    const restore = await runScript("restore.ts", [folder], { DATABASE_URL: target, DATA_DIR: restoredData });
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toContain("已恢复");
    const people = await query<{ number: string; name: string }>(target, `SELECT "number", "name" FROM "Person" ORDER BY "number"`);
    expect(people).toEqual([
      { number: "S0001", name: "学员1" },
      { number: "S0002", name: "学员2" },
      { number: "S0003", name: "学员3" },
    ]);
    const level = await query<{ name: string }>(target, `SELECT "name" FROM "_app_migrations" ORDER BY "name"`);
    expect(level.map((r) => r.name)).toEqual(shipped);
    // Identity sequences come back too: the next row gets a new id, not one of the restored ones.
    const [unit] = await query<{ id: number }>(target, `SELECT "id" FROM "OrgUnit"`);
    const [next] = await query<{ id: number }>(
      target,
      `INSERT INTO "OrgUnit" ("name", "kind", "path", "depth", "updatedAt") VALUES ('新学院', 'college', '/x/', 1, now()) RETURNING "id"`,
    );
    expect(next.id).toBeGreaterThan(unit.id);
    for (const f of ["keys/vapid.json", "media/lesson.mp4"]) {
      expect(fs.readFileSync(path.join(restoredData, f)).equals(fs.readFileSync(path.join(work, "data", f)))).toBe(true);
    }

    // A database with tables is not written over without --force; with it, the backup's rows replace what was there.
    const again = await runScript("restore.ts", [folder], { DATABASE_URL: target, DATA_DIR: restoredData });
    expect(again.code).toBe(1);
    expect(again.err).toContain("不是空的");
    await query(target, `UPDATE "Person" SET "name" = '改过的名字' WHERE "number" = 'S0001'`);
    const forced = await runScript("restore.ts", [folder, "--force"], { DATABASE_URL: target, DATA_DIR: restoredData });
    expect(forced.code, forced.err).toBe(0);
    expect((await query<{ name: string }>(target, `SELECT "name" FROM "Person" ORDER BY "number"`)).map((r) => r.name)).toEqual(["学员1", "学员2", "学员3"]);
    expect((await query<{ n: number }>(target, `SELECT count(*)::int AS "n" FROM "OrgUnit"`))[0].n).toBe(1);

    // A PostgreSQL backup is not restored into SQLite.
    const intoSqlite = await runScript("restore.ts", [folder], {
      DATABASE_URL: `file:${path.join(work, "sqlite", "app.db")}`,
      DATA_DIR: path.join(work, "sqlite"),
    });
    expect(intoSqlite.code).toBe(1);
    expect(intoSqlite.err).toContain("a postgres backup cannot be restored into a sqlite database");
  });
});
