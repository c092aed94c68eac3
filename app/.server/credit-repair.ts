import { creditIfConfirmed } from "./activities/attendance";
import { audit } from "./audit";
import { creditApprovedClaim } from "./claims/claims";
import { creditContestEntry } from "./contest/entries";
import { prisma } from "./db";
import { creditStoredCompletion } from "./learning/study";
import { creditQuizPass } from "./quiz/attempts";
import { type Sql, join, query, raw, sql } from "./sql";
import { type CreditResult } from "./hours/ledger";
import { log } from "./ops/log";

// Credits that cannot be lost (decision 034). A lesson credits inside the heartbeat's own transaction;
// a quiz pass, a contest hand-in, an activity's confirmation and a claim's approval credit right after
// their own commit, and a failure in between (a stopped process, a database error) would leave the
// source without its 学时 for good. This sweep walks each source table a slice at a time, finds the
// rows that should have credited and have no ledger entry for their source key, and asks the source's
// own crediting function again: one rule decides for both paths, the ledger's unique key makes a
// repeat harmless, and a reversed credit keeps its entry, so it is never credited again. Each credit
// it makes is audited (`hours.repair`).

/** Rows of a source table looked at per query: a bounded, indexed slice, whatever the table's size. */
const SLICE = 2000;
/** A new pass over every source this long after the previous one began. */
const REPAIR_PASS_EVERY_MS = 10 * 60_000;

type Key = number[];
/** A row that should have credited: the person, the source's id, and the row's own id where the credit needs it. */
type Due = { personId: number; ref: number; rowId: number | null };

// Each slice is a range of the primary key. A state is tested as "not the other states" where an
// equality would let SQLite's planner read a state index over the whole table instead of the range.
type Source = {
  /** The ledger's sourceKind, for the log. */
  kind: string;
  table: string;
  /** The primary key's columns: slices are taken in this order. */
  key: string[];
  /** Rows of the slice (`s`) that should have credited and have no entry: personId, ref and rowId. */
  dueSql: (range: Sql) => Sql;
  credit: (due: Due) => Promise<CreditResult | null>;
};

const entryFor = (personColumn: string, kind: string, idColumn: string) =>
  raw(`SELECT 1 FROM "HoursEntry" h WHERE h."personId" = ${personColumn} AND h."sourceKind" = '${kind}' AND h."sourceId" = CAST(${idColumn} AS TEXT)`);

const FINISHED = ["submitted", "expired"];

const SOURCES: Source[] = [
  {
    kind: "lesson",
    table: "LessonProgress",
    key: ["personId", "lessonId"],
    dueSql: (range) => sql`
      SELECT s."personId", s."lessonId" AS "ref", NULL AS "rowId" FROM "LessonProgress" s JOIN "Lesson" l ON l."id" = s."lessonId"
      WHERE ${range} AND s."completedAt" IS NOT NULL AND l."credit" > 0 AND NOT EXISTS (${entryFor(`s."personId"`, "lesson", `s."lessonId"`)})`,
    credit: (d) => creditStoredCompletion(d.personId, d.ref),
  },
  {
    kind: "quiz",
    table: "QuizGrade",
    key: ["quizId", "personId"],
    dueSql: (range) => sql`
      SELECT s."personId", s."quizId" AS "ref", NULL AS "rowId" FROM "QuizGrade" s JOIN "Quiz" q ON q."id" = s."quizId"
      WHERE ${range} AND s."passed" AND q."creditHours" > 0 AND NOT EXISTS (${entryFor(`s."personId"`, "quiz", `s."quizId"`)})`,
    credit: async (d) => {
      // The grade that passed was computed at the last finish, whose time the credit would have had.
      const last = await prisma.quizAttempt.findFirst({
        where: { quizId: d.ref, personId: d.personId, state: { in: FINISHED } },
        select: { finishedAt: true },
        orderBy: { number: "desc" },
      });
      return creditQuizPass(d.ref, d.personId, last?.finishedAt ?? new Date());
    },
  },
  {
    kind: "contest",
    table: "ContestEntry",
    key: ["id"],
    dueSql: (range) => sql`
      SELECT s."personId", s."contestId" AS "ref", s."id" AS "rowId" FROM "ContestEntry" s JOIN "Contest" c ON c."id" = s."contestId"
      WHERE ${range} AND s."state" <> 'in_progress' AND c."creditHours" > 0 AND NOT EXISTS (${entryFor(`s."personId"`, "contest", `s."contestId"`)})`,
    credit: async (d) => {
      const entry = await prisma.contestEntry.findUniqueOrThrow({ where: { id: d.rowId! }, select: { finishedAt: true } });
      return creditContestEntry(d.ref, d.personId, entry.finishedAt ?? new Date());
    },
  },
  {
    kind: "activity",
    table: "ActivityAttendance",
    key: ["activityId", "personId"],
    // An activity credits `${id}`, or `${id}#n` after a reversal: due when no such entry stands unreversed.
    dueSql: (range) => sql`
      SELECT s."personId", s."activityId" AS "ref", NULL AS "rowId" FROM "ActivityAttendance" s JOIN "Activity" a ON a."id" = s."activityId"
      WHERE ${range} AND s."removedAt" IS NULL AND a."status" = 'confirmed' AND a."hours" > 0 AND NOT EXISTS (
        SELECT 1 FROM "HoursEntry" h WHERE h."personId" = s."personId" AND h."sourceKind" = 'activity'
          AND (h."sourceId" = CAST(s."activityId" AS TEXT) OR h."sourceId" LIKE CAST(s."activityId" AS TEXT) || '#%')
          AND NOT EXISTS (SELECT 1 FROM "HoursEntry" r WHERE r."personId" = h."personId" AND r."sourceKind" = 'reversal' AND r."sourceId" = CAST(h."id" AS TEXT)))`,
    credit: (d) => creditIfConfirmed(d.ref, d.personId),
  },
  {
    kind: "claim",
    table: "CreditClaim",
    key: ["id"],
    dueSql: (range) => sql`
      SELECT s."personId", s."id" AS "ref", NULL AS "rowId" FROM "CreditClaim" s
      WHERE ${range} AND s."status" NOT IN ('pending', 'rejected') AND NOT EXISTS (${entryFor(`s."personId"`, "claim", `s."id"`)})`,
    credit: (d) => creditApprovedClaim(d.ref),
  },
];

