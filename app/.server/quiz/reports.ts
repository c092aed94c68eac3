import { unitIdsOnPath } from "~/lib/unit-path";
import { type Prisma } from "../generated/prisma/client";
import { personFieldsFor } from "~/lib/mask";
import { type Grant } from "~/lib/permissions";
import { type PlausibilityEvidence } from "~/lib/quiz-plausibility";
import { type ItemTally, type ScoreSummary, discrimination, scoreHistogram, scoreSummary } from "~/lib/quiz-stats";
import { prisma } from "../db";
import { type Sql, anyOf, query, raw, sql } from "../sql";

// A quiz's report for the trainer: who took it per unit against who should have, the score
// distribution, how each question fared, and the attempts flagged as implausible. Everything is
// limited to the people inside the viewer's scope (the paths of their "quizzes:manage" grants): a
// college trainer looking at a school-wide quiz sees their college only.
//
// Sums are done in SQL so a quiz taken by the whole school (12,000 people × 20 questions) is read as
// a few hundred grouped rows, not a quarter of a million.

const FINISHED = raw(`('submitted', 'expired')`);

function withinScope(scopePaths: readonly string[], pathColumn = raw(`u."path"`)): Sql {
  return anyOf(scopePaths.map((p) => sql`${pathColumn} LIKE ${`${p}%`}`));
}

/**
 * The person (p, in unit u) is in the quiz's audience: a unit on their path, and the status if one is
 * named; or, as open-papers.ts admits them (class-papers.ts), an enrolled member of a class whose exam
 * it is, or the member a 补考 on it is named for while still enrolled.
 */
function inAudience(quizId: number): Sql {
  return sql`(EXISTS (
    SELECT 1 FROM "QuizAudience" qa JOIN "OrgUnit" au ON au."id" = qa."unitId"
    WHERE qa."quizId" = ${quizId} AND u."path" LIKE au."path" || '%'
      AND (qa."politicalStatus" IS NULL OR qa."politicalStatus" = p."politicalStatus"))
  OR EXISTS (
    SELECT 1 FROM "ClassItem" ci JOIN "ClassMember" cm ON cm."classId" = ci."classId"
    WHERE ci."quizId" = ${quizId} AND ci."kind" = 'exam' AND cm."personId" = p."id" AND cm."status" = 'enrolled')
  OR EXISTS (
    SELECT 1 FROM "ClassExamMakeup" mk JOIN "ClassMember" cm ON cm."classId" = mk."classId" AND cm."personId" = mk."personId"
    WHERE mk."quizId" = ${quizId} AND mk."personId" = p."id" AND cm."status" = 'enrolled'))`;
}

const num = (x: number | bigint | null) => Number(x ?? 0);

// ---------- participation ----------

export type UnitParticipation = {
  unitId: number;
  name: string;
  depth: number;
  eligible: number;
  took: number;
  passed: number;
  /** Mean grade of those who took it, percent with one decimal. */
  mean: number | null;
};

export type Participation = {
  units: UnitParticipation[];
  total: Omit<UnitParticipation, "unitId" | "name" | "depth">;
  /** Graded people who are no longer in the audience (status changed, audience edited, account disabled). */
  outsideAudience: number;
  inProgress: number;
};

/**
 * Per unit and rolled up to every unit above it: eligible people (active accounts in the audience),
 * those with a grade, those who passed. Units are listed in tree order, only where somebody is eligible
 * or graded.
 */
