import { termWeights } from "~/lib/search-terms";
import { sqlDb } from "../db";
import { type SqlRunner, type SqlTx, sql, type Sql } from "../sql";
import { removeEntryOn, writeEntryOn, type SearchKind } from "./search-index";

// Courses, page articles, 大家谈 topics and discussion posts in the one search index (decision 050,
// amended). Each write path calls `syncSearchEntry(kind, id)` after its commit: the entry is read again
// from the live row and written when the row is searchable (a published course, a live article in a
// visible column, a live unit topic, a published post), removed otherwise. Rows nobody indexed (the
// demo seed, a path that forgot, a crash between the commit and this call) are found by
// `backfillSearch`, a bounded slice per sweeper tick. Searching checks the live row again in SQL
// (site-search), so an entry left behind never shows what its reader may not see.

export type SiteKind = Exclude<SearchKind, "document">;

const EXCERPT_CHARS = 160;
/** Text read into the terms of one entry: a long course is cut here before segmentation. */
const TEXT_CHARS = 200_000;

/** Markup out, so the excerpt and the terms are the words a reader sees. */
export function plainText(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, " ")
    .replace(/[#*_`>{}[\]|~]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function excerptOf(text: string): string {
  const t = plainText(text);
  return t.length > EXCERPT_CHARS ? `${t.slice(0, EXCERPT_CHARS)}…` : t;
}

type Source = { unitPath: string; audience: string; title: string; excerpt: string; body: string };

async function courseSource(db: SqlRunner, id: number): Promise<Source | null> {
  const c = await db.get<{ title: string; summary: string; body: string; unitPath: string }>(
    sql`SELECT c."title", c."summary", c."body", u."path" AS "unitPath" FROM "Course" c JOIN "OrgUnit" u ON u."id" = c."unitId"
        WHERE c."id" = ${id} AND c."status" = 'published'`,
  );
  if (!c) return null;
  const lessons = await db.all<{ title: string; summary: string | null; body: string }>(
    sql`SELECT "title", "summary", "body" FROM "Lesson" WHERE "courseId" = ${id} AND "archivedAt" IS NULL ORDER BY "position"`,
  );
  const body = [c.summary, plainText(c.body), ...lessons.map((l) => `${l.title} ${l.summary ?? ""} ${plainText(l.body)}`)].join("\n").slice(0, TEXT_CHARS);
  // Who may open a course is the catalogue's rule (audience statuses, assignments): site-search applies it.
  return { unitPath: c.unitPath, audience: "course", title: c.title, excerpt: excerptOf(c.summary), body };
}

async function articleSource(db: SqlRunner, id: number): Promise<Source | null> {
  const a = await db.get<{ title: string; body: string; unitPath: string }>(
    sql`SELECT a."title", a."body", u."path" AS "unitPath" FROM "PageArticle" a JOIN "PageColumn" c ON c."id" = a."columnId" JOIN "OrgUnit" u ON u."id" = c."unitId"
        WHERE a."id" = ${id} AND a."archivedAt" IS NULL AND c."visible" = ${true} AND u."archivedAt" IS NULL`,
  );
  return a ? { unitPath: a.unitPath, audience: "subtree", title: a.title, excerpt: excerptOf(a.body), body: a.body.slice(0, TEXT_CHARS) } : null;
}

async function topicSource(db: SqlRunner, id: number): Promise<Source | null> {
  const t = await db.get<{ title: string; unitPath: string }>(
    sql`SELECT t."title", u."path" AS "unitPath" FROM "DiscussionTopic" t JOIN "OrgUnit" u ON u."id" = t."unitId"
        WHERE t."id" = ${id} AND t."archivedAt" IS NULL AND u."archivedAt" IS NULL`,
  );
  return t ? { unitPath: t.unitPath, audience: "subtree", title: t.title, excerpt: "", body: "" } : null;
}

async function postSource(db: SqlRunner, id: number): Promise<Source | null> {
  const p = await db.get<{ body: string; topicTitle: string; topicPath: string | null; lessonTitle: string | null; coursePath: string | null }>(
    sql`SELECT p."body", t."title" AS "topicTitle", u."path" AS "topicPath", l."title" AS "lessonTitle", cu."path" AS "coursePath"
        FROM "DiscussionPost" p JOIN "DiscussionTopic" t ON t."id" = p."topicId"
        LEFT JOIN "OrgUnit" u ON u."id" = t."unitId"
        LEFT JOIN "Lesson" l ON l."id" = t."lessonId" LEFT JOIN "Course" c ON c."id" = l."courseId" LEFT JOIN "OrgUnit" cu ON cu."id" = c."unitId"
        WHERE p."id" = ${id} AND p."state" = 'published' AND t."archivedAt" IS NULL`,
  );
  if (!p) return null;
  const title = p.lessonTitle ?? p.topicTitle;
  // A unit topic's post is read within the unit's subtree; a lesson thread's by whoever may open the course.
  if (p.topicPath) return { unitPath: p.topicPath, audience: "subtree", title, excerpt: excerptOf(p.body), body: p.body };
  if (p.coursePath) return { unitPath: p.coursePath, audience: "lesson", title, excerpt: excerptOf(p.body), body: p.body };
  return null;
}

const SOURCES: Record<SiteKind, (db: SqlRunner, id: number) => Promise<Source | null>> = {
  course: courseSource,
  article: articleSource,
  topic: topicSource,
  post: postSource,
};

/**
 * Writes or removes one row's entry from what the row is now, on the writer's transaction (`tx`): the
 * entry's row, its terms' delete and their inserts commit together, or none of them.
 */
export async function syncSearchEntryOn(tx: SqlTx, kind: SiteKind, id: number, now: Date): Promise<void> {
  const s = await SOURCES[kind](tx, id);
  if (!s) return removeEntryOn(tx, kind, id);
  // A post's terms are its own words: the thread's title is shown, not searched.
  const weights = termWeights(kind === "post" ? "" : s.title, s.body);
  await writeEntryOn(tx, { kind, refId: id, unitPath: s.unitPath, audience: s.audience, statuses: null, title: s.title, excerpt: s.excerpt }, weights, now);
}

/** Brings one row's search entry up to date; call after the write that changed it has committed. */
export async function syncSearchEntry(kind: SiteKind, id: number) {
  await sqlDb().transaction((tx) => syncSearchEntryOn(tx, kind, id, new Date()));
}

/** The searchable rows of each kind that have no entry yet, a few at a time. */
const MISSING: Record<SiteKind, (limit: number) => Sql> = {
  course: (n) => sql`SELECT c."id" FROM "Course" c WHERE c."status" = 'published'
    AND NOT EXISTS (SELECT 1 FROM "SearchEntry" e WHERE e."kind" = 'course' AND e."refId" = c."id") ORDER BY c."id" LIMIT ${n}`,
  article: (n) => sql`SELECT a."id" FROM "PageArticle" a JOIN "PageColumn" c ON c."id" = a."columnId" JOIN "OrgUnit" u ON u."id" = c."unitId"
    WHERE a."archivedAt" IS NULL AND c."visible" = ${true} AND u."archivedAt" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "SearchEntry" e WHERE e."kind" = 'article' AND e."refId" = a."id") ORDER BY a."id" LIMIT ${n}`,
  topic: (n) => sql`SELECT t."id" FROM "DiscussionTopic" t JOIN "OrgUnit" u ON u."id" = t."unitId" WHERE t."archivedAt" IS NULL AND u."archivedAt" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "SearchEntry" e WHERE e."kind" = 'topic' AND e."refId" = t."id") ORDER BY t."id" LIMIT ${n}`,
  post: (
    n,
  ) => sql`SELECT p."id" FROM "DiscussionPost" p JOIN "DiscussionTopic" t ON t."id" = p."topicId" WHERE p."state" = 'published' AND t."archivedAt" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "SearchEntry" e WHERE e."kind" = 'post' AND e."refId" = p."id") ORDER BY p."id" LIMIT ${n}`,
};

/**
 * Indexes searchable rows that have no entry, at most `perKind` of each kind, and returns how many it
 * wrote. The queries ask exactly what the sources ask, so a row they select is always written and
 * the next tick moves on.
 */
export async function backfillSearch(perKind = 100): Promise<number> {
  const db = sqlDb();
  const now = new Date();
  let written = 0;
  for (const kind of Object.keys(MISSING) as SiteKind[]) {
    for (const { id } of await db.all<{ id: number }>(MISSING[kind](perKind))) {
      // One transaction per row, as before: the sweeper's slice never holds the write lock for long.
      await db.transaction((tx) => syncSearchEntryOn(tx, kind, id, now));
      written++;
    }
  }
  return written;
}
