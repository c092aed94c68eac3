import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { type Checkpoint } from "~/lib/course-format";
import { type PoliticalStatus } from "~/lib/vocabulary";
import { ROOT } from "./support/paths";

// Builders for courses, lessons, media files and assignments, written straight into a SQLite file like
// tests/quiz-factories.ts (and with the same timestamp format), for the study and media tests. Nothing
// is validated or compiled here: a test states the rows it needs, including ones content sync would
// refuse.

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");
const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/** Size and SHA-256 of a file, read in chunks so a large (sparse) test file is never held in memory. */
export function fileDigest(file: string): { bytes: number; sha256: string } {
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(1 << 20);
  let bytes = 0;
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return { bytes, sha256: hash.digest("hex") };
}

export type CourseInput = {
  slug: string;
  unitId: number;
  title?: string;
  status?: "draft" | "published" | "archived";
  /** Political statuses the course is for; null or omitted: everybody. */
  audienceStatuses?: PoliticalStatus[] | null;
  /** Video coverage needed to complete a lesson, in thousandths (950 = 95 %). */
  completionPermille?: number;
};

export type LessonInput = {
  courseId: number;
  key: string;
  position: number;
  title?: string;
  /** Hundredths of a 学时. */
  credit: number;
  minutes: number;
  /** A media path within the course (media/lesson-01.mp4); a MediaFile row gives it its duration. */
  videoPath?: string | null;
  checkpoints?: Checkpoint[];
  body?: string;
  /** Defaults to the SHA-256 of the body. */
  bodyHash?: string;
  archivedAt?: Date | null;
};

export type MediaInput = {
  courseId: number;
  /** As MDX and frontmatter name it: media/lesson-01.mp4 */
  path: string;
  /** "content": relative to the project root; "upload": relative to DATA_DIR. */
  file: string;
  mime: string;
  /** Taken from the file when omitted (and then the file must exist). */
  bytes?: number;
  sha256?: string;
  durationSec?: number | null;
  storage?: "content" | "upload";
  /** Where an "upload" file is resolved against; the default mirrors app/.server/env.ts. */
  dataDir?: string;
};

export type AssignmentInput = {
  courseId: number;
  unitId: number;
  politicalStatus?: PoliticalStatus | null;
  cadreLevel?: "none" | "section" | "division" | null;
  dueAt?: Date | null;
};

export function openCourseFactory(db: Database.Database) {
  const now = () => ts(new Date());
  const insertCourse = db.prepare(
    `INSERT INTO Course (slug, source, unitId, title, summary, category, tags, coverPath, audienceStatuses, completionPermille,
       body, bodyHash, status, contentHash, draft, revision, createdById, publishedAt, createdAt, updatedAt)
     VALUES (@slug, 'studio', @unitId, @title, @summary, '党课', '[]', NULL, @audienceStatuses, @completionPermille,
       @body, @bodyHash, @status, NULL, NULL, @revision, NULL, @publishedAt, @now, @now)`,
  );
  const insertLesson = db.prepare(
    `INSERT INTO Lesson (courseId, key, position, title, summary, minutes, credit, videoPath, checkpoints, body, bodyHash, archivedAt, createdAt, updatedAt)
     VALUES (@courseId, @key, @position, @title, NULL, @minutes, @credit, @videoPath, @checkpoints, @body, @bodyHash, @archivedAt, @now, @now)`,
  );
  const insertMedia = db.prepare(
    `INSERT INTO MediaFile (courseId, path, storage, file, mime, bytes, durationSec, sha256, createdById, createdAt)
     VALUES (@courseId, @path, @storage, @file, @mime, @bytes, @durationSec, @sha256, NULL, @now)`,
  );
  const insertAssignment = db.prepare(
    `INSERT INTO CourseAssignment (courseId, unitId, politicalStatus, cadreLevel, dueAt, createdById, createdAt)
     VALUES (?, ?, ?, ?, ?, NULL, ?)`,
  );

  function course(input: CourseInput): number {
    const body = `${input.title ?? input.slug} 的课程介绍。`;
    const status = input.status ?? "published";
    return Number(
      insertCourse.run({
        slug: input.slug,
        unitId: input.unitId,
        title: input.title ?? `课程 ${input.slug}`,
        summary: `课程 ${input.slug} 的简介`,
        audienceStatuses: input.audienceStatuses ? JSON.stringify(input.audienceStatuses) : null,
        completionPermille: input.completionPermille ?? 950,
        body,
        bodyHash: sha256(body),
        status,
        revision: status === "draft" ? 0 : 1,
        publishedAt: status === "draft" ? null : now(),
        now: now(),
      }).lastInsertRowid,
    );
  }

  function lesson(input: LessonInput): number {
    const body = input.body ?? `第 ${input.position} 课时的正文。`;
    return Number(
      insertLesson.run({
        courseId: input.courseId,
        key: input.key,
        position: input.position,
        title: input.title ?? `课时 ${input.key}`,
        minutes: input.minutes,
        credit: input.credit,
        videoPath: input.videoPath ?? null,
        checkpoints: JSON.stringify(input.checkpoints ?? []),
        body,
        bodyHash: input.bodyHash ?? sha256(body),
        archivedAt: input.archivedAt ? ts(input.archivedAt) : null,
        now: now(),
      }).lastInsertRowid,
    );
  }

  function media(input: MediaInput): number {
    const storage = input.storage ?? "content";
    let { bytes, sha256: digest } = input;
    if (bytes === undefined || digest === undefined) {
      const dataDir = input.dataDir ?? path.resolve(ROOT, process.env.DATA_DIR ?? "./data");
      const actual = fileDigest(storage === "content" ? path.resolve(ROOT, input.file) : path.join(dataDir, input.file));
      bytes ??= actual.bytes;
      digest ??= actual.sha256;
    }
    return Number(
      insertMedia.run({
        courseId: input.courseId,
        path: input.path,
        storage,
        file: input.file,
        mime: input.mime,
        bytes,
        durationSec: input.durationSec ?? null,
        sha256: digest,
        now: now(),
      }).lastInsertRowid,
    );
  }

  function assignment(input: AssignmentInput): number {
    return Number(
      insertAssignment.run(input.courseId, input.unitId, input.politicalStatus ?? null, input.cadreLevel ?? null, input.dueAt ? ts(input.dueAt) : null, now())
        .lastInsertRowid,
    );
  }

  return { course, lesson, media, assignment };
}

export type CourseFactory = ReturnType<typeof openCourseFactory>;
