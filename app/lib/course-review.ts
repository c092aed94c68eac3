import { z } from "zod";
import { type CourseDraft, CourseDraftSchema, type DraftLesson } from "./course-draft";
import { DIFF_CELLS, type LineChange, lineDiff } from "./review-rules";

// What a reviewer of a course revision reads (decision 053): the course's own text and each lesson of
// the proposed draft against the published revision, as line diffs; lessons added or removed are
// listed as such. A course never published compares against nothing: everything is new.

/** The course's settings and introduction as lines a reviewer reads (and a diff aligns). */
export function courseText(c: CourseDraft["course"]): string {
  return [
    `标题：${c.title}`,
    `简介：${c.summary}`,
    `分类：${c.category}`,
    `标签：${c.tags.join("、")}`,
    `完成比例：${Math.round(c.completion * 100)}%`,
    `面向：${c.audience ? c.audience.statuses.join("、") || "仅布置的人员" : "所有人"}`,
    ...(c.cover ? [`封面：${c.cover}`] : []),
    "",
    c.body,
  ].join("\n");
}

/** A lesson's settings and body as lines. */
export function lessonText(l: DraftLesson): string {
  return [
    `标题：${l.title}`,
    ...(l.summary ? [`简介：${l.summary}`] : []),
    `时长：${l.minutes} 分钟`,
    `学时：${l.credit}`,
    ...(l.video ? [`视频：${l.video}`] : []),
    `检查点：${JSON.stringify(l.checkpoints)}`,
    "",
    l.body,
  ].join("\n");
}

export type LessonComparison = { key: string; position: number; title: string; change: "added" | "removed" | "changed" | "same"; diff: LineChange[] };
export type CourseComparison = { course: LineChange[]; lessons: LessonComparison[] };

/** The longest frozen draft a course revision carries (the draft schema allows 99 lessons of 100,000 characters). */
export const MAX_COURSE_REVISION_CHARS = 12_000_000;

/** What a course-revision item holds: the checked draft frozen at submission, and the revision's note (发布, 回滚至第 N 版). */
const FrozenRevisionSchema = z.object({ note: z.string().max(100), draft: CourseDraftSchema });
export type FrozenRevision = z.infer<typeof FrozenRevisionSchema>;

export const freezeRevision = (note: string, draft: CourseDraft): string => JSON.stringify({ note, draft });
export const thawRevision = (body: string): FrozenRevision => FrozenRevisionSchema.parse(JSON.parse(body));

const asNew = (text: string): LineChange[] => text.split("\n").map((line) => ({ kind: "added", text: line }));

/** The proposed draft against the published one (null: never published). Lessons are matched by key, in the proposed order, removed ones last. */
export function compareCourse(published: CourseDraft | null, proposed: CourseDraft): CourseComparison {
  // One budget for the whole course: 99 rewritten lessons must not each fill a full table on the request path.
  const budget = { cells: 2 * DIFF_CELLS };
  const course = published ? lineDiff(courseText(published.course), courseText(proposed.course), budget) : asNew(courseText(proposed.course));
  const before = new Map((published?.lessons ?? []).map((l) => [l.key, l]));
  const lessons: LessonComparison[] = proposed.lessons.map((l) => {
    const old = before.get(l.key);
    const text = lessonText(l);
    if (!old) return { key: l.key, position: l.position, title: l.title, change: "added", diff: asNew(text) };
    const diff = lineDiff(lessonText(old), text, budget);
    return { key: l.key, position: l.position, title: l.title, change: diff.every((d) => d.kind === "same") ? "same" : "changed", diff };
  });
  const kept = new Set(proposed.lessons.map((l) => l.key));
  for (const old of published?.lessons ?? []) {
    if (kept.has(old.key)) continue;
    lessons.push({
      key: old.key,
      position: old.position,
      title: old.title,
      change: "removed",
      diff: lessonText(old)
        .split("\n")
        .map((text) => ({ kind: "removed", text })),
    });
  }
  return { course, lessons };
}
