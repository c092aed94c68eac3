import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";

// A development-file step due early next month is reminded at its lead time (decision 059), not from
// the 1st: the pipeline source lists as far ahead as the longest pipeline lead reaches, the rule pack's
// if it sets one. The scheduler runs with its clock on a real database (SQLite, or PostgreSQL in the
// integration-pg run) and writes through notify().

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb, packDir, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const stamp = `${process.pid}-${Date.now()}`;
  return {
    testDb: await inProcessDatabase("reminders-pipeline"),
    packDir: `${process.cwd()}/tests/.tmp/reminder-pipeline-packs-${stamp}`,
    dataDir: `${process.cwd()}/tests/.tmp/reminder-pipeline-data-${stamp}`,
  };
});

/** A Beijing wall-clock time as an instant. */
const beijing = (s: string) => new Date(`${s}+08:00`);

const f = testDb.factory;
let sched: typeof import("../../app/.server/reminders/scheduler");
let applicant: number;

beforeAll(async () => {
  // The shipped pack, and one the school may choose whose development-file reminder comes two weeks ahead.
  fs.mkdirSync(packDir, { recursive: true });
  const shipped = fs.readFileSync("content/rule-packs/cpc-2019.yaml", "utf8");
  fs.writeFileSync(`${packDir}/cpc-2019.yaml`, shipped);
  fs.writeFileSync(
    `${packDir}/two-weeks.yaml`,
    `${shipped.replace(/^id: .*$/m, "id: two-weeks")}\nreminders:\n  pipeline:\n    - name: 14d\n      hoursBefore: 336\n`,
  );
  process.env.RULE_PACKS_DIR = packDir;
  process.env.DATA_DIR = dataDir;
  sched = await import("../../app/.server/reminders/scheduler");

  const branch = f.unit({ name: "提醒发展支部", kind: "branch", branchType: "student" });
  const secretary = f.person({ number: "PS1", name: "提醒书记", unitId: branch.id, politicalStatus: "member" });
  applicant = f.person({ number: "PA1", name: "提醒申请人", unitId: branch.id, politicalStatus: "applicant" });
  // Applied on 2 January: the branch's talk with her (党组织派人谈话) is due within a month, by 2 February.
  f.db
    .prepare(
      `INSERT INTO "PipelineRecord" ("personId", "pack", "packVersion", "step", "happenedOn", "recordedById", "recordedAt", "activeKey") VALUES (?, 'cpc-2014', 1, 'apply', ?, ?, ?, ?)`,
    )
    .run(applicant, "2027-01-02T00:00:00.000+00:00", secretary, storedTimestamp(new Date()), `${applicant}:apply`);
});

afterAll(async () => {
  await testDb.remove();
  fs.rmSync(packDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Row = { personId: number; kind: string; title: string; dedupeKey: string };
const reminded = (): Row[] =>
  f.db.prepare(`SELECT "personId", "kind", "title", "dedupeKey" FROM "Notification" WHERE "dedupeKey" LIKE 'remind:pipeline:%' ORDER BY "id"`).all() as Row[];
const pass = async (now: Date) => {
  const result = await new sched.ReminderSweep().run(60_000, () => now, 50);
  expect(result.finished).toBe(true);
  return result;
};

describe("a development-file step due on the 2nd of next month", () => {
  it("is not reminded before its 7-day lead has come", async () => {
    // Due by the end of 2 February in Beijing; 7 days before is the end of 26 January.
    await pass(beijing("2027-01-26T20:00:00"));
    expect(reminded()).toEqual([]);
  });

  it("is reminded once when its 7-day lead comes, in January", async () => {
    await pass(beijing("2027-01-27T09:00:00"));
    await pass(beijing("2027-01-28T09:00:00"));
    expect(reminded()).toEqual([
      {
        personId: applicant,
        kind: "deadline",
        title: "「党组织派人谈话」2月2日 23:59 截止",
        dedupeKey: "remind:pipeline:apply-talk:2027-02-02:7d:202702022359",
      },
    ]);
  });

  it("is reminded at the rule pack's longer lead once the school chooses that pack", async () => {
    f.db.prepare(`DELETE FROM "Notification"`).run();
    f.db.prepare(`INSERT INTO "RulePackChoice" ("pack", "chosenById", "createdAt") VALUES ('two-weeks', ?, ?)`).run(applicant, storedTimestamp(new Date()));
    await pass(beijing("2027-01-19T20:00:00"));
    expect(reminded()).toEqual([]);
    await pass(beijing("2027-01-20T09:00:00"));
    expect(reminded().map((r) => r.dedupeKey)).toEqual(["remind:pipeline:apply-talk:2027-02-02:14d:202702022359"]);
  });
});
