import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";
import { openQuizFactory } from "../quiz-factories";

// The reminder scheduler (decision 058) on a real database (SQLite, or PostgreSQL in the integration-pg
// run), asking the real to-do sources and writing through the real notify(): the sweep is run with its
// clock, as the runner runs it every few minutes, so "the evening before" and "23 hours before it closes"
// are reached without waiting. What a person would check is her inbox (Notification rows) and what would
// leave the server (the outbox).

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb, packDir, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const stamp = `${process.pid}-${Date.now()}`;
  return {
    testDb: await inProcessDatabase("reminders"),
    packDir: `${process.cwd()}/tests/.tmp/reminder-packs-${stamp}`,
    dataDir: `${process.cwd()}/tests/.tmp/reminder-data-${stamp}`,
  };
});

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** A Beijing wall-clock time as an instant. */
const beijing = (s: string) => new Date(`${s}+08:00`);
// 20:05 Beijing on a day a week ahead: the evening before tomorrow's meeting (the sources see the future as it will be).
const day = new Date(Date.now() + 7 * DAY + 8 * HOUR).toISOString().slice(0, 10);
const EVENING = beijing(`${day}T20:05:00`);
const TOMORROW_2PM = new Date(beijing(`${day}T14:00:00`).getTime() + DAY);

const f = testDb.factory;
let sched: typeof import("../../app/.server/reminders/scheduler");
const ids: Record<string, number> = {};

