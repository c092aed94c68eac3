import { AppError } from "~/lib/app-error";
import { scopePaths } from "~/lib/permissions";
import { unitOnPath } from "../audience/audience";
import { audit } from "../audit";
import { prisma } from "../db";
import { syncSearchEntry } from "../search/site-entries";
import { lessonForPerson } from "../learning/catalog";
import { type Viewer } from "./access";

// 大家谈 topics of units, and the one thread under each lesson (decision 049).

/** The topics a person reads: those of every unit on their path, and of the units they moderate. */
export async function topicsFor(viewer: Viewer) {
  const { unit } = await prisma.person.findUniqueOrThrow({ where: { id: viewer.id }, select: { unit: { select: { path: true } } } });
  const moderated = scopePaths(viewer.grants, "discussion:moderate");
  const topics = await prisma.discussionTopic.findMany({
    where: {
      archivedAt: null,
      unit: { archivedAt: null },
      OR: [{ unitId: unitOnPath({ unitPath: unit.path }) }, ...moderated.map((path) => ({ unit: { path: { startsWith: path } } }))],
    },
    select: {
      id: true,
      title: true,
      createdAt: true,
      unit: { select: { name: true } },
      _count: { select: { posts: { where: { state: "published" } } } },
    },
    orderBy: { id: "desc" },
    take: 100,
  });
  return topics.map((t) => ({ id: t.id, title: t.title, unitName: t.unit?.name ?? "", posts: t._count.posts, createdAt: t.createdAt }));
}

/** A new topic of a unit; the route has checked `discussion:moderate` over the unit. */
export async function createTopic(actorId: number, unitId: number, title: string) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { archivedAt: true } });
  if (!unit || unit.archivedAt) throw new AppError("invalid", "该党组织不存在或已撤销", { field: "unitId" });
  const topic = await prisma.discussionTopic.create({ data: { unitId, title, createdById: actorId }, select: { id: true } });
  await syncSearchEntry("topic", topic.id);
  await audit({ actorId, action: "discussion.topic", targetKind: "discussion_topic", targetId: topic.id, detail: { unitId } });
  return topic;
}

/**
 * The thread under a lesson the person may see, made the first time anyone opens it. The lesson id is
 * unique among topics, so two first visits at once make one thread (the loser of the race reads it).
 */
export async function lessonTopicId(personId: number, slug: string, key: string): Promise<number> {
  const found = await lessonForPerson(personId, slug, key);
  if (!found) throw new AppError("not_found", "没有找到这个课时，或它不面向您");
  const where = { lessonId: found.lesson.id };
  const existing = await prisma.discussionTopic.findUnique({ where, select: { id: true } });
  if (existing) return existing.id;
  const made = await prisma.discussionTopic.upsert({
    where,
    create: { lessonId: found.lesson.id, title: found.lesson.title },
    update: {},
    select: { id: true },
  });
  return made.id;
}
