import { z } from "zod";
import { safeMediaPath } from "./mdx-tree";
import { COURSE_CATEGORIES } from "./course-categories";
import { POLITICAL_STATUSES } from "./vocabulary";
import { yamlNumber } from "./yaml-number";

// The frontmatter of a course (course.mdx) and of its lessons (NN-<key>.mdx), for the files under
// content/courses/ and for what the studio saves: one schema for both. Messages are for the person
// who wrote the file, in Chinese.

const mediaPath = z
  .string({ error: "请填写 media 目录中的文件路径" })
  .refine((p) => safeMediaPath(p) !== null, "文件路径必须在课程目录之内，如 media/lesson-01.mp4");

const text = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过 ${max} 字`);

/** 学时 in the file (0.25, 1, 2) → hundredths in the database. */
const credit = yamlNumber("学时（credit）", "0.5")
  .min(0, "学时不能为负数")
  .max(100, "单个课时的学时不能超过 100")
  .refine((x) => Number.isInteger(Math.round(x * 100 * 1000) / 1000), "学时最多保留两位小数")
  .transform((x) => Math.round(x * 100));

export const CourseFrontmatterSchema = z.object({
  title: text("课程名称", 60),
  summary: text("课程简介", 200),
  category: z.enum(COURSE_CATEGORIES, { error: `课程分类只能是：${COURSE_CATEGORIES.join("、")}` }),
  tags: z.array(text("标签", 12)).max(10, "标签不能超过 10 个").default([]),
  cover: mediaPath.optional(),
  /** Who may see the course besides those it is required of: these statuses; an empty list, nobody else. */
  audience: z.object({ statuses: z.array(z.enum(POLITICAL_STATUSES, { error: "未知的政治面貌" })) }).optional(),
  completion: yamlNumber("完成比例（completion）", "0.95").min(0.5, "完成比例不能低于 0.5").max(1, "完成比例不能超过 1").default(0.95),
});
export type CourseFrontmatter = z.infer<typeof CourseFrontmatterSchema>;

const letters = z.enum(["A", "B", "C", "D", "E", "F"], { error: "答案只能是选项字母 A–F" });
const checkpointBase = {
  id: z.string({ error: "请填写检查点编号" }).regex(/^[a-z0-9-]{1,30}$/, "检查点编号只能包含小写字母、数字和连字符"),
  at: yamlNumber("暂停时间（at，秒）", "90").min(0, "暂停时间不能为负数").optional(),
  question: text("检查点题干", 300),
  explanation: z.string().trim().max(500, "解析不能超过 500 字").optional(),
};
const options = z
  .partialRecord(letters, text("选项", 200))
  .refine((o) => Object.keys(o).length >= 2, "至少需要两个选项")
  .refine((o) => Object.keys(o).sort().join("") === "ABCDEF".slice(0, Object.keys(o).length), "选项必须从 A 开始连续编号");

export const CheckpointSchema = z
  .discriminatedUnion("type", [
    z.object({ ...checkpointBase, type: z.literal("single"), options, answer: letters }),
    z.object({ ...checkpointBase, type: z.literal("multiple"), options, answer: z.array(letters).min(2, "多选题至少有两个正确选项") }),
    z.object({ ...checkpointBase, type: z.literal("judge"), answer: z.boolean({ error: "判断题的答案是 true 或 false" }) }),
  ])
  .superRefine((c, ctx) => {
    if (c.type === "judge") return;
    const given = ([] as string[]).concat(c.answer);
    const missing = given.filter((a) => !(a in c.options));
    if (missing.length) ctx.addIssue({ code: "custom", message: `答案 ${missing.join("、")} 不在选项中`, path: ["answer"] });
  });
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export const LessonFrontmatterSchema = z
  .object({
    title: text("课时标题", 60),
    summary: z.string().trim().max(200, "课时简介不能超过 200 字").optional(),
    minutes: yamlNumber("学习时长（minutes，分钟）", "30").int("学习时长必须是整数分钟").min(1, "学习时长至少 1 分钟").max(600, "学习时长不能超过 600 分钟"),
    credit,
    video: mediaPath.optional(),
    checkpoints: z.array(CheckpointSchema).max(10, "每个课时最多 10 个检查点").default([]),
  })
  .superRefine((l, ctx) => {
    const ids = l.checkpoints.map((c) => c.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) ctx.addIssue({ code: "custom", message: `检查点编号 ${dup} 重复`, path: ["checkpoints"] });
    if (l.video && l.checkpoints.some((c) => c.at === undefined)) {
      ctx.addIssue({ code: "custom", message: "视频课时的每个检查点都要填写暂停时间 at（秒）", path: ["checkpoints"] });
    }
  });
export type LessonFrontmatter = z.infer<typeof LessonFrontmatterSchema>;

/** A checkpoint as the learner gets it: no answer, no explanation. */
export function publicCheckpoint(c: Checkpoint) {
  return { id: c.id, at: c.at ?? null, type: c.type, question: c.question, options: c.type === "judge" ? null : c.options };
}

/**
 * What a checkpoint reveals once the learner has answered it: the key in the words shown and the
 * explanation. Given with the answer, and again on every later visit (an explanation that vanished on
 * reload would be lost just when the learner comes back to it).
 */
export function checkpointReveal(c: Checkpoint): { answer: string[]; explanation: string | null } {
  const answer = c.type === "judge" ? [c.answer ? "正确" : "错误"] : ([] as string[]).concat(c.answer);
  return { answer, explanation: c.explanation ?? null };
}

/** Lesson files are `NN-key.mdx`: the number orders them, the key identifies the lesson for good. */
export const LESSON_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx$/;

/** Splits `---\nyaml\n---\nbody`; the line count lets compile errors point at the right line. */
export function splitFrontmatter(source: string): { yaml: string; body: string; bodyLine: number } | null {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!m) return null;
  return { yaml: m[1], body: source.slice(m[0].length), bodyLine: m[0].split("\n").length - 1 };
}

/** The zod issues as "字段：问题" lines. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}：${i.message}` : i.message));
}