const columns = (source: Source, alias = "") => raw(source.key.map((k) => `${alias}"${k}"`).join(", "));
const tuple = (values: Key) => sql`(${join(values)})`;

/** The key of the slice's last row after `after`, or null when fewer than SLICE rows are left. */
async function sliceEnd(source: Source, after: Key): Promise<Key | null> {
  const rows = await query<Record<string, number | bigint>>(
    prisma,
    sql`SELECT ${columns(source)} FROM ${raw(`"${source.table}"`)} WHERE (${columns(source)}) > ${tuple(after)}
    ORDER BY ${columns(source)} LIMIT 1 OFFSET ${SLICE - 1}`,
  );
  return rows[0] ? source.key.map((k) => Number(rows[0][k])) : null;
}

async function dueIn(source: Source, after: Key, end: Key | null): Promise<Due[]> {
  const from = sql`(${columns(source, "s.")}) > ${tuple(after)}`;
  const range = end ? sql`${from} AND (${columns(source, "s.")}) <= ${tuple(end)}` : from;
  const rows = await query<{ personId: number | bigint; ref: number | bigint; rowId: number | bigint | null }>(prisma, source.dueSql(range));
  return rows.map((r) => ({ personId: Number(r.personId), ref: Number(r.ref), rowId: r.rowId === null ? null : Number(r.rowId) }));
}

/** Where the current pass is: the source it walks and the key of the last row it looked at. */
type Pass = { source: number; after: Key };

/**
 * The sweep's position, kept between calls: each call works for at most its time budget and the next
 * one goes on from there, so a large table is walked across several sweeper ticks.
 */
export class CreditRepair {
  private pass: Pass | null = null;
  private lastStartedAt = -Infinity;

  /** The source the current pass is walking, or null between passes. */
  get walking(): string | null {
    return this.pass ? SOURCES[this.pass.source].kind : null;
  }

  /**
   * Works on the current pass (or starts one when due) until `budgetMs` have passed, a slice at a
   * time; the credits made. The budget bounds the looking: the credits a slice turns out to owe are
   * all made before the call returns.
   */
  async run(budgetMs: number, now = Date.now()): Promise<number> {
    if (!this.pass) {
      if (now - this.lastStartedAt < REPAIR_PASS_EVERY_MS) return 0;
      this.lastStartedAt = now;
      this.pass = { source: 0, after: SOURCES[0].key.map(() => 0) };
    }
    const pass = this.pass;
    const stopAt = performance.now() + budgetMs;
    let made = 0;
    while (pass.source < SOURCES.length && performance.now() < stopAt) {
      const source = SOURCES[pass.source];
      const end = await sliceEnd(source, pass.after);
      for (const due of await dueIn(source, pass.after, end)) if (await repairOne(source, due)) made++;
      if (end) {
        pass.after = end;
      } else if (++pass.source < SOURCES.length) {
        pass.after = SOURCES[pass.source].key.map(() => 0);
      }
    }
    if (pass.source === SOURCES.length) this.pass = null;
    return made;

    async function repairOne(source: Source, due: Due): Promise<boolean> {
      let result: CreditResult | null;
      try {
        result = await source.credit(due);
      } catch (e) {
        // Left for the next pass; the rest of this one goes on.
        log.error(`credit repair (${source.kind} ${due.ref}, person ${due.personId}) failed`, e, { kind: source.kind, ref: due.ref, personId: due.personId });
        return false;
      }
      if (result?.status !== "credited") return false;
      log.info(`credit repair: credited the missing 学时 of ${source.kind} ${due.ref} to person ${due.personId}`, {
        kind: source.kind,
        ref: due.ref,
        personId: due.personId,
        entryId: result.entryId,
      });
      await audit({
        actorId: null,
        action: "hours.repair",
        targetKind: "hours",
        targetId: result.entryId,
        detail: { personId: due.personId, source: source.kind, sourceRef: due.ref },
      });
      return true;
    }
  }
}
