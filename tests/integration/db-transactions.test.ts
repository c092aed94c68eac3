import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testEngine } from "../support/engine";

// Prisma's better-sqlite3 adapter runs every query on one connection. Without a gate, a query of
// another request that arrives while an interactive transaction is open runs inside that transaction,
// and is rolled back with it: an answer acknowledged to one learner lost because another learner's
// transaction failed. The gate in app/.server/db.ts makes such queries wait for the transaction.
// On PostgreSQL (the integration-pg run) each query has a connection of its own from the pool: what a
// request may rely on holds there too (a write outside a rolled-back transaction is kept, a write waits
// for the row another transaction holds); what describes SQLite's one connection (a read waits for an
// open transaction, rawDb()'s synchronous writer) runs on SQLite only.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("db-tx") };
});
/**
 * A test of SQLite's one connection, which PostgreSQL's pool does not have: defined on SQLite only, so the
 * PostgreSQL run has no such test rather than a skipped one (`npm test`'s line counts what ran).
 */
function onSqliteOnly(name: string, fn: () => Promise<void>) {
  if (testEngine() === "sqlite") it(name, fn);
}
let db: typeof import("../../app/.server/db");
let sql: typeof import("../../app/.server/sql").sql;
let unitId: number;

beforeAll(async () => {
  unitId = testDb.factory.unit({ name: "党委", kind: "committee" }).id;
  db = await import("../../app/.server/db");
  ({ sql } = await import("../../app/.server/sql"));
});
afterAll(async () => {
  await testDb.remove();
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A promise the test resolves itself: when a transaction holds its write, rather than after a guessed delay (PostgreSQL's pool may still be connecting). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("interactive transactions and the queries of other requests", () => {
  it("keeps a write made outside a transaction that is rolled back meanwhile", async () => {
    const { prisma } = db;
    const failing = prisma
      .$transaction(async (tx) => {
        await tx.orgUnit.update({ where: { id: unitId }, data: { name: "改名（将回滚）" } });
        await tick(50); // another request's write lands now
        throw new Error("rollback");
      })
      .catch((e: Error) => e.message);
    await tick(10);
    const other = await prisma.orgUnit.create({ data: { name: "另一个请求写入的党支部", kind: "branch", parentId: unitId, path: "/x/", depth: 1 } });
    expect(await failing).toBe("rollback");
    expect(await prisma.orgUnit.findUnique({ where: { id: other.id }, select: { name: true } })).toEqual({ name: "另一个请求写入的党支部" });
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: unitId } })).name).toBe("党委");
  });

  onSqliteOnly("still runs transactions one after another, and reads wait for them", async () => {
    const { prisma } = db;
    const order: string[] = [];
    const t1 = prisma.$transaction(async (tx) => {
      order.push("t1 start");
      await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 1 } });
      await tick(30);
      order.push("t1 end");
    });
    await tick(5);
    const read = prisma.orgUnit.findUniqueOrThrow({ where: { id: unitId }, select: { sortOrder: true } }).then((u) => {
      order.push(`read ${u.sortOrder}`);
    });
    const t2 = prisma.$transaction(async (tx) => {
      order.push("t2 start");
      await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 99 } }); // only ever seen inside t2
      await tick(10);
      await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 2 } });
      order.push("t2 end");
    });
    await Promise.all([t1, read, t2]);
    expect(order.slice(0, 2)).toEqual(["t1 start", "t1 end"]);
    // The read saw what t1 or t2 committed, never a half-done transaction (99) nor the value before t1.
    // Which of the two it saw is the order the read and t2 passed the gate in once t1 had ended.
    expect(order.filter((o) => o.startsWith("read"))).toEqual([expect.stringMatching(/^read (1|2)$/)]);
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: unitId } })).sortOrder).toBe(2);
  });

  it("keeps a write made outside out of the second of two transactions begun together", async () => {
    const { prisma } = db;
    // Both pass the gate in the same tick; the adapter runs the second after the first. The gate must
    // count both as open, not forget the second when the first commits.
    const [first, second] = [
      prisma.$transaction(async (tx) => {
        await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 50 } });
      }),
      prisma
        .$transaction(async (tx) => {
          await tx.orgUnit.update({ where: { id: unitId }, data: { name: "改名（将回滚）" } });
          await tick(60);
          throw new Error("rollback");
        })
        .catch((e: Error) => e.message),
    ];
    await first;
    await tick(10); // the second is open now
    const other = await prisma.orgUnit.create({ data: { name: "两个事务之间写入的党支部", kind: "branch", parentId: unitId, path: "/y/", depth: 1 } });
    expect(await second).toBe("rollback");
    expect(await prisma.orgUnit.findUnique({ where: { id: other.id }, select: { name: true } })).toEqual({ name: "两个事务之间写入的党支部" });
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: unitId } })).name).toBe("党委");
  });

  onSqliteOnly("lets a raw writer wait for an open transaction instead of blocking the server until busy_timeout", async () => {
    const { prisma, prismaIdle, rawDb } = db;
    const order: string[] = [];
    const t = prisma.$transaction(async (tx) => {
      await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 7 } }); // holds the write lock now
      await tick(30);
      order.push("transaction committed");
    });
    await tick(5);
    await prismaIdle();
    rawDb().prepare("UPDATE OrgUnit SET sortOrder = sortOrder + 1 WHERE id = ?").run(unitId);
    order.push("raw write");
    await t;
    expect(order).toEqual(["transaction committed", "raw write"]);
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: unitId } })).sortOrder).toBe(8);
  });
});

