import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

// The one raw-SQL helper: how a statement renders for each engine, and a real round trip on SQLite,
// on a connection of its own and through Prisma. The app's database is a temporary file of this test.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sql-test-"));
process.env.DATABASE_URL = `file:${path.join(dir, "app.db")}`;
const { all, anyOf, execute, get, inList, join, notInList, query, raw, render, run, sql } = await import("~/.server/sql");
const { prisma, rawDb } = await import("~/.server/db");

afterAll(async () => {
  await prisma.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("render", () => {
  it("binds every value as a positional parameter, in order, never as text", () => {
    const name = 'x\'); DROP TABLE "Person"; --';
    const stmt = sql`SELECT "id" FROM "Person" WHERE "name" = ${name} AND "unitId" = ${7} LIMIT ${2}`;
    expect(render(stmt)).toEqual({ text: `SELECT "id" FROM "Person" WHERE "name" = ? AND "unitId" = ? LIMIT ?`, values: [name, 7, 2] });
    expect(render(stmt, "postgres")).toEqual({ text: `SELECT "id" FROM "Person" WHERE "name" = $1 AND "unitId" = $2 LIMIT $3`, values: [name, 7, 2] });
  });

  it("nests fragments and joins keeping the parameters' order", () => {
    const scope = join(
      ["/1/2/", "/1/3/"].map((p) => sql`u."path" LIKE ${`${p}%`}`),
      " OR ",
    );
    const stmt = sql`SELECT 1 FROM "OrgUnit" u WHERE u."depth" > ${1} AND (${scope}) AND u."id" <> ${9}`;
    expect(render(stmt)).toEqual({
      text: `SELECT 1 FROM "OrgUnit" u WHERE u."depth" > ? AND (u."path" LIKE ? OR u."path" LIKE ?) AND u."id" <> ?`,
      values: [1, "/1/2/%", "/1/3/%", 9],
    });
    expect(render(stmt, "postgres").text).toBe(`SELECT 1 FROM "OrgUnit" u WHERE u."depth" > $1 AND (u."path" LIKE $2 OR u."path" LIKE $3) AND u."id" <> $4`);
    expect(render(sql`(${join([1, 2, 3])}) > (${join([4, 5])})`)).toEqual({ text: "(?, ?, ?) > (?, ?)", values: [1, 2, 3, 4, 5] });
    expect(render(sql`SELECT ${raw(`"a", "b"`)} FROM ${raw(`"T"`)}`).text).toBe(`SELECT "a", "b" FROM "T"`);
  });

  it("joins conditions with OR, none rendering a portable false", () => {
    expect(render(sql`WHERE ${anyOf([sql`"a" = ${1}`, sql`"b" = ${2}`])}`)).toEqual({ text: `WHERE ("a" = ? OR "b" = ?)`, values: [1, 2] });
    expect(render(sql`WHERE ${anyOf([])}`)).toEqual({ text: "WHERE (1 = 0)", values: [] });
  });

  it("renders a list as IN (?, …) on SQLite and = ANY($n) on PostgreSQL", () => {
    const stmt = sql`SELECT "id" FROM "Person" WHERE "unitId" = ${4} AND "id" ${inList([10, 11, 12])} AND "name" ${notInList(["a"])}`;
    expect(render(stmt)).toEqual({
      text: `SELECT "id" FROM "Person" WHERE "unitId" = ? AND "id" IN (?, ?, ?) AND "name" NOT IN (?)`,
      values: [4, 10, 11, 12, "a"],
    });
    expect(render(stmt, "postgres")).toEqual({
      text: `SELECT "id" FROM "Person" WHERE "unitId" = $1 AND "id" = ANY($2) AND "name" <> ALL($3)`,
      values: [4, [10, 11, 12], ["a"]],
    });
  });

  it("renders an empty list as a subquery without rows, never WHERE 0 or IN ()", () => {
    expect(render(sql`"id" ${inList([])} AND "id" ${notInList([])}`).text).toBe(`"id" IN (SELECT NULL WHERE 1 = 0) AND "id" NOT IN (SELECT NULL WHERE 1 = 0)`);
  });

  it("binds a long list of numbers or strings as one JSON array on SQLite, like PostgreSQL's one array", () => {
    const ids = Array.from({ length: 150 }, (_, i) => i + 1);
    expect(render(sql`"id" ${inList(ids)} AND "x" = ${1}`)).toEqual({
      text: `"id" IN (SELECT "value" FROM json_each(?)) AND "x" = ?`,
      values: [JSON.stringify(ids), 1],
    });
    expect(render(sql`"id" ${inList(ids)}`, "postgres")).toEqual({ text: `"id" = ANY($1)`, values: [ids] });
    // Values JSON would change (dates, mixed types) keep one parameter each.
    const mixed = [...ids.slice(1), "1"];
    expect(render(sql`"id" ${inList(mixed)}`).values).toEqual(mixed);
  });

  it("binds dates as the timestamp text Prisma's SQLite adapter writes, booleans as 1/0; PostgreSQL gets them as they are", () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    const stmt = sql`UPDATE "T" SET "at" = ${at}, "on" = ${true}, "off" = ${false}, "n" = ${null} WHERE "id" ${inList([at])}`;
    expect(render(stmt).values).toEqual(["2026-03-04T05:06:07.089+00:00", 1, 0, null, "2026-03-04T05:06:07.089+00:00"]);
    expect(render(stmt, "postgres").values).toEqual([at, true, false, null, [at]]);
  });
});

describe("running on SQLite", () => {
  const db = new Database(path.join(dir, "own.db"));
  db.exec(`CREATE TABLE "Thing" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL, "on" BOOLEAN NOT NULL, "at" DATETIME NOT NULL)`);
  const at = new Date("2026-01-02T03:04:05.000Z");

  it("inserts with RETURNING, reads typed rows, counts changed rows", () => {
    const first = get<{ id: number }>(db, sql`INSERT INTO "Thing" ("name", "on", "at") VALUES (${"甲"}, ${true}, ${at}) RETURNING "id"`);
    const second = get<{ id: number }>(db, sql`INSERT INTO "Thing" ("name", "on", "at") VALUES (${"乙"}, ${false}, ${at}) RETURNING "id"`);
    expect(second!.id).toBe(first!.id + 1);
    const rows = all<{ name: string; on: number; at: string }>(
      db,
      sql`SELECT "name", "on", "at" FROM "Thing" WHERE "id" ${inList([first!.id, second!.id])} ORDER BY "id"`,
    );
    expect(rows).toEqual([
      { name: "甲", on: 1, at: "2026-01-02T03:04:05.000+00:00" },
      { name: "乙", on: 0, at: "2026-01-02T03:04:05.000+00:00" },
    ]);
    expect(all(db, sql`SELECT "id" FROM "Thing" WHERE "id" ${inList([])}`)).toEqual([]);
    expect(all(db, sql`SELECT "id" FROM "Thing" WHERE "id" ${notInList([])}`)).toHaveLength(2);
    expect(get<{ n: number }>(db, sql`SELECT SUM(CASE WHEN "on" THEN 1 ELSE 0 END) AS "n" FROM "Thing" WHERE "at" >= ${at}`)).toEqual({ n: 1 });
    expect(run(db, sql`UPDATE "Thing" SET "on" = ${true} WHERE "name" ${notInList(["甲"])}`)).toBe(1);
    expect(get(db, sql`SELECT 1 FROM "Thing" WHERE "id" = ${-1}`)).toBeUndefined();
  });

  it("reads a long list the same as a short one", () => {
    const ids = all<{ id: number }>(db, sql`SELECT "id" FROM "Thing" ORDER BY "id"`).map((r) => r.id);
    const long = [...ids, ...Array.from({ length: 200 }, (_, i) => 1000 + i)];
    expect(all<{ id: number }>(db, sql`SELECT "id" FROM "Thing" WHERE "id" ${inList(long)} ORDER BY "id"`).map((r) => r.id)).toEqual(ids);
    expect(all(db, sql`SELECT "id" FROM "Thing" WHERE "id" ${notInList(long)}`)).toEqual([]);
    const names = Array.from({ length: 200 }, (_, i) => `n${i}`).concat("乙");
    expect(all(db, sql`SELECT "name" FROM "Thing" WHERE "name" ${inList(names)}`)).toEqual([{ name: "乙" }]);
  });

  it("runs each distinct text as one prepared statement, whatever the values", () => {
    const prepare = db.prepare.bind(db);
    let prepared = 0;
    db.prepare = ((text: string) => (prepared++, prepare(text))) as typeof db.prepare;
    for (const name of ["a", "b", "c"]) all(db, sql`SELECT "id" FROM "Thing" WHERE "name" = ${name}`);
    db.prepare = prepare;
    expect(prepared).toBe(1);
  });

  it("runs the same statement through Prisma, on the app's database", async () => {
    expect(await execute(prisma, sql`CREATE TABLE "Pair" ("a" INTEGER, "b" TEXT, "at" DATETIME)`)).toBe(0);
    expect(await execute(prisma, sql`INSERT INTO "Pair" ("a", "b", "at") VALUES (${1}, ${"x"}, ${at}), (${2}, ${"y"}, ${at})`)).toBe(2);
    const rows = await query<{ a: number | bigint; b: string }>(prisma, sql`SELECT "a", "b" FROM "Pair" WHERE "a" ${inList([2, 3])} AND "at" = ${at}`);
    expect(rows.map((r) => ({ ...r, a: Number(r.a) }))).toEqual([{ a: 2, b: "y" }]);
    // The raw connection sees what Prisma wrote: the same file, the same text for the date.
    expect(all<{ b: string }>(rawDb(), sql`SELECT "b" FROM "Pair" WHERE "at" = ${at} ORDER BY "a"`)).toEqual([{ b: "x" }, { b: "y" }]);
  });
});
