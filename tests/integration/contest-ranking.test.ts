import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { render } from "../../app/.server/sql";
import { testEngine } from "../support/engine";

// What a learner's contest page shows, straight from the domain module on a real database (SQLite, or
// PostgreSQL in the integration-pg run): one's own place among the finished papers (ties share it) and
// the public ranking, where a name appears only with its owner's consent.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("contest-ranking") };
});
let results: typeof import("../../app/.server/contest/results");
let contestId: number;
const people: Record<string, number> = {};
/** A second contest with many papers: few scores and times, so most places are shared. */
let crowdContestId: number;
const crowd: { personId: number; entryId: number }[] = [];

beforeAll(async () => {
  const f = testDb.factory;
  const qf = openQuizFactory(f.db);
  const cf = openContestFactory(f.db);
  const root = f.unit({ name: "党委", kind: "committee" });
  const branch = f.unit({ name: "第一党支部", kind: "branch", branchType: "student", parent: root });
  for (const k of ["p1", "p2", "p3", "p4", "p5", "p6", "p7"])
    people[k] = f.person({ number: k, name: `姓名${k}`, unitId: branch.id, politicalStatus: "member" });
  const bank = qf.standardBank({ slug: "ranking", unitId: root.id, perType: 1 });
  /** A contest of one question from the bank, open to the whole committee. */
  const contestTitled = (title: string) =>
    cf.contest({
      title,
      unitId: root.id,
      createdById: people.p1,
      sections: [{ bankId: bank.bankId, count: 1, pointsEach: 10000 }],
      audiences: [{ unitId: root.id }],
    });
  contestId = contestTitled("竞赛");
  const items = [{ questionId: bank.ids.single[0], points: 10000 }];
  const entry = (
    key: string,
    score: number | null,
    durationMs: number | null,
    state: "submitted" | "expired" | "in_progress" = "submitted",
    showName = false,
  ) => cf.entry({ contestId, personId: people[key], items, state, score, durationMs, showName, finishedAt: state === "in_progress" ? null : new Date() });
  entry("p1", 9000, 200_000, "submitted", true);
  entry("p2", 10000, 300_000);
  entry("p3", 9000, 100_000);
  entry("p4", 9000, 200_000, "expired", true); // ties p1
  entry("p5", 9000, null); // no time recorded: after the timed ones at 90
  entry("p6", null, null, "in_progress"); // not finished: not ranked

  crowdContestId = contestTitled("竞赛二");
  const random = createRandom("contest-ranking-crowd");
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  for (let i = 0; i < 150; i++) {
    const personId = f.person({ number: `c${i}`, name: `众${i}`, unitId: branch.id, politicalStatus: "member" });
    const state = pick(["submitted", "submitted", "submitted", "expired", "in_progress"] as const);
    const finished = state !== "in_progress";
    const entryId = cf.entry({
      contestId: crowdContestId,
      personId,
      items,
      state,
      score: finished ? pick([0, 5000, 9000, 10000]) : null,
      durationMs: finished ? pick([null, 60_000, 60_000, 120_000, 300_000]) : null,
      finishedAt: finished ? new Date() : null,
    });
    crowd.push({ personId, entryId });
  }
  results = await import("../../app/.server/contest/results");
});
afterAll(async () => {
  await testDb.remove();
});

describe("a learner's view of the ranking", () => {
  it("gives each person their own place and the number of finished papers", async () => {
    const place = async (key: string) => (await results.personalPlace(contestId, people[key]))?.place;
    expect(await place("p2")).toBe(1);
    expect(await place("p3")).toBe(2);
    expect(await place("p1")).toBe(3);
    expect(await place("p4")).toBe(3);
    expect(await place("p5")).toBe(5);
    expect(await results.personalPlace(contestId, people.p1)).toEqual({ place: 3, total: 5, score: 9000, maxScore: 10000, durationMs: 200_000 });
    expect(await results.personalPlace(contestId, people.p6)).toBeNull();
    expect(await results.personalPlace(contestId, people.p7)).toBeNull();
  });

  it("agrees with the full ranking the trainers see", async () => {
    const full = await results.trainerRanking(contestId, []);
    for (const row of full) {
      const key = Object.keys(people).find((k) => `姓名${k}` === row.name);
      if (key) expect((await results.personalPlace(contestId, people[key]))?.place).toBe(row.place);
    }
    expect(full.map((r) => r.place)).toEqual([1, 2, 3, 3, 5]);
  });

  it("agrees with the full ranking for every one of many papers, most of them tied", async () => {
    const full = await results.trainerRanking(crowdContestId, []);
    const byEntry = new Map(full.map((r) => [r.entryId, r]));
    expect(new Set(full.map((r) => r.place)).size).toBeLessThan(full.length / 4);
    let placed = 0;
    for (const { personId, entryId } of crowd) {
      const row = byEntry.get(entryId);
      const mine = await results.personalPlace(crowdContestId, personId);
      if (row) {
        placed++;
        expect(mine).toEqual({ place: row.place, total: full.length, score: row.score, maxScore: row.maxScore, durationMs: row.durationMs });
      } else expect(mine).toBeNull();
    }
    expect(placed).toBe(full.length);
  });

  it("counts a place on the (contestId, state, score, durationMs) index alone, without reading the table", () => {
    const db = testDb.factory.db;
    // On PostgreSQL, as autovacuum leaves a table: statistics, and the visibility map that lets an index
    // answer alone (without it the planner reads the rows through the (contestId, personId) key instead).
    if (testEngine() === "postgres") db.exec(`VACUUM ANALYZE "ContestEntry"`);
    for (const durationMs of [120_000, null]) {
      const count = results.placeCountSql(crowdContestId, { score: 9000, durationMs });
      if (testEngine() === "postgres") {
        // 150 rows are read fastest by a sequential scan, so the planner is asked to avoid one: the plan
        // then shows whether the index answers the count alone.
        const { text, values } = render(count, "postgres");
        db.exec("SET enable_seqscan = off");
        try {
          const plan = (db.prepare(`EXPLAIN (COSTS OFF) ${text}`).all(...values) as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"].trim());
          expect(plan).toContain(`->  Index Only Scan using "ContestEntry_contestId_state_score_durationMs_idx" on "ContestEntry" e`);
        } finally {
          db.exec("RESET enable_seqscan");
        }
        continue;
      }
      const { text, values } = render(count);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...values) as { detail: string }[]).map((r) => r.detail);
      expect(plan).toEqual([expect.stringMatching(/^SEARCH e USING COVERING INDEX ContestEntry_contestId_state_score_durationMs_idx \(/)]);
    }
  });

  it("shows names in the public ranking only where their owners consented", async () => {
    const top = await results.publicRanking(contestId, 4);
    expect(top.map((r) => [r.place, r.name, r.unitName, r.score])).toEqual([
      [1, "匿名参赛者", "第一党支部", 10000],
      [2, "匿名参赛者", "第一党支部", 9000],
      [3, "姓名p1", "第一党支部", 9000],
      [3, "姓名p4", "第一党支部", 9000],
    ]);
    expect((await results.publicRanking(contestId, 10)).map((r) => r.place)).toEqual([1, 2, 3, 3, 5]);
  });
});
