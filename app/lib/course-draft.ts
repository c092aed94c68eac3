import { z } from "zod";

// A course as the studio edits it (and as a revision stores it): the frontmatter fields as an author
// writes them (学时 as a number like 0.5), plus the MDX bodies. The structure is checked here; the
// content (titles, categories, checkpoints, MDX) is checked on preview and publish, with every
// problem named, by the same rules as course files (app/.server/content/course-files.ts).

export const DraftLessonSchema = z.object({
  key: z.string().max(60),
  position: z.number().int().min(1).max(99),
  title: z.string().max(200),
  summary: z.string().max(500).optional(),
  minutes: z.number(),
  credit: z.number(),
  video: z.string().max(200).optional(),
  checkpoints: z.array(z.unknown()).max(20).default([]),
  body: z.string().max(100_000),
});
export type DraftLesson = z.infer<typeof DraftLessonSchema>;

export const CourseDraftSchema = z.object({
  course: z.object({
    title: z.string().max(200),
    summary: z.string().max(500),
    category: z.string().max(40),
    tags: z.array(z.string().max(40)).max(20).default([]),
    cover: z.string().max(200).optional(),
    audience: z.object({ statuses: z.array(z.string()) }).optional(),
    completion: z.number().default(0.95),
    body: z.string().max(100_000),
  }),
  lessons: z.array(DraftLessonSchema).max(99),
});
export type CourseDraft = z.infer<typeof CourseDraftSchema>;

/** The frontmatter fields of a draft lesson, in the shape the lesson schema reads. */
export function lessonFields(l: DraftLesson) {
  return { title: l.title, summary: l.summary, minutes: l.minutes, credit: l.credit, video: l.video, checkpoints: l.checkpoints };
}

/** The frontmatter fields of a draft course. */
export function courseFields(c: CourseDraft["course"]) {
  return { title: c.title, summary: c.summary, category: c.category, tags: c.tags, cover: c.cover, audience: c.audience, completion: c.completion };
}

/** A key for a new lesson that no other lesson of the draft has: lesson-1, lesson-2, … */
export function nextLessonKey(draft: CourseDraft): string {
  const taken = new Set(draft.lessons.map((l) => l.key));
  let n = draft.lessons.length + 1;
  while (taken.has(`lesson-${n}`)) n++;
  return `lesson-${n}`;
}

// The studio's edits of a draft. Each returns a new draft and leaves the one it was given alone.

export type DraftSettings = {
  title: string;
  summary: string;
  category: string;
  tags: string[];
  /** The share of a video to watch for a lesson to count as finished, in percent (95 for 95 %). */
  completionPercent: number;
  body: string;
  /** The political statuses the course is open to; none means everyone. */
  audienceStatuses: string[];
  /** Open to nobody but the people it is required of (an assignment); the statuses are then ignored. */
  assignedOnly: boolean;
};

/** Tags as an author types them: separated by commas (either width), 、 or spaces. */
export function splitTags(text: string): string[] {
  return text
    .split(/[,，、\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

export function withSettings(draft: CourseDraft, s: DraftSettings): CourseDraft {
  return {
    ...draft,
    course: {
      ...draft.course,
      title: s.title,
      summary: s.summary,
      category: s.category,
      tags: s.tags,
      completion: s.completionPercent / 100,
      body: s.body,
      // An empty list of statuses admits nobody through the audience: only assignments reach anyone.
      audience: s.assignedOnly ? { statuses: [] } : s.audienceStatuses.length ? { statuses: s.audienceStatuses } : undefined,
    },
  };
}

/** A new lesson at the end, with a free key and the defaults an author then edits. */
export function withNewLesson(draft: CourseDraft): CourseDraft {
  const position = Math.max(0, ...draft.lessons.map((l) => l.position)) + 1;
  const lesson: DraftLesson = { key: nextLessonKey(draft), position, title: `第 ${position} 课`, minutes: 10, credit: 0.5, checkpoints: [], body: "" };
  return { ...draft, lessons: [...draft.lessons, lesson] };
}

/** The draft without the lesson of this key. */
export function withoutLesson(draft: CourseDraft, key: string): CourseDraft {
  return { ...draft, lessons: draft.lessons.filter((l) => l.key !== key) };
}

/**
 * The lesson of this key swapped with its neighbour before ("up") or after ("down"), the lessons in
 * their order; null when there is no such lesson or it is already first or last.
 */
export function withLessonMoved(draft: CourseDraft, key: string, direction: "up" | "down"): CourseDraft | null {
  const sorted = [...draft.lessons].sort((a, b) => a.position - b.position).map((l) => ({ ...l }));
  const i = sorted.findIndex((l) => l.key === key);
  const j = direction === "up" ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= sorted.length) return null;
  [sorted[i].position, sorted[j].position] = [sorted[j].position, sorted[i].position];
  return { ...draft, lessons: sorted };
}
