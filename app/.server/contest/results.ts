import { unitIdsOnPath } from "~/lib/unit-path";
import { type UnitStanding, type UnitTally, rankEntries, rankUnits } from "~/lib/contest-ranking";
import { personFieldsFor } from "~/lib/mask";
import { grantsCover, type Grant } from "~/lib/permissions";
import { prisma, sqlDb } from "../db";
import { unitsUnder } from "../org/units";
import { type Sql, type SqlRunner, query, sql } from "../sql";

// A contest's results: the individual ranking (score, then time), each person's own place, the public
// ranking (names only with the person's consent), the organisation table (participation rate, then
// average score) and per-question correct rates. A finished entry is submitted or expired with a score.

export const ANONYMOUS_LABEL = "匿名参赛者";

const FINISHED_STATES = ["submitted", "expired"];
const finishedWhere = (contestId: number) => ({ contestId, state: { in: FINISHED_STATES }, score: { not: null } });
const FINISHED_SQL = sql`e."state" IN ('submitted', 'expired') AND e."score" IS NOT NULL`;

export type RankingRow = {
  entryId: number;
  place: number;
  /** The name when the viewer may see it, otherwise ANONYMOUS_LABEL. */
  name: string;
  /** 学号/工号, for people in the viewer's scope only; masked without people:sensitive over their unit. */
  number: string | null;
  unitName: string;
  score: number;
  maxScore: number;
  durationMs: number | null;
  finishedAt: Date | null;
  showName: boolean;
};

const entrySelect = {
  id: true,
  score: true,
  maxScore: true,
  durationMs: true,
  finishedAt: true,
  showName: true,
  person: { select: { name: true, number: true, unit: { select: { name: true, path: true } } } },
} as const;

/**
 * Every finished entry, best first, for a contest's managers: names and numbers of people inside the
 * viewer's "contests:manage" scope, the public label for the others unless they consented.
 */
export async function trainerRanking(contestId: number, grants: readonly Grant[]): Promise<RankingRow[]> {
  // By id first: entries tied on score and time are listed in the order they were started.
  const entries = await prisma.contestEntry.findMany({ where: finishedWhere(contestId), select: entrySelect, orderBy: { id: "asc" } });
  return rankEntries(entries.map((e) => ({ ...e, score: e.score! }))).map((e) => {
    const inScope = grantsCover(grants, "contests:manage", e.person.unit.path);
    return {
      entryId: e.id,
      place: e.place,
      name: inScope || e.showName ? e.person.name : ANONYMOUS_LABEL,
      number: inScope ? personFieldsFor(grants, { unitPath: e.person.unit.path, number: e.person.number }).number : null,
      unitName: e.person.unit.name,
      score: e.score,
      maxScore: e.maxScore,
      durationMs: e.durationMs,
      finishedAt: e.finishedAt,
      showName: e.showName,
    };
  });
}

export type PublicRankingRow = Pick<RankingRow, "place" | "name" | "unitName" | "score" | "maxScore" | "durationMs">;

/**
 * The public top `limit` of each contest, kept between result pages (every hand-in is followed by one,
 * and picking the best among 10,000 finished entries costs milliseconds). It holds while the finished
 * entries at or above its lowest score are the same ones: their count and the ids of those shown by
 * name (a finished entry's score and time never change), read on the `("contestId", "state", "score", "durationMs")`
 * index. A better paper, or a new one tied with the last place, moves the stamp; so does a consent
 * given or withdrawn there (and `setShowName` drops the contest's entries at once). A renamed person or
 * unit shows within TOP_MAX_AGE_MS.
 */
const TOP_MAX_AGE_MS = 30_000;
const TOP_MAX_KEPT = 256;
type KeptTop = { rows: PublicRankingRow[]; cutoff: number | null; stamp: string; at: number };
const topGlobals = globalThis as typeof globalThis & { __contestTops?: Map<string, KeptTop> };
const keptTops = (topGlobals.__contestTops ??= new Map<string, KeptTop>());

