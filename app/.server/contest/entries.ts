import crypto from "node:crypto";
import { optionOrder, shuffled } from "~/lib/quiz-shuffle";
import { PAPER_HEAD, SOONEST_CLOSING_FIRST, paperOpenTo, papersOpenTo } from "../audience/open-papers";
import { prisma, prismaIdle, rawDb } from "../db";
import { type CreditResult, creditHours } from "../hours/ledger";
import { OWN_CREDIT_SETTINGS, withholdsOwnCredit } from "../hours/self-credit";
import { bankOrderOf, drawPaper, paperDeadline, parseJson, presentedOptions, presentedResponse } from "../quiz/paper";
import { AppError } from "~/lib/app-error";
import { get, run, sql } from "../sql";
import { contestIntake } from "./intake";

// A person's entry in a contest: one per person, its paper drawn at the start (questions, their order
// and each question's option order, stored on the entry), answers taken by the batched writer
// (intake.ts), and the state machine in_progress → submitted | expired. The deadline is the server's:
// the earlier of the start plus the time limit and the contest's close. An entry past it is closed
// with the answers stored before it, by a read or by the sweeper.

const entrySelect = { id: true, state: true, score: true, maxScore: true, correct: true, durationMs: true, deadlineAt: true, showName: true } as const;

/** The contests open to the person, with their own entry in each. */
export async function contestsForPerson(personId: number, now = new Date()) {
  const contests = await papersOpenTo(personId, now, {
    closeExpired: closeExpiredEntries,
    read: (where) =>
      prisma.contest.findMany({
        where,
        select: {
          ...PAPER_HEAD,
          creditHours: true,
          sections: { select: { count: true } },
          entries: { where: { personId }, select: entrySelect },
        },
        orderBy: SOONEST_CLOSING_FIRST,
      }),
  });
  return contests.map(({ sections, entries, ...c }) => ({ ...c, questionCount: sections.reduce((s, x) => s + x.count, 0), entry: entries[0] ?? null }));
}

/** One contest the person may enter (404 otherwise), with their entry. */
export async function contestForPerson(personId: number, contestId: number, now = new Date()) {
  const { sections, entries, ...contest } = await paperOpenTo(personId, contestId, now, {
    closeExpired: closeExpiredEntries,
    missing: () => new AppError("not_found", "没有找到这个竞赛，或它不面向您"),
    read: (where) =>
      prisma.contest.findFirst({
        where,
        select: {
          ...PAPER_HEAD,
          description: true,
          creditHours: true,
          sections: { select: { count: true, pointsEach: true } },
          entries: { where: { personId }, select: entrySelect },
        },
      }),
  });
  return {
    ...contest,
    questionCount: sections.reduce((s, x) => s + x.count, 0),
    maxScore: sections.reduce((s, x) => s + x.count * x.pointsEach, 0),
    entry: entries[0] ?? null,
  };
}

/**
 * Enters the contest, or returns the entry in progress. The paper is drawn once, here: each section's
 * questions from its bank by a fresh seed, the whole paper shuffled, each question's options shuffled.
 * One entry per person: the unique key decides between two taps on "开始".
 */
export async function startEntry(personId: number, contestId: number, now = new Date()): Promise<{ entryId: number; resumed: boolean }> {
  const contest = await contestForPerson(personId, contestId, now);
  if (contest.entry) {
    if (contest.entry.state === "in_progress") return { entryId: contest.entry.id, resumed: true };
    throw new AppError("already_done", "每人只能参赛一次，您已经交卷");
  }
  if (contest.window === "upcoming") throw new AppError("not_open", "竞赛尚未开始");
  if (contest.window === "closed") throw new AppError("closed", "竞赛已经结束");

  const sections = await prisma.contestSection.findMany({ where: { contestId }, orderBy: { position: "asc" } });
  const seed = crypto.randomBytes(16).toString("hex");
  const drawn = await drawPaper(
    sections.map((s) => ({
      position: s.position,
      questionId: null,
      bankId: s.bankId,
      tag: s.tag,
      difficulty: s.difficulty,
      count: s.count,
      markEach: s.pointsEach,
    })),
    seed,
  );
  if (drawn.length === 0) throw new AppError("conflict", "这个竞赛还没有题目，请联系组织者");
  const items = shuffled(drawn, `${seed}/order`);
  const deadlineAt = paperDeadline(now, contest.timeLimitSec, contest.closesAt)!;

  await prismaIdle();
  const db = rawDb();
  const entryId = db.transaction((): number | null => {
    const inserted = get<{ id: number }>(
      db,
      sql`INSERT INTO "ContestEntry" ("contestId", "personId", "seed", "state", "startedAt", "deadlineAt", "maxScore", "showName")
        VALUES (${contestId}, ${personId}, ${seed}, 'in_progress', ${now}, ${deadlineAt}, ${items.reduce((s, i) => s + i.maxMark, 0)}, ${false})
        ON CONFLICT ("contestId", "personId") DO NOTHING RETURNING "id"`,
    );
    if (!inserted) return null;
    items.forEach((item, i) =>
      run(
        db,
        sql`INSERT INTO "ContestItem" ("entryId", "position", "questionId", "optionOrder", "points")
          VALUES (${inserted.id}, ${i + 1}, ${item.questionId}, ${item.optionLetters ? JSON.stringify(optionOrder(item.optionLetters, `${seed}/${item.questionId}`)) : null}, ${item.maxMark})`,
      ),
    );
    return inserted.id;
  })();
  if (entryId === null) return startEntry(personId, contestId, now); // the other tap won: resume its entry
  return { entryId, resumed: false };
}

