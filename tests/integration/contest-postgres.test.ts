import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase } from "../support/postgres";
import { type AppOnPostgres, appOnPostgres, holdTable, lockWaits } from "../support/postgres-races";

// A contest hand-in against another node's batch of answers on PostgreSQL (decision 074): the app's
// own functions on a database of this file's own on the test cluster. "The other node" is a second
// ContestIntake in this process, with a batch writer and papers of its own; the hand-in runs through
// submitEntry, whose drain of this process's intake has nothing to wait for, so only the row locks
// (the batch's FOR SHARE of the entry, the hand-in's FOR UPDATE) put the two in order, as between two
// nodes. A third connection holds a lock so that they meet in the order each case needs. An answer
// acknowledged as saved is in the score; one refused is not stored; nothing stored is left out.

let onPg: AppOnPostgres;
let database: TestDatabase;
let app: typeof import("~/.server/db");
let entries: typeof import("~/.server/contest/entries");
let intake: typeof import("~/.server/contest/intake");
let monitor: pg.Client;
let unitId: number;
let contestId: number;
let people = 0;

const QUESTIONS = 8;
const POINTS = 100;

beforeAll(async () => {
  onPg = await appOnPostgres();
  ({ database, app, monitor } = onPg);
  entries = await import("~/.server/contest/entries");
  intake = await import("~/.server/contest/intake");

  const { prisma } = app;
  const unit = await prisma.orgUnit.create({ data: { name: "测试党委", kind: "committee", path: "/", depth: 0 } });
  await prisma.orgUnit.update({ where: { id: unit.id }, data: { path: `/${unit.id}/` } });
  unitId = unit.id;
  const organiser = await prisma.person.create({ data: { number: "T0001", name: "教员", category: "staff", unitId, politicalStatus: "member" } });
  const bank = await prisma.questionBank.create({ data: { slug: "race", title: "题库", unitId } });
  for (let i = 1; i <= QUESTIONS; i++) {
    await prisma.question.create({
      data: {
        bankId: bank.id,
        key: `q${i}`,
        type: "single",
        stem: `第 ${i} 题`,
        options: JSON.stringify({ A: "对的", B: "错的" }),
        answer: JSON.stringify("A"),
        explanation: "",
        difficulty: 1,
        tags: "[]",
      },
    });
  }
  const now = Date.now();
  const contest = await prisma.contest.create({
    data: {
      title: "知识竞赛",
      unitId,
      createdById: organiser.id,
      status: "published",
      opensAt: new Date(now - 3600_000),
      closesAt: new Date(now + 3600_000),
      timeLimitSec: 900,
    },
  });
  contestId = contest.id;
  await prisma.contestSection.create({ data: { contestId, position: 1, bankId: bank.id, count: QUESTIONS, pointsEach: POINTS } });
  await prisma.contestAudience.create({ data: { contestId, unitId } });
}, 120_000);

