import { unitIdsOnPath } from "~/lib/unit-path";
import { type TodoItem, pushItem } from "~/lib/todo";
import { classQuizIdsForPeople } from "../audience/class-papers";
import { prisma } from "../db";
import { type TodoPerson } from "./people";

// Quizzes and contests open now that the person may take and has not finished. "May take" is the one
// rule of app/.server/audience/ (a published paper whose audience row covers the person's path and
// status, or a quiz that is her class's exam or 补考), asked of the open papers (few) against many
// people in memory; "finished" is an attempt or entry no longer in progress (or past its deadline).

type Audience = { unitId: number; politicalStatus: string | null };

function covers(audiences: readonly Audience[], p: TodoPerson): boolean {
  const path = unitIdsOnPath(p.unitPath);
  return audiences.some((a) => path.includes(a.unitId) && (a.politicalStatus === null || a.politicalStatus === p.politicalStatus));
}

function openNow(now: Date) {
  return { status: "published", AND: [{ OR: [{ opensAt: null }, { opensAt: { lte: now } }] }, { OR: [{ closesAt: null }, { closesAt: { gt: now } }] }] };
}

function finished(row: { state: string; deadlineAt: Date | null }, now: Date) {
  return row.state !== "in_progress" || (row.deadlineAt !== null && row.deadlineAt <= now);
}

export async function quizzesDue(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const ids = people.map((p) => p.id);
  const [quizzes, linked] = await Promise.all([
    prisma.quiz.findMany({
      where: openNow(now),
      select: { id: true, title: true, closesAt: true, maxAttempts: true, audiences: { select: { unitId: true, politicalStatus: true } } },
    }),
    classQuizIdsForPeople(ids),
  ]);
  if (quizzes.length === 0) return result;
  const attempts = await prisma.quizAttempt.findMany({
    where: { quizId: { in: quizzes.map((q) => q.id) }, personId: { in: ids } },
    select: { quizId: true, personId: true, state: true, deadlineAt: true },
  });
  const taken = new Map<string, { done: number; inProgress: boolean }>();
  for (const a of attempts) {
    const k = `${a.personId}:${a.quizId}`;
    const t = taken.get(k) ?? { done: 0, inProgress: false };
    if (finished(a, now)) t.done++;
    else t.inProgress = true;
    taken.set(k, t);
  }
  for (const p of people) {
    const mine = linked.get(p.id) ?? [];
    for (const q of quizzes) {
      if (!mine.includes(q.id) && !covers(q.audiences, p)) continue;
      const t = taken.get(`${p.id}:${q.id}`);
      // One finished attempt is the quiz taken: further attempts are the person's choice, not a duty.
      if (t && t.done > 0 && !t.inProgress) continue;
      pushItem(result, p.id, {
        key: `quiz:${q.id}`,
        kind: "quiz",
        title: q.title,
        detail: t?.inProgress ? "作答中，请在时限内交卷" : mine.includes(q.id) ? "培训班考试" : "未作答",
        href: `/quizzes/${q.id}`,
        dueAt: q.closesAt,
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
  const contests = await prisma.contest.findMany({
    where: { status: "published", opensAt: { lte: now }, closesAt: { gt: now } },
    select: { id: true, title: true, closesAt: true, audiences: { select: { unitId: true, politicalStatus: true } } },
  });
  if (contests.length === 0) return result;
  const entries = await prisma.contestEntry.findMany({
    where: { contestId: { in: contests.map((c) => c.id) }, personId: { in: people.map((p) => p.id) } },
    select: { contestId: true, personId: true, state: true, deadlineAt: true },
  });
  const entered = new Map(entries.map((e) => [`${e.personId}:${e.contestId}`, e]));
  for (const p of people) {
    for (const c of contests) {
      if (!covers(c.audiences, p)) continue;
      const e = entered.get(`${p.id}:${c.id}`);
      if (e && finished(e, now)) continue;
      pushItem(result, p.id, {
        key: `contest:${c.id}`,
        kind: "contest",
        title: c.title,
        detail: e ? "答题中" : "可参赛",
        href: `/contests/${c.id}`,
        dueAt: c.closesAt,
        endsAt: null,
        overdue: false,
      });
    }
  }
  return result;
}
