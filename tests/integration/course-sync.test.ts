import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";

// Courses kept as files are synced into a real database (SQLite, or PostgreSQL in the integration-pg
// run): the shipped curriculum loads without a problem, a second run changes nothing, a changed course
// becomes a new revision with its lessons updated by key (progress stays attached) and a removed lesson
// archived, and a course with problems is left as it was, with every problem reported by file and line.

// Before any import: the app's env module reads DATABASE_URL and DATA_DIR once, when it is first imported.
const { testDb, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const dataDir = `${process.cwd()}/tests/.tmp/course-sync-data-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dataDir;
  return { testDb: await inProcessDatabase("course-sync"), dataDir };
});

const ROOT = path.resolve(import.meta.dirname, "../..");
const CONTENT = path.join(ROOT, "content/courses");
let sync: typeof import("../../app/.server/content/course-sync");
let work: string;
const db = testDb.db;

beforeAll(async () => {
  testDb.factory.unit({ name: "示范大学党委", kind: "committee" });
  sync = await import("../../app/.server/content/course-sync");
  work = fs.mkdtempSync(path.join(os.tmpdir(), "wsdx-courses-"));
}, 60_000);
afterAll(async () => {
  // The files first: they go even when the database can no longer be reached.
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
  await testDb.remove();
});

const lessons = (slug: string) =>
  db
    .prepare(
      "SELECT l.key, l.position, l.title, l.credit, l.archivedAt IS NOT NULL AS archived FROM Lesson l JOIN Course c ON c.id = l.courseId WHERE c.slug = ? ORDER BY l.position, l.archivedAt IS NOT NULL, l.key",
    )
    .all(slug) as {
    key: string;
    position: number;
    title: string;
    credit: number;
    archived: number;
  }[];

describe("the shipped curriculum", () => {
  it("syncs every course without a problem, with its lessons, media and a first revision", async () => {
    const summary = await sync.syncContentCourses({ dir: CONTENT, projectRoot: ROOT });
    expect(summary.failed).toEqual([]);
    expect(summary.synced.sort()).toEqual(["fazhan-duixiang", "jijifenzi-peixun", "liangxue-yizuo"]);
    // 发展对象 training must reach the 24 学时 the 细则 requires.
    const fazhan = lessons("fazhan-duixiang");
    expect(fazhan.reduce((s, l) => s + l.credit, 0)).toBeGreaterThanOrEqual(2400);
    const videos = db.prepare("SELECT path, mime, durationSec FROM MediaFile WHERE mime LIKE 'video/%'").all() as {
      path: string;
      mime: string;
      durationSec: number;
    }[];
    expect(videos.length).toBeGreaterThanOrEqual(5);
    expect(videos.every((v) => v.durationSec > 10)).toBe(true);
    expect(videos.some((v) => v.mime === "video/webm")).toBe(true);
    const revisions = db.prepare("SELECT COUNT(*) AS n FROM CourseRevision WHERE number = 1").get() as { n: number };
    expect(revisions.n).toBe(3);
  }, 60_000);

  it("knows each lesson figure's pixel size, so the page can size it before it loads", async () => {
    const { figureSizes } = await import("../../app/.server/learning/figure-sizes");
    const { cachedTree } = await import("../../app/.server/content/mdx-cache");
    const lesson = db
      .prepare("SELECT l.courseId, l.bodyHash FROM Lesson l JOIN Course c ON c.id = l.courseId WHERE c.slug = 'liangxue-yizuo' AND l.key = 'sijiang-siyou'")
      .get() as { courseId: number; bodyHash: string };
    const tree = await cachedTree(lesson.bodyHash);
    expect(tree).not.toBeNull();
    // The SVG says width="1200" height="600".
    expect(await figureSizes(lesson.courseId, tree)).toEqual({ "media/sijiang-siyou.svg": { width: 1200, height: 600 } });
    // A lesson without figures needs no lookup; a tree not compiled yet has none.
    expect(await figureSizes(lesson.courseId, null)).toEqual({});
  });

  it("changes nothing when run again", async () => {
    const before = db.prepare("SELECT id, revision, updatedAt FROM Course ORDER BY id").all();
    const summary = await sync.syncContentCourses({ dir: CONTENT, projectRoot: ROOT });
    expect(summary.synced).toEqual([]);
    expect(summary.unchanged).toHaveLength(3);
    expect(db.prepare("SELECT id, revision, updatedAt FROM Course ORDER BY id").all()).toEqual(before);
  });

  it("keeps every compiled tree a published course or lesson uses, and prunes unused ones a month old", async () => {
    const { pruneUnusedTrees, UNUSED_TREE_DAYS } = await import("../../app/.server/content/mdx-cache");
    const now = new Date();
    const daysAgo = (n: number) => storedTimestamp(new Date(now.getTime() - n * 86_400_000));
    const hashes = () => (db.prepare("SELECT hash FROM MdxCache ORDER BY hash").all() as { hash: string }[]).map((r) => r.hash);
    const used = (db.prepare("SELECT bodyHash AS hash FROM Course UNION SELECT bodyHash FROM Lesson").all() as { hash: string }[]).map((r) => r.hash);
    // Everything the sync compiled is old now; beside it, a trainer's previews of long ago and of last week.
    db.prepare("UPDATE MdxCache SET createdAt = ?").run(daysAgo(UNUSED_TREE_DAYS + 5));
    const insert = db.prepare("INSERT INTO MdxCache (hash, tree, createdAt) VALUES (?, '[]', ?)");
    insert.run("preview-long-ago", daysAgo(UNUSED_TREE_DAYS + 1));
    insert.run("preview-last-week", daysAgo(7));
    const before = hashes();
    expect(used.every((h) => before.includes(h))).toBe(true);

    const pruned = await pruneUnusedTrees(now);
    const after = hashes();
    expect(after).toEqual([...new Set([...used, "preview-last-week"])].sort());
    expect(pruned).toBe(before.length - after.length);
    expect(pruned).toBeGreaterThanOrEqual(1);
    expect(await pruneUnusedTrees(now)).toBe(0);
  });
});

describe("a course that changes", () => {
  const slug = "ceshi-kecheng";
  const dir = () => path.join(work, slug);
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir(), file)), { recursive: true });
    fs.writeFileSync(path.join(dir(), file), text);
  };
  const lesson = (title: string, body: string, extra = "") => `---\ntitle: ${title}\nminutes: 5\ncredit: 0.5\n${extra}---\n${body}\n`;

  beforeAll(() => {
    write("course.mdx", "---\ntitle: 测试课程\nsummary: 用于测试同步\ncategory: 党课\n---\n课程介绍。\n");
    write("01-di-yi-ke.mdx", lesson("第一课", "## 第一课\n\n正文。"));
    write("02-di-er-ke.mdx", lesson("第二课", "## 第二课\n\n正文。"));
  });

  it("is created, then updated by key with progress kept, and a removed lesson archived", async () => {
    expect((await sync.syncContentCourses({ dir: work, projectRoot: ROOT })).synced).toEqual([slug]);
    const first = lessons(slug);
    expect(first.map((l) => [l.key, l.title, l.archived])).toEqual([
      ["di-yi-ke", "第一课", 0],
      ["di-er-ke", "第二课", 0],
    ]);
    const lessonId = (db.prepare("SELECT id FROM Lesson WHERE key = 'di-yi-ke'").get() as { id: number }).id;
    const personId = (db.prepare("SELECT id FROM Person LIMIT 1").get() as { id: number } | undefined)?.id ?? openAndAddPerson();
    const now = storedTimestamp(new Date());
    db.prepare("INSERT INTO LessonProgress (personId, lessonId, readSeconds, createdAt, updatedAt) VALUES (?, ?, 120, ?, ?)").run(personId, lessonId, now, now);

    // Renumbered and retitled, lesson two removed, a new lesson three.
    fs.rmSync(path.join(dir(), "01-di-yi-ke.mdx"));
    fs.rmSync(path.join(dir(), "02-di-er-ke.mdx"));
    write("02-di-yi-ke.mdx", lesson("第一课（修订）", "## 第一课\n\n修订后的正文。"));
    write("03-di-san-ke.mdx", lesson("第三课", "正文。"));
    expect((await sync.syncContentCourses({ dir: work, projectRoot: ROOT })).synced).toEqual([slug]);
    expect(lessons(slug).map((l) => [l.key, l.position, l.title, l.archived])).toEqual([
      ["di-yi-ke", 2, "第一课（修订）", 0],
      ["di-er-ke", 2, "第二课", 1],
      ["di-san-ke", 3, "第三课", 0],
    ]);
    // Same row, so the progress is still there.
    expect(db.prepare("SELECT readSeconds FROM LessonProgress WHERE lessonId = ?").get(lessonId)).toEqual({ readSeconds: 120 });
    expect(db.prepare("SELECT revision FROM Course WHERE slug = ?").get(slug)).toEqual({ revision: 2 });
  });

  it("is left as it was when it has problems, and every problem is reported with file and line", async () => {
    const before = JSON.stringify(lessons(slug));
    write("03-di-san-ke.mdx", lesson("第三课", "第一段\n\n<script>alert(1)</script>\n\n[链接](javascript:alert(1))"));
    write("04-bad.mdx", "---\ntitle: 缺少学时\nminutes: 5\n---\n正文");
    write("media/fake.mp4", "这不是视频");
    const summary = await sync.syncContentCourses({ dir: work, projectRoot: ROOT });
    expect(summary.synced).toEqual([]);
    const problems = summary.failed.find((f) => f.slug === slug)!.problems;
    // The frontmatter of 03 is 5 lines, so the body's third line is line 8 of the file.
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: `${slug}/03-di-san-ke.mdx`, line: 8, message: expect.stringContaining("不支持的标签 <script>") },
        { file: `${slug}/03-di-san-ke.mdx`, line: 10, message: expect.stringContaining("不安全") },
        { file: `${slug}/04-bad.mdx`, line: null, message: expect.stringContaining("credit") },
        { file: `${slug}/media/fake.mp4`, line: null, message: expect.stringContaining("无法识别的文件类型") },
      ]),
    );
    expect(JSON.stringify(lessons(slug))).toBe(before);
  });
});

describe("a course file whose settings would expand without end", () => {
  it("is reported as a problem of that file, and the other courses still sync", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsdx-laughs-"));
    try {
      const levels = "abcdefg".split("");
      const bomb = levels
        .map(
          (l, i) =>
            `${l}: &${l} [${
              i === 0
                ? Array(9).fill('"哈"').join(",")
                : Array(9)
                    .fill(`*${levels[i - 1]}`)
                    .join(",")
            }]`,
        )
        .join("\n");
      for (const [slug, course] of [
        ["xiaosheng", `---\ntitle: 笑声\nsummary: 别名\ncategory: 党课\n${bomb}\n---\n介绍。\n`],
        ["zhengchang", "---\ntitle: 正常课程\nsummary: 正常\ncategory: 党课\n---\n介绍。\n"],
      ]) {
        fs.mkdirSync(path.join(dir, slug));
        fs.writeFileSync(path.join(dir, slug, "course.mdx"), course);
        fs.writeFileSync(path.join(dir, slug, "01-di-yi-ke.mdx"), "---\ntitle: 第一课\nminutes: 5\ncredit: 0.5\n---\n正文。\n");
      }
      const summary = await sync.syncContentCourses({ dir, projectRoot: ROOT });
      expect(summary.synced).toEqual(["zhengchang"]);
      expect(summary.failed.find((f) => f.slug === "xiaosheng")!.problems).toEqual([
        { file: "xiaosheng/course.mdx", line: 2, message: expect.stringContaining("别名（*）引用过多") },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function openAndAddPerson(): number {
  const root = db.prepare("SELECT id FROM OrgUnit LIMIT 1").get() as { id: number };
  return testDb.factory.person({ number: "learner-1", name: "学员", unitId: root.id, politicalStatus: "activist" });
}
