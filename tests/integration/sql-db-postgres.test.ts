import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, typed } from "~/.server/sql";
import { PgSqlDb, createPgSqlDb } from "~/.server/sql-pg";
import { storedTimestamp } from "~/lib/timestamp";
import { describeSqlDbConformance } from "../support/sql-db-conformance";
import { freshPostgresDatabase, type TestDatabase } from "../support/postgres";

// The `pg` backend of the async SQL interface (decision 074) against the shared contract, on a database
// of this file's own on the test cluster, and chosen by db.ts when DATABASE_URL is PostgreSQL.

let database: TestDatabase;

beforeAll(async () => {
  database = await freshPostgresDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeSqlDbConformance("pg", async () => {
  const db = createPgSqlDb(database.url);
  return { db, close: () => db.end() };
});

describe("the pg backend", () => {
  it("reads timestamptz, the app's timestamp columns, as the stored text in UTC, whatever the process's zone", async () => {
    const db = createPgSqlDb(database.url);
    try {
      const at = new Date("2026-12-01T23:30:00.123Z");
      const row = await db.get<{ t: string; n: number }>(sql`SELECT ${typed(at, "timestamptz")} AS "t", COUNT(*) AS "n" FROM (SELECT 1) AS "one"`);
      expect(row).toEqual({ t: storedTimestamp(at), n: 1 });
    } finally {
      await db.end();
    }
  });

  it("is what db.ts's sqlDb() gives on a postgres DATABASE_URL, and it runs the app's statements on the migrated schema", async () => {
    process.env.DATABASE_URL = database.url;
    const app = await import("~/.server/db");
    const db = app.sqlDb();
    try {
      expect(db).toBeInstanceOf(PgSqlDb);
      expect(app.sqlDb()).toBe(db);
      const { n } = (await db.get<{ n: number }>(sql`SELECT COUNT(*) AS "n" FROM "ContestAnswer"`))!;
      expect(n).toBe(0);
    } finally {
      await (db as PgSqlDb).end();
      await app.prisma.$disconnect();
    }
  });
});
