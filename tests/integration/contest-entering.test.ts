import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { gradeQuestion } from "~/lib/quiz-grading";
import { optionOrder, shuffled } from "~/lib/quiz-shuffle";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { testEngine } from "../support/engine";

// Entering a contest and handing in, straight from the domain modules on a real database (decision
// 068; SQLite, or PostgreSQL in the integration-pg run): the paper drawn from the cached bank pools is
// the one the former per-draw read gave for the same seed; an edit to a bank (archive, add, re-tag,
// delete) reaches the next draw; the entry stores that paper in one insert; hand-in's one statement
// scores what a row-by-row recomputation of the stored answers gives, and credits the 学时 with it.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("contest-entering") };
});
type PaperModule = typeof import("../../app/.server/quiz/paper");
type SlotRow = import("../../app/.server/quiz/paper").SlotRow;
let paper: PaperModule;
let questionCache: typeof import("../../app/.server/quiz/question-cache");
let entries: typeof import("../../app/.server/contest/entries");
let intake: typeof import("../../app/.server/contest/intake");
let results: typeof import("../../app/.server/contest/results");
let prizeDraws: typeof import("../../app/.server/contest/prize-draws");
let db: typeof import("../../app/.server/db");
const f = testDb.factory;
const qf = openQuizFactory(f.db);
const ids: Record<string, number> = {};
const banks: { a: number; b: number; c: number } = { a: 0, b: 0, c: 0 };
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

beforeAll(async () => {
  const root = f.unit({ name: "党委", kind: "committee" });
  const branch = f.unit({ name: "第一党支部", kind: "branch", branchType: "student", parent: root });
  for (let i = 1; i <= 6; i++) ids[`p${i}`] = f.person({ number: `p${i}`, name: `学员${i}`, unitId: branch.id, politicalStatus: "member" });
  ids.turn = f.person({ number: "turn1", name: "学员甲", unitId: branch.id, politicalStatus: "member" });
  ids.root = root.id;
  ids.branch = branch.id;
  // Two banks with tags and difficulties to filter on, and a third the cache tests edit.
  banks.a = qf.standardBank({ slug: "a", unitId: root.id, perType: 6 }).bankId;
  banks.b = qf.bank({ slug: "b", title: "题库 b", unitId: root.id });
  for (let i = 1; i <= 30; i++)
    qf.question(
      banks.b,
      `b-${i}`,
      i % 3 === 0
        ? { type: "judge", stem: `判断${i}`, answer: i % 2 === 0 }
        : { type: "single", stem: `单选${i}`, options: { A: "甲", B: "乙", C: "丙" }, answer: "A" },
      { difficulty: (i % 3) + 1, tags: i % 2 === 0 ? ["党章", "党史"] : ["党史"] },
    );
  f.db.prepare("UPDATE Question SET archivedAt = ? WHERE bankId = ? AND key IN ('b-4', 'b-9')").run(ts(new Date()), banks.b);
  banks.c = qf.bank({ slug: "c", title: "题库 c", unitId: root.id });
  for (let i = 1; i <= 4; i++) qf.question(banks.c, `c-${i}`, { type: "single", stem: `题${i}`, options: { A: "甲", B: "乙" }, answer: "A" });
  paper = await import("../../app/.server/quiz/paper");
  questionCache = await import("../../app/.server/quiz/question-cache");
  entries = await import("../../app/.server/contest/entries");
  intake = await import("../../app/.server/contest/intake");
  results = await import("../../app/.server/contest/results");
  prizeDraws = await import("../../app/.server/contest/prize-draws");
  db = await import("../../app/.server/db");
});
afterAll(async () => {
  await testDb.remove();
});

