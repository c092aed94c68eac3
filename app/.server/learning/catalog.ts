import { type Checkpoint, checkpointReveal, publicCheckpoint } from "~/lib/course-format";
import { type Interval, coverage, furthestPoint } from "~/lib/watch-credit";
import { audienceRowFor, personScope } from "../audience/audience";
import { unitIdsOnPath } from "~/lib/unit-path";
import { prisma, sqlDb } from "../db";
import { type Sql, inList, sql } from "../sql";

// What a learner may see and must do: published courses whose audience includes them (or that are
// required of them), the required ones (规定动作) with due dates and progress, the catalogue with
// search and filters, and elective recommendations from what they studied and searched.

export type Learner = { id: number; politicalStatus: string; cadreLevel: string; unitPath: string };

// An assignment requires its course of a person when its unit is on their path, and its status and
// cadre level, when named, are theirs: as a database filter for one learner here, and as a test of one
// assignment for many people at once in app/lib/course-assignment.ts (the dashboards).

// The audience rule of quizzes and contests (unit on the path, status when named), plus the cadre level.
function coveringAssignments(l: Learner) {
  return { ...audienceRowFor(l), AND: [{ OR: [{ cadreLevel: null }, { cadreLevel: l.cadreLevel }] }] };
}

function audienceAdmits(audienceStatuses: string | null, l: Pick<Learner, "politicalStatus">): boolean {
  return audienceStatuses === null || (JSON.parse(audienceStatuses) as string[]).includes(l.politicalStatus);
}

export type CourseCard = {
  id: number;
  slug: string;
  title: string;
  summary: string;
  category: string;
  tags: string[];
  coverPath: string | null;
  lessons: number;
  completedLessons: number;
  /** Hundredths of a 学时: the course's total, and what this person has earned in it. */
  credit: number;
  required: boolean;
  dueAt: Date | null;
};

/** What a course card is made of (the catalogue lists them, a course page shows one). */
function cardSelect(l: Learner) {
  return {
    id: true,
    slug: true,
    title: true,
    summary: true,
    category: true,
    tags: true,
    coverPath: true,
    audienceStatuses: true,
    lessons: { where: { archivedAt: null }, select: { id: true, credit: true } },
    assignments: { where: coveringAssignments(l), select: { dueAt: true } },
  } as const;
}

type CardRow = {
  id: number;
  slug: string;
  title: string;
  summary: string;
  category: string;
  tags: string;
  coverPath: string | null;
  audienceStatuses: string | null;
  lessons: { id: number; credit: number }[];
  assignments: { dueAt: Date | null }[];
};

/** The card of a course the person may see (required of them or in its audience), or null. */
function toCard(c: CardRow, l: Learner, done: ReadonlySet<number>): CourseCard | null {
  if (c.assignments.length === 0 && !audienceAdmits(c.audienceStatuses, l)) return null;
  const dues = c.assignments.map((a) => a.dueAt).filter((d): d is Date => d !== null);
  return {
    id: c.id,
    slug: c.slug,
    title: c.title,
    summary: c.summary,
    category: c.category,
    tags: JSON.parse(c.tags) as string[],
    coverPath: c.coverPath,
    lessons: c.lessons.length,
    completedLessons: c.lessons.filter((x) => done.has(x.id)).length,
    credit: c.lessons.reduce((s, x) => s + x.credit, 0),
    required: c.assignments.length > 0,
    dueAt: dues.length ? new Date(Math.min(...dues.map((d) => d.getTime()))) : null,
  };
}

/** Every published course the person may see, with their progress and whether it is required of them. */
export async function visibleCourses(personId: number): Promise<CourseCard[]> {
  const l = await personScope(personId);
  const courses = await prisma.course.findMany({ where: { status: "published" }, select: cardSelect(l), orderBy: { id: "asc" } });
  const completed = await prisma.lessonProgress.groupBy({
    by: ["lessonId"],
    where: { personId, completedAt: { not: null }, lesson: { archivedAt: null } },
  });
  const done = new Set(completed.map((c) => c.lessonId));
  return courses.flatMap((c) => toCard(c, l, done) ?? []);
}

export type CatalogFilter = { q?: string; category?: string };

/** Required courses first (earliest due first), then the rest; filtered by the search and category. */
export function filterCatalog(cards: readonly CourseCard[], f: CatalogFilter): CourseCard[] {
  const q = f.q?.trim().toLowerCase();
  return cards
    .filter((c) => !f.category || c.category === f.category)
    .filter((c) => !q || [c.title, c.summary, ...c.tags].some((t) => t.toLowerCase().includes(q)))
    .sort((a, b) => Number(b.required) - Number(a.required) || (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) || a.id - b.id);
}

/**
 * Electives to suggest: not required, not finished, scored by shared tags and category with the
 * courses the person has studied, and by words of their recent searches found in the title or tags
 * (`searches`: none when the person does not keep them, search-history.ts).
 */
