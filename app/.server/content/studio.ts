import { AppError } from "~/lib/app-error";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type CourseDraft, CourseDraftSchema, courseFields, lessonFields } from "~/lib/course-draft";
import { type CourseProblem, type LoadedMedia, checkCourse, checkMediaFile } from "./course-files";
import { applyCourse } from "./course-sync";
import { audit } from "../audit";
import { storedTimestamp } from "~/lib/timestamp";
import { prisma, sqlDb } from "../db";
import { syncSearchEntry } from "../search/site-entries";
import { reviewRequiredFor, submitForReview } from "../review/review";
import { freezeRevision } from "~/lib/course-review";
import { env } from "../env";
import { fileStorage } from "../storage/storage";

// The trainer's studio: courses made in the browser. A course keeps what learners see in its Course
// and Lesson rows; the studio edits a draft (the course in its author's shape, app/lib/course-draft.ts)
// stored on the course. Publishing checks the draft by the same rules as course files, then applies it
// and records a revision; a rollback publishes an earlier revision again as a new one. Courses from
// content/ are managed by their files: the studio shows them but does not edit them.

export type StudioCourse = NonNullable<Awaited<ReturnType<typeof studioCourse>>>;

export async function studioCourses(scopePaths: readonly string[]) {
  if (scopePaths.length === 0) return [];
  return prisma.course.findMany({
    where: { OR: scopePaths.map((p) => ({ unit: { path: { startsWith: p } } })), status: { not: "archived" } },
    select: {
      id: true,
      slug: true,
      title: true,
      source: true,
      status: true,
      revision: true,
      draft: true,
      category: true,
      unit: { select: { name: true } },
      _count: { select: { lessons: { where: { archivedAt: null } } } },
    },
    orderBy: { id: "desc" },
  });
}

export async function courseUnitId(courseId: number): Promise<number | null> {
  if (!Number.isSafeInteger(courseId)) return null;
  return (await prisma.course.findUnique({ where: { id: courseId }, select: { unitId: true } }))?.unitId ?? null;
}

export async function studioCourse(courseId: number) {
  const course = await prisma.course.findUnique({
    where: { id: courseId },
    select: {
      id: true,
      slug: true,
      source: true,
      status: true,
      revision: true,
      draft: true,
      unitId: true,
      unit: { select: { name: true, path: true } },
      media: { select: { id: true, path: true, mime: true, bytes: true, durationSec: true, storage: true }, orderBy: { path: "asc" } },
    },
  });
  if (!course) return null;
  return { ...course, draft: course.draft ? CourseDraftSchema.parse(JSON.parse(course.draft)) : await publishedAsDraft(courseId) };
}

