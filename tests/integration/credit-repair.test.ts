import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { toLocalInput } from "~/lib/quiz-settings";
import { openContestFactory } from "../contest-factories";
import { openCourseFactory } from "../course-factories";
import type { Factory } from "../factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { testEngine } from "../support/engine";
import { type InProcessDatabase, inProcessDatabase } from "../support/in-process-db";
import { SERVER_START_TEST_MS, type SpawnedServer, spawnServer } from "../support/spawn-server";

// Credits that cannot be lost (decision 034), against the real server on a real database: a SQLite file,
// or a fresh PostgreSQL database in the integration-pg run (decision 080). The failure is real too: a
// trigger in the test's database aborts inserts into the ledger for one source, as a full disk or a
// locked file would, and is dropped afterwards. A lesson's completion and its 学时
// commit together, so the completion is never stored without them. A quiz pass, a contest hand-in, an
// activity's confirmation and a claim's approval commit first and credit after: the credit repair,
// which runs when the server starts (and every ten minutes), credits what is missing, exactly once,
// and never re-credits a reversed entry. The tests restart the server to run it.

const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");
const SIMULATED = "simulated ledger failure";

let testDb: InProcessDatabase;
let f: Factory;
let server: SpawnedServer;
const stderr: string[] = [];
const ids: Record<string, number> = {};

async function boot() {
  server = await spawnServer({ dbFile: testDb.target });
  server.child.stderr!.on("data", (b: Buffer) => stderr.push(b.toString()));
}

/** Stops the server and starts it again on the same database: the credit repair runs before it listens. */
async function restart() {
  await server.stop();
  await boot();
}

beforeAll(async () => {
  testDb = await inProcessDatabase("credit-repair");
  f = testDb.factory;
  const root = f.unit({ name: "补记大学党委", kind: "committee" });
  const branch = f.unit({ name: "文学院学生党支部", kind: "branch", branchType: "student", parent: root });
  const hash = await hashPassword(PASSWORD);
  for (const key of ["reader", "legacy", "passer", "player", "attendee", "removed", "claimant", "sec", "trainer"]) {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId: branch.id, politicalStatus: "activist" });
    f.passwordHash(ids[key], hash);
  }
  f.grant(ids.sec, "secretary", branch.id);
  Object.assign(ids, { root: root.id, branch: branch.id });

  const cf = openCourseFactory(f.db);
  const course = cf.course({ slug: "buji", unitId: root.id, audienceStatuses: ["activist"] });
  ids.text = cf.lesson({ courseId: course, key: "yuedu", position: 1, title: "阅读党章", credit: 30, minutes: 1, body: "请认真阅读党章总纲。" });
  ids.old = cf.lesson({ courseId: course, key: "jiu", position: 2, title: "旧课时", credit: 40, minutes: 1 });
  ids.reversedLesson = cf.lesson({ courseId: course, key: "chongxiao", position: 3, credit: 20, minutes: 1 });

  const qf = openQuizFactory(f.db);
  const { bankId, ids: questions } = qf.standardBank({ slug: "buji", unitId: root.id, perType: 1 });
  // Any finished attempt passes: the test is about the credit, not the grade.
  ids.quiz = qf.quiz({
    title: "补记测验",
    unitId: root.id,
    createdById: ids.trainer,
    opensAt: new Date(Date.now() - HOUR),
    closesAt: new Date(Date.now() + 24 * HOUR),
    passPercent: 0,
    creditHours: 50,
    slots: [{ questionId: questions.judge[0], markEach: 1000 }],
    audiences: [{ unitId: branch.id }],
  });
  ids.contest = openContestFactory(f.db).contest({
    title: "补记竞赛",
    unitId: root.id,
    createdById: ids.trainer,
    creditHours: 25,
    sections: [{ bankId, count: 2, pointsEach: 500 }],
    audiences: [{ unitId: branch.id }],
  });
  await boot();
});

