import { sqlDb } from "../db";
import { type AssigneeFacts, assignmentCovers } from "~/lib/course-assignment";
import { inList, sql } from "../sql";

// How far the people of a report are with the courses required of them (规定动作, CourseAssignment):
// for each published course assigned to some of them, how many it is required of, how many have
// finished every lesson, are part-way, have not started, or are past the due date unfinished; for
// the whole subtree and per child unit. Assignments are current, not per year: a course is required
// of a person when an assignment's unit is on their path and its status and cadre level (when named)
// are theirs now, as the learner's catalogue decides (app/lib/course-assignment.ts).

type Learner = AssigneeFacts & { id: number };

export type UnitGroup<P extends Learner = Learner> = { unitId: number; name: string; own: boolean; members: P[] };

export type CourseCompletion = {
  /** People the course is required of. */
  required: number;
  /** Every lesson finished. */
  completed: number;
  /** Some lesson opened, not every lesson finished. */
  inProgress: number;
  notStarted: number;
  /** Not finished and past the earliest due date of the assignments that cover them. */
  overdue: number;
  /** completed / required in percent with one decimal; null when the course is required of nobody. */
  completionRate: number | null;
};

export type RequiredCourse = CourseCompletion & {
  courseId: number;
  title: string;
  lessons: number;
  /** The earliest due date among the assignments that cover someone here; null when none has one. */
  dueAt: Date | null;
  units: (CourseCompletion & { unitId: number; name: string; own: boolean })[];
};

type AssignmentRow = {
  courseId: number;
  title: string;
  lessons: number;
  unitId: number;
  politicalStatus: string | null;
  cadreLevel: string | null;
  dueAt: string | null;
};

type Status = "completed" | "inProgress" | "notStarted";
type Duty = { status: Status; dueAt: number | null };

function tally(duties: (Duty | undefined)[], now: number): CourseCompletion {
  const due = duties.filter((d): d is Duty => d !== undefined);
  const count = (s: Status) => due.filter((d) => d.status === s).length;
  const completed = count("completed");
  return {
    required: due.length,
    completed,
    inProgress: count("inProgress"),
    notStarted: count("notStarted"),
    overdue: due.filter((d) => d.status !== "completed" && d.dueAt !== null && d.dueAt < now).length,
    completionRate: due.length === 0 ? null : Math.round((completed / due.length) * 1000) / 10,
  };
}

/**
 * Lessons finished per person and course (key `${personId}:${courseId}`), counting only lessons not
 * archived; a key at all means the person opened the course. With `courseFinished`, the one reading
 * of "finished a course" (every lesson done) for the required-course reports and the classes' 学习.
 */
export async function lessonsFinished(personIds: readonly number[], courseIds: readonly number[]): Promise<Map<string, number>> {
  const done = new Map<string, number>();
  if (personIds.length === 0 || courseIds.length === 0) return done;
  const progress = await sqlDb().all<{ personId: number; courseId: number; done: number }>(
    sql`SELECT lp."personId", l."courseId", COUNT(lp."completedAt") AS "done"
      FROM "LessonProgress" lp JOIN "Lesson" l ON l."id" = lp."lessonId"
      WHERE l."archivedAt" IS NULL AND lp."personId" ${inList([...personIds])} AND l."courseId" ${inList([...courseIds])}
      GROUP BY lp."personId", l."courseId"`,
  );
  for (const r of progress) done.set(`${r.personId}:${r.courseId}`, Number(r.done));
  return done;
}

/** The lessons (not archived) of each course. */
export async function lessonCounts(courseIds: readonly number[]): Promise<Map<number, number>> {
  if (courseIds.length === 0) return new Map();
  const rows = await sqlDb().all<{ courseId: number; lessons: number }>(
    sql`SELECT "courseId", COUNT(*) AS "lessons" FROM "Lesson" WHERE "archivedAt" IS NULL AND "courseId" ${inList([...courseIds])} GROUP BY "courseId"`,
  );
  return new Map(rows.map((r) => [r.courseId, Number(r.lessons)]));
}

/** A course is finished when it has lessons and every one of them is done: a course with none left can be finished by nobody. */
export function courseFinished(lessons: number, done: number | undefined): boolean {
  return lessons > 0 && (done ?? 0) >= lessons;
}

/**
 * The required courses of a subtree, over `people` (its active people)
 * and per group (the report's child units). Courses required of nobody here are left out.
 */
export async function requiredCourseCompletion(people: readonly Learner[], groups: readonly UnitGroup[], now = new Date()): Promise<RequiredCourse[]> {
  const assignments = await sqlDb().all<AssignmentRow>(
    sql`SELECT a."courseId", c."title", a."unitId", a."politicalStatus", a."cadreLevel", a."dueAt",
        (SELECT COUNT(*) FROM "Lesson" l WHERE l."courseId" = c."id" AND l."archivedAt" IS NULL) AS "lessons"
      FROM "CourseAssignment" a JOIN "Course" c ON c."id" = a."courseId"
      WHERE c."status" = 'published'
      ORDER BY a."courseId", a."id"`,
  );
  const courseIds = [...new Set(assignments.map((a) => a.courseId))];
  if (courseIds.length === 0) return [];
  const done = await lessonsFinished(
    people.map((p) => p.id),
    courseIds,
  );

  return courseIds.flatMap((courseId) => {
    const own = assignments.filter((a) => a.courseId === courseId);
    const { title, lessons } = own[0];
    // A course with no lessons left can be finished by nobody: not a requirement anyone can meet.
    if (lessons === 0) return [];
    const duties = new Map<number, Duty>();
    for (const p of people) {
      const covering = own.filter((a) => assignmentCovers(a, p));
      if (covering.length === 0) continue;
      const dues = covering.flatMap((a) => (a.dueAt ? [new Date(a.dueAt).getTime()] : []));
      const n = done.get(`${p.id}:${courseId}`);
      const status: Status = n === undefined ? "notStarted" : courseFinished(lessons, n) ? "completed" : "inProgress";
      duties.set(p.id, { status, dueAt: dues.length ? Math.min(...dues) : null });
    }
    if (duties.size === 0) return [];
    const t = now.getTime();
    const earliest = [...duties.values()].reduce<number | null>((min, d) => (d.dueAt !== null && (min === null || d.dueAt < min) ? d.dueAt : min), null);
    return [
      {
        courseId,
        title,
        lessons,
        dueAt: earliest === null ? null : new Date(earliest),
        ...tally([...duties.values()], t),
        units: groups.map((g) => ({
          unitId: g.unitId,
          name: g.name,
          own: g.own,
          ...tally(
            g.members.map((m) => duties.get(m.id)),
            t,
          ),
        })),
      },
    ];
  });
}