/** The draw as it was before decision 068 (every question of the banks read through Prisma per draw), kept as the reference. */
async function formerDrawPaper(slots: SlotRow[], seed: string) {
  const { drawQuestions } = await import("~/lib/quiz-shuffle");
  const fixedIds = slots.flatMap((s) => (s.questionId === null ? [] : [s.questionId]));
  const bankIds = [...new Set(slots.flatMap((s) => (s.questionId === null && s.bankId !== null ? [s.bankId] : [])))];
  const questions = await db.prisma.question.findMany({
    where: { archivedAt: null, OR: [{ id: { in: fixedIds } }, { bankId: { in: bankIds } }] },
    select: { id: true, bankId: true, type: true, options: true, tags: true, difficulty: true },
  });
  const byId = new Map(questions.map((q) => [q.id, q]));
  const letters = (q: (typeof questions)[number]) =>
    (q.type === "single" || q.type === "multiple") && q.options ? Object.keys(JSON.parse(q.options) as object).sort() : null;
  const chosen = new Set(fixedIds.filter((id) => byId.has(id)).map(String));
  const out: { questionId: number; maxMark: number; optionLetters: string[] | null }[] = [];
  const put = (id: number, maxMark: number) => out.push({ questionId: id, maxMark, optionLetters: letters(byId.get(id)!) });
  const placed = new Set<number>();
  for (const s of slots) {
    if (s.questionId !== null) {
      if (byId.has(s.questionId) && !placed.has(s.questionId)) put(s.questionId, s.markEach);
      placed.add(s.questionId);
      continue;
    }
    if (s.bankId === null) continue;
    const pool = questions
      .filter((q) => q.bankId === s.bankId)
      .map((q) => ({ id: String(q.id), tags: (JSON.parse(q.tags) as string[] | null) ?? [], difficulty: q.difficulty }));
    const { ids: drawn } = drawQuestions(
      pool,
      { count: s.count, tags: s.tag ? [s.tag] : undefined, difficulty: s.difficulty ?? undefined },
      `${seed}/slot/${s.position}`,
      chosen,
    );
    for (const id of drawn) {
      chosen.add(id);
      put(Number(id), s.markEach);
    }
  }
  return out;
}

const draw = (position: number, bankId: number, count: number, markEach: number, extra: { tag?: string; difficulty?: number } = {}): SlotRow => ({
  position,
  questionId: null,
  bankId,
  tag: extra.tag ?? null,
  difficulty: extra.difficulty ?? null,
  count,
  markEach,
});
const fixed = (position: number, questionId: number, markEach: number): SlotRow => ({
  position,
  questionId,
  bankId: null,
  tag: null,
  difficulty: null,
  count: 1,
  markEach,
});
const bankQuestionIds = (bankId: number) =>
  (f.db.prepare("SELECT id FROM Question WHERE bankId = ? AND archivedAt IS NULL ORDER BY id").all(bankId) as { id: number }[]).map((r) => r.id);

describe("drawing a paper from the cached banks", () => {
  it("gives the former draw's questions, marks and option letters for the same seed", async () => {
    const [fixedA, fixedB] = bankQuestionIds(banks.a);
    const archivedB = (f.db.prepare("SELECT id FROM Question WHERE bankId = ? AND key = 'b-4'").get(banks.b) as { id: number }).id;
    const papers: SlotRow[][] = [
      [draw(1, banks.a, 10, 400), draw(2, banks.b, 10, 400), draw(3, banks.b, 5, 200, { tag: "党章" })],
      [draw(1, banks.b, 8, 500, { difficulty: 2 }), draw(2, banks.a, 30, 100)], // more asked than the bank holds
      [fixed(1, fixedA, 1000), fixed(2, archivedB, 1000), draw(3, banks.a, 5, 300), fixed(4, fixedB, 500), fixed(5, fixedA, 100)],
      [draw(1, banks.b, 4, 250, { tag: "党章", difficulty: 3 }), draw(2, banks.b, 40, 250)],
    ];
    for (const slots of papers)
      for (let s = 0; s < 25; s++) {
        const seed = `seed-${s}`;
        const now = await paper.drawPaper(slots, seed);
        expect(now.map(({ version: _read, ...drawn }) => drawn)).toEqual(await formerDrawPaper(slots, seed));
        expect(now.length).toBeGreaterThan(0);
        // Each drawn question comes with the version it was drawn at (a new paper's texts are found by it).
        for (const item of now)
          expect(item.version).toBe((f.db.prepare("SELECT updatedAt FROM Question WHERE id = ?").get(item.questionId) as { updatedAt: string }).updatedAt);
      }
  });

  it("reads a bank again after a question of it is archived, added, re-tagged or deleted", async () => {
    const all = (tag?: string) => [draw(1, banks.c, 50, 100, { tag })];
    const drawnIds = async (tag?: string) => (await paper.drawPaper(all(tag), "x")).map((i) => i.questionId).sort((a, b) => a - b);
    expect(await drawnIds()).toEqual(bankQuestionIds(banks.c)); // cached from here on
    const [first, second] = bankQuestionIds(banks.c);

    f.db.prepare("UPDATE Question SET archivedAt = ?, updatedAt = ? WHERE id = ?").run(ts(new Date()), ts(new Date()), first);
    expect(await drawnIds()).not.toContain(first);

    const added = qf.question(banks.c, "c-new", { type: "single", stem: "新题", options: { A: "甲", B: "乙" }, answer: "B" });
    expect(await drawnIds()).toContain(added);
    expect(await drawnIds()).toEqual(bankQuestionIds(banks.c));

    expect(await drawnIds("党史")).toEqual([]);
    await new Promise((r) => setTimeout(r, 5)); // an edit in a later millisecond, as the bank editor makes it
    f.db.prepare("UPDATE Question SET tags = ?, updatedAt = ? WHERE id = ?").run(JSON.stringify(["党史"]), ts(new Date()), second);
    expect(await drawnIds("党史")).toEqual([second]);

    // A re-worded question is drawn at its new version, whose text is the new one (question-cache.ts).
    const before = (await paper.drawPaper(all(), "x")).find((i) => i.questionId === second)!;
    expect((await questionCache.questionsAt(db.sqlDb(), [before])).get(second)?.stem).not.toBe("改写后的题干");
    await new Promise((r) => setTimeout(r, 5));
    f.db.prepare("UPDATE Question SET stem = ?, updatedAt = ? WHERE id = ?").run("改写后的题干", ts(new Date()), second);
    const reworded = (await paper.drawPaper(all(), "x")).find((i) => i.questionId === second)!;
    expect(reworded.version).not.toBe(before.version);
    expect((await questionCache.questionsAt(db.sqlDb(), [reworded])).get(second)?.stem).toBe("改写后的题干");

    f.db.prepare("DELETE FROM Question WHERE id = ?").run(added);
    expect(await drawnIds()).not.toContain(added);
    expect(await drawnIds()).toEqual(bankQuestionIds(banks.c));
  });
});

