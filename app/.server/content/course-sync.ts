import fs from "node:fs";
import path from "node:path";
import { type CourseDraft } from "~/lib/course-draft";
import { sqlDb } from "../db";
import { syncSearchEntryOn } from "../search/site-entries";
import { type SqlDb, type SqlTx, forUpdate, notInList, sql } from "../sql";
import { type CourseProblem, type LoadedCourse, loadCourseDir } from "./course-files";

// Courses kept as files (content/courses/<slug>/) are brought into the database at every start,
// idempotently: a directory whose hash matches the stored one is skipped; a changed one becomes a new
// published revision, its lessons updated by key (progress stays attached), lessons whose files are
// gone archived, its media rows replaced. A course with problems is left as it was, and the problems
// are reported with file and line. Repository courses belong to the root unit.

export const CONTENT_COURSES_DIR = path.resolve("content/courses");

export type CourseSyncSummary = {
  courses: number;
  synced: string[];
  unchanged: string[];
  failed: { slug: string; problems: CourseProblem[] }[];
};

export async function syncContentCourses({
  dir = CONTENT_COURSES_DIR,
  projectRoot = path.resolve("."),
  db = sqlDb(),
}: { dir?: string; projectRoot?: string; db?: SqlDb } = {}): Promise<CourseSyncSummary> {
  const summary: CourseSyncSummary = { courses: 0, synced: [], unchanged: [], failed: [] };
  if (!fs.existsSync(dir)) return summary;
  const root = await db.get<{ id: number }>(sql`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
  if (!root) return summary; // no organisation yet (a production install before its first admin)
  const dirs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const slug of dirs) {
    summary.courses++;
    const stored = await db.get<{ contentHash: string | null }>(sql`SELECT "contentHash" FROM "Course" WHERE "slug" = ${slug}`);
    const loaded = await loadCourseDir(path.join(dir, slug), projectRoot, db);
    if ("problems" in loaded) {
      summary.failed.push({ slug, problems: loaded.problems });
      continue;
    }
    if (stored?.contentHash === loaded.course.hash) {
      summary.unchanged.push(slug);
      continue;
    }
    const course = loaded.course;
    await db.transaction((tx) => applyCourse(tx, course, { source: "content", unitId: root.id, note: "由仓库文件同步" }));
    summary.synced.push(slug);
  }
  return summary;
}

/** The whole course as published, in the studio's draft shape: what a revision stores and a rollback restores. */
export function courseSnapshot(c: LoadedCourse): CourseDraft {
  const fm = c.frontmatter;
  return {
    course: {
      title: fm.title,
      summary: fm.summary,
      category: fm.category,
      tags: fm.tags,
      ...(fm.cover ? { cover: fm.cover } : {}),
      ...(fm.audience ? { audience: fm.audience } : {}),
      completion: fm.completion,
      body: c.body,
    },
    lessons: c.lessons.map((l) => ({
      key: l.key,
      position: l.position,
      title: l.frontmatter.title,
      ...(l.frontmatter.summary ? { summary: l.frontmatter.summary } : {}),
      minutes: l.frontmatter.minutes,
      credit: l.frontmatter.credit / 100,
      ...(l.frontmatter.video ? { video: l.frontmatter.video } : {}),
      checkpoints: l.frontmatter.checkpoints,
      body: l.body,
    })),
  };
}

export type ApplyOptions = { source: "content" | "studio"; unitId: number; note: string; actorId?: number | null };

/**
 * Publishes a checked course: the Course row (created or updated by slug), its lessons by key (those
 * not in it archived), its repository media rows, its search entry and a new revision, on the caller's
 * transaction (`sqlDb().transaction((tx) => applyCourse(tx, …))`), so it commits with whatever the
 * caller checks and writes beside it. Returns the revision number.
 */
export async function applyCourse(tx: SqlTx, c: LoadedCourse, opts: ApplyOptions): Promise<number> {
  const now = new Date();
  const fm = c.frontmatter;
  // The course's row is read FOR UPDATE: two publications of one course (two nodes) number their revisions one after the other.
  const existing = await tx.get<{ id: number; revision: number }>(sql`SELECT "id", "revision" FROM "Course" WHERE "slug" = ${c.slug}${forUpdate()}`);
  const f = {
    title: fm.title,
    summary: fm.summary,
    category: fm.category,
    tags: JSON.stringify(fm.tags),
    coverPath: fm.cover ?? null,
    audienceStatuses: fm.audience ? JSON.stringify(fm.audience.statuses) : null,
    completionPermille: Math.round(fm.completion * 1000),
  };
  let courseId: number;
  let revision: number;
  if (existing) {
    courseId = existing.id;
    revision = existing.revision + 1;
    await tx.run(
      sql`UPDATE "Course" SET "title" = ${f.title}, "summary" = ${f.summary}, "category" = ${f.category}, "tags" = ${f.tags}, "coverPath" = ${f.coverPath},
         "audienceStatuses" = ${f.audienceStatuses}, "completionPermille" = ${f.completionPermille}, "body" = ${c.body}, "bodyHash" = ${c.bodyHash},
         "contentHash" = ${c.hash}, "status" = 'published', "revision" = ${revision}, "draft" = NULL,
         "publishedAt" = COALESCE("publishedAt", ${now}), "updatedAt" = ${now} WHERE "id" = ${courseId}`,
    );
  } else {
    revision = 1;
    courseId = (await tx.get<{ id: number }>(
      sql`INSERT INTO "Course" ("slug", "source", "unitId", "title", "summary", "category", "tags", "coverPath", "audienceStatuses", "completionPermille",
           "body", "bodyHash", "status", "contentHash", "revision", "publishedAt", "createdAt", "updatedAt")
         VALUES (${c.slug}, ${opts.source}, ${opts.unitId}, ${f.title}, ${f.summary}, ${f.category}, ${f.tags}, ${f.coverPath}, ${f.audienceStatuses},
           ${f.completionPermille}, ${c.body}, ${c.bodyHash}, 'published', ${c.hash}, 1, ${now}, ${now}, ${now})
         RETURNING "id"`,
    ))!.id;
  }

  for (const l of c.lessons) {
    await tx.run(
      sql`INSERT INTO "Lesson" ("courseId", "key", "position", "title", "summary", "minutes", "credit", "videoPath", "checkpoints", "body", "bodyHash",
           "archivedAt", "createdAt", "updatedAt")
         VALUES (${courseId}, ${l.key}, ${l.position}, ${l.frontmatter.title}, ${l.frontmatter.summary ?? null}, ${l.frontmatter.minutes},
           ${l.frontmatter.credit}, ${l.frontmatter.video ?? null}, ${JSON.stringify(l.frontmatter.checkpoints)}, ${l.body}, ${l.bodyHash}, NULL, ${now}, ${now})
         ON CONFLICT ("courseId", "key") DO UPDATE SET "position" = excluded."position", "title" = excluded."title", "summary" = excluded."summary",
           "minutes" = excluded."minutes", "credit" = excluded."credit", "videoPath" = excluded."videoPath", "checkpoints" = excluded."checkpoints",
           "body" = excluded."body", "bodyHash" = excluded."bodyHash", "archivedAt" = NULL, "updatedAt" = excluded."updatedAt"`,
    );
  }
  await tx.run(
    sql`UPDATE "Lesson" SET "archivedAt" = ${now}, "updatedAt" = ${now}
      WHERE "courseId" = ${courseId} AND "archivedAt" IS NULL AND "key" ${notInList(c.lessons.map((l) => l.key))}`,
  );

  // Repository media are replaced with what the directory holds now; uploads stay.
  if (opts.source === "content") {
    await tx.run(sql`DELETE FROM "MediaFile" WHERE "courseId" = ${courseId} AND "storage" = 'content'`);
    for (const m of c.media) {
      await tx.run(
        sql`INSERT INTO "MediaFile" ("courseId", "path", "storage", "file", "mime", "bytes", "durationSec", "sha256", "createdAt")
          VALUES (${courseId}, ${m.path}, 'content', ${m.file}, ${m.mime}, ${m.bytes}, ${m.durationSec}, ${m.sha256}, ${now})
          ON CONFLICT ("courseId", "path") DO NOTHING`,
      );
    }
  }

  await tx.run(
    sql`INSERT INTO "CourseRevision" ("courseId", "number", "snapshot", "note", "createdById", "createdAt")
      VALUES (${courseId}, ${revision}, ${JSON.stringify(courseSnapshot(c))}, ${opts.note}, ${opts.actorId ?? null}, ${now})`,
  );
  // The course's search entry moves with its published text (decision 050, amended).
  await syncSearchEntryOn(tx, "course", courseId, now);
  return revision;
}
