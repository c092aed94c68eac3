import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { all, forUpdate, render, run, sql, withRetry } from "~/.server/sql";
import { SqliteSqlDb, writeLockWaits } from "~/.server/sql-sqlite";
import { describeSqlDbConformance } from "../support/sql-db-conformance";

// The better-sqlite3 backend of the async SQL interface against the shared contract, on a file of its own.

describeSqlDbConformance("better-sqlite3", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sql-db-"));
  const database = new Database(path.join(dir, "conformance.db"));
  database.pragma("journal_mode = WAL");
  return {
    db: new SqliteSqlDb(database),
    close: async () => {
      database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("forUpdate", () => {
  it("renders FOR UPDATE on PostgreSQL and nothing on SQLite", () => {
    const stmt = sql`SELECT "id" FROM "ContestEntry" WHERE "id" = ${4}${forUpdate()}`;
    expect(render(stmt)).toEqual({ text: `SELECT "id" FROM "ContestEntry" WHERE "id" = ?`, values: [4] });
    expect(render(stmt, "postgres")).toEqual({ text: `SELECT "id" FROM "ContestEntry" WHERE "id" = $1 FOR UPDATE`, values: [4] });
  });
});

describe("turns with the other connection", () => {
  it("begins a transaction only when the other connection is quiet, and writes outside only then", async () => {
    const database = new Database(":memory:");
    let quiet = false;
    let wake!: () => void;
    const quietNow = new Promise<void>((r) => (wake = r));
    const db = new SqliteSqlDb(database, { isQuiet: () => quiet, quiet: () => quietNow, isIdle: () => quiet, idle: () => quietNow });
    await db.all(sql`SELECT 1 AS "one"`); // a read does not wait
    const order: string[] = [];
    const t = db.transaction(async () => void order.push("transaction"));
    const w = db.run(sql`CREATE TABLE "T" ("x" INTEGER)`).then(() => order.push("write"));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    expect(db.holdsOthers()).toBe(true); // the other connection's gate holds its statements meanwhile
    expect(await db.all(sql`SELECT 2 AS "two"`)).toEqual([{ two: 2 }]); // a read here still goes on
    quiet = true;
    wake();
    await Promise.all([t, w]);
    expect(order.sort()).toEqual(["transaction", "write"]);
    expect(db.holdsOthers()).toBe(false);
    database.close();
  });
});

describe("another process's write lock", () => {
  /** Two connections on one file, as two processes have: `other` stands for the other process. */
  function twoConnections(busyMs: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sql-db-lock-"));
    const file = path.join(dir, "locks.db");
    const other = new Database(file);
    other.pragma("journal_mode = WAL");
    other.exec(`CREATE TABLE "T" ("x" INTEGER)`);
    const mine = new Database(file, { timeout: busyMs });
    return {
      other,
      mine,
      db: new SqliteSqlDb(mine),
      close() {
        if (other.inTransaction) other.exec("ROLLBACK");
        other.close();
        mine.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  /** The waits `#beginImmediate` reports for /metrics (seconds) while `work` runs. */
  async function waitsReported<T>(work: () => Promise<T>): Promise<{ value: T; waits: number[] }> {
    const waits: number[] = [];
    const before = writeLockWaits.observe;
    writeLockWaits.observe = (s) => waits.push(s);
    try {
      return { value: await work(), waits };
    } finally {
      writeLockWaits.observe = before;
    }
  }
  /** Counts the turns of the event loop while `work` runs: 0 when something held the thread. */
  async function ticksDuring<T>(work: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; ticks: number }> {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const result = await Promise.allSettled([work()]);
    clearInterval(timer);
    return { result: result[0], ticks };
  }

  it("waits for it with the event loop free, and begins once it is released", async () => {
    const c = twoConnections(5000);
    try {
      c.other.exec("BEGIN IMMEDIATE");
      c.other.exec(`INSERT INTO "T" ("x") VALUES (1)`);
      setTimeout(() => c.other.exec("COMMIT"), 100);
      const {
        value: { result, ticks },
        waits,
      } = await waitsReported(() =>
        ticksDuring(() =>
          c.db.transaction(async (tx) => {
            await tx.run(sql`INSERT INTO "T" ("x") VALUES (${2})`);
            return tx.all<{ x: number }>(sql`SELECT "x" FROM "T" ORDER BY "x"`);
          }),
        ),
      );
      expect(result).toEqual({ status: "fulfilled", value: [{ x: 1 }, { x: 2 }] });
      // /metrics hears of the wait once, with its length.
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(0.09);
      expect(ticks).toBeGreaterThanOrEqual(5);
      expect(c.mine.pragma("busy_timeout", { simple: true })).toBe(5000);
    } finally {
      c.close();
    }
  });

  it("gives up with SQLITE_BUSY after the connection's busy_timeout, as SQLite's own wait did, and keeps the timeout", async () => {
    const c = twoConnections(300);
    try {
      c.other.exec("BEGIN IMMEDIATE");
      const t0 = performance.now();
      const {
        value: { result, ticks },
        waits,
      } = await waitsReported(() => ticksDuring(() => c.db.transaction(async (tx) => tx.run(sql`INSERT INTO "T" ("x") VALUES (${3})`))));
      expect(result.status).toBe("rejected");
      // The wait that gave up is reported too: the longest kind, which an operator most needs to see.
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(0.29);
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: "SQLITE_BUSY" });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(c.mine.pragma("busy_timeout", { simple: true })).toBe(300);
      expect(c.mine.inTransaction).toBe(false);
      c.other.exec("ROLLBACK");
      await c.db.transaction(async (tx) => tx.run(sql`INSERT INTO "T" ("x") VALUES (${4})`));
      expect(c.other.prepare(`SELECT "x" FROM "T"`).all()).toEqual([{ x: 4 }]);
    } finally {
      c.close();
    }
  });
});

describe("the synchronous functions beside it", () => {
  it("refuse a write while a transaction of the async interface is open on the connection, rather than join it", async () => {
    const database = new Database(":memory:");
    const db = new SqliteSqlDb(database);
    await db.run(sql`CREATE TABLE "T" ("x" INTEGER)`);
    let refused: unknown;
    await db
      .transaction(async (tx) => {
        await tx.run(sql`INSERT INTO "T" ("x") VALUES (${1})`);
        try {
          run(database, sql`INSERT INTO "T" ("x") VALUES (${2})`);
        } catch (e) {
          refused = e;
        }
        expect(all(database, sql`SELECT "x" FROM "T"`)).toEqual([{ x: 1 }]); // a read goes on, as it always did
        throw new Error("rollback");
      })
      .catch(() => undefined);
    expect(refused).toBeInstanceOf(Error);
    run(database, sql`INSERT INTO "T" ("x") VALUES (${3})`);
    expect(all(database, sql`SELECT "x" FROM "T"`)).toEqual([{ x: 3 }]);
    database.close();
  });
});

describe("withRetry", () => {
  const failing = (codes: string[]) => {
    let calls = 0;
    return {
      calls: () => calls,
      attempt: async () => {
        const code = codes[calls++];
        if (code) throw Object.assign(new Error(code), { code });
        return "done";
      },
    };
  };

  it("runs a PostgreSQL transaction again after a deadlock, a serialization failure or a unique-key race, three times at most", async () => {
    const once = failing(["40P01", "23505"]);
    expect(await withRetry({ dialect: "postgres" }, once.attempt)).toBe("done");
    expect(once.calls()).toBe(3);
    const always = failing(["40001", "40001", "40001", "40001"]);
    await expect(withRetry({ dialect: "postgres" }, always.attempt)).rejects.toThrow("40001");
    expect(always.calls()).toBe(3);
    const other = failing(["23503"]);
    await expect(withRetry({ dialect: "postgres" }, other.attempt)).rejects.toThrow("23503");
    expect(other.calls()).toBe(1);
  });

  it("runs once on SQLite, where transactions cannot race", async () => {
    const once = failing(["SQLITE_CONSTRAINT_UNIQUE"]);
    await expect(withRetry({ dialect: "sqlite" }, once.attempt)).rejects.toThrow("SQLITE_CONSTRAINT_UNIQUE");
    expect(once.calls()).toBe(1);
  });
});