async function topStamp(db: SqlRunner, contestId: number, cutoff: number | null): Promise<string> {
  const s = (await db.get<{ n: number; named: number | bigint }>(
    sql`SELECT COUNT(*) AS "n", COALESCE(SUM(CASE WHEN e."showName" THEN e."id" ELSE 0 END), 0) AS "named"
      FROM "ContestEntry" e WHERE e."contestId" = ${contestId} AND ${FINISHED_SQL} AND ${cutoff === null ? sql`1 = 1` : sql`e."score" >= ${cutoff}`}`,
  ))!;
  return `${s.n}/${s.named}`;
}

/** Forgets the contest's kept top lists (a consent to be named changed). */
export function forgetPublicRanking(contestId: number) {
  for (const key of keptTops.keys()) if (key.startsWith(`${contestId}/`)) keptTops.delete(key);
}

/**
 * The best `limit` finished entries for learners: a name only where its owner consented (showName).
 * One prepared statement on the raw connection, kept as above.
 */
export async function publicRanking(contestId: number, limit: number, now = Date.now()): Promise<PublicRankingRow[]> {
  const n = Math.max(0, Math.min(limit, 1000));
  const key = `${contestId}/${n}`;
  const kept = keptTops.get(key);
  if (kept && now - kept.at < TOP_MAX_AGE_MS && (await topStamp(sqlDb(), contestId, kept.cutoff)) === kept.stamp) return kept.rows;
  // The list and its stamp from one snapshot: an entry finished between the two reads would otherwise
  // be in the stamp and not in the list, which would then be kept without it.
  const { top, cutoff, stamp } = await sqlDb().transaction(
    async (tx) => {
      // The best n of the entries alone, then their names: the joins run for n rows, not for every entry.
      const rows = await tx.all<{
        id: number;
        score: number;
        maxScore: number;
        durationMs: number | null;
        showName: number | boolean;
        name: string;
        unitName: string;
      }>(
        sql`SELECT e."id", e."score", e."maxScore", e."durationMs", e."showName", p."name", u."name" AS "unitName"
          FROM (SELECT e."id", e."personId", e."score", e."maxScore", e."durationMs", e."showName" FROM "ContestEntry" e
            WHERE e."contestId" = ${contestId} AND ${FINISHED_SQL}
            ORDER BY e."score" DESC, CASE WHEN e."durationMs" IS NULL THEN 1 ELSE 0 END, e."durationMs", e."id"
            LIMIT ${n}) e
          JOIN "Person" p ON p."id" = e."personId" JOIN "OrgUnit" u ON u."id" = p."unitId"`,
      );
      // The best n in order: their places are right (a place depends only on the entries ahead of it).
      const top = rankEntries(rows).map((e) => ({
        place: e.place,
        name: e.showName ? e.name : ANONYMOUS_LABEL,
        unitName: e.unitName,
        score: e.score,
        maxScore: e.maxScore,
        durationMs: e.durationMs,
      }));
      const cutoff = n > 0 && top.length >= n ? top[top.length - 1].score : null;
      return { top, cutoff, stamp: await topStamp(tx, contestId, cutoff) };
    },
    { readOnly: true },
  );
  keptTops.delete(key);
  keptTops.set(key, { rows: top, cutoff, stamp, at: now });
  if (keptTops.size > TOP_MAX_KEPT) keptTops.delete(keptTops.keys().next().value!);
  return top;
}

export type PersonalPlace = { place: number; total: number; score: number; maxScore: number; durationMs: number | null };

/**
 * A person's own place among the finished entries (ties share a place), or null without a finished
 * entry: the entries ahead of theirs and the finished total, counted in one statement from the scores
 * hand-in stored (placeCountSql).
 */
