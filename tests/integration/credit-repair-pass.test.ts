import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openCourseFactory } from "../course-factories";
import { allowConsoleError } from "../setup/console";
import { testEngine } from "../support/engine";

// The credit repair's walk on a real database (decision 034; SQLite, or PostgreSQL in the integration-pg
// run): a table larger than one slice is walked to its end across calls, a pass starts again only ten
// minutes after the previous one began, and a credit that still fails is left for the next pass while
// the rest of the pass goes on.
// credit-repair.test.ts shows the repair through the real server; this file drives the module itself.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("credit-repair-pass") };
});

const PEOPLE = 1_100; // two lessons each: 2,200 completions, more than one slice of 2,000
const MINUTES = 60_000;
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");
const f = testDb.factory;
let repairModule: typeof import("../../app/.server/credit-repair");
const people: number[] = [];
const lessons: number[] = [];

beforeAll(async () => {
  const root = f.unit({ name: "党委", kind: "committee" });
  const cf = openCourseFactory(f.db);
  const course = cf.course({ slug: "pass", unitId: root.id });
  lessons.push(
    cf.lesson({ courseId: course, key: "a", position: 1, credit: 25, minutes: 1 }),
    cf.lesson({ courseId: course, key: "b", position: 2, credit: 50, minutes: 1 }),
  );
  const completed = ts(new Date(Date.now() - 60 * MINUTES));
  const progress = f.db.prepare("INSERT INTO LessonProgress (personId, lessonId, readSeconds, completedAt, createdAt, updatedAt) VALUES (?, ?, 60, ?, ?, ?)");
  const entry = f.db.prepare(
    "INSERT INTO HoursEntry (personId, year, month, amount, category, sourceKind, sourceId, earnedAt, createdAt) VALUES (?, 2026, 1, 25, 'online', 'lesson', ?, ?, ?)",
  );
  f.transaction(() => {
    for (let i = 0; i < PEOPLE; i++) {
      const id = f.person({ number: `p${i}`, name: `学员${i}`, unitId: root.id, politicalStatus: "member" });
      people.push(id);
      for (const lessonId of lessons) {
        progress.run(id, lessonId, completed, completed, completed);
        // Every completion has its credit except two: the first person's first lesson and the last person's last.
        const missing = (i === 0 && lessonId === lessons[0]) || (i === PEOPLE - 1 && lessonId === lessons[1]);
        if (!missing) entry.run(id, String(lessonId), completed, completed);
      }
    }
  });
  repairModule = await import("../../app/.server/credit-repair");
});

afterAll(async () => {
  await testDb.remove();
});

const entries = (personId: number, lessonId: number) =>
  f.db.prepare("SELECT amount FROM HoursEntry WHERE personId = ? AND sourceKind = 'lesson' AND sourceId = ?").all(personId, String(lessonId));
const repairs = () => (f.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'hours.repair'").get() as { n: number }).n;

/** Makes every ledger entry for the person fail, as a database error would: a trigger, in each engine's own words. */
function failLedgerFor(personId: number) {
  if (testEngine() === "postgres")
    f.db.exec(
      `CREATE FUNCTION "fail_last"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated ledger failure'; END $$;
       CREATE TRIGGER "fail_last" BEFORE INSERT ON "HoursEntry" FOR EACH ROW WHEN (NEW."personId" = ${personId}) EXECUTE FUNCTION "fail_last"()`,
    );
  else
    f.db.exec(
      `CREATE TRIGGER "fail_last" BEFORE INSERT ON "HoursEntry" WHEN NEW."personId" = ${personId} BEGIN SELECT RAISE(ABORT, 'simulated ledger failure'); END`,
    );
}

function stopFailingLedger() {
  f.db.exec(testEngine() === "postgres" ? `DROP TRIGGER "fail_last" ON "HoursEntry"; DROP FUNCTION "fail_last"()` : `DROP TRIGGER "fail_last"`);
}

/** Runs a whole pass as the sweeper does, in small time slices, at the given clock. */
async function wholePass(repair: InstanceType<typeof repairModule.CreditRepair>, now: number) {
  let made = await repair.run(1, now);
  while (repair.walking) made += await repair.run(1, now);
  return made;
}

describe("the credit repair's pass", () => {
  it("walks past the first slice, leaves a credit that still fails for the next pass, and starts a pass only every ten minutes", async () => {
    const repair = new repairModule.CreditRepair();
    const t0 = Date.now();
    const last = people[PEOPLE - 1];
    failLedgerFor(last);
    allowConsoleError();
    // The setup's spy on console.error, silenced: the failure is expected, and checked below.
    const error = vi.mocked(console.error).mockImplementation(() => {});
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    process.env.LOG_FORMAT = "json";

    expect(await wholePass(repair, t0)).toBe(1);
    expect(entries(people[0], lessons[0])).toEqual([{ amount: 25 }]);
    expect(entries(last, lessons[1])).toEqual([]);
    // The server's logger (ops/log.ts) prints one JSON line a call here (LOG_FORMAT=json, set above).
    const msg = (c: unknown[]) => (JSON.parse(String(c[0])) as { msg: string }).msg;
    expect(info).toHaveBeenCalledTimes(1);
    expect(msg(info.mock.calls[0])).toContain(`lesson ${lessons[0]} to person ${people[0]}`);
    expect(error.mock.calls.map(msg)).toEqual([`credit repair (lesson ${lessons[1]}, person ${last}) failed`]);
    stopFailingLedger();

    // Within ten minutes of the last start nothing runs; then a new pass credits what failed, once.
    expect(await repair.run(1_000, t0 + 9 * MINUTES)).toBe(0);
    expect(repair.walking).toBeNull();
    expect(entries(last, lessons[1])).toEqual([]);
    expect(await wholePass(repair, t0 + 10 * MINUTES)).toBe(1);
    // The rule's amount, from the lesson as it is (the row past the first slice of 2,000).
    expect(entries(last, lessons[1])).toEqual([{ amount: 50 }]);
    expect(await wholePass(repair, t0 + 20 * MINUTES)).toBe(0);
    expect(repairs()).toBe(2);
    info.mockRestore();
    delete process.env.LOG_FORMAT;
  });
});