export async function participation(quizId: number, scopePaths: readonly string[]): Promise<Participation> {
  const rows = await query<{
    path: string;
    eligible: bigint | number | null;
    took: bigint | number | null;
    passed: bigint | number | null;
    sumPercent: bigint | number | null;
    outside: bigint | number | null;
  }>(
    prisma,
    sql`SELECT u."path" AS "path",
      SUM(CASE WHEN e."eligible" THEN 1 ELSE 0 END) AS "eligible",
      SUM(CASE WHEN e."eligible" AND g."personId" IS NOT NULL THEN 1 ELSE 0 END) AS "took",
      SUM(CASE WHEN e."eligible" AND g."passed" THEN 1 ELSE 0 END) AS "passed",
      SUM(CASE WHEN e."eligible" THEN g."percent" END) AS "sumPercent",
      SUM(CASE WHEN NOT e."eligible" AND g."personId" IS NOT NULL THEN 1 ELSE 0 END) AS "outside"
    FROM (
      SELECT p."id" AS "personId", p."unitId" AS "unitId", (p."disabledAt" IS NULL AND ${inAudience(quizId)}) AS "eligible"
      FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE ${withinScope(scopePaths)}
        AND ((p."disabledAt" IS NULL AND ${inAudience(quizId)})
          OR EXISTS (SELECT 1 FROM "QuizGrade" g2 WHERE g2."quizId" = ${quizId} AND g2."personId" = p."id"))
    ) e
    JOIN "OrgUnit" u ON u."id" = e."unitId"
    LEFT JOIN "QuizGrade" g ON g."quizId" = ${quizId} AND g."personId" = e."personId"
    GROUP BY u."id", u."path"`,
  );

  const totals = new Map<number, { eligible: number; took: number; passed: number; sumPercent: number }>();
  let outsideAudience = 0;
  for (const r of rows) {
    outsideAudience += num(r.outside);
    for (const id of unitIdsOnPath(r.path)) {
      const t = totals.get(id) ?? { eligible: 0, took: 0, passed: 0, sumPercent: 0 };
      t.eligible += num(r.eligible);
      t.took += num(r.took);
      t.passed += num(r.passed);
      t.sumPercent += num(r.sumPercent);
      totals.set(id, t);
    }
  }
  const counted = await prisma.orgUnit.findMany({
    where: { id: { in: [...totals.keys()] }, OR: scopePaths.map((p) => ({ path: { startsWith: p } })) },
    select: { id: true, name: true, depth: true, path: true },
  });
  // Tree order: a unit's path sorts before its descendants'; siblings by id as the paths say.
  counted.sort((a, b) => comparePaths(a.path, b.path));
  const minDepth = Math.min(...counted.map((u) => u.depth));
  const units = counted
    .map((u) => ({ u, t: totals.get(u.id)! }))
    .filter(({ t }) => t.eligible > 0)
    .map(({ u, t }) => ({
      unitId: u.id,
      name: u.name,
      depth: u.depth - minDepth,
      eligible: t.eligible,
      took: t.took,
      passed: t.passed,
      mean: meanOf(t.sumPercent, t.took),
    }));
  const sum = rows.reduce(
    (s, r) => ({
      eligible: s.eligible + num(r.eligible),
      took: s.took + num(r.took),
      passed: s.passed + num(r.passed),
      sumPercent: s.sumPercent + num(r.sumPercent),
    }),
    { eligible: 0, took: 0, passed: 0, sumPercent: 0 },
  );
  const [{ n: inProgress }] = await query<{ n: bigint | number }>(
    prisma,
    sql`SELECT COUNT(*) AS "n" FROM "QuizAttempt" a JOIN "Person" p ON p."id" = a."personId" JOIN "OrgUnit" u ON u."id" = p."unitId"
    WHERE a."quizId" = ${quizId} AND a."state" = 'in_progress' AND ${withinScope(scopePaths)}`,
  );
  return {
    units,
    total: { eligible: sum.eligible, took: sum.took, passed: sum.passed, mean: meanOf(sum.sumPercent, sum.took) },
    outsideAudience,
    inProgress: num(inProgress),
  };
}

