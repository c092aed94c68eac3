import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { type CourseDraft } from "~/lib/course-draft";
import { rawDb, sqliteTimestamp } from "../db";
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
  db = rawDb(),
}: { dir?: string; projectRoot?: string; db?: Database.Database } = {}): Promise<CourseSyncSummary> {
  const summary: CourseSyncSummary = { courses: 0, synced: [], unchanged: [], failed: [] };
  if (!fs.existsSync(dir)) return summary;
  const root = db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL ORDER BY id LIMIT 1").get() as { id: number } | undefined;
  if (!root) return summary; // no organisation yet (a production install before its first admin)
  const dirs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const slug of dirs) {
    summary.courses++;
    const stored = db.prepare("SELECT contentHash FROM Course WHERE slug = ?").get(slug) as { contentHash: string | null } | undefined;
    const loaded = await loadCourseDir(path.join(dir, slug), projectRoot);
    if ("problems" in loaded) {
      summary.failed.push({ slug, problems: loaded.problems });
      continue;
    }
    if (stored?.contentHash === loaded.course.hash) {
      summary.unchanged.push(slug);
      continue;
    }
    applyCourse(db, loaded.course, { source: "content", unitId: root.id, note: "由仓库文件同步" });
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
 * not in it archived), its repository media rows, and a new revision. One synchronous transaction.
 * Returns the revision number.
 */
export function applyCourse(db: Database.Database, c: LoadedCourse, opts: ApplyOptions): number {
  const now = sqliteTimestamp(new Date());
  const fm = c.frontmatter;
  return db.transaction(() => {
    const existing = db.prepare("SELECT id, revision FROM Course WHERE slug = ?").get(c.slug) as { id: number; revision: number } | undefined;
    const fields = {
      title: fm.title,
      summary: fm.summary,
      category: fm.category,
      tags: JSON.stringify(fm.tags),
      coverPath: fm.cover ?? null,
      audienceStatuses: fm.audience ? JSON.stringify(fm.audience.statuses) : null,
      completionPermille: Math.round(fm.completion * 1000),
      body: c.body,
      bodyHash: c.bodyHash,
      contentHash: c.hash,
      now,
    };
    let courseId: number;
    let revision: number;
    if (existing) {
      courseId = existing.id;
      revision = existing.revision + 1;
      db.prepare(
        `UPDATE Course SET title = @title, summary = @summary, category = @category, tags = @tags, coverPath = @coverPath,
           audienceStatuses = @audienceStatuses, completionPermille = @completionPermille, body = @body, bodyHash = @bodyHash,
           contentHash = @contentHash, status = 'published', revision = @revision, draft = NULL,
           publishedAt = COALESCE(publishedAt, @now), updatedAt = @now WHERE id = @id`,
      ).run({ ...fields, revision, id: courseId });
    } else {
      revision = 1;
      courseId = Number(
        db
          .prepare(
            `INSERT INTO Course (slug, source, unitId, title, summary, category, tags, coverPath, audienceStatuses, completionPermille,
               body, bodyHash, status, contentHash, revision, publishedAt, createdAt, updatedAt)
             VALUES (@slug, @source, @unitId, @title, @summary, @category, @tags, @coverPath, @audienceStatuses, @completionPermille,
               @body, @bodyHash, 'published', @contentHash, 1, @now, @now, @now)`,
          )
          .run({ ...fields, slug: c.slug, source: opts.source, unitId: opts.unitId }).lastInsertRowid,
      );
    }

    const upsertLesson = db.prepare(
      `INSERT INTO Lesson (courseId, key, position, title, summary, minutes, credit, videoPath, checkpoints, body, bodyHash, archivedAt, createdAt, updatedAt)
       VALUES (@courseId, @key, @position, @title, @summary, @minutes, @credit, @videoPath, @checkpoints, @body, @bodyHash, NULL, @now, @now)
       ON CONFLICT (courseId, key) DO UPDATE SET position = excluded.position, title = excluded.title, summary = excluded.summary,
         minutes = excluded.minutes, credit = excluded.credit, videoPath = excluded.videoPath, checkpoints = excluded.checkpoints,
         body = excluded.body, bodyHash = excluded.bodyHash, archivedAt = NULL, updatedAt = excluded.updatedAt`,
    );
    for (const l of c.lessons) {
      upsertLesson.run({
        courseId,
        key: l.key,
        position: l.position,
        title: l.frontmatter.title,
        summary: l.frontmatter.summary ?? null,
        minutes: l.frontmatter.minutes,
        credit: l.frontmatter.credit,
        videoPath: l.frontmatter.video ?? null,
        checkpoints: JSON.stringify(l.frontmatter.checkpoints),
        body: l.body,
        bodyHash: l.bodyHash,
        now,
      });
    }
    const keys = c.lessons.map((l) => l.key);
    db.prepare(`UPDATE Lesson SET archivedAt = ?, updatedAt = ? WHERE courseId = ? AND archivedAt IS NULL AND key NOT IN (${keys.map(() => "?").join(",")})`).run(
      now,
      now,
      courseId,
      ...keys,
    );

    // Repository media are replaced with what the directory holds now; uploads stay.
    if (opts.source === "content") db.prepare("DELETE FROM MediaFile WHERE courseId = ? AND storage = 'content'").run(courseId);
    const insertMedia = db.prepare(
      `INSERT INTO MediaFile (courseId, path, storage, file, mime, bytes, durationSec, sha256, createdAt)
       VALUES (?, ?, 'content', ?, ?, ?, ?, ?, ?)
       ON CONFLICT (courseId, path) DO NOTHING`,
    );
    if (opts.source === "content") for (const m of c.media) insertMedia.run(courseId, m.path, m.file, m.mime, m.bytes, m.durationSec, m.sha256, now);

    db.prepare("INSERT INTO CourseRevision (courseId, number, snapshot, note, createdById, createdAt) VALUES (?, ?, ?, ?, ?, ?)").run(
      courseId,
      revision,
      JSON.stringify(courseSnapshot(c)),
      opts.note,
      opts.actorId ?? null,
      now,
    );
    return revision;
  })();
}
