import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemoUniversity } from "../../prisma/seed";
import { seedDemoHistory } from "../../prisma/seed-history";
import { seedDemoMeetings } from "../../prisma/seed-meetings";
import { syncContentIntoFile } from "../../scripts/lib/content-sync";
import { storedTimestamp } from "../../app/lib/timestamp";
import { type DemoSeedFile, seedAsStartDoes } from "../support/demo-seed";
import { ROOT } from "../support/paths";

// The demo's meetings recorded whole (decision 056), written on the year of history as `npm start`
// writes them: every held meeting has its record, 补学 done is credited once and only to people who
// were absent, the coming weeks are planned, and a second run writes nothing. On PostgreSQL the demo is
// seeded into a SQLite file and moved in, as a first start there does (tests/support/demo-seed.ts).

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const dataDir = `${process.cwd()}/tests/.tmp/seed-meetings-data-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dataDir;
  return { testDb: await inProcessDatabase("seed-meetings"), dataDir };
});

const NOW = new Date("2026-11-23T04:00:00Z");
const db = testDb.db;
let demo: DemoSeedFile | undefined;
let summary: string | null;

beforeAll(async () => {
  demo = await seedAsStartDoes(testDb, async (file) => {
    await seedDemoUniversity(file);
    // The history needs the banks and courses, synced as `npm start` syncs them.
    await syncContentIntoFile(file, ROOT);
    expect(seedDemoHistory(file, NOW)).not.toBeNull();
    summary = seedDemoMeetings(file, NOW);
  });
}, 120_000);
afterAll(async () => {
  demo?.remove();
  await testDb.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const count = (q: string, ...args: unknown[]) => (db.prepare(q).get(...args) as { n: number }).n;

describe("demo meetings", () => {
  it("records every held meeting, once", () => {
    expect(summary).toMatch(/份会议纪要、\d+ 条请假、\d+ 项补学、\d+ 次计划中的会议，\d+ ms$/);
    expect(
      count(
        "SELECT COUNT(*) AS n FROM Activity WHERE status = 'confirmed' AND kind <> 'party_school' AND (minutes IS NULL OR agenda IS NULL OR place IS NULL)",
      ),
    ).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM Activity WHERE status = 'confirmed' AND kind <> 'party_school'")).toBeGreaterThan(100);
    // A second run on the seed's file (a restart on one machine) writes nothing.
    expect(seedDemoMeetings(demo!.file, NOW)).toBeNull();
  });

  it("gives leave and 补学 only to the absent, and credits each 补学 done once", () => {
    expect(count("SELECT COUNT(*) AS n FROM ActivityLeave WHERE status = 'approved'")).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) AS n FROM ActivityLeave WHERE status = 'pending'")).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) AS n FROM ActivityMakeup WHERE completedAt IS NULL")).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) AS n FROM ActivityMakeup WHERE completedAt IS NOT NULL")).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) AS n FROM ActivityMakeup m JOIN ActivityAttendance t ON t.activityId = m.activityId AND t.personId = m.personId")).toBe(0);
    const credits = db
      .prepare(
        `SELECT m.completedAt IS NOT NULL AS done, (SELECT COUNT(*) FROM HoursEntry h WHERE h.personId = m.personId AND h.sourceKind = 'activity'
           AND h.sourceId = CAST(m.activityId AS TEXT)) AS entries FROM ActivityMakeup m`,
      )
      .all() as { done: number; entries: number }[];
    expect(credits.every((c) => c.entries === (c.done ? 1 : 0))).toBe(true);
  });

  it("plans the coming weeks of the demo branches", () => {
    // After NOW as the timestamp text rows hold (decision 074): SQLite held every text greater than a number.
    const after = storedTimestamp(NOW);
    expect(count("SELECT COUNT(*) AS n FROM Activity WHERE status = 'open' AND startsAt > ? AND agenda IS NOT NULL", after)).toBeGreaterThanOrEqual(3);
    // The demo seed's coming 主题党日 (seed-todo.ts) is given its place and agenda, not planned a second time.
    expect(count("SELECT COUNT(*) AS n FROM Activity WHERE status = 'open' AND startsAt > ? AND kind <> 'party_school' AND place IS NULL", after)).toBe(0);
    expect(
      count(
        "SELECT COALESCE(MAX(c), 0) AS n FROM (SELECT COUNT(*) AS c FROM Activity WHERE status = 'open' AND kind = 'theme_day' AND startsAt > ? GROUP BY unitId) AS units",
        after,
      ),
    ).toBe(1);
  });
});
