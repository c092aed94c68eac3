import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresPrisma } from "~/.server/db-postgres";
import { execute, inList, prismaDialect, query, sql, typed } from "~/.server/sql";
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
    // Multi-node mode refuses to start without one (decision 076).
    process.env.CERT_SECRET ??= "sql-db-postgres-test-certificate-secret";
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

describe("query() and execute() through Prisma's PostgreSQL client", () => {
  // The statements run through Prisma (health, outbox, units, reports …) were rendered with SQLite's `?`
  // whatever the client; PostgreSQL refused every one of them.
  it("render for the engine of the client, and of a transaction's tx, they are given", async () => {
    const prisma = createPostgresPrisma(database.url);
    try {
      expect(prismaDialect(prisma)).toBe("postgres");
      expect(await query(prisma, sql`SELECT 1 AS "one"`)).toEqual([{ one: 1 }]);
      expect(await execute(prisma, sql`CREATE TABLE "Pair" ("a" INTEGER, "b" TEXT, "on" BOOLEAN, "at" TIMESTAMPTZ(3))`)).toBe(0);
      const at = new Date("2026-12-01T23:30:00.123Z");
      expect(await execute(prisma, sql`INSERT INTO "Pair" ("a", "b", "on", "at") VALUES (${1}, ${"x"}, ${true}, ${at}), (${2}, ${"y"}, ${false}, ${at})`)).toBe(
        2,
      );
      const rows = await query<{ a: number; b: string; on: boolean; at: Date }>(
        prisma,
        sql`SELECT "a", "b", "on", "at" FROM "Pair" WHERE "a" ${inList([2, 3])} AND "at" = ${at} AND "on" = ${false}`,
      );
      expect(rows).toEqual([{ a: 2, b: "y", on: false, at }]);
      const counted = await prisma.$transaction(async (tx) => {
        expect(prismaDialect(tx)).toBe("postgres");
        await execute(tx, sql`UPDATE "Pair" SET "b" = ${"z"} WHERE "a" = ${1}`);
        return query<{ n: number | bigint }>(tx, sql`SELECT COUNT(*) AS "n" FROM "Pair" WHERE "b" ${inList(["y", "z"])}`);
      });
      expect(Number(counted[0].n)).toBe(2);
    } finally {
      await prisma.$disconnect();
    }
  });
});