function comparePaths(a: string, b: string): number {
  const x = unitIdsOnPath(a);
  const y = unitIdsOnPath(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

const meanOf = (sumTenths: number, n: number) => (n === 0 ? null : Math.round(sumTenths / n) / 10);

// ---------- scores ----------

export type ScoreReport = ScoreSummary & { histogram: ReturnType<typeof scoreHistogram> };

/** The grade that counts for each person in scope (QuizGrade, by the quiz's grade method). */
export async function scores(quizId: number, scopePaths: readonly string[]): Promise<ScoreReport> {
  const rows = await query<{ percent: number; passed: number | boolean }>(
    prisma,
    sql`SELECT g."percent" AS "percent", g."passed" AS "passed"
    FROM "QuizGrade" g JOIN "Person" p ON p."id" = g."personId" JOIN "OrgUnit" u ON u."id" = p."unitId"
    WHERE g."quizId" = ${quizId} AND ${withinScope(scopePaths)}`,
  );
  const grades = rows.map((r) => ({ percent: Number(r.percent), passed: Boolean(r.passed) }));
  return { ...scoreSummary(grades), histogram: scoreHistogram(grades.map((g) => g.percent)) };
}

// ---------- questions ----------

export type QuestionReport = {
  questionId: number;
  key: string;
  bankTitle: string;
  type: string;
  stem: string;
  /** Attempts that drew it. */
  drawn: number;
  answered: number;
  correct: number;
  /** Percent with one decimal, of the attempts that drew it. */
  correctRate: number | null;
  discrimination: number | null;
  /** The most frequent wrong answer, in bank terms ("C", "A、C", "错误", a fill text), and how often. */
  commonWrong: { answer: string; count: number } | null;
};

/**
 * Per question, over each person's first finished attempt (later attempts are taken after seeing the
 * score, and sometimes the answers, so they would flatter every question). Sorted hardest first.
 */
export async function questionStats(quizId: number, scopePaths: readonly string[]): Promise<QuestionReport[]> {
  const firsts = sql`
    SELECT a."id" AS "id", a."mark" AS "mark", a."maxMark" AS "maxMark"
    FROM "QuizAttempt" a JOIN "Person" p ON p."id" = a."personId" JOIN "OrgUnit" u ON u."id" = p."unitId"
    WHERE a."quizId" = ${quizId} AND a."state" IN ${FINISHED} AND ${withinScope(scopePaths)}
      AND a."number" = (SELECT MIN(b."number") FROM "QuizAttempt" b
                      WHERE b."quizId" = a."quizId" AND b."personId" = a."personId" AND b."state" IN ${FINISHED})`;
  // The rest score of an item: the attempt's marks without this question, as a fraction of the rest.
  // DOUBLE PRECISION: a REAL on SQLite, and not PostgreSQL's 4-byte REAL.
  const hasRest = sql`f."maxMark" > i."maxMark"`;
  const rest = sql`(CAST(COALESCE(f."mark", 0) - COALESCE(i."mark", 0) AS DOUBLE PRECISION) / (f."maxMark" - i."maxMark"))`;
  const [tallies, wrong] = await Promise.all([
    query<{
      questionId: number | bigint;
      drawn: bigint | number;
      answered: bigint | number | null;
      correct: bigint | number | null;
      n: bigint | number | null;
      nCorrect: bigint | number | null;
      sumRest: number | null;
      sumRestSquared: number | null;
      sumRestCorrect: number | null;
    }>(
      prisma,
      sql`
      SELECT i."questionId" AS "questionId", COUNT(*) AS "drawn",
        SUM(CASE WHEN i."response" IS NOT NULL THEN 1 ELSE 0 END) AS "answered",
        SUM(CASE WHEN i."correct" THEN 1 ELSE 0 END) AS "correct",
        SUM(CASE WHEN ${hasRest} THEN 1 ELSE 0 END) AS "n",
        SUM(CASE WHEN ${hasRest} AND i."correct" THEN 1 ELSE 0 END) AS "nCorrect",
        SUM(CASE WHEN ${hasRest} THEN ${rest} END) AS "sumRest",
        SUM(CASE WHEN ${hasRest} THEN ${rest} * ${rest} END) AS "sumRestSquared",
        SUM(CASE WHEN ${hasRest} AND i."correct" THEN ${rest} END) AS "sumRestCorrect"
      FROM (${firsts}) f JOIN "AttemptItem" i ON i."attemptId" = f."id"
      GROUP BY i."questionId"`,
    ),
    query<{ questionId: number | bigint; response: string; n: bigint | number }>(
      prisma,
      sql`
      SELECT i."questionId" AS "questionId", i."response" AS "response", COUNT(*) AS "n"
      FROM (${firsts}) f JOIN "AttemptItem" i ON i."attemptId" = f."id"
      WHERE i."response" IS NOT NULL AND NOT i."correct"
      GROUP BY i."questionId", i."response"`,
    ),
  ]);
  const questions = await prisma.question.findMany({
    where: { id: { in: tallies.map((t) => Number(t.questionId)) } },
    select: { id: true, key: true, type: true, stem: true, bank: { select: { title: true } } },
  });
  const byId = new Map(questions.map((q) => [q.id, q]));
  const commonWrong = new Map<number, { response: string; count: number }>();
  for (const w of wrong) {
    const id = Number(w.questionId);
    const seen = commonWrong.get(id);
    if (!seen || num(w.n) > seen.count) commonWrong.set(id, { response: w.response, count: num(w.n) });
  }
  return tallies
    .map((t): QuestionReport => {
      const id = Number(t.questionId);
      const q = byId.get(id)!;
      const drawn = num(t.drawn);
      // Only attempts with marks besides this question say anything about discrimination.
      const tally: ItemTally = {
        n: num(t.n),
        correct: num(t.nCorrect),
        sumRest: t.sumRest ?? 0,
        sumRestSquared: t.sumRestSquared ?? 0,
        sumRestCorrect: t.sumRestCorrect ?? 0,
      };
      const w = commonWrong.get(id);
      return {
        questionId: id,
        key: q.key,
        bankTitle: q.bank.title,
        type: q.type,
        stem: q.stem,
        drawn,
        answered: num(t.answered),
        correct: num(t.correct),
        correctRate: drawn === 0 ? null : Math.round((num(t.correct) / drawn) * 1000) / 10,
        discrimination: discrimination(tally),
        commonWrong: w ? { answer: describeResponse(w.response), count: w.count } : null,
      };
    })
    .sort((a, b) => (a.correctRate ?? 101) - (b.correctRate ?? 101) || a.questionId - b.questionId);
}

/** A stored response (bank letters, JSON) as a trainer reads it. */
export function describeResponse(json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return json;
  }
  if (value === true) return "正确";
  if (value === false) return "错误";
  if (Array.isArray(value)) return value.map(String).join("、");
  return String(value);
}

// ---------- flagged attempts ----------

export type FlaggedAttempt = {
  attemptId: number;
  personName: string;
  /** As the viewer may see it (personFieldsFor). */
  personNumber: string;
  unitName: string;
  number: number;
  finishedAt: Date | null;
  percent: number | null;
  evidence: PlausibilityEvidence | null;
};

export async function flaggedAttempts(quizId: number, scopePaths: readonly string[], grants: readonly Grant[], limit = 200) {
  const where = {
    quizId,
    flagged: true,
    person: { unit: { OR: scopePaths.map((p) => ({ path: { startsWith: p } })) } },
  } satisfies Prisma.QuizAttemptWhereInput;
  const [count, rows] = await Promise.all([
    prisma.quizAttempt.count({ where }),
    prisma.quizAttempt.findMany({
      where,
      select: {
        id: true,
        number: true,
        finishedAt: true,
        percent: true,
        flagReason: true,
        person: { select: { name: true, number: true, unit: { select: { name: true, path: true } } } },
      },
      orderBy: { finishedAt: "desc" },
      take: limit,
    }),
  ]);
  const attempts: FlaggedAttempt[] = rows.map((a) => ({
    attemptId: a.id,
    personName: a.person.name,
    personNumber: personFieldsFor(grants, { unitPath: a.person.unit.path, number: a.person.number }).number,
    unitName: a.person.unit.name,
    number: a.number,
    finishedAt: a.finishedAt,
    percent: a.percent === null ? null : a.percent / 10,
    evidence: parseEvidence(a.flagReason),
  }));
  return { count, attempts };
}

function parseEvidence(json: string | null): PlausibilityEvidence | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as PlausibilityEvidence;
  } catch {
    return null;
  }
}