describe("entering and handing in", () => {
  let contestId: number;
  beforeAll(() => {
    contestId = openContestFactory(f.db).contest({
      title: "党史竞赛",
      unitId: ids.root,
      createdById: ids.p6,
      timeLimitSec: 900,
      creditHours: 50,
      sections: [
        { bankId: banks.a, count: 12, pointsEach: 400 },
        { bankId: banks.b, count: 8, pointsEach: 500, tag: "党章" },
      ],
      audiences: [{ unitId: ids.branch }],
    });
  });

  it("stores the paper its seed draws: the former draw, shuffled, each question's options shuffled", async () => {
    const now = new Date();
    const { entryId, resumed, contest, paper: drawn } = await entries.startEntry(ids.p1, contestId, now);
    expect(resumed).toBe(false);
    // What 开始's reply is built from (without reading again) is what reading the contest and the paper finds now.
    expect(contest).toEqual(await entries.contestForPerson(ids.p1, contestId, now));
    expect(drawn).toEqual(await entries.paperOfEntry(ids.p1, entryId));
    expect(contest.entry).toMatchObject({ id: entryId, state: "in_progress", showName: false, score: null });
    const entry = f.db.prepare("SELECT seed, maxScore FROM ContestEntry WHERE id = ?").get(entryId) as { seed: string; maxScore: number };
    const sections = f.db.prepare("SELECT * FROM ContestSection WHERE contestId = ? ORDER BY position").all(contestId) as {
      position: number;
      bankId: number;
      tag: string | null;
      difficulty: number | null;
      count: number;
      pointsEach: number;
    }[];
    const expected = shuffled(
      await formerDrawPaper(
        sections.map((s) => draw(s.position, s.bankId, s.count, s.pointsEach, { tag: s.tag ?? undefined, difficulty: s.difficulty ?? undefined })),
        entry.seed,
      ),
      `${entry.seed}/order`,
    );
    const stored = f.db.prepare("SELECT position, questionId, optionOrder, points FROM ContestItem WHERE entryId = ? ORDER BY position").all(entryId);
    expect(stored).toEqual(
      expected.map((item, i) => ({
        position: i + 1,
        questionId: item.questionId,
        optionOrder: item.optionLetters ? JSON.stringify(optionOrder(item.optionLetters, `${entry.seed}/${item.questionId}`)) : null,
        points: item.maxMark,
      })),
    );
    expect(entry.maxScore).toBe(12 * 400 + 8 * 500);
    const again = await entries.startEntry(ids.p1, contestId, now);
    expect(again).toEqual({ entryId, resumed: true, contest, paper: null });
    // Another person's paper is empty for this person: the paper is read by the entry and its person.
    expect(await entries.paperOfEntry(ids.p2, entryId)).toEqual([]);
    expect((await entries.paperOfEntry(ids.p1, entryId)).length).toBe(20);
  });

  it("shows a reloaded paper's questions at their versions: one re-worded after the draw with its new text", async () => {
    const person = f.person({ number: "reworded", name: "学员丙", unitId: ids.branch, politicalStatus: "member" });
    const { entryId, paper: drawn } = await entries.startEntry(person, contestId);
    expect(await entries.paperOfEntry(person, entryId)).toEqual(drawn); // the texts cached from here on
    const { questionId } = f.db.prepare("SELECT questionId FROM ContestItem WHERE entryId = ? AND position = 1").get(entryId) as { questionId: number };
    await new Promise((r) => setTimeout(r, 5)); // an edit in a later millisecond, as the bank editor makes it
    f.db.prepare("UPDATE Question SET stem = ?, updatedAt = ? WHERE id = ?").run("考试中改写的题干", ts(new Date()), questionId);
    const reloaded = await entries.paperOfEntry(person, entryId);
    expect(reloaded[0]).toEqual({ ...drawn![0], stem: "考试中改写的题干" });
    expect(reloaded.slice(1)).toEqual(drawn!.slice(1));
  });

  it("gives two taps at once one entry: the tap that lost resumes it, with the contest as read after the other's", async () => {
    const now = new Date();
    const p7 = f.person({ number: "twotaps", name: "学员乙", unitId: ids.branch, politicalStatus: "member" });
    const taps = await Promise.all([entries.startEntry(p7, contestId, now), entries.startEntry(p7, contestId, now)]);
    expect(new Set(taps.map((t) => t.entryId)).size).toBe(1);
    expect(taps.map((t) => t.resumed).sort()).toEqual([false, true]);
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM ContestEntry WHERE personId = ?").get(p7)).toEqual({ n: 1 });
    const read = await entries.contestForPerson(p7, contestId, now);
    for (const t of taps) expect(t.contest).toEqual(read);
  });

  it("scores a hand-in as a row-by-row recomputation of the stored answers does, and credits it", async () => {
    for (const [person, share] of [
      ["p2", 0.7],
      ["p3", 0],
      ["p4", 1],
    ] as const) {
      const { entryId } = await entries.startEntry(ids[person], contestId);
      const shown = await entries.paperOfEntry(ids[person], entryId);
      const keys = f.db
        .prepare(
          "SELECT i.position, q.type, q.answer, i.optionOrder FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE i.entryId = ? ORDER BY i.position",
        )
        .all(entryId) as { position: number; type: string; answer: string; optionOrder: string | null }[];
      // Right for the first share of the paper, wrong after; the last two left unanswered.
      await Promise.all(
        shown.slice(0, -2).map((item, k) => {
          const key = keys[k];
          const right = k < share * shown.length;
          const answer = JSON.parse(key.answer) as unknown;
          const order = (JSON.parse(key.optionOrder ?? "null") as string[] | null) ?? [];
          const presented = (bank: string) => "ABCDEFGH"[order.indexOf(bank)];
          const values =
            key.type === "judge"
              ? [String(right ? answer : !answer)]
              : key.type === "fill"
                ? [right ? (answer as string[])[0] : "不对"]
                : key.type === "single"
                  ? [presented(right ? (answer as string) : order.find((l) => l !== answer)!)]
                  : right
                    ? (answer as string[]).map(presented)
                    : [presented(order.find((l) => !(answer as string[]).includes(l))!)];
          return intake.contestIntake().answer(ids[person], entryId, item.position, values);
        }),
      );
      await entries.submitEntry(ids[person], entryId);
      const row = f.db.prepare("SELECT state, score, correct FROM ContestEntry WHERE id = ?").get(entryId) as { state: string; score: number; correct: number };
      const stored = f.db
        .prepare(
          "SELECT a.response, q.type, q.answer, i.points FROM ContestAnswer a JOIN ContestItem i ON i.entryId = a.entryId AND i.position = a.position JOIN Question q ON q.id = i.questionId WHERE a.entryId = ?",
        )
        .all(entryId) as { response: string; type: string; answer: string; points: number }[];
      let score = 0;
      let correct = 0;
      for (const a of stored) {
        const grade = gradeQuestion(paper.keyOf(a.type, a.answer), JSON.parse(a.response) as never, a.points);
        score += grade.mark;
        if (grade.correct) correct++;
      }
      expect(stored.length).toBe(shown.length - 2);
      expect(row).toEqual({ state: "submitted", score, correct });
      if (share === 1) expect(correct).toBe(18);
      if (share === 0) expect(row.score).toBe(0);
      const credit = f.db
        .prepare("SELECT amount FROM HoursEntry WHERE personId = ? AND sourceKind = 'contest' AND sourceId = ?")
        .all(ids[person], String(contestId));
      expect(credit).toEqual([{ amount: 50 }]);
      await expect(entries.submitEntry(ids[person], entryId)).rejects.toMatchObject({ code: "closed" });
    }
  });

  // On PostgreSQL the commit waits for the network, so no turn of the loop holds it.
  it.skipIf(testEngine() === "postgres")(
    "commits the answers that came in one turn of the event loop in that turn when the lane asks, and a tick later when not",
    async () => {
      const { entryId } = await entries.startEntry(ids.turn, contestId);
      const items = (await entries.paperOfEntry(ids.turn, entryId)).filter((i) => i.type === "single" || i.type === "judge");
      const own = new intake.ContestIntake();
      // What comes first: the answer's commit, or a timer of 1 ms set with it (the writer's tick is 4 ms)?
      const race = async (item: (typeof items)[number], thisTurn: boolean) => {
        // From the timers phase, as a request's handler runs from the poll phase: this turn's check phase comes before any later timer.
        await new Promise((r) => setTimeout(r, 5));
        if (thisTurn) own.flushAfterThisTurn();
        const order: string[] = [];
        const timer = new Promise<void>((r) => setTimeout(() => r(void order.push("timer")), 1));
        const saved = own.answer(ids.turn, entryId, item.position, [item.type === "judge" ? "true" : "A"]).then((o) => void order.push(o.status));
        await Promise.all([saved, timer]);
        return order;
      };
      expect(await race(items[0], false)).toEqual(["timer", "saved"]);
      expect(await race(items[1], true)).toEqual(["saved", "timer"]);
      expect(f.db.prepare("SELECT COUNT(*) AS n FROM ContestAnswer WHERE entryId = ?").get(entryId)).toEqual({ n: 2 });
    },
  );

  // The answer lane's order (decision 097): its flush, asked for just after the session's check, runs after that check.
  it.skipIf(testEngine() === "postgres")("finishes a session's check before a setImmediate queued just after asking for it", async () => {
    const session = await import("../../app/.server/auth/session");
    const token = session.sessionTokenFromCookies(await session.startSession(ids.turn))!;
    expect(await session.validateSessionToken(token)).not.toBeNull(); // the epoch's row is there from now on
    await new Promise((r) => setTimeout(r, 5));
    const order: string[] = [];
    const checked = session.validateSessionToken(token).then((s) => void order.push(s ? "checked" : "refused"));
    setImmediate(() => order.push("flush"));
    await checked;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["checked", "flush"]);
  });

  it("withholds the credit from the person who set the hours, still scoring the paper", async () => {
    f.db.prepare("UPDATE Contest SET creditSetById = ? WHERE id = ?").run(ids.p5, contestId);
    const { entryId } = await entries.startEntry(ids.p5, contestId);
    await entries.submitEntry(ids.p5, entryId);
    expect(f.db.prepare("SELECT state, score FROM ContestEntry WHERE id = ?").get(entryId)).toEqual({ state: "submitted", score: 0 });
    expect(f.db.prepare("SELECT COUNT(*) AS n FROM HoursEntry WHERE personId = ?").get(ids.p5)).toEqual({ n: 0 });
  });
});

