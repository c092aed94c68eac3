import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import {
  type Checkpoint,
  type CourseFrontmatter,
  CourseFrontmatterSchema,
  LESSON_FILE,
  type LessonFrontmatter,
  LessonFrontmatterSchema,
  describeIssues,
  splitFrontmatter,
} from "~/lib/course-format";
import { type MdxNode } from "~/lib/mdx-tree";
import { MediaError, checkSvgSafe, probeVideoFile, sniffMedia } from "../media/probe";
import { compileCached } from "./mdx-cache";
import { MdxRejected } from "./mdx-compile";

// Reading one course directory of content/courses/ into a checked, compiled course: course.mdx,
// the lesson files NN-<key>.mdx and the media/ folder. Every problem is collected with its file and
// line, so one run tells an author everything that is wrong; a course with any problem is not synced.

export type CourseProblem = { file: string; line: number | null; message: string };

export type LoadedMedia = { path: string; file: string; mime: string; bytes: number; durationSec: number | null; sha256: string };

export type LoadedLesson = {
  key: string;
  position: number;
  frontmatter: LessonFrontmatter;
  body: string;
  bodyHash: string;
};

export type LoadedCourse = {
  slug: string;
  hash: string;
  frontmatter: CourseFrontmatter;
  body: string;
  bodyHash: string;
  lessons: LoadedLesson[];
  media: LoadedMedia[];
};

const MAX_CONTENT_MEDIA_BYTES = 50 * 1024 * 1024;

function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : e.isFile() ? [`${prefix}${e.name}`] : []))
    .sort();
}

/** A hash of every file's name and bytes: the course is synced again only when it changes. */
export function hashCourseDir(dir: string): string {
  const h = crypto.createHash("sha256");
  for (const f of listFiles(dir)) h.update(`${f}\0`).update(fs.readFileSync(path.join(dir, f))).update("\0");
  return h.digest("hex");
}

function figures(tree: readonly MdxNode[]): string[] {
  return tree.flatMap((n) => (typeof n === "string" ? [] : [...(n.t === "Figure" && n.p?.src ? [n.p.src] : []), ...figures(n.c ?? [])]));
}

