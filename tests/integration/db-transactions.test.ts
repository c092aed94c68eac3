import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openFactory } from "../factories";
import { TEMPLATE_DB } from "../support/paths";

// Prisma's better-sqlite3 adapter runs every query on one connection. Without a gate, a query of
// another request that arrives while an interactive transaction is open runs inside that transaction,
// and is rolled back with it: an answer acknowledged to one learner lost because another learner's
// transaction failed. The gate in app/.server/db.ts makes such queries wait for the transaction.

const { dbFile } = vi.hoisted(() => {
  const dbFile = `${process.cwd()}/tests/.tmp/db-tx-${process.pid}-${Date.now()}.db`;
  process.env.DATABASE_URL = `file:${dbFile}`;
  return { dbFile };
});
let db: typeof import("../../app/.server/db");
let sql: typeof import("../../app/.server/sql").sql;
let unitId: number;

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  const f = openFactory(dbFile);
  unitId = f.unit({ name: "党委", kind: "committee" }).id;
  f.close();
  db = await import("../../app/.server/db");
  ({ sql } = await import("../../app/.server/sql"));
});
afterAll(async () => {
  await db.prisma.$disconnect();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  it("still runs transactions one after another, and reads wait for them", async () => {
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
      await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 2 } });
      order.push("t2 end");
    });
    await Promise.all([t1, read, t2]);
    expect(order.slice(0, 2)).toEqual(["t1 start", "t1 end"]);
    // The read saw the committed value of t1, never a half-done transaction.
    expect(order).toContain("read 1");
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

  it("lets a raw writer wait for an open transaction instead of blocking the server until busy_timeout", async () => {
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
    const t = sqlDb().transaction(async (tx) => {
      await tx.run(sql`UPDATE "OrgUnit" SET "sortOrder" = ${20} WHERE "id" = ${unitId}`); // holds the write lock now
      await tick(50);
      order.push("raw transaction committed");
    });
    await tick(5);
    await prisma.orgUnit.update({ where: { id: unitId }, data: { sortOrder: { increment: 1 } } });
    order.push("prisma write");
    await t;
    expect(order).toEqual(["raw transaction committed", "prisma write"]);
    expect(await sortOrder()).toBe(21);
  });

  it("begins a raw transaction only after Prisma's open one has ended", async () => {
    const { prisma, sqlDb } = db;
    const order: string[] = [];
    const t = prisma.$transaction(async (tx) => {
      await tx.orgUnit.update({ where: { id: unitId }, data: { sortOrder: 30 } });
      await tick(40);
      order.push("prisma transaction committed");
    });
    await tick(5);
    await sqlDb().transaction(async (tx) => {
      await tx.run(sql`UPDATE "OrgUnit" SET "sortOrder" = "sortOrder" + 1 WHERE "id" = ${unitId}`);
      order.push("raw transaction");
    });
    await t;
    expect(order).toEqual(["prisma transaction committed", "raw transaction"]);
    expect(await sortOrder()).toBe(31);
  });

  it("makes a synchronous raw writer's prismaIdle() wait for an open raw transaction", async () => {
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
