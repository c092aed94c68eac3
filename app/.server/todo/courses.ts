import { assignmentCovers } from "~/lib/course-assignment";
import { type TodoItem, pushItem } from "~/lib/todo";
import { sqlDb } from "../db";
import { courseFinished, lessonCounts, lessonsFinished } from "../hours/required-courses";
import { sql } from "../sql";
import { type TodoPerson, asDate } from "./people";

// Required courses (规定动作) not finished: the published courses a CourseAssignment requires of the
// person (app/lib/course-assignment.ts), with lessons done out of the lessons there are, due by the
// earliest due date among the assignments that cover them. "Finished" is read the one way the
// required-course reports read it (courseFinished).

export async function requiredCoursesDue(people: readonly TodoPerson[], now: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const assignments = await sqlDb().all<{
    courseId: number;
    unitId: number;
    politicalStatus: string | null;
    cadreLevel: string | null;
    dueAt: string | null;
    slug: string;
    title: string;
  }>(
    sql`SELECT ca."courseId", ca."unitId", ca."politicalStatus", ca."cadreLevel", ca."dueAt", c."slug", c."title"
      FROM "CourseAssignment" ca JOIN "Course" c ON c."id" = ca."courseId"
      WHERE c."status" = 'published' ORDER BY ca."id"`,
  );
  if (assignments.length === 0) return result;
  const courseIds = [...new Set(assignments.map((a) => a.courseId))];
  const lessons = await lessonCounts(courseIds);
  const done = await lessonsFinished(
    people.map((p) => p.id),
    courseIds,
  );
  for (const p of people) {
    const due = new Map<number, { slug: string; title: string; dueAt: Date | null }>();
    for (const a of assignments) {
      if (!assignmentCovers(a, p)) continue;
      const seen = due.get(a.courseId);
      const own = asDate(a.dueAt);
      const dueAt = seen?.dueAt && own ? (seen.dueAt < own ? seen.dueAt : own) : (seen?.dueAt ?? own);
      due.set(a.courseId, { slug: a.slug, title: a.title, dueAt });
    }
    for (const [courseId, c] of due) {
      const total = lessons.get(courseId) ?? 0;
      const finished = done.get(`${p.id}:${courseId}`);
      // A course with no lessons left can be finished by nobody: not a requirement anyone can meet.
      if (total === 0 || courseFinished(total, finished)) continue;
      pushItem(result, p.id, {
        key: `course:${courseId}`,
        kind: "course",
        title: c.title,
        detail: `已学 ${finished ?? 0}/${total} 课`,
        href: `/courses/${c.slug}`,
        dueAt: c.dueAt,
        endsAt: null,
        overdue: c.dueAt !== null && c.dueAt < now,
      });
    }
  }
  return result;
}