/** Loads and checks a course directory; `projectRoot` makes stored media paths relative to it. */
export async function loadCourseDir(dir: string, projectRoot: string): Promise<{ course: LoadedCourse } | { problems: CourseProblem[] }> {
  const slug = path.basename(dir);
  const problems: CourseProblem[] = [];
  const problem = (file: string, message: string, line: number | null = null) => problems.push({ file: `${slug}/${file}`, line, message });
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) problem("", "课程目录名只能包含小写字母、数字和连字符");
  const files = listFiles(dir);

  // Media first: lessons refer to it.
  const media: LoadedMedia[] = [];
  for (const f of files.filter((x) => x.startsWith("media/"))) {
    const full = path.join(dir, f);
    const bytes = fs.statSync(full).size;
    if (bytes > MAX_CONTENT_MEDIA_BYTES) {
      problem(f, `文件过大（${(bytes / 1e6).toFixed(1)} MB），仓库中的媒体文件不能超过 50 MB`);
      continue;
    }
    const data = fs.readFileSync(full);
    const sniffed = sniffMedia(data.subarray(0, 4096));
    if (!sniffed) {
      problem(f, "无法识别的文件类型：media 目录只能存放 MP4/WebM 视频和 PNG/JPEG/WebP/SVG 图片");
      continue;
    }
    let durationSec: number | null = null;
    if (sniffed.kind === "video") {
      try {
        durationSec = (await probeVideoFile(full)).durationSec;
      } catch (e) {
        problem(f, e instanceof MediaError ? e.message : "无法读取视频时长");
        continue;
      }
    } else if (sniffed.mime === "image/svg+xml") {
      const unsafe = checkSvgSafe(data.toString("utf8"));
      if (unsafe) {
        problem(f, unsafe);
        continue;
      }
    }
    media.push({
      path: f,
      file: path.relative(projectRoot, full).split(path.sep).join("/"),
      mime: sniffed.mime,
      bytes,
      durationSec,
      sha256: crypto.createHash("sha256").update(data).digest("hex"),
    });
  }
  const mediaByPath = new Map(media.map((m) => [m.path, m]));
  const needMedia = (file: string, p: string | undefined, kind: "video" | "image", what: string) => {
    if (!p) return;
    const m = mediaByPath.get(p);
    if (!m) problem(file, `${what}引用的文件 ${p} 不存在（或未通过检查）`);
    else if (!m.mime.startsWith(kind)) problem(file, `${what}引用的文件 ${p} 不是${kind === "video" ? "视频" : "图片"}`);
  };

  async function parse<T>(file: string, schema: { safeParse: (x: unknown) => { success: true; data: T } | { success: false; error: import("zod").ZodError } }) {
    const source = fs.readFileSync(path.join(dir, file), "utf8");
    const split = splitFrontmatter(source);
    if (!split) {
      problem(file, "文件开头缺少 --- 包围的设置（frontmatter）", 1);
      return null;
    }
    let raw: unknown;
    try {
      raw = YAML.parse(split.yaml);
    } catch (e) {
      problem(file, `设置（frontmatter）不是有效的 YAML：${(e as Error).message.split("\n")[0]}`, 2);
      return null;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const m of describeIssues(parsed.error)) problem(file, m);
      return null;
    }
    return { data: parsed.data, body: split.body, bodyLine: split.bodyLine };
  }

  async function compile(file: string, body: string, bodyLine: number, checkpoints: readonly Checkpoint[] = []) {
    try {
      return await compileCached(body, { lineOffset: bodyLine, checkpointIds: checkpoints.map((c) => c.id) });
    } catch (e) {
      if (!(e instanceof MdxRejected)) throw e;
      for (const p of e.problems) problem(file, p.message, p.line);
      return null;
    }
  }

  if (!files.includes("course.mdx")) problem("course.mdx", "缺少课程说明文件 course.mdx");
  const course = files.includes("course.mdx") ? await parse("course.mdx", CourseFrontmatterSchema) : null;
  const intro = course ? await compile("course.mdx", course.body, course.bodyLine) : null;
  if (course) needMedia("course.mdx", course.data.cover, "image", "封面");
  if (intro) for (const src of figures(intro.tree)) needMedia("course.mdx", src, "image", "插图");

  const lessons: LoadedLesson[] = [];
  const seenKeys = new Set<string>();
  const lessonFiles = files.filter((f) => !f.includes("/") && f !== "course.mdx");
  for (const file of lessonFiles) {
    const m = LESSON_FILE.exec(file);
    if (!m) {
      problem(file, "课时文件名应为 两位序号-英文编号.mdx，如 01-dang-de-xingzhi.mdx");
      continue;
    }
    const [, number, key] = m;
    if (seenKeys.has(key)) problem(file, `课时编号 ${key} 重复`);
    seenKeys.add(key);
    const lesson = await parse(file, LessonFrontmatterSchema);
    if (!lesson) continue;
    const fm = lesson.data;
    needMedia(file, fm.video, "video", "视频");
    const duration = fm.video ? mediaByPath.get(fm.video)?.durationSec : null;
    for (const c of fm.checkpoints) {
      if (duration && c.at !== undefined && c.at >= duration) problem(file, `检查点 ${c.id} 的暂停时间 ${c.at} 秒超出了视频时长（${duration.toFixed(1)} 秒）`);
    }
    const compiled = await compile(file, lesson.body, lesson.bodyLine, fm.checkpoints);
    if (!compiled) continue;
    for (const src of figures(compiled.tree)) needMedia(file, src, "image", "插图");
    lessons.push({ key, position: Number(number), frontmatter: fm, body: lesson.body, bodyHash: compiled.hash });
  }
  if (course && lessonFiles.length === 0) problem("", "课程至少需要一个课时文件");
  const positions = lessons.map((l) => l.position);
  const dupPosition = positions.find((p, i) => positions.indexOf(p) !== i);
  if (dupPosition !== undefined) problem("", `课时序号 ${String(dupPosition).padStart(2, "0")} 重复`);

  if (problems.length || !course || !intro) return { problems };
  return {
    course: {
      slug,
      hash: hashCourseDir(dir),
      frontmatter: course.data,
      body: course.body,
      bodyHash: intro.hash,
      lessons: lessons.sort((a, b) => a.position - b.position),
      media,
    },
  };
}