/** The person's own entry, or the refusal a stranger's or a missing one gets. */
async function ownEntry(personId: number, entryId: number) {
  const entry = Number.isSafeInteger(entryId)
    ? await prisma.contestEntry.findFirst({
        where: { id: entryId, personId },
        select: { ...entrySelect, contestId: true, personId: true, startedAt: true },
      })
    : null;
  if (!entry) throw new AppError("not_found", "没有找到这次参赛记录");
  return entry;
}

/**
 * Refuses, as not found, an entry that is not the person's own in the contest the address names: an
 * action of /contests/:contestId reads the entry id from its form, and one's own entry of another
 * contest must not be reached through this contest's page.
 */
export async function requireEntryOfContest(personId: number, entryId: number, contestId: number): Promise<void> {
  const entry = await ownEntry(personId, entryId);
  if (entry.contestId !== contestId) throw new AppError("not_found", "没有找到这次参赛记录");
}

/**
 * The paper as the person answers it: stems, options in the order shown (letters of that order), the
 * answers already stored. Nothing here says which option is right.
 */
export async function entryForAnswering(personId: number, entryId: number, now = new Date()) {
  await closeExpiredEntries(now);
  const entry = await ownEntry(personId, entryId);
  const items = await prisma.contestItem.findMany({
    where: { entryId },
    select: { position: true, points: true, optionOrder: true, question: { select: { type: true, stem: true, options: true } } },
    orderBy: { position: "asc" },
  });
  const answers = new Map(
    (await prisma.contestAnswer.findMany({ where: { entryId }, select: { position: true, response: true } })).map((a) => [a.position, a.response]),
  );
  return {
    entry,
    items: items.map((item) => ({
      position: item.position,
      type: item.question.type,
      stem: item.question.stem,
      points: item.points,
      options: presentedOptions(item.question, parseJson<string[]>(item.optionOrder)),
      answered: answers.has(item.position),
      response: presentedResponse(item.question.type, bankOrderOf(item.question, item.optionOrder), parseJson<unknown>(answers.get(item.position) ?? null)),
    })),
  };
}

/**
 * Finishes an entry: the writer's pending answers are committed first, then the score is the sum of
 * the stored answers' points, and the time is from the start to now (or to the deadline, for an
 * entry closed by it). Taking part earns the contest's 学时 once, through the ledger.
 */
async function finish(
  entry: { id: number; contestId: number; personId: number; startedAt: Date; deadlineAt: Date },
  state: "submitted" | "expired",
  now: Date,
) {
  await contestIntake().drain();
  const finishedAt = state === "expired" ? entry.deadlineAt : now;
  await prismaIdle();
  const db = rawDb();
  const changed = db
    .transaction(() => {
      const totals = get<{ score: number; correct: number }>(
        db,
        sql`SELECT COALESCE(SUM("points"), 0) AS "score", COALESCE(SUM(CASE WHEN "correct" THEN 1 ELSE 0 END), 0) AS "correct"
          FROM "ContestAnswer" WHERE "entryId" = ${entry.id}`,
      )!;
      const durationMs = Math.max(0, finishedAt.getTime() - entry.startedAt.getTime());
      return run(
        db,
        sql`UPDATE "ContestEntry" SET "state" = ${state}, "finishedAt" = ${finishedAt}, "score" = ${totals.score}, "correct" = ${totals.correct},
          "durationMs" = ${durationMs} WHERE "id" = ${entry.id} AND "state" = 'in_progress'`,
      );
    })
    .immediate();
  contestIntake().forget(entry.id);
  if (changed === 0) return false;
  await creditContestEntry(entry.contestId, entry.personId, finishedAt);
  return true;
}

/**
 * Credits the contest's 学时 for a finished entry, once (the ledger's source key). The one rule for
 * whether taking part earns hours: the hand-in and the deadline ask it, and so does the credit repair
 * (app/.server/credit-repair.ts) for a finished entry whose credit never ran.
 */
export async function creditContestEntry(contestId: number, personId: number, earnedAt: Date): Promise<CreditResult | null> {
  const contest = await prisma.contest.findUniqueOrThrow({ where: { id: contestId }, select: { ...OWN_CREDIT_SETTINGS, title: true } });
  if (!contest.creditHours || contest.creditHours <= 0 || withholdsOwnCredit(contest, personId)) return null;
  return creditHours({
    personId,
    amount: contest.creditHours,
    category: "contest",
    sourceKind: "contest",
    sourceId: String(contestId),
    earnedAt,
    note: contest.title,
  });
}

/** Hands in the person's paper; a second submit is refused and changes nothing. */
export async function submitEntry(personId: number, entryId: number, now = new Date()) {
  await closeExpiredEntries(now);
  const entry = await ownEntry(personId, entryId);
  if (entry.state !== "in_progress") throw new AppError("closed", entry.state === "expired" ? "作答时间已到，系统已自动交卷" : "您已经交卷");
  if (!(await finish(entry, "submitted", now))) throw new AppError("closed", "您已经交卷");
}

/** Closes every entry past its deadline with what was stored before it. */
export async function closeExpiredEntries(now = new Date()): Promise<number> {
  const due = await prisma.contestEntry.findMany({
    where: { state: "in_progress", deadlineAt: { lte: now } },
    select: { id: true, contestId: true, personId: true, startedAt: true, deadlineAt: true },
    take: 500,
  });
  let closed = 0;
  for (const entry of due) if (await finish(entry, "expired", now)) closed++;
  return closed;
}

/** The person's consent to appear by name in the public ranking (their own entry only). */
export async function setShowName(personId: number, entryId: number, showName: boolean) {
  await ownEntry(personId, entryId);
  await prisma.contestEntry.update({ where: { id: entryId }, data: { showName } });
}
