import crypto from "node:crypto";
import { optionOrder, shuffled } from "~/lib/quiz-shuffle";
import { PAPER_HEAD, SOONEST_CLOSING_FIRST, paperWindow, papersOpenTo } from "../audience/open-papers";
import { prisma, sqlDb } from "../db";
import { closeEach } from "../expired-sweeps";
import { type CreditResult, creditHours, creditHoursOn } from "../hours/ledger";
import { OWN_CREDIT_SETTINGS, withholdsOwnCredit } from "../hours/self-credit";
import { type CachedQuestion, questionsAt, questionsOfItems } from "../quiz/question-cache";
import { drawPaper, paperDeadline, parseJson, presentedOptions, presentedResponse } from "../quiz/paper";
import { AppError } from "~/lib/app-error";
import { forUpdate, join, sql } from "../sql";
import { contestIntake } from "./intake";
import { forgetPublicRanking, inContestAudience } from "./results";

// A person's entry in a contest: one per person, its paper drawn at the start (questions, their order
// and each question's option order, stored on the entry), answers taken by the batched writer
// (intake.ts), and the state machine in_progress → submitted | expired. The deadline is the server's:
// the earlier of the start plus the time limit and the contest's close. An entry past it is closed
// with the answers stored before it, by its own person's read or by the sweeper.

const entrySelect = { id: true, state: true, score: true, maxScore: true, correct: true, durationMs: true, deadlineAt: true, showName: true } as const;