/** The trainer's sentence for the evidence: what was measured, against what. */
export function describeEvidence(e: PlausibilityEvidence | null): string {
  if (!e) return "已标记";
  const base = `${e.spanSeconds} 秒内作答 ${e.answered} 题，按每秒 ${e.charsPerSecond} 字仅阅读题目就需约 ${e.readingSeconds} 秒`;
  const gap = `；相邻两次作答间隔的中位数为 ${e.medianGapSeconds} 秒`;
  return e.rule === "all_at_once" ? `开始后极短时间内完成全部作答：${base}${gap}` : `${base}${gap}`;
}

// ---------- people (for the export) ----------

/** A person's line of the report; the number and political status as the viewer may see them (personFieldsFor). */
export type PersonResult = {
  number: string;
  name: string;
  unitName: string;
  politicalStatus: string;
  eligible: boolean;
  attempts: number;
  percent: number | null;
  passed: boolean | null;
  flagged: boolean;
};

/** Everyone eligible or graded in scope, in unit then number order, with their counted grade. */
export async function personResults(quizId: number, scopePaths: readonly string[], grants: readonly Grant[]): Promise<PersonResult[]> {
  const rows = await query<{
    number: string;
    name: string;
    unitName: string;
    unitPath: string;
    politicalStatus: string;
    eligible: number | bigint | boolean;
    attempts: bigint | number | null;
    percent: number | null;
    passed: number | boolean | null;
    flagged: bigint | number;
  }>(
    prisma,
    sql`SELECT p."number" AS "number", p."name" AS "name", u."name" AS "unitName", u."path" AS "unitPath", p."politicalStatus" AS "politicalStatus",
      (p."disabledAt" IS NULL AND ${inAudience(quizId)}) AS "eligible",
      g."attempts" AS "attempts", g."percent" AS "percent", g."passed" AS "passed",
      (SELECT COUNT(*) FROM "QuizAttempt" fa WHERE fa."quizId" = ${quizId} AND fa."personId" = p."id" AND fa."flagged") AS "flagged"
    FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
    LEFT JOIN "QuizGrade" g ON g."quizId" = ${quizId} AND g."personId" = p."id"
    WHERE ${withinScope(scopePaths)}
      AND ((p."disabledAt" IS NULL AND ${inAudience(quizId)}) OR g."personId" IS NOT NULL)`,
  );
  rows.sort((a, b) => comparePaths(a.unitPath, b.unitPath) || a.number.localeCompare(b.number));
  return rows.map((r) => ({
    ...personFieldsFor(grants, r),
    name: r.name,
    unitName: r.unitName,
    eligible: Boolean(r.eligible),
    attempts: num(r.attempts),
    percent: r.percent === null ? null : Number(r.percent) / 10,
    passed: r.passed === null ? null : Boolean(r.passed),
    flagged: num(r.flagged) > 0,
  }));
}