describe("entries past their deadline", () => {
  it("are closed by their own person's read at once, and by the sweeper for everyone else, never by another person's read", async () => {
    const cf = openContestFactory(f.db);
    const contestId = cf.contest({ title: "到时收卷", unitId: ids.root, createdById: ids.p6, audiences: [{ unitId: ids.branch }] });
    const items = [{ questionId: bankQuestionIds(banks.c)[0], points: 10000 }];
    const startedAt = new Date(Date.now() - 20 * 60_000);
    const deadlineAt = new Date(Date.now() - 5 * 60_000);
    const answered = [{ position: 1, response: "A", correct: true, points: 10000, receivedAt: new Date(deadlineAt.getTime() - 60_000) }];
    const mine = cf.entry({ contestId, personId: ids.p1, items, startedAt, deadlineAt, answers: answered });
    const theirs = [ids.p2, ids.p3].map((personId) => cf.entry({ contestId, personId, items, startedAt, deadlineAt }));
    const state = (entryId: number) => f.db.prepare("SELECT state, score FROM ContestEntry WHERE id = ?").get(entryId);

    const page = await entries.contestForPerson(ids.p1, contestId);
    // The reader sees their result: closed at the deadline with what was stored before it.
    expect(page.entry).toMatchObject({ id: mine, state: "expired", score: 10000 });
    expect(theirs.map(state)).toEqual([
      { state: "in_progress", score: null },
      { state: "in_progress", score: null },
    ]);
    expect(await entries.closeExpiredEntries()).toBe(2);
    expect(theirs.map(state)).toEqual([
      { state: "expired", score: 0 },
      { state: "expired", score: 0 },
    ]);
  });

  it("are collected by the prize draw itself, so a perfect paper the close left open is in its pool", async () => {
    const cf = openContestFactory(f.db);
    const closesAt = new Date(Date.now() - 60_000);
    const contestId = cf.contest({ title: "截止抽奖", unitId: ids.root, createdById: ids.p6, audiences: [{ unitId: ids.branch }], closesAt });
    const items = [{ questionId: bankQuestionIds(banks.c)[0], points: 10000 }];
    const perfect = [{ position: 1, response: "A", correct: true, points: 10000, receivedAt: new Date(closesAt.getTime() - 60_000) }];
    const startedAt = new Date(closesAt.getTime() - 10 * 60_000);
    const handedIn = cf.entry({
      contestId,
      personId: ids.p1,
      items,
      startedAt,
      state: "submitted",
      score: 10000,
      correct: 1,
      finishedAt: startedAt,
      answers: perfect,
    });
    const leftOpen = cf.entry({ contestId, personId: ids.p2, items, startedAt, deadlineAt: closesAt, answers: perfect });
    const draw = await prizeDraws.runPrizeDraw(ids.p6, contestId, 5);
    expect(draw.pool).toEqual([handedIn, leftOpen]);
    expect(f.db.prepare("SELECT state, score, finishedAt = deadlineAt AS atDeadline FROM ContestEntry WHERE id = ?").get(leftOpen)).toEqual({
      state: "expired",
      score: 10000,
      atDeadline: 1,
    });
  });
});

