import { unitIdsOnPath } from "~/lib/unit-path";
import { type TodoItem, pushItem } from "~/lib/todo";
import { classQuizIdsForPeople } from "../audience/class-papers";
import { sqlDb } from "../db";
import { inList, sql } from "../sql";
import { type TodoPerson, asDate } from "./people";

// Quizzes and contests open now that the person may take and has not finished. "May take" is the one
// rule of app/.server/audience/ (a published paper whose audience row covers the person's path and
// status, or a quiz that is her class's exam or 补考), asked of the open papers (few) against many
// people in memory; "finished" is an attempt or entry no longer in progress (or past its deadline).

type Audience = { unitId: number; politicalStatus: string | null };
type Taking = { personId: number; paperId: number; state: string; deadlineAt: Date | null };

function covers(audiences: readonly Audience[], p: TodoPerson): boolean {
  const path = unitIdsOnPath(p.unitPath);
  return audiences.some((a) => path.includes(a.unitId) && (a.politicalStatus === null || a.politicalStatus === p.politicalStatus));
}

/** The audience rows of the papers, by paper. */
function audiencesOf(rows: readonly { paperId: number; unitId: number; politicalStatus: string | null }[]): Map<number, Audience[]> {
  const by = new Map<number, Audience[]>();
  for (const r of rows) {
    const list = by.get(r.paperId) ?? [];
    list.push({ unitId: r.unitId, politicalStatus: r.politicalStatus });
    by.set(r.paperId, list);
  }
  return by;
}

function takings(rows: readonly { personId: number; paperId: number; state: string; deadlineAt: string | null }[]): Taking[] {
  return rows.map((r) => ({ ...r, deadlineAt: asDate(r.deadlineAt) }));
}

function finished(row: { state: string; deadlineAt: Date | null }, now: Date) {
  return row.state !== "in_progress" || (row.deadlineAt !== null && row.deadlineAt <= now);
}

export async function quizzesDue(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const ids = people.map((p) => p.id);
  const db = sqlDb();
  const quizzes = await db.all<{ id: number; title: string; closesAt: string | null }>(
    sql`SELECT "id", "title", "closesAt" FROM "Quiz"
      WHERE "status" = 'published' AND ("opensAt" IS NULL OR "opensAt" <= ${now}) AND ("closesAt" IS NULL OR "closesAt" > ${now})`,
  );
  if (quizzes.length === 0) return result;
  const quizIds = quizzes.map((q) => q.id);
  const linked = await classQuizIdsForPeople(ids);
  const audiences = audiencesOf(
    await db.all<{ paperId: number; unitId: number; politicalStatus: string | null }>(
      sql`SELECT "quizId" AS "paperId", "unitId", "politicalStatus" FROM "QuizAudience" WHERE "quizId" ${inList(quizIds)}`,
    ),
  );
  const attempts = takings(
    await db.all<{ personId: number; paperId: number; state: string; deadlineAt: string | null }>(
      sql`SELECT "personId", "quizId" AS "paperId", "state", "deadlineAt" FROM "QuizAttempt" WHERE "quizId" ${inList(quizIds)} AND "personId" ${inList(ids)}`,
    ),
  );
  const taken = new Map<string, { done: number; inProgress: boolean }>();
  for (const a of attempts) {
    const k = `${a.personId}:${a.paperId}`;
    const t = taken.get(k) ?? { done: 0, inProgress: false };
    if (finished(a, now)) t.done++;
    else t.inProgress = true;
    taken.set(k, t);
  }
  for (const p of people) {
    const mine = linked.get(p.id) ?? [];
    for (const q of quizzes) {
      if (!mine.includes(q.id) && !covers(audiences.get(q.id) ?? [], p)) continue;
      const t = taken.get(`${p.id}:${q.id}`);
      // One finished attempt is the quiz taken: further attempts are the person's choice, not a duty.
      if (t && t.done > 0 && !t.inProgress) continue;
      pushItem(result, p.id, {
        key: `quiz:${q.id}`,
        kind: "quiz",
        title: q.title,
        detail: t?.inProgress ? "作答中，请在时限内交卷" : mine.includes(q.id) ? "培训班考试" : "未作答",
        href: `/quizzes/${q.id}`,
        dueAt: asDate(q.closesAt),
        endsAt: null,
        overdue: false,
      });
    }
  }
  return result;
}

export async function contestsDue(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const db = sqlDb();
  const contests = await db.all<{ id: number; title: string; closesAt: string }>(
    sql`SELECT "id", "title", "closesAt" FROM "Contest" WHERE "status" = 'published' AND "opensAt" <= ${now} AND "closesAt" > ${now}`,
  );
  if (contests.length === 0) return result;
  const contestIds = contests.map((c) => c.id);
  const audiences = audiencesOf(
    await db.all<{ paperId: number; unitId: number; politicalStatus: string | null }>(
      sql`SELECT "contestId" AS "paperId", "unitId", "politicalStatus" FROM "ContestAudience" WHERE "contestId" ${inList(contestIds)}`,
    ),
  );
  const entries = takings(
    await db.all<{ personId: number; paperId: number; state: string; deadlineAt: string | null }>(
      sql`SELECT "personId", "contestId" AS "paperId", "state", "deadlineAt" FROM "ContestEntry"
        WHERE "contestId" ${inList(contestIds)} AND "personId" ${inList(people.map((p) => p.id))}`,
    ),
  );
  const entered = new Map(entries.map((e) => [`${e.personId}:${e.paperId}`, e]));
  for (const p of people) {
    for (const c of contests) {
      if (!covers(audiences.get(c.id) ?? [], p)) continue;
      const e = entered.get(`${p.id}:${c.id}`);
      if (e && finished(e, now)) continue;
      pushItem(result, p.id, {
        key: `contest:${c.id}`,
        kind: "contest",
        title: c.title,
        detail: e ? "答题中" : "可参赛",
        href: `/contests/${c.id}`,
        dueAt: asDate(c.closesAt),
        endsAt: null,
        overdue: false,
      });
    }
  }
  return result;
}
