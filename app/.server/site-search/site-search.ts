import { AppError } from "~/lib/app-error";
import { type Grant, scopePaths } from "~/lib/permissions";
import { SEARCH_PAGE_SIZE as PER_PAGE, SEARCH_QUERY_MAX_CHARS as QUERY_MAX_CHARS } from "~/lib/search-terms";
import { personScope } from "../audience/audience";
import { prisma, sqlDb } from "../db";
import { visibleCourses } from "../learning/catalog";
import { type SearchKind, searchScoped, visibleTo } from "../search/search-index";
import { type Sql, anyOf, inList, sql } from "../sql";

// One search box over courses, documents, page articles, 大家谈 topics and discussion posts (issue 18
// item 5, decision 050 amended). Who may see what is one condition per kind, inside the statement,
// checked against the live row as well as the entry, so a stale entry, a held or hidden post, another
// college's page or topic, a restricted document or a course outside her audience is neither listed
// nor counted:
// - course: one of the courses the catalogue shows her (`visibleCourses`: published, in her audience or
//   required of her);
// - document: the library's audience rule (`visibleTo` with documents:manage), not deleted;
// - article: the page's unit is on her path, or she views or manages it (`mayReadPage`), the article live
//   in a visible column;
// - topic: a live unit topic of her unit's subtree, or one she moderates;
// - post: published, in a live topic she may read (a unit topic as above, a lesson thread by its course).

export type SiteUser = { id: number; grants: readonly Grant[] };
export type SiteHit = { kind: SearchKind; id: number; title: string; excerpt: string; href: string };

async function scopeOf(user: SiteUser): Promise<Sql> {
  const me = await personScope(user.id);
  const courseIds = (await visibleCourses(user.id)).map((c) => c.id);
  const viewer = (paths: string[]) => ({ unitPath: me.unitPath, politicalStatus: me.politicalStatus, managedPaths: paths });
  const pages = viewer([...scopePaths(user.grants, "org:view"), ...scopePaths(user.grants, "pages:manage")]);
  const discussion = viewer(scopePaths(user.grants, "discussion:moderate"));
  return anyOf([
    sql`(e."kind" = 'course' AND e."refId" ${inList(courseIds)})`,
    sql`(e."kind" = 'document' AND ${visibleTo(viewer(scopePaths(user.grants, "documents:manage")))}
          AND EXISTS (SELECT 1 FROM "LibraryDocument" d WHERE d."id" = e."refId" AND d."deletedAt" IS NULL AND d."unpublished" = ${false}))`,
    sql`(e."kind" = 'article' AND ${visibleTo(pages)} AND EXISTS (SELECT 1 FROM "PageArticle" a JOIN "PageColumn" c ON c."id" = a."columnId"
          JOIN "OrgUnit" u ON u."id" = c."unitId" WHERE a."id" = e."refId" AND a."archivedAt" IS NULL AND c."visible" = ${true} AND u."archivedAt" IS NULL))`,
    sql`(e."kind" = 'topic' AND ${visibleTo(discussion)} AND EXISTS (SELECT 1 FROM "DiscussionTopic" t JOIN "OrgUnit" u ON u."id" = t."unitId"
          WHERE t."id" = e."refId" AND t."archivedAt" IS NULL AND u."archivedAt" IS NULL))`,
    sql`(e."kind" = 'post' AND EXISTS (SELECT 1 FROM "DiscussionPost" p JOIN "DiscussionTopic" t ON t."id" = p."topicId"
          LEFT JOIN "OrgUnit" u ON u."id" = t."unitId" LEFT JOIN "Lesson" l ON l."id" = t."lessonId"
          WHERE p."id" = e."refId" AND p."state" = 'published' AND t."archivedAt" IS NULL
            AND ((e."audience" = 'subtree' AND u."archivedAt" IS NULL AND ${visibleTo(discussion)})
              OR (e."audience" = 'lesson' AND l."archivedAt" IS NULL AND l."courseId" ${inList(courseIds)}))))`,
  ]);
}

/** Where each hit opens. */
async function linksOf(hits: readonly { kind: SearchKind; refId: number }[]): Promise<Map<string, string>> {
  const ids = (k: SearchKind) => hits.filter((h) => h.kind === k).map((h) => h.refId);
  const [courses, articles, posts] = await Promise.all([
    prisma.course.findMany({ where: { id: { in: ids("course") } }, select: { id: true, slug: true } }),
    prisma.pageArticle.findMany({ where: { id: { in: ids("article") } }, select: { id: true, column: { select: { unitId: true } } } }),
    prisma.discussionPost.findMany({
      where: { id: { in: ids("post") } },
      select: { id: true, topicId: true, topic: { select: { lesson: { select: { key: true, course: { select: { slug: true } } } } } } },
    }),
  ]);
  const links = new Map<string, string>();
  for (const h of hits) if (h.kind === "document") links.set(`document:${h.refId}`, `/documents/${h.refId}`);
  for (const h of hits) if (h.kind === "topic") links.set(`topic:${h.refId}`, `/discuss/${h.refId}`);
  for (const c of courses) links.set(`course:${c.id}`, `/courses/${c.slug}`);
  for (const a of articles) links.set(`article:${a.id}`, `/org/${a.column.unitId}/articles/${a.id}`);
  for (const p of posts) {
    const lesson = p.topic.lesson;
    links.set(`post:${p.id}`, lesson ? `/courses/${lesson.course.slug}/${lesson.key}/discussion#post-${p.id}` : `/discuss/${p.topicId}#post-${p.id}`);
  }
  return links;
}

/** What the box finds for this person: the count of each kind and one page of hits (of one kind when asked). */
export async function siteSearch(user: SiteUser, query: string, { kind, page = 1 }: { kind?: SearchKind; page?: number } = {}) {
  const q = query.trim();
  if (q === "") throw new AppError("invalid", "请输入要搜索的词语", { field: "q" });
  if ([...q].length > QUERY_MAX_CHARS) throw new AppError("invalid", `搜索词最多 ${QUERY_MAX_CHARS} 个字`, { field: "q" });
  const scope = await scopeOf(user);
  const { counts, hits } = await searchScoped(sqlDb(), q, scope, { kind, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
  const links = await linksOf(hits);
  return {
    counts: Object.fromEntries(counts) as Partial<Record<SearchKind, number>>,
    hits: hits.flatMap((h): SiteHit[] => {
      const href = links.get(`${h.kind}:${h.refId}`);
      return href ? [{ kind: h.kind, id: h.refId, title: h.title, excerpt: h.excerpt, href }] : [];
    }),
  };
}