export async function recommendations(personId: number, cards: readonly CourseCard[], searches: readonly string[], limit = 3): Promise<CourseCard[]> {
  const studied = await prisma.lessonProgress.findMany({
    where: { personId },
    select: { lesson: { select: { courseId: true } } },
    distinct: ["lessonId"],
    take: 200,
  });
  const studiedIds = new Set(studied.map((s) => s.lesson.courseId));
  const studiedCards = cards.filter((c) => studiedIds.has(c.id));
  const tags = new Set(studiedCards.flatMap((c) => c.tags));
  const categories = new Set(studiedCards.map((c) => c.category));
  const words = searches.map((s) => s.toLowerCase());
  return cards
    .filter((c) => !c.required && c.completedLessons < c.lessons && !studiedIds.has(c.id))
    .map((c) => ({
      c,
      score:
        c.tags.filter((t) => tags.has(t)).length * 2 +
        (categories.has(c.category) ? 1 : 0) +
        words.filter((w) => [c.title, ...c.tags].some((t) => t.toLowerCase().includes(w))).length * 3,
    }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.c.id - b.c.id)
    .slice(0, limit)
    .map((x) => x.c);
}

/** A course the person may see, by slug; null otherwise (the page answers 404 either way). */
export async function courseForPerson(personId: number, slug: string) {
  const l = await personScope(personId);
  const course = await prisma.course.findFirst({
    where: { slug, status: "published" },
    select: {
      ...cardSelect(l),
      body: true,
      bodyHash: true,
      completionPermille: true,
      lessons: {
        where: { archivedAt: null },
        select: { id: true, key: true, position: true, title: true, summary: true, minutes: true, credit: true, videoPath: true },
        orderBy: { position: "asc" },
      },
    },
  });
  if (!course) return null;
  const progress = await prisma.lessonProgress.findMany({
    where: { personId, lessonId: { in: course.lessons.map((x) => x.id) } },
    select: { lessonId: true, completedAt: true, watchedSeconds: true, readSeconds: true },
  });
  const card = toCard(course, l, new Set(progress.flatMap((p) => (p.completedAt ? [p.lessonId] : []))));
  if (!card) return null;
  return { card, course, progress: new Map(progress.map((p) => [p.lessonId, p])) };
}

/**
 * Whether the person may see the course (for media, discussion and study sessions): the same rule as
 * the catalogue, in two prepared statements on the raw connection (a study session begins with it:
 * 11,000 viewers starting a video within a minute, decision 070).
 */
export async function mayStudyCourse(personId: number, courseId: number): Promise<boolean> {
  return mayStudy(personId, sql`FROM "Course" c WHERE c."id" = ${courseId} AND c."status" = 'published'`);
}

/** Whether the person may study the lesson: it is not archived, and its course is one they may see. */
export async function mayStudyCourseOfLesson(personId: number, lessonId: number): Promise<boolean> {
  return mayStudy(
    personId,
    sql`FROM "Lesson" l JOIN "Course" c ON c."id" = l."courseId" WHERE l."id" = ${lessonId} AND l."archivedAt" IS NULL AND c."status" = 'published'`,
  );
}

async function mayStudy(personId: number, course: Sql): Promise<boolean> {
  const db = sqlDb();
  const person = await db.get<{ politicalStatus: string; cadreLevel: string; unitPath: string }>(
    sql`SELECT p."politicalStatus", p."cadreLevel", u."path" AS "unitPath" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE p."id" = ${personId}`,
  );
  if (!person) return false;
  // coveringAssignments() as SQL: the assignment's unit on the person's path, its status and cadre level theirs when named.
  const c = await db.get<{ audienceStatuses: string | null; assigned: number | boolean }>(
    sql`SELECT c."audienceStatuses", EXISTS (
        SELECT 1 FROM "CourseAssignment" a WHERE a."courseId" = c."id" AND a."unitId" ${inList(unitIdsOnPath(person.unitPath))}
          AND (a."politicalStatus" IS NULL OR a."politicalStatus" = ${person.politicalStatus})
          AND (a."cadreLevel" IS NULL OR a."cadreLevel" = ${person.cadreLevel})
      ) AS "assigned" ${course}`,
  );
  return c !== undefined && (Boolean(c.assigned) || audienceAdmits(c.audienceStatuses, person));
}

/** One lesson for studying: its compiled body's cache key, its video, public checkpoints and progress. */
export async function lessonForPerson(personId: number, slug: string, key: string) {
  const found = await courseForPerson(personId, slug);
  if (!found) return null;
  const index = found.course.lessons.findIndex((x) => x.key === key);
  if (index < 0) return null;
  const lesson = await prisma.lesson.findUniqueOrThrow({
    where: { id: found.course.lessons[index].id },
    select: { id: true, key: true, title: true, minutes: true, credit: true, videoPath: true, checkpoints: true, body: true, bodyHash: true },
  });
  const [video, progress] = await Promise.all([
    lesson.videoPath
      ? prisma.mediaFile.findUnique({
          where: { courseId_path: { courseId: found.card.id, path: lesson.videoPath } },
          select: { durationSec: true, mime: true },
        })
      : null,
    prisma.lessonProgress.findUnique({ where: { personId_lessonId: { personId, lessonId: lesson.id } } }),
  ]);
  const checkpoints = JSON.parse(lesson.checkpoints) as Checkpoint[];
  const answered = JSON.parse(progress?.checkpoints ?? "{}") as Record<string, { correct: boolean }>;
  const watched = JSON.parse(progress?.watched ?? "[]") as Interval[];
  return {
    course: found.card,
    lesson,
    previous: found.course.lessons[index - 1] ?? null,
    next: found.course.lessons[index + 1] ?? null,
    video: video?.durationSec ? { path: lesson.videoPath!, mime: video.mime, duration: video.durationSec } : null,
    completionPercent: found.course.completionPermille / 10,
    // An answered checkpoint keeps showing its result: its key and explanation were given to this learner already.
    checkpoints: checkpoints.map((c) => {
      const given = answered[c.id];
      return { ...publicCheckpoint(c), answered: Boolean(given), result: given ? { correct: given.correct, ...checkpointReveal(c) } : null };
    }),
    progress: {
      watched,
      furthest: furthestPoint(watched),
      coverage: video?.durationSec ? coverage(watched, video.durationSec) : 0,
      readSeconds: progress?.readSeconds ?? 0,
      completedAt: progress?.completedAt ?? null,
    },
  };
}
