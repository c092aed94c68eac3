import fs from "node:fs";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemoUniversity } from "../../prisma/seed";
import { seedDemoHistory } from "../../prisma/seed-history";
import { seedDemoMeetings } from "../../prisma/seed-meetings";
import { syncContentIntoFile } from "../../scripts/lib/content-sync";
import { ROOT, TEMPLATE_DB } from "../support/paths";

// The demo's meetings recorded whole (decision 056), written on the year of history as `npm start`
// writes them: every held meeting has its record, 补学 done is credited once and only to people who
// were absent, the coming weeks are planned, and a second run writes nothing.

const { dbFile, dataDir } = vi.hoisted(() => {
  const stamp = `${process.pid}-${Date.now()}`;
  const dbFile = `${process.cwd()}/tests/.tmp/seed-meetings-${stamp}.db`;
  const dataDir = `${process.cwd()}/tests/.tmp/seed-meetings-data-${stamp}`;
  process.env.DATABASE_URL = `file:${dbFile}`;
  process.env.DATA_DIR = dataDir;
  return { dbFile, dataDir };
});

const NOW = new Date("2026-11-23T04:00:00Z");
let db: Database.Database;
let summary: string | null;

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  await seedDemoUniversity(dbFile);
  // The history needs the banks and courses, synced as `npm start` syncs them.
  await syncContentIntoFile(dbFile, ROOT);
  expect(seedDemoHistory(dbFile, NOW)).not.toBeNull();
  summary = seedDemoMeetings(dbFile, NOW);
  db = new Database(dbFile, { readonly: true });
}, 120_000);
afterAll(() => {
  db?.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
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
    expect(seedDemoMeetings(dbFile, NOW)).toBeNull();
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
    expect(count("SELECT COUNT(*) AS n FROM Activity WHERE status = 'open' AND startsAt > ? AND agenda IS NOT NULL", NOW.getTime())).toBeGreaterThanOrEqual(3);
    // The demo seed's coming 主题党日 (seed-todo.ts) is given its place and agenda, not planned a second time.
    expect(count("SELECT COUNT(*) AS n FROM Activity WHERE status = 'open' AND startsAt > ? AND kind <> 'party_school' AND place IS NULL", NOW.getTime())).toBe(
      0,
    );
    expect(
      count(
        "SELECT COALESCE(MAX(c), 0) AS n FROM (SELECT COUNT(*) AS c FROM Activity WHERE status = 'open' AND kind = 'theme_day' AND startsAt > ? GROUP BY unitId)",
        NOW.getTime(),
      ),
    ).toBe(1);
  });
});
