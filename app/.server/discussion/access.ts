import { AppError } from "~/lib/app-error";
import { type Grant, grantsCover } from "~/lib/permissions";
import { prisma, sqlDb } from "../db";
import { mayStudyCourse } from "../learning/catalog";
import { sql } from "../sql";

// Who may read a thread and who moderates a post (decision 049). A unit's topic is read by the
// people of that unit's subtree and by those who moderate over it; a lesson's thread by whoever may
// see the lesson's course. A post is moderated by `discussion:moderate` over the topic's unit (for a
// lesson, the course's unit) or over the author's unit: a branch secretary looks after what her
// members write wherever they write it. Every refusal reads the same whether or not the id exists.

export type Viewer = { id: number; grants: readonly Grant[] };

export const TOPIC_NOT_FOUND = "没有找到这个话题，或您无权查看";
export const POST_NOT_FOUND = "没有找到这条内容，或您无权查看";

export type TopicAccess = {
  topic: { id: number; title: string; unitId: number | null; lessonId: number | null; unitName: string | null };
  /** The unit path whose moderators moderate the whole topic. */
  topicPath: string;
  /** Where the thread belongs: the lesson page, or 大家谈. */
  back: { href: string; label: string };
  moderator: boolean;
  unitPath: string;
};

type TopicRow = {
  id: number;
  title: string;
  unitId: number | null;
  lessonId: number | null;
  unitName: string | null;
  unitPath: string | null;
  unitArchivedAt: string | Date | null;
  lessonKey: string | null;
  lessonArchivedAt: string | Date | null;
  courseId: number | null;
  courseSlug: string | null;
  coursePath: string | null;
  viewerPath: string | null;
};

// Every request to a thread (each read and each post) asks this first, so it is one statement on the
// raw connection: the topic, its unit or its lesson's course, and the viewer's own unit path. Through
// Prisma it was a nested select and `personScope`, each query compiled on the event loop (decision 049).
const topicRow = (topicId: number, viewerId: number) =>
  sqlDb().get<TopicRow>(
    sql`SELECT t."id", t."title", t."unitId", t."lessonId", u."name" AS "unitName", u."path" AS "unitPath", u."archivedAt" AS "unitArchivedAt",
        l."key" AS "lessonKey", l."archivedAt" AS "lessonArchivedAt", c."id" AS "courseId", c."slug" AS "courseSlug", cu."path" AS "coursePath",
        (SELECT vu."path" FROM "Person" v JOIN "OrgUnit" vu ON vu."id" = v."unitId" WHERE v."id" = ${viewerId}) AS "viewerPath"
      FROM "DiscussionTopic" t
      LEFT JOIN "OrgUnit" u ON u."id" = t."unitId"
      LEFT JOIN "Lesson" l ON l."id" = t."lessonId"
      LEFT JOIN "Course" c ON c."id" = l."courseId"
      LEFT JOIN "OrgUnit" cu ON cu."id" = c."unitId"
      WHERE t."id" = ${topicId} AND t."archivedAt" IS NULL`,
  );

/** The topic if the viewer may read it; throws not_found otherwise (also for an id that does not exist). */
export async function topicAccess(viewer: Viewer, topicId: number): Promise<TopicAccess> {
  const t = Number.isSafeInteger(topicId) ? await topicRow(topicId, viewer.id) : undefined;
  if (!t || t.viewerPath === null) throw new AppError("not_found", TOPIC_NOT_FOUND);
  const unitPath = t.viewerPath;
  const topic = { id: t.id, title: t.title, unitId: t.unitId, lessonId: t.lessonId, unitName: t.unitName };
  if (t.unitPath !== null && t.unitArchivedAt === null) {
    const moderator = grantsCover(viewer.grants, "discussion:moderate", t.unitPath);
    if (!moderator && !unitPath.startsWith(t.unitPath)) throw new AppError("not_found", TOPIC_NOT_FOUND);
    return { topic, topicPath: t.unitPath, back: { href: "/discuss", label: "大家谈" }, moderator, unitPath };
  }
  if (t.lessonKey !== null && t.lessonArchivedAt === null && t.courseId !== null && t.coursePath !== null) {
    const moderator = grantsCover(viewer.grants, "discussion:moderate", t.coursePath);
    if (!(await mayStudyCourse(viewer.id, t.courseId))) throw new AppError("not_found", TOPIC_NOT_FOUND);
    return { topic, topicPath: t.coursePath, back: { href: `/courses/${t.courseSlug}/${t.lessonKey}`, label: "返回课时" }, moderator, unitPath };
  }
  throw new AppError("not_found", TOPIC_NOT_FOUND);
}

/** Whether the viewer moderates a post of this author in a topic with this path. */
export function moderates(viewer: Viewer, topicPath: string, authorUnitPath: string): boolean {
  return grantsCover(viewer.grants, "discussion:moderate", topicPath) || grantsCover(viewer.grants, "discussion:moderate", authorUnitPath);
}

/** The paths a post's moderators are found by: the topic's (or its lesson's course's) unit and the author's unit. */
export async function postPaths(postId: number): Promise<{ topicId: number; topicPath: string; authorUnitPath: string } | null> {
  const p = Number.isSafeInteger(postId)
    ? await prisma.discussionPost.findUnique({
        where: { id: postId },
        select: {
          topicId: true,
          author: { select: { unit: { select: { path: true } } } },
          topic: { select: { unit: { select: { path: true } }, lesson: { select: { course: { select: { unit: { select: { path: true } } } } } } } },
        },
      })
    : null;
  const topicPath = p?.topic.unit?.path ?? p?.topic.lesson?.course.unit.path;
  if (!p || !topicPath) return null;
  return { topicId: p.topicId, topicPath, authorUnitPath: p.author.unit.path };
}

/** Throws forbidden unless the viewer moderates the post; the same answer for a post that does not exist. */
export async function requireModeratorOf(viewer: Viewer, postId: number) {
  const paths = await postPaths(postId);
  if (!paths || !moderates(viewer, paths.topicPath, paths.authorUnitPath)) throw new AppError("forbidden", "您不能审核这条内容");
  return paths;
}
