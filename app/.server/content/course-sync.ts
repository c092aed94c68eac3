import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
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
    applyCourse(db, root.id, loaded.course);
    summary.synced.push(slug);
  }
  return summary;
}

/** The whole course as published: what a revision stores and a rollback restores. */
export function courseSnapshot(c: LoadedCourse) {
  return {
    title: c.frontmatter.title,
    summary: c.frontmatter.summary,
    category: c.frontmatter.category,
    tags: c.frontmatter.tags,
    cover: c.frontmatter.cover ?? null,
    audience: c.frontmatter.audience ?? null,
    completion: c.frontmatter.completion,
    body: c.body,
    lessons: c.lessons.map((l) => ({ key: l.key, position: l.position, ...l.frontmatter, body: l.body })),
  };
}

function applyCourse(db: Database.Database, rootId: number, c: LoadedCourse) {
  const now = sqliteTimestamp(new Date());
  const fm = c.frontmatter;
  db.transaction(() => {
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
           contentHash = @contentHash, status = 'published', revision = @revision, updatedAt = @now WHERE id = @id`,
      ).run({ ...fields, revision, id: courseId });
    } else {
      revision = 1;
      courseId = Number(
        db
          .prepare(
            `INSERT INTO Course (slug, source, unitId, title, summary, category, tags, coverPath, audienceStatuses, completionPermille,
               body, bodyHash, status, contentHash, revision, publishedAt, createdAt, updatedAt)
             VALUES (@slug, 'content', @unitId, @title, @summary, @category, @tags, @coverPath, @audienceStatuses, @completionPermille,
               @body, @bodyHash, 'published', @contentHash, 1, @now, @now, @now)`,
          )
          .run({ ...fields, slug: c.slug, unitId: rootId }).lastInsertRowid,
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

    db.prepare("DELETE FROM MediaFile WHERE courseId = ? AND storage = 'content'").run(courseId);
    const insertMedia = db.prepare(
      `INSERT INTO MediaFile (courseId, path, storage, file, mime, bytes, durationSec, sha256, createdAt)
       VALUES (?, ?, 'content', ?, ?, ?, ?, ?, ?)
       ON CONFLICT (courseId, path) DO NOTHING`,
    );
    for (const m of c.media) insertMedia.run(courseId, m.path, m.file, m.mime, m.bytes, m.durationSec, m.sha256, now);

    db.prepare("INSERT INTO CourseRevision (courseId, number, snapshot, note, createdAt) VALUES (?, ?, ?, ?, ?)").run(
      courseId,
      revision,
      JSON.stringify(courseSnapshot(c)),
      "由仓库文件同步",
      now,
    );
  })();
}