export async function personalPlace(contestId: number, personId: number): Promise<PersonalPlace | null> {
  const db = sqlDb();
  const mine = await db.get<{ state: string; score: number | null; maxScore: number; durationMs: number | null }>(
    sql`SELECT "state", "score", "maxScore", "durationMs" FROM "ContestEntry" WHERE "contestId" = ${contestId} AND "personId" = ${personId}`,
  );
  if (!mine || mine.score === null || !FINISHED_STATES.includes(mine.state)) return null;
  const counts = (await db.get<{ ahead: number; total: number }>(placeCountSql(contestId, { score: mine.score, durationMs: mine.durationMs })))!;
  return { place: counts.ahead + 1, total: counts.total, score: mine.score, maxScore: mine.maxScore, durationMs: mine.durationMs };
}

/**
 * The finished entries ahead of a score and time (a better score, or the same score in less time; a
 * time beats none recorded) and all finished entries: one walk of the contest's finished entries on
 * the ("contestId", "state", "score", "durationMs") index, which holds every column it reads. It runs
 * at each hand-in and each time a finished person opens the contest, and was the morning's largest
 * read: as three walks on ("contestId", "state", "score"), one of them reading each tied entry's row
 * for its time, it cost 1.7 times as much with 10,000 papers in and 2.2 times with 5,000 (decision 068).
 */
export function placeCountSql(contestId: number, mine: { score: number; durationMs: number | null }): Sql {
  const sameScoreFaster = mine.durationMs === null ? sql`e."durationMs" IS NOT NULL` : sql`e."durationMs" < ${mine.durationMs}`;
  return sql`SELECT COALESCE(SUM(CASE WHEN e."score" > ${mine.score} OR (e."score" = ${mine.score} AND ${sameScoreFaster}) THEN 1 ELSE 0 END), 0) AS "ahead",
      COUNT(*) AS "total"
    FROM "ContestEntry" e WHERE e."contestId" = ${contestId} AND ${FINISHED_SQL}`;
}

// ---------- organisations ----------

/** The person (p, in unit u) is in the contest's audience: a unit on their path, and the status if one is named. */
export function inContestAudience(contestId: number): Sql {
  return sql`EXISTS (
    SELECT 1 FROM "ContestAudience" ca JOIN "OrgUnit" au ON au."id" = ca."unitId"
    WHERE ca."contestId" = ${contestId} AND u."path" LIKE au."path" || '%'
      AND (ca."politicalStatus" IS NULL OR ca."politicalStatus" = p."politicalStatus"))`;
}

type UnitRef = { id: number; name: string; path: string; depth: number };

/** The lowest unit whose subtree holds every audience unit: the organisation table's default level. */
export async function audienceRoot(contestId: number): Promise<UnitRef | null> {
  const audiences = await prisma.contestAudience.findMany({ where: { contestId }, select: { unit: { select: { path: true } } } });
  if (audiences.length === 0) return null;
  const paths = audiences.map((a) => unitIdsOnPath(a.unit.path));
  let common = paths[0];
  for (const p of paths.slice(1)) {
    let i = 0;
    while (i < common.length && i < p.length && common[i] === p[i]) i++;
    common = common.slice(0, i);
  }
  if (common.length === 0) return null;
  return prisma.orgUnit.findUnique({ where: { id: Number(common[common.length - 1]) }, select: { id: true, name: true, path: true, depth: true } });
}

/**
 * The levels the organisation table may be drawn at: the audience's root and any unit under it (never
 * sideways), and the one asked for (the root when the id is missing or outside).
 */
export async function organisationLevels(contestId: number, unitId: number | null) {
  const root = await audienceRoot(contestId);
  const units = root ? await unitsUnder([root.path]) : [];
  const chosen = units.find((u) => u.id === unitId) ?? root;
  return { units: units.filter((u) => u.kind !== "group"), chosen };
}

export type OrganisationTable = { parent: UnitRef; units: UnitStanding[]; threshold: number };

/**
 * One row per child unit of `parent` (and one for people placed in `parent` itself): the active people
 * of its subtree in the audience now (eligible), those of them with a finished entry, their average
 * score. Ranked by participation rate, then average score; flagged for the award at `threshold` percent.
 */
