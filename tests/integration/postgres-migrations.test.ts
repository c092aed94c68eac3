import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MigrationEditedError, migratePostgres, migrationsIn } from "../../scripts/lib/pg-migrate";
import { adminUrl, asAdmin, freshPostgresDatabase, postgresCluster, type TestDatabase } from "../support/postgres";
import { ROOT, TMP } from "../support/paths";

// PostgreSQL's migration history and its runner (decision 073), on the test cluster.

let port: number;
const created: string[] = [];

const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => asAdmin(port, fn);

/** An empty database (no migration applied); dropped after the file. */
async function emptyDatabase(): Promise<string> {
  const name = `empty_${crypto.randomUUID().replace(/-/g, "")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE template0`));
  created.push(name);
  return adminUrl(port, name);
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The tables, columns, indexes and constraints of the public schema, as text that compares. */
async function catalog(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const q = async (text: string) => (await c.query<{ line: string }>(text)).rows.map((r) => r.line);
    return [
      ...(await q(`SELECT table_name || '.' || column_name || ' ' || data_type || coalesce('(' || datetime_precision || ')', '') || ' '
                    || is_nullable || ' ' || coalesce(column_default, '') AS line
                  FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_app_migrations' ORDER BY table_name, column_name`)),
      ...(await q(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_app_migrations' ORDER BY indexname`)),
      ...(await q(`SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
                  FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_app_migrations'
                  ORDER BY conrelid::regclass::text, conname`)),
    ];
  });
}

beforeAll(async () => {
  ({ port } = await postgresCluster());
});

afterAll(async () => {
  if (!port) return;
  await admin(async (c) => {
    for (const n of created) await c.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  });
});

describe("PostgreSQL's migration history", () => {
  let migrated: TestDatabase;
  beforeAll(async () => {
    migrated = await freshPostgresDatabase();
  });
  afterAll(async () => {
    await migrated?.drop();
  });

  it("builds exactly the database prisma/postgresql/schema.prisma describes", async () => {
    // What Prisma would create for the schema file from nothing, applied to an empty database…
    const script = execFileSync(
      path.join(ROOT, "node_modules", ".bin", "prisma"),
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", path.join(ROOT, "prisma", "postgresql", "schema.prisma"), "--script"],
      // SQLite's CLI config, on a scratch file: a diff between schema files opens no PostgreSQL connection then.
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: `file:${path.join(TMP, `diff-${crypto.randomUUID()}.db`)}` },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const fromSchema = await emptyDatabase();
    await withClient(fromSchema, (c) => c.query(script));
    // …has the same tables, columns, indexes and constraints as the migrations built.
    const expected = await catalog(fromSchema);
    const actual = await catalog(migrated.url);
    expect(expected.length).toBeGreaterThan(500);
    expect(actual).toEqual(expected);
    // Every DateTime is an instant.
    expect(actual.filter((l) => / timestamp without time zone/.test(l))).toEqual([]);
  });

  it("is recorded, one row per folder, in the template every test database copies", async () => {
    const rows = await withClient(migrated.url, async (c) => (await c.query<{ name: string }>(`SELECT "name" FROM "_app_migrations" ORDER BY "name"`)).rows);
    expect(rows.map((r) => r.name)).toEqual(migrationsIn().map((m) => m.name));
  });
});

