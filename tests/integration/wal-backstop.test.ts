import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testEngine } from "../support/engine";

// Decision 092: a serving process's two connections to the SQLite file (the raw one and Prisma's) leave
// the WAL's checkpoints to the thread and checkpoint themselves only past the backstop; on PostgreSQL
// the call touches nothing.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("wal-backstop") };
});
let db: typeof import("../../app/.server/db");
let BACKSTOP_PAGES: number;

beforeAll(async () => {
  db = await import("../../app/.server/db");
  ({ BACKSTOP_PAGES } = await import("../../app/.server/wal-checkpoints"));
  await db.prismaReady();
});

afterAll(async () => {
  await testDb.remove();
});

describe("checkpointOnlyAsBackstop", () => {
  it("sets both of the process's connections to checkpoint only past the backstop (SQLite), and touches nothing on PostgreSQL", async () => {
    if (testEngine() === "postgres") {
      await expect(db.checkpointOnlyAsBackstop()).resolves.toBeUndefined();
      return;
    }
    const prismaSetting = async () =>
      Number((await db.prisma.$queryRawUnsafe<{ wal_autocheckpoint: number | bigint }[]>("PRAGMA wal_autocheckpoint"))[0].wal_autocheckpoint);
    // SQLite's default before.
    expect(db.rawDb().pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    expect(await prismaSetting()).toBe(1000);
    await db.checkpointOnlyAsBackstop();
    expect(db.rawDb().pragma("wal_autocheckpoint", { simple: true })).toBe(BACKSTOP_PAGES);
    expect(await prismaSetting()).toBe(BACKSTOP_PAGES);
  });
});