beforeAll(async () => {
  // The shipped pack, and a second one the school may choose that changes the quiz's lead.
  fs.mkdirSync(packDir, { recursive: true });
  const shipped = fs.readFileSync("content/rule-packs/cpc-2019.yaml", "utf8");
  fs.writeFileSync(`${packDir}/cpc-2019.yaml`, shipped);
  fs.writeFileSync(
    `${packDir}/school-leads.yaml`,
    `${shipped.replace(/^id: .*$/m, "id: school-leads")}\nreminders:\n  quiz:\n    - name: 30h\n      hoursBefore: 30\n`,
  );
  process.env.RULE_PACKS_DIR = packDir;
  process.env.DATA_DIR = dataDir;
  // Email is configured (nothing is sent: the outbox runner is not run here), so an outbox row shows what would leave.
  process.env.SMTP_URL = "smtp://127.0.0.1:2525";
  process.env.SMTP_FROM = "网上党校 <notify@dangxiao.test>";
  sched = await import("../../app/.server/reminders/scheduler");

  const college = f.unit({ name: "提醒学院党委", kind: "college" });
  const branch = f.unit({ name: "提醒第一党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "提醒第二党支部", kind: "branch", branchType: "student", parent: college });
  const person = (key: string, unitId: number, politicalStatus = "member") => {
    ids[key] = f.person({ number: `R${key}`, name: `提醒${key}`, unitId, politicalStatus, statusSince: new Date("2024-01-01T00:00:00Z") });
  };
  person("A", branch.id); // in the audience, not yet taken
  person("B", branch.id); // submitted
  person("C", branch.id); // turned meeting reminders off by email
  person("O", other.id); // another branch
  person("X", branch.id, "activist"); // in the quiz's audience, not expected at a party meeting
  const ts = storedTimestamp(new Date());
  f.db.prepare(`INSERT INTO "NotificationPreference" ("personId", "kind", "channel", "enabled") VALUES (?, 'meeting', 'email', 0)`).run(ids.C);

  const quizzes = openQuizFactory(f.db);
  ids.quiz = quizzes.quiz({
    title: "党纪学习测试",
    unitId: college.id,
    createdById: ids.A,
    closesAt: new Date(EVENING.getTime() + 23 * HOUR),
    audiences: [{ unitId: branch.id }],
  });
  f.db
    .prepare(`INSERT INTO QuizAttempt (quizId, personId, number, state, seed, startedAt, finishedAt, maxMark) VALUES (?, ?, 1, 'submitted', 's', ?, ?, 100)`)
    .run(ids.quiz, ids.B, ts, ts);
  const start = TOMORROW_2PM;
  ids.meeting = Number(
    f.db
      .prepare(
        `INSERT INTO Activity (unitId, kind, title, place, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, status, createdById, createdAt, updatedAt)
         VALUES (?, 'theme_day', '十二月主题党日', '图书馆 302 室', ?, ?, ?, ?, 200, 'secret', 'open', ?, ?, ?)`,
      )
      .run(
        branch.id,
        storedTimestamp(start),
        storedTimestamp(new Date(start.getTime() + 2 * HOUR)),
        storedTimestamp(start),
        storedTimestamp(start),
        ids.A,
        ts,
        ts,
      ).lastInsertRowid,
  );
});

afterAll(async () => {
  await testDb.remove();
  fs.rmSync(packDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Row = { personId: number; kind: string; title: string; url: string | null };
const inbox = (like: string): Row[] =>
  f.db.prepare(`SELECT "personId", "kind", "title", "url" FROM "Notification" WHERE "dedupeKey" LIKE ? ORDER BY "personId", "id"`).all(like) as Row[];
const emailsTo = (personId: number, like: string) =>
  (
    f.db
      .prepare(
        `SELECT COUNT(*) AS n FROM "NotificationDelivery" d JOIN "Notification" n ON n."id" = d."notificationId" WHERE n."personId" = ? AND d."channel" = 'email' AND n."dedupeKey" LIKE ?`,
      )
      .get(personId, like) as { n: number }
  ).n;
/** A whole pass over everyone at the given time (a small batch, so the walk goes through several). */
const pass = async (now: Date) => {
  const sweep = new sched.ReminderSweep();
  const result = await sweep.run(60_000, () => now, 2);
  expect(result.finished).toBe(true);
  return result;
};

describe("the reminder scheduler", () => {
  it("reminds nothing before a lead's moment has come", async () => {
    const before = await pass(new Date(EVENING.getTime() - 2 * HOUR));
    expect(before.written).toBe(0);
    expect(inbox("remind:%")).toEqual([]);
  });

  it("reminds a quiz closing in 23 h to its audience once: not who submitted, not another branch", async () => {
    await pass(EVENING);
    await pass(EVENING);
    const rows = inbox(`remind:quiz:${ids.quiz}:%`);
    expect(rows).toEqual(
      [ids.A, ids.C, ids.X].map((personId) => ({ personId, kind: "deadline", title: "「党纪学习测试」明晚 19:05 截止", url: `/quizzes/${ids.quiz}` })),
    );
  });

  it("reminds a meeting tomorrow to its expected people the evening before, once: not an activist, not another branch", async () => {
    const rows = inbox(`remind:meeting:${ids.meeting}:%`);
    expect(rows).toEqual(
      [ids.A, ids.B, ids.C].map((personId) => ({ personId, kind: "meeting", title: "明天 14:00 十二月主题党日", url: `/meetings/${ids.meeting}` })),
    );
    const { body } = f.db
      .prepare(`SELECT "body" FROM "Notification" WHERE "personId" = ? AND "dedupeKey" LIKE ?`)
      .get(ids.A, `remind:meeting:${ids.meeting}:%`) as {
      body: string;
    };
    expect(body).toMatch(/^地点：图书馆 302 室 · 主题党日 · 提醒第一党支部 · /);
    // A third pass later in the evening adds nothing.
    expect((await pass(new Date(EVENING.getTime() + HOUR))).written).toBe(0);
  });

  it("gives a person who turned the kind off the inbox row but nothing to send", () => {
    const like = `remind:meeting:${ids.meeting}:%`;
    expect(emailsTo(ids.A, like)).toBe(1);
    expect(emailsTo(ids.C, like)).toBe(0);
    expect(inbox(like).map((r) => r.personId)).toContain(ids.C);
  });

  it("takes a changed lead time into account once the school chooses the pack with it", async () => {
    // The quiz closes at 19:05 the day after EVENING; 26 h before is 17:05 on EVENING's day: the default 24 h has not come, 30 h has.
    const at = new Date(EVENING.getTime() - 3 * HOUR);
    f.db.prepare(`DELETE FROM "Notification" WHERE "dedupeKey" LIKE 'remind:quiz:%'`).run();
    expect((await pass(at)).written).toBe(0);
    f.db.prepare(`INSERT INTO "RulePackChoice" ("pack", "chosenById", "createdAt") VALUES ('school-leads', ?, ?)`).run(ids.A, storedTimestamp(new Date()));
    await pass(at);
    expect(inbox(`remind:quiz:${ids.quiz}:30h:%`).map((r) => r.personId)).toEqual([ids.A, ids.C, ids.X]);
  });
});