/** The published course in the draft's shape: where editing starts when there is no draft. */
async function publishedAsDraft(courseId: number): Promise<CourseDraft> {
  const c = await prisma.course.findUniqueOrThrow({
    where: { id: courseId },
    select: {
      title: true,
      summary: true,
      category: true,
      tags: true,
      coverPath: true,
      audienceStatuses: true,
      completionPermille: true,
      body: true,
      lessons: { where: { archivedAt: null }, orderBy: { position: "asc" } },
    },
  });
  return {
    course: {
      title: c.title,
      summary: c.summary,
      category: c.category,
      tags: JSON.parse(c.tags) as string[],
      ...(c.coverPath ? { cover: c.coverPath } : {}),
      ...(c.audienceStatuses ? { audience: { statuses: JSON.parse(c.audienceStatuses) as string[] } } : {}),
      completion: c.completionPermille / 1000,
      body: c.body,
    },
    lessons: c.lessons.map((l) => ({
      key: l.key,
      position: l.position,
      title: l.title,
      ...(l.summary ? { summary: l.summary } : {}),
      minutes: l.minutes,
      credit: l.credit / 100,
      ...(l.videoPath ? { video: l.videoPath } : {}),
      checkpoints: JSON.parse(l.checkpoints) as unknown[],
      body: l.body,
    })),
  };
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A new course in the studio: a draft with one empty lesson, not visible to learners until published. */
export async function createStudioCourse(actorId: number, unitId: number, input: { slug: string; title: string; category: string }) {
  if (!SLUG.test(input.slug) || input.slug.length > 60) throw new AppError("invalid", "课程编号只能包含小写字母、数字和连字符，如 weidangke-2026", { field: "slug" });
  if (await prisma.course.findUnique({ where: { slug: input.slug }, select: { id: true } })) throw new AppError("invalid", `课程编号 ${input.slug} 已被使用`, { field: "slug" });
  const draft: CourseDraft = {
    course: { title: input.title, summary: "", category: input.category, tags: [], completion: 0.95, body: "" },
    lessons: [{ key: "lesson-1", position: 1, title: "第一课", minutes: 10, credit: 0.5, checkpoints: [], body: "" }],
  };
  const course = await prisma.course.create({
    data: {
      slug: input.slug,
      source: "studio",
      unitId,
      title: input.title,
      summary: "",
      category: input.category,
      tags: "[]",
      body: "",
      bodyHash: "",
      status: "draft",
      draft: JSON.stringify(draft),
      createdById: actorId,
    },
    select: { id: true },
  });
  await audit({ actorId, action: "course.create", targetKind: "course", targetId: course.id, detail: { slug: input.slug } });
  return course;
}

function assertEditable(course: { source: string }) {
  if (course.source === "content") throw new AppError("invalid", "这门课程由仓库中的课程文件（content/courses）管理，请修改文件后重新启动系统");
}

export async function saveDraft(actorId: number, courseId: number, draft: CourseDraft) {
  const course = await prisma.course.findUniqueOrThrow({ where: { id: courseId }, select: { source: true } });
  assertEditable(course);
  const parsed = CourseDraftSchema.safeParse(draft);
  if (!parsed.success) throw new AppError("invalid", "草稿格式不正确，未保存");
  await prisma.course.update({ where: { id: courseId }, data: { draft: JSON.stringify(parsed.data) } });
  await audit({ actorId, action: "course.update", targetKind: "course", targetId: courseId, });
}

async function mediaOf(courseId: number): Promise<LoadedMedia[]> {
  const rows = await prisma.mediaFile.findMany({ where: { courseId }, select: { path: true, file: true, mime: true, bytes: true, durationSec: true, sha256: true } });
  return rows.map((m) => ({ ...m, durationSec: m.durationSec ?? null }));
}

/** Checks a draft as publishing would; problems are labelled with the part of the form they are in. */
export async function checkDraft(courseId: number, draft: CourseDraft, actorId: number) {
  const { slug } = await prisma.course.findUniqueOrThrow({ where: { id: courseId }, select: { slug: true } });
  const problems: CourseProblem[] = [];
  const checked = await checkCourse(
    {
      slug,
      hash: crypto.createHash("sha256").update(JSON.stringify(draft)).digest("hex"),
      course: { label: "课程设置", fields: courseFields(draft.course), body: draft.course.body, bodyLine: 0 },
      lessons: draft.lessons.map((l) => ({ label: `第 ${l.position} 课时《${l.title}》`, key: l.key, position: l.position, fields: lessonFields(l), body: l.body, bodyLine: 0 })),
      media: await mediaOf(courseId),
    },
    problems,
    String(actorId),
  );
  return { checked, problems };
}

/**
 * Publishes the draft (or the given one): checked first, then applied as a new revision. Where the
 * course's unit requires review (decision 053) the checked draft is frozen into a review item instead,
 * and a reviewer's approval applies it (content/course-approval.ts); the studio's draft stays as it is.
 */
export async function publishCourse(actorId: number, courseId: number, note = "发布", given?: CourseDraft) {
  const course = await studioCourse(courseId);
  if (!course) throw new AppError("invalid", "课程不存在");
  assertEditable(course);
  const draft = given ?? course.draft;
  const { checked, problems } = await checkDraft(courseId, draft, actorId);
  if (!checked) return { ok: false as const, problems };
  if (await reviewRequiredFor(course.unitId)) {
    const title = note === "发布" ? draft.course.title : `${draft.course.title}（${note}）`;
    const item = await submitForReview(actorId, { kind: "course_revision", unitId: course.unitId, targetId: courseId, title, body: freezeRevision(note, draft), pinned: false });
    return { ok: true as const, revision: null, reviewItemId: item.id };
  }
  const revision = await sqlDb().transaction((tx) => applyCourse(tx, checked, { source: "studio", unitId: course.unitId, note, actorId }));
  await audit({ actorId, action: "course.publish", targetKind: "course", targetId: courseId, detail: { revision } });
  return { ok: true as const, revision, reviewItemId: null };
}

/** Takes the course away from learners (progress and credited hours stay); publishing brings it back. */
export async function unpublishCourse(actorId: number, courseId: number) {
  const course = await prisma.course.findUniqueOrThrow({ where: { id: courseId }, select: { source: true, status: true } });
  assertEditable(course);
  if (course.status !== "published") throw new AppError("invalid", "课程尚未发布");
  await prisma.course.update({ where: { id: courseId }, data: { status: "draft" } });
  await syncSearchEntry("course", courseId);
  await audit({ actorId, action: "course.unpublish", targetKind: "course", targetId: courseId, });
}

export async function courseRevisions(courseId: number) {
  return prisma.courseRevision.findMany({
    where: { courseId },
    select: { number: true, note: true, createdAt: true, createdById: true },
    orderBy: { number: "desc" },
  });
}

export async function revisionDraft(courseId: number, number: number): Promise<CourseDraft | null> {
  const r = await prisma.courseRevision.findUnique({ where: { courseId_number: { courseId, number } }, select: { snapshot: true } });
  return r ? CourseDraftSchema.parse(JSON.parse(r.snapshot)) : null;
}

/**
 * Publishes revision `number` again, as a new revision; the current draft is replaced by it. Where
 * review is required, that revision is submitted for review instead and the studio's draft is left alone.
 */
export async function rollbackCourse(actorId: number, courseId: number, number: number) {
  const draft = await revisionDraft(courseId, number);
  if (!draft) throw new AppError("invalid", `第 ${number} 版不存在`);
  const course = await prisma.course.findUniqueOrThrow({ where: { id: courseId }, select: { source: true, unitId: true } });
  assertEditable(course);
  const note = `回滚至第 ${number} 版`;
  if (await reviewRequiredFor(course.unitId)) return publishCourse(actorId, courseId, note, draft);
  await prisma.course.update({ where: { id: courseId }, data: { draft: JSON.stringify(draft) } });
  return publishCourse(actorId, courseId, note);
}

// ---------- assignments ----------

export async function courseAssignments(courseId: number) {
  return prisma.courseAssignment.findMany({
    where: { courseId },
    select: { id: true, politicalStatus: true, cadreLevel: true, dueAt: true, unit: { select: { id: true, name: true } } },
    orderBy: { id: "asc" },
  });
}

export async function addAssignment(
  actorId: number,
  courseId: number,
  input: { unitId: number; politicalStatus: string | null; cadreLevel: string | null; dueAt: Date | null },
) {
  const a = await prisma.courseAssignment.create({ data: { courseId, ...input, createdById: actorId }, select: { id: true } });
  await audit({ actorId, action: "course.assign", targetKind: "course", targetId: courseId, detail: { ...input, dueAt: input.dueAt ? storedTimestamp(input.dueAt) : null } });
  return a;
}

export async function removeAssignment(actorId: number, courseId: number, assignmentId: number) {
  const { count } = await prisma.courseAssignment.deleteMany({ where: { id: assignmentId, courseId } });
  if (count === 0) throw new AppError("invalid", "该布置不存在");
  await audit({ actorId, action: "course.unassign", targetKind: "course", targetId: courseId, detail: { assignmentId } });
}

// ---------- media ----------

export const MAX_MEDIA_UPLOAD_BYTES = 500 * 1024 * 1024;

/** Where and how big a course upload may be: streamed to DATA_DIR/media/tmp, 500 MB at most. */
export function mediaUploadOptions() {
  return { field: "file", maxBytes: MAX_MEDIA_UPLOAD_BYTES, tmpDir: path.join(env.dataDir, "media", "tmp") };
}

/** A course path for an uploaded file: media/<name>, made safe, unique within the course. */
async function mediaPathFor(courseId: number, filename: string, ext: string): Promise<string> {
  const base =
    path
      .basename(filename)
      .replace(/\.[^.]*$/, "")
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "file";
  for (let n = 1; ; n++) {
    const candidate = `media/${base}${n === 1 ? "" : `-${n}`}.${ext}`;
    if (!(await prisma.mediaFile.findUnique({ where: { courseId_path: { courseId, path: candidate } }, select: { id: true } }))) return candidate;
  }
}

const EXTENSIONS: Record<string, string> = {
  "video/mp4": "mp4",
  "video/webm": "webm",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/svg+xml": "svg",
};

/**
 * Keeps an uploaded file (already streamed to `tmpPath`) when its bytes say it is a video or image we
 * serve: stored under DATA_DIR/media with a generated name, recorded as media/<name> of the course.
 * Otherwise the file is removed and the reason thrown, in Chinese.
 */
export async function addUploadedMedia(actorId: number, courseId: number, upload: { tmpPath: string; filename: string }) {
  try {
    const checked = await checkMediaFile(upload.tmpPath, MAX_MEDIA_UPLOAD_BYTES);
    if (typeof checked === "string") throw new AppError("invalid", checked);
    const ext = EXTENSIONS[checked.mime];
    const stored = `media/${crypto.randomBytes(16).toString("hex")}.${ext}`;
    await fileStorage().putFile(stored, upload.tmpPath);
    const mediaPath = await mediaPathFor(courseId, upload.filename, ext);
    await prisma.mediaFile.create({ data: { courseId, path: mediaPath, storage: "upload", file: stored, ...checked, createdById: actorId } });
    await audit({ actorId, action: "media.upload", targetKind: "course", targetId: courseId, detail: { path: mediaPath, bytes: checked.bytes, mime: checked.mime } });
    return { path: mediaPath, mime: checked.mime, durationSec: checked.durationSec };
  } finally {
    fs.rmSync(upload.tmpPath, { force: true });
  }
}
