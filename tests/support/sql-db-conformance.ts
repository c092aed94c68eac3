import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqlDb, forShare, forUpdate, inList, isUniqueViolation, sql, typed, withRetry } from "~/.server/sql";
import { storedTimestamp } from "~/lib/timestamp";

// The contract every backend of the async SQL interface keeps (decision 074), so that call sites have
// no per-engine code. Each backend's test file calls this with a factory that opens an empty database
// of its own: the SQLite backend (tests/unit/sql-db-sqlite.test.ts) and the `pg` backend
// (tests/integration/sql-db-postgres.test.ts). Where the two differ by design (SQLite's one connection
// runs one thing at a time, PostgreSQL's pool runs them side by side and keeps them apart itself), a
// test checks what each must do.

export type OpenedSqlDb = { db: SqlDb; close(): Promise<void> };

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describeSqlDbConformance(name: string, open: () => Promise<OpenedSqlDb>) {
  describe(`SqlDb conformance: ${name}`, () => {
    let opened: OpenedSqlDb;
    let db: SqlDb;

    beforeAll(async () => {
      opened = await open();
      db = opened.db;
      // Portable DDL, as Prisma's migrations declare these types on each engine.
      await db.run(sql`CREATE TABLE "Item" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL UNIQUE, "amount" INTEGER NOT NULL,
        "flag" BOOLEAN NOT NULL, "at" TIMESTAMP(3), "note" TEXT)`);
    });
    afterAll(async () => {
      await opened?.close();
    });

    const insert = (tx: Pick<SqlDb, "run">, id: number, name: string, amount = 1) =>
      tx.run(sql`INSERT INTO "Item" ("id", "name", "amount", "flag", "at") VALUES (${id}, ${name}, ${amount}, ${true}, ${null})`);
    const names = async () => (await db.all<{ name: string }>(sql`SELECT "name" FROM "Item" ORDER BY "id"`)).map((r) => r.name);
    const clear = () => db.run(sql`DELETE FROM "Item"`);

    it("returns integers, counts and sums as numbers, timestamps as the stored text, booleans readable with Boolean()", async () => {
      await clear();
      const at = new Date("2026-12-01T08:00:00.123Z");
      await db.run(sql`INSERT INTO "Item" ("id", "name", "amount", "flag", "at", "note") VALUES (${1}, ${"甲"}, ${250}, ${true}, ${at}, ${null})`);
      await db.run(sql`INSERT INTO "Item" ("id", "name", "amount", "flag", "at", "note") VALUES (${2}, ${"乙"}, ${50}, ${false}, ${null}, ${"备注"})`);
      const row = await db.get<{ id: number; amount: number; flag: number | boolean; at: string | null; note: string | null }>(
        sql`SELECT "id", "amount", "flag", "at", "note" FROM "Item" WHERE "id" = ${1}`,
      );
      expect(row).toEqual({ id: 1, amount: 250, flag: row!.flag, at: storedTimestamp(at), note: null });
      expect(Boolean(row!.flag)).toBe(true);
      expect(new Date(row!.at!).getTime()).toBe(at.getTime());
      const other = await db.get<{ flag: number | boolean }>(sql`SELECT "flag" FROM "Item" WHERE "id" = ${2}`);
      expect(Boolean(other!.flag)).toBe(false);
      const totals = await db.get<{ n: number; total: number; latest: string }>(
        sql`SELECT COUNT(*) AS "n", SUM("amount") AS "total", MAX("at") AS "latest" FROM "Item"`,
      );
      expect(totals).toEqual({ n: 2, total: 300, latest: storedTimestamp(at) });
      expect(typeof totals!.n).toBe("number");
      // A timestamp bound as a Date compares with the stored ones.
      const later = await db.all<{ id: number }>(sql`SELECT "id" FROM "Item" WHERE "at" >= ${new Date(at.getTime() - 1)}`);
      expect(later).toEqual([{ id: 1 }]);
    });

    it("resolves with rows changed, undefined for no row, and the row an INSERT … RETURNING wrote", async () => {
      await clear();
      await insert(db, 1, "a");
      await insert(db, 2, "b");
      expect(await db.run(sql`UPDATE "Item" SET "amount" = "amount" + 1`)).toBe(2);
      expect(await db.get(sql`SELECT "id" FROM "Item" WHERE "id" = ${99}`)).toBeUndefined();
      const inserted = await db.get<{ id: number; name: string }>(
        sql`INSERT INTO "Item" ("id", "name", "amount", "flag") VALUES (${3}, ${"c"}, ${0}, ${false}) RETURNING "id", "name"`,
      );
      expect(inserted).toEqual({ id: 3, name: "c" });
      const many = Array.from({ length: 150 }, (_, i) => i + 1);
      expect((await db.all<{ id: number }>(sql`SELECT "id" FROM "Item" WHERE "id" ${inList(many)} ORDER BY "id"`)).map((r) => r.id)).toEqual([1, 2, 3]);
    });

    it("commits a transaction that resolves and rolls back one that throws", async () => {
      await clear();
      const done = await db.transaction(async (tx) => {
        await insert(tx, 1, "kept");
        return "done";
      });
      expect(done).toBe("done");
      await expect(
        db.transaction(async (tx) => {
          await insert(tx, 2, "lost");
          expect(await tx.get(sql`SELECT "id" FROM "Item" WHERE "id" = ${2}`)).toEqual({ id: 2 });
          throw new Error("rollback");
        }),
      ).rejects.toThrow("rollback");
      expect(await names()).toEqual(["kept"]);
    });

    it("keeps a statement from outside out of an open transaction: it survives the rollback (on SQLite it waits for it)", async () => {
      await clear();
      const order: string[] = [];
      const failing = db
        .transaction(async (tx) => {
          await insert(tx, 1, "in the transaction");
          await tick(40); // another request's write arrives now
          order.push("transaction ends");
          throw new Error("rollback");
        })
        .catch((e: Error) => e.message);
      await tick(5);
      await insert(db, 2, "outside").then(() => order.push("outside written"));
      expect(await failing).toBe("rollback");
      // On SQLite's one connection it would otherwise run inside the transaction; PostgreSQL runs it on
      // a connection of its own, whenever one is free.
      if (db.dialect === "sqlite") expect(order).toEqual(["transaction ends", "outside written"]);
      expect(await names()).toEqual(["outside"]);
    });

    it("runs read-then-write transactions one after another (SQLite: whole; PostgreSQL: from the FOR UPDATE on)", async () => {
      await clear();
      await insert(db, 1, "counter", 0);
      const order: string[] = [];
      // On PostgreSQL t1 holds the row until the two others have begun and sent their FOR UPDATE; on
      // SQLite they cannot begin before it ends.
      let othersStarted!: () => void;
      const bothStarted = new Promise<void>((r) => (othersStarted = r));
      let started = 0;
      const bump = (label: string, hold: () => Promise<unknown>) =>
        db.transaction(async (tx) => {
          order.push(`${label} start`);
          if (label !== "t1" && ++started === 2) othersStarted();
          const row = await tx.get<{ amount: number }>(sql`SELECT "amount" FROM "Item" WHERE "id" = ${1}${forUpdate()}`);
          order.push(`${label} read`);
          await hold();
          await tx.run(sql`UPDATE "Item" SET "amount" = ${row!.amount + 1} WHERE "id" = ${1}`);
          order.push(`${label} end`);
        });
      let t1Read!: () => void;
      const t1HasRead = new Promise<void>((r) => (t1Read = r));
      const t1 = bump("t1", async () => {
        t1Read();
        if (db.dialect !== "sqlite") await bothStarted;
        await tick(30);
      });
      await t1HasRead;
      await Promise.all([t1, bump("t2", async () => undefined), bump("t3", async () => undefined)]);
      if (db.dialect === "sqlite") {
        expect(order).toEqual(["t1 start", "t1 read", "t1 end", "t2 start", "t2 read", "t2 end", "t3 start", "t3 read", "t3 end"]);
      } else {
        // The others began while t1 held the row, and their FOR UPDATE read only after it had committed.
        expect(order.indexOf("t2 start")).toBeLessThan(order.indexOf("t1 end"));
        expect(order.indexOf("t3 start")).toBeLessThan(order.indexOf("t1 end"));
        expect(order.indexOf("t2 read")).toBeGreaterThan(order.indexOf("t1 end"));
        expect(order.indexOf("t3 read")).toBeGreaterThan(order.indexOf("t1 end"));
      }
      // Three read-then-write decisions, none lost.
      expect(await db.get(sql`SELECT "amount" FROM "Item" WHERE "id" = ${1}`)).toEqual({ amount: 3 });
    });

    it("inserts bound values through INSERT … SELECT … WHERE EXISTS (… FOR SHARE) ON CONFLICT DO NOTHING (the contest intake's statement)", async () => {
      await clear();
      await insert(db, 1, "open", 1);
      const at = new Date("2026-12-01T08:00:00.500Z");
      const guarded = (id: number, name: string, parent: number) =>
        db.transaction((tx) =>
          tx.run(sql`INSERT INTO "Item" ("id", "name", "amount", "flag", "at")
            SELECT ${typed(id, "integer")}, ${typed(name, "text")}, ${typed(2, "integer")}, ${typed(false, "boolean")}, ${typed(at, "timestamptz")}
            WHERE EXISTS (SELECT 1 FROM "Item" WHERE "id" = ${parent} AND "amount" = ${1}${forShare()})
            ON CONFLICT ("id") DO NOTHING`),
        );
      expect(await guarded(2, "written", 1)).toBe(1);
      expect(await guarded(2, "again", 1)).toBe(0); // the key is taken: nothing, no error
      expect(await guarded(3, "unguarded", 99)).toBe(0); // no such row: nothing
      expect(await db.get(sql`SELECT "id", "amount", "at" FROM "Item" WHERE "id" = ${2}`)).toEqual({ id: 2, amount: 2, at: storedTimestamp(at) });
      expect(await names()).toEqual(["open", "written"]);
    });

    it("rolls a savepoint back on its own and carries the transaction on", async () => {
      await clear();
      await db.transaction(async (tx) => {
        await insert(tx, 1, "before");
        await expect(
          tx.savepoint(async (sp) => {
            await insert(sp, 2, "inner");
            throw new Error("inner fails");
          }),
        ).rejects.toThrow("inner fails");
        // A statement that fails in a savepoint (PostgreSQL refuses every other after one, until rolled back to it).
        const refused = await tx.savepoint((sp) => insert(sp, 4, "before")).catch((e: unknown) => e);
        expect(isUniqueViolation(refused)).toBe(true);
        const second = await tx.savepoint(async (sp) => {
          await insert(sp, 3, "second");
          return 3;
        });
        expect(second).toBe(3);
      });
      expect(await names()).toEqual(["before", "second"]);
    });

    it("reports a unique key's refusal the same way, and withRetry rethrows one that stays", async () => {
      await clear();
      await insert(db, 1, "taken");
      const refusal = await insert(db, 2, "taken").catch((e: unknown) => e);
      expect(isUniqueViolation(refusal)).toBe(true);
      let attempts = 0;
      const retried = await withRetry(db, () =>
        db.transaction(async (tx) => {
          attempts++;
          await insert(tx, 3, "taken");
        }),
      ).catch((e: unknown) => e);
      expect(isUniqueViolation(retried)).toBe(true);
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(await withRetry(db, async () => "fine")).toBe("fine");
      // The connection is usable after the refusals.
      expect(await names()).toEqual(["taken"]);
    });

    it("refuses a statement on a transaction that has ended", async () => {
      const leaked: { tx?: Pick<SqlDb, "get"> } = {};
      await db.transaction(async (tx) => {
        leaked.tx = tx;
      });
      await expect(leaked.tx!.get(sql`SELECT 1 AS "one"`)).rejects.toThrow();
    });

    it("runs a read-only transaction", async () => {
      await clear();
      await insert(db, 1, "x");
      expect(await db.transaction(async (tx) => tx.all(sql`SELECT "name" FROM "Item"`), { readOnly: true })).toEqual([{ name: "x" }]);
    });
  });
}