afterAll(async () => {
  await onPg?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A new person of the unit and their entry, started with the app's own startEntry, and the letters
 * they are shown at each position for the right option (对的) and the wrong one (错的): the paper
 * shuffles options per entry, and the intake takes letters as shown.
 */
async function newEntry() {
  const person = await app.prisma.person.create({
    data: { number: `P${String(++people).padStart(4, "0")}`, name: `学员${people}`, category: "student", unitId, politicalStatus: "member" },
  });
  const now = new Date();
  const { entryId, contest, paper } = await entries.startEntry(person.id, contestId, now);
  // 开始's reply is built from what it wrote (RETURNING) and drew: the same as reading the contest and the paper now.
  expect(contest).toEqual(await entries.contestForPerson(person.id, contestId, now));
  const items = await entries.paperOfEntry(person.id, entryId);
  expect(paper).toEqual(items);
  expect(items.map((i) => i.position)).toEqual(Array.from({ length: QUESTIONS }, (_, i) => i + 1));
  const shown = new Map(items.map((i) => [i.position, (label: string) => [i.options.find((o) => o.label === label)!.value]]));
  return {
    personId: person.id,
    entryId,
    right: (position: number) => shown.get(position)!("对的"),
    wrong: (position: number) => shown.get(position)!("错的"),
  };
}

/**
 * A blocker on a third connection holding the key (entry, position) of ContestAnswer: an uncommitted
 * insert of that answer, rolled back on release. A batch inserting the same key waits for it inside
 * its statement, after its check has read the entry. Foreign-key checks are off on this connection
 * (session_replication_role, the cluster's superuser): the check would lock the entry row itself, and
 * the hand-in would then wait for the blocker rather than for the batch this case is about.
 */
async function holdAnswerKey(entryId: number, position: number) {
  const blocker = new pg.Client({ connectionString: database.url });
  await blocker.connect();
  await blocker.query("SET session_replication_role = replica");
  await blocker.query("BEGIN");
  await blocker.query(
    `INSERT INTO "ContestAnswer" ("entryId", "position", "response", "correct", "points", "receivedAt") VALUES ($1, $2, '"B"', false, 0, now())`,
    [entryId, position],
  );
  return async () => {
    await blocker.query("ROLLBACK");
    await blocker.end();
  };
}

/**
 * A blocker on a third connection holding ContestEntry in SHARE mode: a row lock (SELECT … FOR UPDATE,
 * FOR SHARE) still passes, an UPDATE waits. The hand-in then claims the entry and waits to write its
 * score, its claim held meanwhile. (A blocker holding the entry FOR SHARE would not do: PostgreSQL
 * grants another FOR SHARE beside it even while the hand-in's FOR UPDATE waits, so the batch would
 * overtake the hand-in.)
 */
function holdEntryWrites() {
  return holdTable(database.url, "ContestEntry");
}

async function scored(entryId: number) {
  const { rows } = await monitor.query<{ position: number; correct: boolean; points: number }>(
    `SELECT "position", "correct", "points" FROM "ContestAnswer" WHERE "entryId" = $1 ORDER BY "position"`,
    [entryId],
  );
  const head = await monitor.query<{ state: string; score: number | null; correct: number | null }>(
    `SELECT "state", "score", "correct" FROM "ContestEntry" WHERE "id" = $1`,
    [entryId],
  );
  return { answers: rows, ...head.rows[0] };
}

/** The entry is handed in and its score and count right are those of the answers stored, every one. */
function expectScoredAsStored(s: Awaited<ReturnType<typeof scored>>) {
  expect(s.state).toBe("submitted");
  for (const a of s.answers) expect(a.points).toBe(a.correct ? POINTS : 0);
  expect({ score: s.score, correct: s.correct }).toEqual({
    score: s.answers.reduce((sum, a) => sum + a.points, 0),
    correct: s.answers.filter((a) => a.correct).length,
  });
}

describe("contest hand-in against another node's answers, on PostgreSQL", () => {
  it("an answer whose batch began before the hand-in is saved and counted: the hand-in waits for the batch", async () => {
    const e = await newEntry();
    const otherNode = new intake.ContestIntake();
    const release = await holdAnswerKey(e.entryId, 2);
    // The other node's batch reads the entry in progress (FOR SHARE) and then waits for the key.
    const save = otherNode.answer(e.personId, e.entryId, 2, e.right(2));
    await lockWaits(monitor, 1, save);
    // The hand-in's claim of the entry now waits for that batch; without the shared lock it would
    // claim, sum the answers without this one and commit, and the batch would then store it.
    const submit = entries.submitEntry(e.personId, e.entryId);
    await lockWaits(monitor, 2, submit);
    await release();
    expect(await save).toEqual({ status: "saved" });
    await submit;
    const s = await scored(e.entryId);
    expect(s.answers).toEqual([{ position: 2, correct: true, points: POINTS }]);
    expect(s).toMatchObject({ score: POINTS, correct: 1 });
    expectScoredAsStored(s);
  });

  it("an answer that reaches the other node's batch after the hand-in claimed the entry is refused and not stored", async () => {
    const e = await newEntry();
    const otherNode = new intake.ContestIntake();
    // One answer stored before (and the other node holds the paper from here on).
    expect(await otherNode.answer(e.personId, e.entryId, 1, e.right(1))).toEqual({ status: "saved" });
    const release = await holdEntryWrites();
    // The hand-in claims the entry (FOR UPDATE) and waits to write its score.
    const submit = entries.submitEntry(e.personId, e.entryId);
    await lockWaits(monitor, 1, submit);
    // The batch's check waits for the claim's commit, then finds the entry handed in.
    const save = otherNode.answer(e.personId, e.entryId, 2, e.right(2));
    await lockWaits(monitor, 2, save);
    await release();
    await submit;
    await expect(save).rejects.toMatchObject({ code: "closed", message: "本次参赛已经结束，这道题的答案未被接收" });
    const s = await scored(e.entryId);
    expect(s.answers).toEqual([{ position: 1, correct: true, points: POINTS }]);
    expect(s).toMatchObject({ score: POINTS, correct: 1 });
    expectScoredAsStored(s);
  });

  it("many answers racing one hand-in: exactly the acknowledged answers are stored and counted", async () => {
    const ROUNDS = 16;
    for (let round = 0; round < ROUNDS; round++) {
      const e = await newEntry();
      const otherNode = new intake.ContestIntake();
      // Every position answered, some right and some wrong, spread over a few of the writer's ticks;
      // the hand-in comes among them, at another moment each round.
      const outcomes = Array.from({ length: QUESTIONS }, async (_, i) => {
        const position = i + 1;
        const right = (position + round) % 3 !== 0;
        await sleep((i * 3 + round) % 10);
        return otherNode.answer(e.personId, e.entryId, position, right ? e.right(position) : e.wrong(position)).then(
          (o): { position: number; correct: boolean; outcome: string } => ({ position, correct: right, outcome: o.status }),
          // Refused: the entry was handed in before the batch (closed), or before that node read the paper (not_found).
          (err: { code?: string }) => ({ position, correct: right, outcome: err.code ?? String(err) }),
        );
      });
      await sleep(2 + ((round * 5) % 9));
      await entries.submitEntry(e.personId, e.entryId);
      const answered = await Promise.all(outcomes);
      for (const a of answered) expect(["saved", "closed", "not_found"]).toContain(a.outcome);
      const s = await scored(e.entryId);
      expect(s.answers.map(({ position, correct }) => ({ position, correct }))).toEqual(
        answered.filter((a) => a.outcome === "saved").map(({ position, correct }) => ({ position, correct })),
      );
      expectScoredAsStored(s);
    }
  });
});