afterAll(async () => {
  await server?.stop();
  await testDb?.remove();
  // The server logged the ledger failures the tests caused, and nothing else: no other query failed
  // and the repair itself never did.
  const logged = stderr.join("");
  expect(logged).toMatch(/hoursEntry\.create|simulated ledger failure/);
  expect(logged).not.toMatch(/Invalid `prisma\.(?!hoursEntry\.create)|credit repair \(|TypeError|ReferenceError/);
});

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

/** Makes every insert into the ledger for this source fail, as a real database error would. */
function failCredits(sourceKind: string, sourceId: number) {
  const name = `fail_${sourceKind}_${sourceId}`;
  const when = `NEW."sourceKind" = '${sourceKind}' AND NEW."sourceId" = '${sourceId}'`;
  if (testEngine() === "postgres") {
    // PostgreSQL's trigger runs a function of its own.
    f.db.exec(`CREATE FUNCTION "${name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${SIMULATED}'; END $$`);
    f.db.exec(`CREATE TRIGGER "${name}" BEFORE INSERT ON "HoursEntry" FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION "${name}"()`);
  } else {
    f.db.exec(`CREATE TRIGGER "${name}" BEFORE INSERT ON "HoursEntry" WHEN ${when} BEGIN SELECT RAISE(ABORT, '${SIMULATED}'); END`);
  }
}
function allowCredits(sourceKind: string, sourceId: number) {
  const name = `fail_${sourceKind}_${sourceId}`;
  if (testEngine() === "postgres") {
    f.db.exec(`DROP TRIGGER "${name}" ON "HoursEntry"`);
    f.db.exec(`DROP FUNCTION "${name}"()`);
  } else {
    f.db.exec(`DROP TRIGGER "${name}"`);
  }
}

type Entry = { id: number; amount: number; category: string; sourceId: string; note: string | null; earnedAt: string; approvedById: number | null };
// The source's condition only when one is given: PostgreSQL cannot type a parameter that is only compared with NULL.
const entries = (personId: number, sourceKind: string, sourceId?: number) =>
  f.db
    .prepare(
      `SELECT "id", "amount", "category", "sourceId", "note", "earnedAt", "approvedById" FROM "HoursEntry"
       WHERE "personId" = ? AND "sourceKind" = ?${sourceId === undefined ? "" : ` AND "sourceId" = ?`} ORDER BY "id"`,
    )
    .all(personId, sourceKind, ...(sourceId === undefined ? [] : [String(sourceId)])) as Entry[];
const total = (personId: number) =>
  (f.db.prepare(`SELECT COALESCE(SUM("amount"), 0) AS n FROM "HoursEntry" WHERE "personId" = ?`).get(personId) as { n: number }).n;
const repairsOf = (personId: number) =>
  (
    f.db.prepare("SELECT actorId, targetKind, targetId, detail FROM AuditLog WHERE action = 'hours.repair'").all() as {
      actorId: number | null;
      targetKind: string;
      targetId: string;
      detail: string;
    }[]
  )
    .map((r) => ({ ...r, detail: JSON.parse(r.detail) as { personId: number; source: string; sourceRef: number } }))
    .filter((r) => r.detail.personId === personId);

const study = (c: Client, fields: Record<string, string>) => c.request("/api/study", { method: "POST", body: new URLSearchParams(fields) });
const progress = (personId: number, lessonId: number) =>
  f.db.prepare("SELECT readSeconds, completedAt FROM LessonProgress WHERE personId = ? AND lessonId = ?").get(personId, lessonId) as
    { readSeconds: number; completedAt: string | null } | undefined;
/** Stands in for a minute of reading time passing (the server's own stored clock moves back). */
const letAMinutePass = (personId: number) =>
  f.db.prepare("UPDATE StudySession SET lastBeatAt = ? WHERE personId = ?").run(ts(new Date(Date.now() - 3 * 60_000)), personId);

describe("a lesson", () => {
  it("is stored completed only with its 学时: a failed credit fails the heartbeat, and the next one completes and credits", async () => {
    const c = await as("reader");
    const begun = await study(c, { intent: "begin", lessonId: String(ids.text) });
    expect(begun.status).toBe(200);
    const sessionId = (JSON.parse(begun.text) as { sessionId: string }).sessionId;
    const beat = (seq: number) => study(c, { intent: "reading", lessonId: String(ids.text), sessionId, seq: String(seq), visibleSeconds: "60" });

    failCredits("lesson", ids.text);
    letAMinutePass(ids.reader);
    expect((await beat(1)).status).toBe(500);
    // Nothing half-written: no completion without its hours.
    expect(progress(ids.reader, ids.text)?.completedAt ?? null).toBeNull();
    expect(entries(ids.reader, "lesson")).toEqual([]);

    allowCredits("lesson", ids.text);
    letAMinutePass(ids.reader);
    const done = await beat(2);
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toMatchObject({ ok: true, status: { completed: true, credited: 30 } });
    expect(progress(ids.reader, ids.text)?.completedAt).not.toBeNull();
    expect(entries(ids.reader, "lesson")).toMatchObject([{ amount: 30, category: "online", sourceId: String(ids.text), note: "阅读党章" }]);
  });
});

// Each source below commits its own change, then its credit fails: the state a stopped process or a
// database error leaves behind. One restart then repairs them all.
describe("credits that failed after their commit", () => {
  const completedAt = new Date(Date.now() - 5 * 24 * HOUR);
  const made: Record<string, number> = {};

  it("a lesson completed before crediting joined the heartbeat's transaction, and one whose credit was reversed", () => {
    const insert = f.db.prepare("INSERT INTO LessonProgress (personId, lessonId, readSeconds, completedAt, createdAt, updatedAt) VALUES (?, ?, 60, ?, ?, ?)");
    // What the old code left behind when its credit failed after the completion was committed.
    insert.run(ids.legacy, ids.old, ts(completedAt), ts(completedAt), ts(completedAt));
    // A completion credited and then reversed: the reversal stands.
    insert.run(ids.legacy, ids.reversedLesson, ts(completedAt), ts(completedAt), ts(completedAt));
    const year = completedAt.getUTCFullYear();
    f.hours({ personId: ids.legacy, year, amount: 20, category: "online", sourceKind: "lesson", sourceId: String(ids.reversedLesson), earnedAt: completedAt });
    const [credited] = entries(ids.legacy, "lesson", ids.reversedLesson);
    f.hours({ personId: ids.legacy, year, amount: -20, category: "online", sourceKind: "reversal", sourceId: String(credited.id), earnedAt: completedAt });
    expect(total(ids.legacy)).toBe(0);
  });

  it("a quiz pass: graded and passed, no hours, and asking again cannot help", async () => {
    const c = await as("passer");
    const started = await c.post(`/quizzes/${ids.quiz}`, {});
    expect(started.status).toBe(302);
    failCredits("quiz", ids.quiz);
    expect((await c.request(started.location!, { method: "POST", body: new URLSearchParams({ intent: "submit" }) })).status).toBe(500);
    allowCredits("quiz", ids.quiz);
    expect(f.db.prepare("SELECT passed FROM QuizGrade WHERE quizId = ? AND personId = ?").get(ids.quiz, ids.passer)).toEqual({ passed: 1 });
    expect((await c.request(started.location!, { method: "POST", body: new URLSearchParams({ intent: "submit" }) })).status).toBe(409);
    expect(entries(ids.passer, "quiz")).toEqual([]);
  });

  it("a contest hand-in: submitted, no hours", async () => {
    const c = await as("player");
    expect((await c.post(`/contests/${ids.contest}`, { intent: "start" })).status).toBe(302);
    made.entry = (f.db.prepare("SELECT id FROM ContestEntry WHERE contestId = ? AND personId = ?").get(ids.contest, ids.player) as { id: number }).id;
    failCredits("contest", ids.contest);
    expect((await c.post(`/contests/${ids.contest}`, { intent: "submit", entryId: String(made.entry) })).status).toBe(500);
    allowCredits("contest", ids.contest);
    expect(f.db.prepare("SELECT state FROM ContestEntry WHERE id = ?").get(made.entry)).toEqual({ state: "submitted" });
    expect(entries(ids.player, "contest")).toEqual([]);
  });

  it("an activity's confirmation: confirmed, no hours; then someone is taken off the list", async () => {
    const now = Date.now();
    made.activity = Number(
      f.db
        .prepare(
          `INSERT INTO Activity (unitId, kind, title, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, status, createdById, createdAt, updatedAt)
           VALUES (?, 'party_lecture', '补记党课', ?, ?, ?, ?, 150, 'secret', 'open', ?, ?, ?)`,
        )
        .run(
          ids.branch,
          ts(new Date(now - 2 * HOUR)),
          ts(new Date(now - HOUR)),
          ts(new Date(now - 2 * HOUR)),
          ts(new Date(now - HOUR)),
          ids.sec,
          ts(new Date(now)),
          ts(new Date(now)),
        ).lastInsertRowid,
    );
    const attend = f.db.prepare("INSERT INTO ActivityAttendance (activityId, personId, source, at) VALUES (?, ?, 'checkin', ?)");
    attend.run(made.activity, ids.attendee, ts(new Date(now - 90 * 60_000)));
    attend.run(made.activity, ids.removed, ts(new Date(now - 90 * 60_000)));
    const sec = await as("sec");
    const page = `/manage/activities/${made.activity}`;
    failCredits("activity", made.activity);
    expect((await sec.post(page, { intent: "confirm" })).status).toBe(500);
    allowCredits("activity", made.activity);
    expect(f.db.prepare("SELECT status FROM Activity WHERE id = ?").get(made.activity)).toEqual({ status: "confirmed" });
    expect(entries(ids.attendee, "activity")).toEqual([]);
    // Taken off the list after confirmation: nothing is owed to them any more.
    expect((await sec.post(page, { intent: "remove", personId: String(ids.removed), reason: "签到有误" })).status).toBe(200);
    expect(entries(ids.removed, "activity")).toEqual([]);
  });

  it("a claim's approval: approved, no hours", async () => {
    made.claim = Number(
      f.db
        .prepare(
          `INSERT INTO CreditClaim (personId, title, organizer, category, hours, earnedOn, filePath, fileMime, status, createdAt)
           VALUES (?, '省委党校专题培训', '省委党校', 'party_school', 800, ?, 'claims/none.png', 'image/png', 'pending', ?)`,
        )
        .run(ids.claimant, ts(new Date("2026-03-10T00:00:00Z")), ts(new Date())).lastInsertRowid,
    );
    const sec = await as("sec");
    failCredits("claim", made.claim);
    expect((await sec.post("/manage/claims", { intent: "approve", claimId: String(made.claim) })).status).toBe(500);
    allowCredits("claim", made.claim);
    expect(f.db.prepare("SELECT status FROM CreditClaim WHERE id = ?").get(made.claim)).toEqual({ status: "approved" });
    expect(entries(ids.claimant, "claim")).toEqual([]);
  });

  it(
    "are credited by the repair when the server starts again, each once, as its own path would have, and audited",
    { timeout: SERVER_START_TEST_MS },
    async () => {
      await restart();
      expect(entries(ids.legacy, "lesson", ids.old)).toMatchObject([{ amount: 40, category: "online", note: "旧课时", earnedAt: ts(completedAt) }]);
      expect(entries(ids.legacy, "lesson", ids.reversedLesson)).toHaveLength(1);
      expect(total(ids.legacy)).toBe(40);

      const finishedAt = (q: string, ...args: number[]) => (f.db.prepare(q).get(...args) as { finishedAt: string }).finishedAt;
      expect(entries(ids.passer, "quiz")).toMatchObject([
        {
          amount: 50,
          category: "quiz",
          sourceId: String(ids.quiz),
          note: "补记测验",
          earnedAt: finishedAt("SELECT finishedAt FROM QuizAttempt WHERE quizId = ? AND personId = ?", ids.quiz, ids.passer),
        },
      ]);
      expect(entries(ids.player, "contest")).toMatchObject([
        {
          amount: 25,
          category: "contest",
          sourceId: String(ids.contest),
          note: "补记竞赛",
          earnedAt: finishedAt("SELECT finishedAt FROM ContestEntry WHERE id = ?", made.entry),
        },
      ]);
      expect(entries(ids.attendee, "activity")).toMatchObject([{ amount: 150, category: "offline", sourceId: String(made.activity), approvedById: ids.sec }]);
      expect(entries(ids.removed, "activity")).toEqual([]);
      expect(entries(ids.claimant, "claim")).toMatchObject([{ amount: 800, category: "party_school", sourceId: String(made.claim), approvedById: ids.sec }]);

      const repaired = [
        [ids.legacy, "lesson", ids.old, entries(ids.legacy, "lesson", ids.old)],
        [ids.passer, "quiz", ids.quiz, entries(ids.passer, "quiz")],
        [ids.player, "contest", ids.contest, entries(ids.player, "contest")],
        [ids.attendee, "activity", made.activity, entries(ids.attendee, "activity")],
        [ids.claimant, "claim", made.claim, entries(ids.claimant, "claim")],
      ] as const;
      for (const [personId, source, ref, [entry]] of repaired) {
        expect(repairsOf(personId)).toEqual([{ actorId: null, targetKind: "hours", targetId: String(entry.id), detail: { personId, source, sourceRef: ref } }]);
      }
      expect(repairsOf(ids.removed)).toEqual([]);
    },
  );

  it("are not credited again by a later run", { timeout: SERVER_START_TEST_MS }, async () => {
    const before = f.db.prepare("SELECT COUNT(*) AS n FROM HoursEntry").get();
    await restart();
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM HoursEntry").get()).toEqual(before);
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'hours.repair'").get()).toEqual({ n: 5 });
  });
});

describe("a pass a trainer gave themselves", () => {
  it("is not credited by the repair once another trainer has raised the pass mark it passed", { timeout: SERVER_START_TEST_MS }, async () => {
    for (const key of ["setter", "fixer"]) {
      ids[key] = f.person({ number: key, name: `教员${key}`, unitId: ids.branch, politicalStatus: "member" });
      f.passwordHash(ids[key], await hashPassword(PASSWORD));
      f.grant(ids[key], "trainer", ids.branch);
    }
    const bankId = (f.db.prepare("SELECT id FROM QuestionBank WHERE slug = 'buji'").get() as { id: number }).id;
    const settings = (passPercent: string) => ({
      intent: "settings",
      title: "自设及格线的测验",
      opensAt: "",
      closesAt: toLocalInput(new Date(Date.now() + 24 * HOUR)),
      timeLimitMin: "30",
      maxAttempts: "1",
      gradeMethod: "highest",
      passPercent,
      reviewPolicy: "after_submit",
      creditHours: "2",
    });
    const setter = await as("setter");
    const url = (await setter.post("/manage/quizzes", { unitId: String(ids.branch), title: "自设及格线的测验" })).location!;
    const quizId = Number(url.split("/").pop());
    expect((await setter.post(url, settings("0"))).status).toBe(200);
    expect((await setter.post(url, { intent: "slot-add", kind: "draw", bankId: String(bankId), count: "2", mark: "5" })).status).toBe(200);
    expect((await setter.post(url, { intent: "audience-add", unitId: String(ids.branch), politicalStatus: "" })).status).toBe(200);
    expect((await setter.post(url, { intent: "publish" })).status).toBe(200);
    // A blank paper passes a pass mark of 0: graded, not credited, the settings being the setter's own.
    const started = await setter.post(`/quizzes/${quizId}`, {});
    expect((await setter.post(started.location!, { intent: "submit" })).status).toBe(302);
    expect(f.db.prepare("SELECT passed FROM QuizGrade WHERE quizId = ? AND personId = ?").get(quizId, ids.setter)).toEqual({ passed: 1 });
    expect(entries(ids.setter, "quiz", quizId)).toEqual([]);

    // Another trainer corrects the pass mark, and becomes the setter of settings the blank paper fails.
    expect((await (await as("fixer")).post(url, settings("60"))).status).toBe(200);
    await restart();
    expect(entries(ids.setter, "quiz", quizId)).toEqual([]);
  });
});
