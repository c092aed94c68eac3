import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
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
import { isAppError } from "~/lib/app-error";
import { type MdxNode } from "~/lib/mdx-tree";
import { SNIFF_BYTES, checkSvgSafe, probeVideoFile, sniffMedia } from "../media/probe";
import { sqlDb } from "../db";
import { type SqlRunner } from "../sql";
import { compileCached } from "./mdx-cache";
import { type CompileOwner, SYSTEM } from "./mdx-worker-pool";
import { MdxRejected } from "./mdx-compile";
import { parseSettingsYaml, settingsErrorLine } from "./settings-yaml";

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

/** One course as text and data, from files or from the studio's draft, before it is checked. */
export type CourseInput = {
  slug: string;
  hash: string;
  /** `label` names where the author finds it: a file name, or a form in the studio. */
  course: { label: string; fields: unknown; body: string; bodyLine: number };
  lessons: { label: string; key: string; position: number; fields: unknown; body: string; bodyLine: number }[];
  media: LoadedMedia[];
};

/**
 * Checks a course: frontmatter against the schemas, every body compiled (through the cache), every
 * media reference present and of the right kind, checkpoints within their video. Problems are added
 * to `problems`, labelled; the course comes back only when there are none.
 */
export async function checkCourse(
  input: CourseInput,
  problems: CourseProblem[],
  owner: CompileOwner = SYSTEM,
  cache: SqlRunner = sqlDb(),
): Promise<LoadedCourse | null> {
  const before = problems.length;
  const problem = (label: string, message: string, line: number | null = null) => problems.push({ file: label, line, message });
  const mediaByPath = new Map(input.media.map((m) => [m.path, m]));
  const needMedia = (label: string, p: string | undefined, kind: "video" | "image", what: string) => {
    if (!p) return;
    const m = mediaByPath.get(p);
    if (!m) problem(label, `${what}引用的文件 ${p} 不存在（或未通过检查）`);
    else if (!m.mime.startsWith(kind)) problem(label, `${what}引用的文件 ${p} 不是${kind === "video" ? "视频" : "图片"}`);
  };
  async function compile(label: string, body: string, bodyLine: number, checkpoints: readonly Checkpoint[] = []) {
    try {
      return await compileCached(body, { lineOffset: bodyLine, checkpointIds: checkpoints.map((c) => c.id) }, owner, cache);
    } catch (e) {
      if (!(e instanceof MdxRejected)) throw e;
      for (const p of e.problems) problem(label, p.message, p.line);
      return null;
    }
  }

  const courseFields = CourseFrontmatterSchema.safeParse(input.course.fields);
  if (!courseFields.success) for (const m of describeIssues(courseFields.error)) problem(input.course.label, m);
  const intro = await compile(input.course.label, input.course.body, input.course.bodyLine);
  if (courseFields.success) needMedia(input.course.label, courseFields.data.cover, "image", "封面");
  if (intro) for (const src of figures(intro.tree)) needMedia(input.course.label, src, "image", "插图");

  const lessons: LoadedLesson[] = [];
  const keys = new Set<string>();
  const positions = new Set<number>();
  if (input.lessons.length === 0) problem(input.course.label, "课程至少需要一个课时");
  for (const l of input.lessons) {
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(l.key)) problem(l.label, "课时编号只能包含小写字母、数字和连字符");
    if (keys.has(l.key)) problem(l.label, `课时编号 ${l.key} 重复`);
    if (positions.has(l.position)) problem(l.label, `课时序号 ${String(l.position).padStart(2, "0")} 重复`);
    keys.add(l.key);
    positions.add(l.position);
    const parsed = LessonFrontmatterSchema.safeParse(l.fields);
    if (!parsed.success) {
      for (const m of describeIssues(parsed.error)) problem(l.label, m);
      // The text's own problems are named too, so one round shows everything to fix.
      const raw = (l.fields as { checkpoints?: unknown } | null)?.checkpoints;
      const ids = Array.isArray(raw) ? raw.map((c) => ({ id: String((c as { id?: unknown } | null)?.id ?? "") }) as Checkpoint) : [];
      await compile(l.label, l.body, l.bodyLine, ids);
      continue;
    }
    const fm = parsed.data;
    needMedia(l.label, fm.video, "video", "视频");
    const duration = fm.video ? mediaByPath.get(fm.video)?.durationSec : null;
    for (const c of fm.checkpoints) {
      if (duration && c.at !== undefined && c.at >= duration) problem(l.label, `检查点 ${c.id} 的暂停时间 ${c.at} 秒超出了视频时长（${duration.toFixed(1)} 秒）`);
    }
    const compiled = await compile(l.label, l.body, l.bodyLine, fm.checkpoints);
    if (!compiled) continue;
    for (const src of figures(compiled.tree)) needMedia(l.label, src, "image", "插图");
    lessons.push({ key: l.key, position: l.position, frontmatter: fm, body: l.body, bodyHash: compiled.hash });
  }
  if (problems.length > before || !courseFields.success || !intro) return null;
  return {
    slug: input.slug,
    hash: input.hash,
    frontmatter: courseFields.data,
    body: input.course.body,
    bodyHash: intro.hash,
    lessons: lessons.sort((a, b) => a.position - b.position),
    media: input.media,
  };
}