export async function organisationTable(contestId: number, parent: UnitRef, threshold: number): Promise<OrganisationTable> {
  const rows = await query<{ path: string; eligible: bigint | number; participants: bigint | number; scoreSum: bigint | number | null }>(
    prisma,
    sql`SELECT u."path" AS "path", COUNT(*) AS "eligible",
      SUM(CASE WHEN e."id" IS NOT NULL THEN 1 ELSE 0 END) AS "participants",
      SUM(e."score") AS "scoreSum"
    FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
    LEFT JOIN "ContestEntry" e ON e."contestId" = ${contestId} AND e."personId" = p."id" AND ${FINISHED_SQL}
    WHERE p."disabledAt" IS NULL AND u."path" LIKE ${`${parent.path}%`} AND ${inContestAudience(contestId)}
    GROUP BY u."path"`,
  );
  const children = await prisma.orgUnit.findMany({
    where: { parentId: parent.id, archivedAt: null },
    select: { id: true, name: true },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
  });
  const tallies = new Map<number, UnitTally>(children.map((c) => [c.id, { unitId: c.id, name: c.name, eligible: 0, participants: 0, scoreSum: 0 }]));
  const own: UnitTally = { unitId: parent.id, name: `${parent.name}（本级）`, eligible: 0, participants: 0, scoreSum: 0 };
  for (const r of rows) {
    const childId = Number(unitIdsOnPath(r.path)[parent.depth + 1]);
    // People under a child archived since (they should have moved) count in the parent's own row.
    const t = Number.isNaN(childId) ? own : (tallies.get(childId) ?? own);
    t.eligible += Number(r.eligible);
    t.participants += Number(r.participants);
    t.scoreSum += Number(r.scoreSum ?? 0);
  }
  return { parent, units: rankUnits([...tallies.values(), own], threshold), threshold };
}

// ---------- questions ----------

export type QuestionRate = { key: string; bankTitle: string; stem: string; drawn: number; correct: number; correctRate: number | null };

/** How often each question drawn in a finished entry was answered right, hardest first. */
export async function questionRates(contestId: number): Promise<QuestionRate[]> {
  const rows = await query<{ questionId: number | bigint; drawn: bigint | number; correct: bigint | number | null }>(
    prisma,
    sql`SELECT i."questionId" AS "questionId", COUNT(*) AS "drawn", SUM(CASE WHEN a."correct" THEN 1 ELSE 0 END) AS "correct"
    FROM "ContestEntry" e JOIN "ContestItem" i ON i."entryId" = e."id"
    LEFT JOIN "ContestAnswer" a ON a."entryId" = i."entryId" AND a."position" = i."position"
    WHERE e."contestId" = ${contestId} AND ${FINISHED_SQL}
    GROUP BY i."questionId"`,
  );
  const questions = await prisma.question.findMany({
    where: { id: { in: rows.map((r) => Number(r.questionId)) } },
    select: { id: true, key: true, stem: true, bank: { select: { title: true } } },
  });
  const byId = new Map(questions.map((q) => [q.id, q]));
  return rows
    .map((r) => {
      const q = byId.get(Number(r.questionId))!;
      const drawn = Number(r.drawn);
      const correct = Number(r.correct ?? 0);
      return { key: q.key, bankTitle: q.bank.title, stem: q.stem, drawn, correct, correctRate: drawn === 0 ? null : Math.round((correct / drawn) * 1000) / 10 };
    })
    .sort((a, b) => (a.correctRate ?? 101) - (b.correctRate ?? 101));
}

/** What the results page heads with. */
export async function contestSummary(contestId: number) {
  const [contest, finished, inProgress] = await Promise.all([
    prisma.contest.findUniqueOrThrow({ where: { id: contestId }, select: { id: true, title: true, status: true, opensAt: true, closesAt: true } }),
    prisma.contestEntry.count({ where: finishedWhere(contestId) }),
    prisma.contestEntry.count({ where: { contestId, state: "in_progress" } }),
  ]);
  return { ...contest, finished, inProgress };
}
