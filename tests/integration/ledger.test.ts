import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ledgerMonth, ledgerYear } from "~/lib/hours";

// The hours ledger on a real database (SQLite, or PostgreSQL in the integration-pg run): a source
// credits a person once, reversals are entries of their own.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("ledger") };
});
let ledger: typeof import("../../app/.server/hours/ledger");
let personId: number;
let approverId: number;

beforeAll(async () => {
  const f = testDb.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  personId = f.person({ number: "P1", name: "甲", unitId: root.id, politicalStatus: "member" });
  approverId = f.person({ number: "P2", name: "乙", unitId: root.id, politicalStatus: "member" });
  ledger = await import("../../app/.server/hours/ledger");
});

/** The year and month stored for an entry, read from the database as a person can't. */
function stored(sourceKind: string, sourceId: string) {
  return testDb.db
    .prepare(`SELECT "year", "month" FROM "HoursEntry" WHERE "personId" = ? AND "sourceKind" = ? AND "sourceId" = ?`)
    .get(personId, sourceKind, sourceId);
}

/** How many entries the person has in a year, the entry and its reversal alike. */
function entriesIn(year: number): number {
  return (testDb.db.prepare(`SELECT COUNT(*) AS n FROM "HoursEntry" WHERE "personId" = ? AND "year" = ?`).get(personId, year) as { n: number }).n;
}

afterAll(async () => {
  await testDb.remove();
});

describe("hours ledger", () => {
  it("credits a source once, however often and however concurrently it is asked", async () => {
    const input = { personId, amount: 50, category: "online" as const, sourceKind: "lesson", sourceId: "course-1/lesson-1" };
    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.creditHours(input)));
    expect(results.filter((r) => r.status === "credited")).toHaveLength(1);
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    const year = ledgerYear(new Date());
    expect((await ledger.hoursForYear(personId, year)).total).toBe(50);
  });

  it("counts hours in the Chinese calendar year they were earned in", async () => {
    // 2026-12-31 17:00 UTC is 2027-01-01 01:00 in Beijing.
    expect(ledgerYear(new Date("2026-12-31T17:00:00Z"))).toBe(2027);
    expect(ledgerYear(new Date("2026-12-31T15:59:00Z"))).toBe(2026);
    await ledger.creditHours({
      personId,
      amount: 100,
      category: "offline",
      sourceKind: "activity",
      sourceId: "new-year",
      earnedAt: new Date("2026-12-31T17:00:00Z"),
    });
    expect((await ledger.hoursForYear(personId, 2027)).total).toBe(100);
    // ...and in its month there, the one the dashboards' trend shows it under.
    expect(ledgerMonth(new Date("2026-12-31T17:00:00Z"))).toBe(1);
    expect(ledgerMonth(new Date("2026-12-31T15:59:00Z"))).toBe(12);
    expect(stored("activity", "new-year")).toEqual({ year: 2027, month: 1 });
  });

  it("reverses an entry with an entry of its own, once", async () => {
    const credited = await ledger.creditHours({
      personId,
      amount: 400,
      category: "party_school",
      sourceKind: "session",
      sourceId: "s-1",
      earnedAt: new Date("2025-06-01T00:00:00Z"),
    });
    expect((await ledger.hoursForYear(personId, 2025)).total).toBe(400);
    await ledger.reverseEntry(approverId, credited.entryId, "签到有误");
    const after = await ledger.hoursForYear(personId, 2025);
    expect(after.total).toBe(0);
    expect(entriesIn(2025)).toBe(2);
    // The reversal counts in the same year and month as the entry it cancels.
    expect(stored("reversal", String(credited.entryId))).toEqual({ year: 2025, month: 6 });
    await expect(ledger.reverseEntry(approverId, credited.entryId, "再次")).rejects.toThrow("已冲销");
    await expect(ledger.reverseEntry(approverId, credited.entryId, " ")).rejects.toThrow("冲销原因");
  });

  it("refuses amounts that are not positive whole hundredths", async () => {
    const base = { personId, category: "online" as const, sourceKind: "lesson", sourceId: "x" };
    await expect(ledger.creditHours({ ...base, amount: 0 })).rejects.toThrow("学时必须为正数");
    await expect(ledger.creditHours({ ...base, amount: -25 })).rejects.toThrow("学时必须为正数");
    await expect(ledger.creditHours({ ...base, amount: 0.5 })).rejects.toThrow("学时必须为正数");
    await expect(ledger.creditHours({ ...base, amount: 25, sourceKind: "reversal" })).rejects.toThrow("来源无效");
  });
});