describe("the migration runner", () => {
  /** A history of its own in a folder: name → SQL. */
  function history(migrations: Record<string, string>): string {
    const dir = path.join(TMP, `pg-history-${crypto.randomUUID()}`);
    for (const [name, sql] of Object.entries(migrations)) {
      fs.mkdirSync(path.join(dir, name), { recursive: true });
      fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
    }
    return dir;
  }

  it("applies each migration once when several nodes start at the same moment", async () => {
    const url = await emptyDatabase();
    const dir = history({
      "20260101000000_a": `CREATE TABLE "Counter" ("n" integer NOT NULL);\nINSERT INTO "Counter" VALUES (1);`,
      // Slow enough that the other runners arrive while it runs: a second run would add a row.
      "20260101000001_b": `SELECT pg_sleep(0.3);\nUPDATE "Counter" SET "n" = "n" + 1;`,
    });
    const runs = await Promise.all([1, 2, 3, 4].map(() => migratePostgres(url, { dir })));
    expect(runs.map((r) => r.length).sort()).toEqual([0, 0, 0, 2]);
    const n = await withClient(url, async (c) => (await c.query<{ n: number }>(`SELECT "n" FROM "Counter"`)).rows);
    expect(n).toEqual([{ n: 2 }]);
    expect(await migratePostgres(url, { dir })).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it("rolls a failed migration back whole and leaves it pending", async () => {
    const url = await emptyDatabase();
    const dir = history({
      "20260101000000_a": `CREATE TABLE "A" ("id" integer);`,
      "20260101000001_b": `CREATE TABLE "B" ("id" integer);\nINSERT INTO "Missing" VALUES (1);`,
    });
    await expect(migratePostgres(url, { dir })).rejects.toThrow(/20260101000001_b failed and was rolled back: relation "Missing" does not exist/);
    const state = await withClient(url, async (c) => ({
      applied: (await c.query<{ name: string }>(`SELECT "name" FROM "_app_migrations"`)).rows.map((r) => r.name),
      tables: (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t),
    }));
    expect(state).toEqual({ applied: ["20260101000000_a"], tables: ["A", "_app_migrations"] });
    fs.writeFileSync(path.join(dir, "20260101000001_b", "migration.sql"), `CREATE TABLE "B" ("id" integer);`);
    expect(await migratePostgres(url, { dir })).toEqual(["20260101000001_b"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("waits for a table lock a backup holds without holding up the table's readers meanwhile", async () => {
    const url = await emptyDatabase();
    const dir = history({ "20260101000000_a": `CREATE TABLE "T" ("id" integer);\nINSERT INTO "T" VALUES (1);` });
    await migratePostgres(url, { dir });
    fs.mkdirSync(path.join(dir, "20260101000001_b"));
    fs.writeFileSync(path.join(dir, "20260101000001_b", "migration.sql"), `ALTER TABLE "T" ADD COLUMN "x" integer;`);
    // What pg_dump holds for its whole dump: ACCESS SHARE on the table, in an open transaction.
    const backup = new pg.Client({ connectionString: url });
    await backup.connect();
    try {
      await backup.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await backup.query(`SELECT count(*) FROM "T"`);
      const run = migratePostgres(url, { dir, lockRetry: { timeoutMs: 100, pauseMs: 200 } });
      const started = Date.now();
      // The migration is trying (and waiting for its lock) now.
      await withClient(url, async (c) => {
        while (
          (await c.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows
            .length === 0 &&
          Date.now() - started < 10_000
        )
          await new Promise((r) => setTimeout(r, 20));
      });
      // A node reads the table: it gets its rows while the backup still runs. Behind a migration that waits
      // for its lock it would wait until the backup ended, here the cap of 15 s after which the backup ends.
      let readWhileBackingUp = false;
      const read = withClient(url, (c) => c.query(`SELECT count(*) FROM "T"`)).then(() => (readWhileBackingUp = true));
      await Promise.race([read, new Promise((r) => setTimeout(r, 15_000))]);
      const readBeforeBackupEnded = readWhileBackingUp;
      await backup.query("COMMIT");
      await read;
      expect(readBeforeBackupEnded).toBe(true);
      expect(await run).toEqual(["20260101000001_b"]);
    } finally {
      await backup.end();
    }
    const columns = await withClient(
      url,
      async (c) => (await c.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'T' ORDER BY 1`)).rows,
    );
    expect(columns.map((r) => r.c)).toEqual(["id", "x"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("gives up waiting for a table lock after its limit, naming the session that holds a transaction open, and applies nothing", async () => {
    const url = await emptyDatabase();
    const dir = history({ "20260101000000_a": `CREATE TABLE "T" ("id" integer);` });
    await migratePostgres(url, { dir });
    fs.mkdirSync(path.join(dir, "20260101000001_b"));
    fs.writeFileSync(path.join(dir, "20260101000001_b", "migration.sql"), `ALTER TABLE "T" ADD COLUMN "x" integer;`);
    // A session left idle in a transaction that read the table: it holds ACCESS SHARE until it ends.
    const forgotten = new pg.Client({ connectionString: url, application_name: "forgotten-console" });
    await forgotten.connect();
    try {
      await forgotten.query("BEGIN");
      await forgotten.query(`SELECT count(*) FROM "T"`);
      const started = Date.now();
      await expect(migratePostgres(url, { dir, lockRetry: { timeoutMs: 100, pauseMs: 100, giveUpMs: 1_000 } })).rejects.toThrow(
        /20260101000001_b gave up waiting for a table lock\. Oldest open transactions: pid \d+ \(forgotten-console, idle in transaction, \d+ s\)/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await forgotten.end();
    }
    const state = await withClient(url, async (c) => ({
      applied: (await c.query<{ name: string }>(`SELECT "name" FROM "_app_migrations" ORDER BY 1`)).rows.map((r) => r.name),
      columns: (await c.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'T' ORDER BY 1`)).rows.map((r) => r.c),
    }));
    expect(state).toEqual({ applied: ["20260101000000_a"], columns: ["id"] });
    // Once the session has gone, the next start applies it.
    expect(await migratePostgres(url, { dir })).toEqual(["20260101000001_b"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses a history whose applied migration was edited afterwards", async () => {
    const url = await emptyDatabase();
    const a = `CREATE TABLE "A" (\n  "id" integer\n);\n`;
    const dir = history({ "20260101000000_a": a });
    await migratePostgres(url, { dir });
    fs.writeFileSync(path.join(dir, "20260101000000_a", "migration.sql"), `CREATE TABLE "A" ("id" bigint);`);
    fs.mkdirSync(path.join(dir, "20260101000001_b"));
    fs.writeFileSync(path.join(dir, "20260101000001_b", "migration.sql"), `CREATE TABLE "B" ("id" integer);`);
    const run = migratePostgres(url, { dir });
    await expect(run).rejects.toBeInstanceOf(MigrationEditedError);
    await expect(run).rejects.toThrow(/20260101000000_a/);
    // Nothing after it ran either.
    const tables = await withClient(
      url,
      async (c) => (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows,
    );
    expect(tables.map((r) => r.t)).toEqual(["A", "_app_migrations"]);
    // A line-ending change is not an edit.
    fs.writeFileSync(path.join(dir, "20260101000000_a", "migration.sql"), a.replace(/\n/g, "\r\n"));
    expect(await migratePostgres(url, { dir })).toEqual(["20260101000001_b"]);
    fs.rmSync(dir, { recursive: true });
  });
});