/** The contests open to the person, with their own entry in each. */
export async function contestsForPerson(personId: number, now = new Date()) {
  const contests = await papersOpenTo(personId, now, {
    closeExpired: (now, personId) => closeExpiredEntries(now, { personId }),
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

type EntryRow = {
  id: number;
  state: string;
  score: number | null;
  maxScore: number;
  correct: number | null;
  durationMs: number | null;
  deadlineAt: string;
  showName: number | boolean;
  contestId: number;
  personId: number;
  startedAt: string;
};
const ENTRY_COLUMNS = sql`"id", "state", "score", "maxScore", "correct", "durationMs", "deadlineAt", "showName", "contestId", "personId", "startedAt"`;

type Entry = ReturnType<typeof toEntry>;
/** What `contestForPerson` answers: the contest as the person may see it, and their entry. */
export type ContestForPerson = Awaited<ReturnType<typeof contestForPerson>>;

function toEntry(e: EntryRow) {
  return { ...e, deadlineAt: new Date(e.deadlineAt), startedAt: new Date(e.startedAt), showName: Boolean(e.showName) };
}

type OpenContestRow = {
  id: number;
  title: string;
  description: string | null;
  opensAt: string;
  closesAt: string;
  timeLimitSec: number;
  creditHours: number | null;
  creditSetById: number | null;
  creditApprovedById: number | null;
  questionCount: number;
  maxScore: number;
};

/**
 * One contest the person may enter (404 otherwise), with their entry: the rule of `paperOpenTo`
 * (expired entries closed first; published, with an audience row covering the person: a unit on
 * their path and their status if one is named, as `inContestAudience` writes it for the results),
 * read in two prepared statements on the raw connection, as every step of a contest morning asks it.
 */
export async function contestForPerson(personId: number, contestId: number, now = new Date()) {
  await closeExpiredEntries(now, { personId });
  const db = sqlDb();
  const row = Number.isSafeInteger(contestId)
    ? await db.get<OpenContestRow>(
        sql`SELECT c."id", c."title", c."description", c."opensAt", c."closesAt", c."timeLimitSec", c."creditHours", c."creditSetById", c."creditApprovedById",
          (SELECT COALESCE(SUM(s."count"), 0) FROM "ContestSection" s WHERE s."contestId" = c."id") AS "questionCount",
          (SELECT COALESCE(SUM(s."count" * s."pointsEach"), 0) FROM "ContestSection" s WHERE s."contestId" = c."id") AS "maxScore"
        FROM "Contest" c JOIN "Person" p ON p."id" = ${personId} JOIN "OrgUnit" u ON u."id" = p."unitId"
        WHERE c."id" = ${contestId} AND c."status" = 'published' AND ${inContestAudience(contestId)}`,
      )
    : undefined;
  if (!row) throw new AppError("not_found", "没有找到这个竞赛，或它不面向您");
  const entry = await db.get<EntryRow>(sql`SELECT ${ENTRY_COLUMNS} FROM "ContestEntry" WHERE "contestId" = ${contestId} AND "personId" = ${personId}`);
  const contest = { ...row, opensAt: new Date(row.opensAt), closesAt: new Date(row.closesAt) };
  return { ...contest, window: paperWindow(contest, now), entry: entry ? toEntry(entry) : null };
}

/**
 * Enters the contest, or returns the entry in progress. The paper is drawn once, here: each section's
 * questions from its bank by a fresh seed, the whole paper shuffled, each question's options shuffled.
 * One entry per person: the unique key decides between two taps on "开始".
 */
export async function startEntry(
  personId: number,
  contestId: number,
  now = new Date(),
): Promise<{ entryId: number; resumed: boolean; contest: ContestForPerson & { entry: Entry }; paper: ContestPaper | null }> {
  const contest = await contestForPerson(personId, contestId, now);
  if (contest.entry) {
    if (contest.entry.state === "in_progress") return { entryId: contest.entry.id, resumed: true, contest: { ...contest, entry: contest.entry }, paper: null };
    throw new AppError("already_done", "每人只能参赛一次，您已经交卷");
  }
  if (contest.window === "upcoming") throw new AppError("not_open", "竞赛尚未开始");
  if (contest.window === "closed") throw new AppError("closed", "竞赛已经结束");

  const sections = await sqlDb().all<{ position: number; bankId: number; tag: string | null; difficulty: number | null; count: number; pointsEach: number }>(
    sql`SELECT "position", "bankId", "tag", "difficulty", "count", "pointsEach" FROM "ContestSection" WHERE "contestId" = ${contestId} ORDER BY "position"`,
  );
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
  const orders = items.map((item) => (item.optionLetters ? optionOrder(item.optionLetters, `${seed}/${item.questionId}`) : null));

  const entry = await sqlDb().transaction(async (tx): Promise<EntryRow | null> => {
    const inserted = await tx.get<EntryRow>(
      sql`INSERT INTO "ContestEntry" ("contestId", "personId", "seed", "state", "startedAt", "deadlineAt", "maxScore", "showName")
        VALUES (${contestId}, ${personId}, ${seed}, 'in_progress', ${now}, ${deadlineAt}, ${items.reduce((s, i) => s + i.maxMark, 0)}, ${false})
        ON CONFLICT ("contestId", "personId") DO NOTHING RETURNING ${ENTRY_COLUMNS}`,
    );
    if (!inserted) return null;
    // The whole paper in one statement (one text per paper length, prepared once).
    const rows = items.map((item, i) => sql`(${inserted.id}, ${i + 1}, ${item.questionId}, ${jsonOrNull(orders[i])}, ${item.maxMark})`);
    await tx.run(sql`INSERT INTO "ContestItem" ("entryId", "position", "questionId", "optionOrder", "points") VALUES ${join(rows)}`);
    return inserted;
  });
  if (entry === null) return startEntry(personId, contestId, now); // the other tap won: resume its entry
  // The new paper as the person sees it, from the questions as drawn (their texts at the versions the draw
  // read, from question-cache.ts): nothing answered yet, no paper to read back.
  const texts = await questionsAt(sqlDb(), items);
  const paper = items.map((item, i) => shownItem(i + 1, item.maxMark, texts.get(item.questionId)!, orders[i], undefined));
  return { entryId: entry.id, resumed: false, contest: { ...contest, entry: toEntry(entry) }, paper };
}

/** The person's own entry, or the refusal a stranger's or a missing one gets. */
async function ownEntry(personId: number, entryId: number) {
  const entry = Number.isSafeInteger(entryId)
    ? await sqlDb().get<EntryRow>(sql`SELECT ${ENTRY_COLUMNS} FROM "ContestEntry" WHERE "id" = ${entryId} AND "personId" = ${personId}`)
    : undefined;
  if (!entry) throw new AppError("not_found", "没有找到这次参赛记录");
  return toEntry(entry);
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
 * The paper of an entry as the person answers it: stems, options in the order shown (letters of that
 * order), the answers already stored. Nothing here says which option is right. The caller has read the
 * entry as the person's own, their expired entries closed first (`contestForPerson`, `startEntry`).
 * The texts come from question-cache.ts at the versions read beside the items, as a quiz's pages take
 * theirs.
 */
export async function paperOfEntry(personId: number, entryId: number) {
  const db = sqlDb();
  const items = await db.all<{ position: number; points: number; optionOrder: string | null; questionId: number; updatedAt: string | Date }>(
    // Joined to the entry by its person too: an entry id that is not theirs gives an empty paper.
    sql`SELECT i."position", i."points", i."optionOrder", i."questionId", q."updatedAt"
      FROM "ContestItem" i JOIN "ContestEntry" e ON e."id" = i."entryId" AND e."personId" = ${personId} JOIN "Question" q ON q."id" = i."questionId"
      WHERE i."entryId" = ${entryId} ORDER BY i."position"`,
  );
  const answers = new Map(
    (await db.all<{ position: number; response: string }>(sql`SELECT "position", "response" FROM "ContestAnswer" WHERE "entryId" = ${entryId}`)).map((a) => [
      a.position,
      a.response,
    ]),
  );
  const texts = await questionsOfItems(db, items);
  return items.map((item) =>
    shownItem(item.position, item.points, texts.get(item.questionId)!, parseJson<string[]>(item.optionOrder), answers.get(item.position)),
  );
}

/** An entry's paper as the person sees it (`paperOfEntry`, or `startEntry`'s for a new entry). */
export type ContestPaper = ReturnType<typeof shownItem>[];

/**
 * One question of a paper as the person sees it: its stem, its options in the order shown (letters of
 * that order: the item's shuffle of the bank letters, null for the bank's own order), and the stored
 * answer (bank letters as a JSON text) in those letters, if any.
 */
function shownItem(position: number, points: number, question: CachedQuestion, order: string[] | null, storedResponse: string | undefined) {
  return {
    position,
    type: question.type,
    stem: question.stem,
    points,
    options: presentedOptions(question, order),
    answered: storedResponse !== undefined,
    response: presentedResponse(question.type, order ?? question.bankLetters, parseJson<unknown>(storedResponse ?? null)),
  };
}

/** An item's shuffle as stored: JSON text, or NULL for the bank's own order. */
const jsonOrNull = (order: string[] | null) => (order === null ? null : JSON.stringify(order));

/**
 * Finishes an entry: the writer's pending answers are committed first, then one statement sets the
 * state, the score (the sum of the stored answers' points), the count right and the time (from the
 * start to now, or to the deadline for an entry closed by it). Taking part earns the contest's 学时
 * once, through the ledger, after the hand-in has committed (decision 034: a failed credit leaves the
 * entry finished, and the credit repair credits it later).
 */
async function finish(
  entry: { id: number; contestId: number; personId: number; startedAt: Date; deadlineAt: Date },
  state: "submitted" | "expired",
  now: Date,
) {
  await contestIntake().drain();
  const finishedAt = state === "expired" ? entry.deadlineAt : now;
  const durationMs = Math.max(0, finishedAt.getTime() - entry.startedAt.getTime());
  const db = sqlDb();
  const changed = await db.transaction(async (tx) => {
    // The entry's row lock first (PostgreSQL): a batch of answers on another node holding it (intake.ts,
    // FOR SHARE) commits before the sums below are read, in a statement of their own that sees them.
    const open = await tx.get(sql`SELECT "id" FROM "ContestEntry" WHERE "id" = ${entry.id} AND "state" = 'in_progress'${forUpdate()}`);
    if (!open) return 0;
    return tx.run(
      sql`UPDATE "ContestEntry" SET "state" = ${state}, "finishedAt" = ${finishedAt}, "durationMs" = ${durationMs},
        "score" = (SELECT COALESCE(SUM(a."points"), 0) FROM "ContestAnswer" a WHERE a."entryId" = ${entry.id}),
        "correct" = (SELECT COALESCE(SUM(CASE WHEN a."correct" THEN 1 ELSE 0 END), 0) FROM "ContestAnswer" a WHERE a."entryId" = ${entry.id})
        WHERE "id" = ${entry.id} AND "state" = 'in_progress'`,
    );
  });
  contestIntake().forget(entry.id);
  if (changed === 0) return false;
  const contest = (await db.get<{ title: string; creditHours: number | null; creditSetById: number | null; creditApprovedById: number | null }>(
    sql`SELECT "title", "creditHours", "creditSetById", "creditApprovedById" FROM "Contest" WHERE "id" = ${entry.contestId}`,
  ))!;
  if (contest.creditHours && contest.creditHours > 0 && !withholdsOwnCredit(contest, entry.personId))
    await creditHoursOn(db, {
      personId: entry.personId,
      amount: contest.creditHours,
      category: "contest",
      sourceKind: "contest",
      sourceId: String(entry.contestId),
      earnedAt: finishedAt,
      note: contest.title,
    });
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
  await closeExpiredEntries(now, { personId });
  const entry = await ownEntry(personId, entryId);
  if (entry.state !== "in_progress") throw new AppError("closed", entry.state === "expired" ? "作答时间已到，系统已自动交卷" : "您已经交卷");
  if (!(await finish(entry, "submitted", now))) throw new AppError("closed", "您已经交卷");
}

/**
 * Closes entries past their deadline with what was stored before it: one person's, before a read of
 * their own (so they see their result at once), one contest's (before its prize draw), or, for the
 * sweeper, everyone's; 500 at a time. A read never closes other people's: at a contest's close
 * thousands of entries expire together, and every page of every phone closing the same ones would be
 * the crowd's work on each request.
 */
export async function closeExpiredEntries(now = new Date(), of?: { personId: number } | { contestId: number }): Promise<number> {
  const whose = !of ? sql`` : "personId" in of ? sql` AND "personId" = ${of.personId}` : sql` AND "contestId" = ${of.contestId}`;
  const due = (
    await sqlDb().all<{ id: number; contestId: number; personId: number; startedAt: string; deadlineAt: string }>(
      sql`SELECT "id", "contestId", "personId", "startedAt", "deadlineAt" FROM "ContestEntry" WHERE "state" = 'in_progress' AND "deadlineAt" <= ${now}${whose} LIMIT 500`,
    )
  ).map((e) => ({ ...e, startedAt: new Date(e.startedAt), deadlineAt: new Date(e.deadlineAt) }));
  return closeEach(due, (entry) => finish(entry, "expired", now), "contest entry");
}

/** The person's consent to appear by name in the public ranking (their own entry only). */
export async function setShowName(personId: number, entryId: number, showName: boolean) {
  const entry = await ownEntry(personId, entryId);
  await prisma.contestEntry.update({ where: { id: entryId }, data: { showName } });
  forgetPublicRanking(entry.contestId);
}
