import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pgPoolConfig } from "../../app/.server/pg-types";
import { seedDemoUniversity } from "../../prisma/seed";
import { MoveRefusedError, moveToPostgres } from "../../scripts/lib/move-to-postgres";
import { TEMPLATE_DB, TMP } from "../support/paths";
import { type TestDatabase, freshPostgresDatabase } from "../support/postgres";

// The one-off move of a school's SQLite file into PostgreSQL (README "Moving to PostgreSQL"): the demo
// university's file moved into a fresh database of the test cluster, then read back row for row and
// value for value, by what each engine itself returns (not by the mover's own conversion).

const { dataDir } = vi.hoisted(() => {
  const dataDir = `${process.cwd()}/tests/.tmp/move-pg-data-${process.pid}`;
  process.env.DATA_DIR = dataDir;
  return { dataDir };
});

const dbFile = path.join(TMP, `move-pg-${process.pid}.db`);
const copies: string[] = [];
const databases: TestDatabase[] = [];
let target: TestDatabase;

function copyOfFile(): string {
  const file = path.join(TMP, `move-pg-${process.pid}-${copies.length}.db`);
  fs.copyFileSync(dbFile, file);
  copies.push(file);
  return file;
}

async function fresh(): Promise<TestDatabase> {
  const db = await freshPostgresDatabase();
  databases.push(db);
  return db;
}

async function withClient<T>(url: string, work: (rows: (text: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const client = new pg.Client(pgPoolConfig(url));
  await client.connect();
  try {
    return await work(async (text) => (await client.query(text)).rows);
  } finally {
    await client.end();
  }
}

const pgRows = (url: string, text: string) => withClient(url, (rows) => rows(text));

async function totalRows(url: string): Promise<number> {
  return withClient(url, async (rows) => {
    const tables = await rows(
      `SELECT "table_name" AS "t" FROM "information_schema"."tables" WHERE "table_schema" = current_schema() AND "table_name" <> '_app_migrations'`,
    );
    let n = 0;
    for (const { t } of tables) n += Number((await rows(`SELECT COUNT(*) AS "n" FROM "${String(t)}"`))[0].n);
    return n;
  });
}

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  await seedDemoUniversity(dbFile, new Date("2026-11-23T04:00:00Z"), { dataDir });
  target = await fresh();
}, 120_000);

afterAll(async () => {
  for (const d of databases) await d.drop();
  for (const f of [dbFile, ...copies]) for (const s of ["", "-wal", "-shm"]) fs.rmSync(f + s, { force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("moving the SQLite file into PostgreSQL", () => {
  it("copies every row of every table, with equal values, and new rows continue the ids", async () => {
    const report = await moveToPostgres(dbFile, target.url);
    console.info(`moved ${report.rows} rows in ${report.tables.length} tables in ${report.ms} ms`);
    const source = new Database(dbFile, { readonly: true });
    try {
      const tables = await pgRows(
        target.url,
        `SELECT c."table_name" AS "table", c."column_name" AS "column", c."data_type" AS "type"
           FROM "information_schema"."columns" c WHERE c."table_schema" = current_schema() AND c."table_name" <> '_app_migrations'
           ORDER BY c."table_name", c."ordinal_position"`,
      );
      const byTable = new Map<string, { column: string; type: string }[]>();
      for (const r of tables) byTable.set(String(r.table), [...(byTable.get(String(r.table)) ?? []), { column: String(r.column), type: String(r.type) }]);
      expect(report.tables.map((t) => t.name).sort()).toEqual([...byTable.keys()].sort());

      let compared = 0;
      const nonEmpty: string[] = [];
      await withClient(target.url, async (read) => {
        for (const [table, columns] of byTable) {
          const order = columns.some((c) => c.column === "id") ? `"id"` : columns.map((c) => `"${c.column}"`).join(", ");
          const fileRows = source.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all() as Record<string, unknown>[];
          const dbRows = await read(`SELECT * FROM "${table}" ORDER BY ${order}`);
          expect(dbRows.length, table).toBe(fileRows.length);
          if (fileRows.length > 0) nonEmpty.push(table);
          // Each engine's value in one comparable form: instants in milliseconds, booleans as 0/1.
          const same = (value: unknown, type: string) =>
            value === null
              ? null
              : type.startsWith("timestamp")
                ? new Date(
                    value instanceof Date
                      ? value
                      : typeof value === "number"
                        ? value
                        : /[zZ]|[+-]\d\d:?\d\d$/.test(String(value))
                          ? String(value)
                          : `${String(value).replace(" ", "T")}Z`,
                  ).getTime()
                : type === "boolean"
                  ? Number(value)
                  : Buffer.isBuffer(value)
                    ? value.toString("hex")
                    : value;
          const values = (rows: Record<string, unknown>[]) => rows.map((row) => columns.map(({ column, type }) => same(row[column], type)));
          expect(values(dbRows), table).toEqual(values(fileRows));
          compared += fileRows.length * columns.length;
        }
      });
      // The demo's file is a real school's shape: units under units, people, development files.
      expect(nonEmpty).toEqual(expect.arrayContaining(["OrgUnit", "Person", "Password", "PipelineRecord", "RoleGrant"]));
      expect(report.rows).toBeGreaterThan(10_000);
      expect(compared).toBeGreaterThan(100_000);

      const [{ max }] = await pgRows(target.url, `SELECT MAX("id") AS "max" FROM "OrgUnit"`);
      const [inserted] = await pgRows(
        target.url,
        `INSERT INTO "OrgUnit" ("name", "kind", "path", "depth", "updatedAt") VALUES ('新支部', 'branch', '/x/', 1, now()) RETURNING "id"`,
      );
      expect(Number(inserted.id)).toBe(Number(max) + 1);
    } finally {
      source.close();
    }
  }, 180_000);

  it("refuses a database that already holds rows, and leaves it as it was", async () => {
    const before = await totalRows(target.url);
    await expect(moveToPostgres(dbFile, target.url)).rejects.toThrow(/不是空的.*不合并数据/);
    expect(await totalRows(target.url)).toBe(before);
  }, 120_000);

  it("writes nothing when a value cannot be read as its column's type, and says where", async () => {
    const file = copyOfFile();
    const raw = new Database(file);
    const [person] = raw.prepare(`SELECT "id" FROM "Person" ORDER BY "id" DESC LIMIT 1`).all() as { id: number }[];
    // SQLite keeps what it is given: a date column holding words would be read as something else.
    raw.prepare(`UPDATE "Person" SET "createdAt" = '去年' WHERE "id" = ?`).run(person.id);
    raw.close();
    const db = await fresh();
    await expect(moveToPostgres(file, db.url)).rejects.toThrow(/表 Person 第 \d+ 行 列 createdAt.*去年/);
    expect(await totalRows(db.url)).toBe(0);
  }, 120_000);

  it("refuses a file of another version instead of dropping or inventing columns", async () => {
    const file = copyOfFile();
    const raw = new Database(file);
    raw.exec(`ALTER TABLE "Person" ADD COLUMN "nickname" TEXT`);
    raw.close();
    const db = await fresh();
    const refused = moveToPostgres(file, db.url);
    await expect(refused).rejects.toBeInstanceOf(MoveRefusedError);
    await expect(refused).rejects.toThrow(/多出 Person\.nickname/);
    expect(await totalRows(db.url)).toBe(0);
  }, 120_000);
});