describe("the public top list kept between result pages", () => {
  it("follows a better paper, a tie with the last place and a consent, whoever wrote them", async () => {
    const cf = openContestFactory(f.db);
    const contestId = cf.contest({ title: "排名", unitId: ids.root, createdById: ids.p6, audiences: [{ unitId: ids.branch }] });
    const items = [{ questionId: bankQuestionIds(banks.c)[0], points: 10000 }];
    const finished = (person: string, score: number, durationMs: number, showName = false) =>
      cf.entry({ contestId, personId: ids[person], items, state: "submitted", score, durationMs, showName, finishedAt: new Date() });
    finished("p1", 9000, 100_000);
    finished("p2", 8000, 100_000);
    finished("p3", 7000, 100_000);
    const top = async () => (await results.publicRanking(contestId, 2)).map((r) => `${r.place}:${r.name}:${r.score}`);
    expect(await top()).toEqual(["1:匿名参赛者:9000", "2:匿名参赛者:8000"]);
    finished("p4", 6000, 50_000); // below the last place: the kept list still holds
    expect(await top()).toEqual(["1:匿名参赛者:9000", "2:匿名参赛者:8000"]);
    finished("p5", 8000, 90_000); // tied on score with the last place, faster
    expect(await top()).toEqual(["1:匿名参赛者:9000", "2:匿名参赛者:8000"]);
    expect((await results.publicRanking(contestId, 2))[1]).toMatchObject({ durationMs: 90_000 });
    f.db.prepare("UPDATE ContestEntry SET showName = 1 WHERE contestId = ? AND personId = ?").run(contestId, ids.p1);
    expect(await top()).toEqual(["1:学员1:9000", "2:匿名参赛者:8000"]);
    const better = f.person({ number: "p7", name: "学员7", unitId: ids.branch, politicalStatus: "member" });
    cf.entry({ contestId, personId: better, items, state: "expired", score: 10000, durationMs: 200_000, showName: true, finishedAt: new Date() });
    expect(await top()).toEqual(["1:学员7:10000", "2:学员1:9000"]);
  });
});
