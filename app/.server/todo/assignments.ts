import { AppError } from "~/lib/app-error";
import { ASSIGNMENT_KIND_LABELS, type AssignmentKind, handInTiming } from "~/lib/assignments";
import { type TodoItem, pushItem } from "~/lib/todo";
import { sqlDb } from "../db";
import { inList, sql } from "../sql";
import { type TodoPerson, asDate } from "./people";

// A class's written work (心得, 读书报告) not handed in: open to the enrolled member, not submitted or
// graded, and still accepted (app/lib/assignments.ts handInTiming, the one rule of on time, late and
// refused): due by the assignment's date, a 补交 granted to her, or the date of a return for
// revision; past the due date but within the late window it is overdue and says until when 补交 runs.
// 思想汇报 are personal and come from the pipeline source.

export async function assignmentsDue(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const ids = people.map((p) => p.id);
  const db = sqlDb();
  const members = await db.all<{ classId: number; personId: number }>(
    sql`SELECT "classId", "personId" FROM "ClassMember" WHERE "personId" ${inList(ids)} AND "status" = 'enrolled'`,
  );
  if (members.length === 0) return result;
  const assignments = (
    await db.all<{ id: number; classId: number; kind: string; title: string; opensAt: string; dueAt: string; lateUntil: string | null }>(
      sql`SELECT "id", "classId", "kind", "title", "opensAt", "dueAt", "lateUntil" FROM "Assignment"
      WHERE "classId" ${inList([...new Set(members.map((m) => m.classId))])} AND "opensAt" <= ${now}`,
    )
  ).map((a) => ({ ...a, opensAt: asDate(a.opensAt), dueAt: asDate(a.dueAt), lateUntil: asDate(a.lateUntil) }));
  if (assignments.length === 0) return result;
  const assignmentIds = inList(assignments.map((a) => a.id));
  const personIds = inList([...new Set(members.map((m) => m.personId))]);
  const submissions = (
    await db.all<{ assignmentId: number; personId: number; status: string; resubmitBy: string | null }>(
      sql`SELECT "assignmentId", "personId", "status", "resubmitBy" FROM "Submission" WHERE "assignmentId" ${assignmentIds} AND "personId" ${personIds}`,
    )
  ).map((s) => ({ ...s, resubmitBy: asDate(s.resubmitBy) }));
  const extensions = await db.all<{ assignmentId: number; personId: number; dueAt: string }>(
    sql`SELECT "assignmentId", "personId", "dueAt" FROM "AssignmentExtension" WHERE "assignmentId" ${assignmentIds} AND "personId" ${personIds}`,
  );
  const submissionOf = new Map(submissions.map((s) => [`${s.personId}:${s.assignmentId}`, s]));
  const extensionOf = new Map(extensions.map((e) => [`${e.personId}:${e.assignmentId}`, asDate(e.dueAt)]));
  for (const m of members) {
    for (const a of assignments) {
      if (a.classId !== m.classId) continue;
      const k = `${m.personId}:${a.id}`;
      const s = submissionOf.get(k) ?? null;
      if (s && (s.status === "submitted" || s.status === "graded")) continue;
      const extendedTo = extensionOf.get(k) ?? null;
      let late: boolean;
      try {
        late = handInTiming(a, s, now, extendedTo).late;
      } catch (e) {
        if (e instanceof AppError) continue; // no longer accepted: nothing left to do
        throw e;
      }
      const returned = s?.status === "returned";
      const dueAt = returned && s.resubmitBy ? s.resubmitBy : extendedTo && extendedTo > a.dueAt ? extendedTo : a.dueAt;
      const label = ASSIGNMENT_KIND_LABELS[a.kind as AssignmentKind] ?? "作业";
      pushItem(result, m.personId, {
        key: `assignment:${a.id}`,
        kind: "assignment",
        title: a.title,
        detail: late ? `已过截止时间，可补交（记为迟交）` : returned ? `${label} · 退回修改，请重新提交` : extendedTo ? `${label} · 准予补交` : label,
        href: `/assignments/${a.id}`,
        // Late: the last day 补交 is accepted is what she must act by.
        dueAt: late && a.lateUntil ? a.lateUntil : dueAt,
        endsAt: null,
        overdue: late,
      });
    }
  }
  return result;
}