// The async interface's transactions on the raw connection (decision 074) can await between their
// statements, holding SQLite's write lock meanwhile: Prisma's connection must take turns with them.
describe("raw transactions of the async interface and Prisma's connection", () => {
  const sortOrder = async () => (await db.prisma.orgUnit.findUniqueOrThrow({ where: { id: unitId }, select: { sortOrder: true } })).sortOrder;

  it("holds a Prisma write while a raw transaction is open, instead of failing it after busy_timeout", async () => {
    const { prisma, sqlDb } = db;
    const order: string[] = [];
    const held = signal();
    const t = sqlDb().transaction(async (tx) => {
      await tx.run(sql`UPDATE "OrgUnit" SET "sortOrder" = ${20} WHERE "id" = ${unitId}`); // holds the write lock now
      held.resolve();
      await tick(50);
      order.push("raw transaction committed");
    });
    await held.promise;
    await prisma.orgUnit.update({ where: { id: unitId }, data: { sortOrder: { increment: 1 } } });
    order.push("prisma write");
    await t;
    expect(order).toEqual(["raw transaction committed", "prisma write"]);
    expect(await sortOrder()).toBe(21);
  });

  it("begins a raw transaction only after Prisma's open one has ended", async () => {
    const { prisma, sqlDb } = db;
    const order: string[] = [];
    const held = signal();
    const t = prisma.$transaction(async (tx) => {
      await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 30 } });
      held.resolve();
      await tick(40);
      order.push("prisma transaction committed");
    });
    await held.promise;
    await sqlDb().transaction(async (tx) => {
      await tx.run(sql`UPDATE "OrgUnit" SET "sortOrder" = "sortOrder" + 1 WHERE "id" = ${unitId}`);
      order.push("raw transaction");
    });
    await t;
    expect(order).toEqual(["prisma transaction committed", "raw transaction"]);
    expect(await sortOrder()).toBe(31);
  });

  onSqliteOnly("lets no raw transaction begin between a Prisma write passing the gate and running", async () => {
    // A Prisma write waits at the gate for an open raw transaction, and a second raw transaction waits
    // behind that one. When the first commits, both go on: the gate's check and its count must be one
    // synchronous step, or the second raw transaction begins in the moment between them and holds the
    // write lock while Prisma's write waits for it inside SQLite, the event loop stopped, until
    // busy_timeout fails it (seen as sign-ins failing with "Operation has timed out").
    const { prisma, sqlDb } = db;
    const before = await sortOrder();
    const held = signal();
    const go = signal();
    const first = sqlDb().transaction(async (tx) => {
      await tx.run(sql`UPDATE "OrgUnit" SET "sortOrder" = "sortOrder" + 1 WHERE "id" = ${unitId}`);
      held.resolve();
      await go.promise;
    });
    await held.promise;
    const write = prisma.orgUnit.update({ where: { id: unitId }, data: { sortOrder: { increment: 1 } } });
    const second = sqlDb().transaction((tx) => tx.run(sql`UPDATE "OrgUnit" SET "sortOrder" = "sortOrder" + 1 WHERE "id" = ${unitId}`));
    // Time for the write to come to its wait (it waits inside Prisma's client, where no gauge sees it).
    // On a machine so loaded that it has not, the test passes without meeting the moment it is about.
    await tick(100);
    go.resolve();
    await Promise.all([first, write, second]);
    expect(await sortOrder()).toBe(before + 3);
  });

  onSqliteOnly("makes a synchronous raw writer's prismaIdle() wait for an open raw transaction", async () => {
    const { prismaIdle, rawDb, sqlDb } = db;
    const order: string[] = [];
    const t = sqlDb().transaction(async (tx) => {
      await tx.run(sql`UPDATE "OrgUnit" SET "sortOrder" = ${40} WHERE "id" = ${unitId}`);
      await tick(30);
      order.push("raw transaction committed");
    });
    await tick(5);
    await prismaIdle();
    rawDb().prepare("UPDATE OrgUnit SET sortOrder = sortOrder + 1 WHERE id = ?").run(unitId);
    order.push("synchronous write");
    await t;
    expect(order).toEqual(["raw transaction committed", "synchronous write"]);
    expect(await sortOrder()).toBe(41);
  });
});
