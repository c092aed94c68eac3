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