/** Loads and checks a course directory; `projectRoot` makes stored media paths relative to it. */
/** `cache`: the database the compiled bodies are cached in, the one the course is synced into (a demo seed's file). */
export async function loadCourseDir(
  dir: string,
  projectRoot: string,
  cache: SqlRunner = sqlDb(),
): Promise<{ course: LoadedCourse } | { problems: CourseProblem[] }> {
  const slug = path.basename(dir);
  const problems: CourseProblem[] = [];
  const problem = (file: string, message: string, line: number | null = null) => problems.push({ file: `${slug}/${file}`, line, message });
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) problem("", "课程目录名只能包含小写字母、数字和连字符");
  const files = listFiles(dir);

  const media: LoadedMedia[] = [];
  for (const f of files.filter((x) => x.startsWith("media/"))) {
    const full = path.join(dir, f);
    const checked = await checkMediaFile(full);
    if (typeof checked === "string") problem(f, checked);
    else media.push({ ...checked, path: f, file: path.relative(projectRoot, full).split(path.sep).join("/") });
  }

  /** A file's frontmatter (parsed YAML, not yet checked) and body; null after reporting why not. */
  const read = (file: string) => {
    const source = fs.readFileSync(path.join(dir, file), "utf8");
    const split = splitFrontmatter(source);
    if (!split) {
      problem(file, "文件开头缺少 --- 包围的设置（frontmatter）", 1);
      return null;
    }
    try {
      return { fields: parseSettingsYaml(split.yaml), body: split.body, bodyLine: split.bodyLine };
    } catch (e) {
      if (!isAppError(e)) throw e;
      // The YAML starts on the file's second line, below the opening ---.
      const line = settingsErrorLine(e);
      problem(file, `设置（frontmatter）${e.message}`, line === null ? 2 : line + 1);
      return null;
    }
  };

  if (!files.includes("course.mdx")) problem("course.mdx", "缺少课程说明文件 course.mdx");
  const course = files.includes("course.mdx") ? read("course.mdx") : null;
  const lessons: CourseInput["lessons"] = [];
  for (const file of files.filter((f) => !f.includes("/") && f !== "course.mdx")) {
    const m = LESSON_FILE.exec(file);
    if (!m) {
      problem(file, "课时文件名应为 两位序号-英文编号.mdx，如 01-dang-de-xingzhi.mdx");
      continue;
    }
    const lesson = read(file);
    if (lesson) lessons.push({ label: `${slug}/${file}`, key: m[2], position: Number(m[1]), ...lesson });
  }
  if (!course) return { problems };
  const checked = await checkCourse({ slug, hash: hashCourseDir(dir), course: { label: `${slug}/course.mdx`, ...course }, lessons, media }, problems, SYSTEM, cache);
  return checked && problems.length === 0 ? { course: checked } : { problems };
}

const MAX_CONTENT_MEDIA_BYTES = 50 * 1024 * 1024;

/** A media file of a course checked by its bytes: its type, size, duration (videos) and hash, or the problem. */
export async function checkMediaFile(full: string, maxBytes = MAX_CONTENT_MEDIA_BYTES): Promise<Omit<LoadedMedia, "path" | "file"> | string> {
  const bytes = fs.statSync(full).size;
  if (bytes > maxBytes) return `文件过大（${(bytes / 1e6).toFixed(1)} MB），不能超过 ${Math.round(maxBytes / 1e6)} MB`;
  const head = Buffer.alloc(Math.min(bytes, SNIFF_BYTES));
  const fd = fs.openSync(full, "r");
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const sniffed = sniffMedia(head);
  if (!sniffed) return "无法识别的文件类型：只能使用 MP4/WebM 视频和 PNG/JPEG/WebP/SVG 图片";
  let durationSec: number | null = null;
  if (sniffed.kind === "video") {
    try {
      durationSec = (await probeVideoFile(full)).durationSec;
    } catch (e) {
      return isAppError(e) ? e.message : "无法读取视频时长";
    }
  } else if (sniffed.mime === "image/svg+xml") {
    const unsafe = checkSvgSafe(fs.readFileSync(full, "utf8"));
    if (unsafe) return unsafe;
  }
  return { mime: sniffed.mime, bytes, durationSec, sha256: await sha256File(full) };
}

async function sha256File(full: string): Promise<string> {
  const h = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(full)) h.update(chunk as Buffer);
  return h.digest("hex");
}
