import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { MAX_SETTINGS_CHARS } from "~/.server/content/settings-yaml";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The trainer's studio against the real server: a course is created as a draft, refused at publishing
// with every problem named (and nothing published), published as revision 1, edited and published
// again, rolled back as a new revision; uploads are checked by their bytes; required-course
// assignments reach the learners they name; and only trainers over the course's unit get in.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const ROOT = path.resolve(import.meta.dirname, "../..");
const db = () => server.factory.db;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "工作室大学党委", kind: "committee" });
  const wen = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院学生党支部", kind: "branch", branchType: "student", parent: wen });
  const li = f.unit({ name: "理学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, wen: wen.id, branch: branch.id, li: li.id });
  const hash = await hashPassword(PASSWORD);
  const person = (key: string, unitId: number, politicalStatus = "activist") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus });
    f.passwordHash(ids[key], hash);
  };
  person("TW", wen.id, "member");
  f.grant(ids.TW, "trainer", wen.id);
  person("TL", li.id, "member");
  f.grant(ids.TL, "trainer", li.id);
  person("A1", branch.id);
  person("M1", branch.id, "member");
  person("L1", li.id);
}, 60_000);
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const plain = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<!--.*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

const lessons = (courseId: number) =>
  db().prepare("SELECT key, position, title, archivedAt IS NOT NULL AS archived FROM Lesson WHERE courseId = ? ORDER BY position, key").all(courseId) as {
    key: string;
    position: number;
    title: string;
    archived: number;
  }[];

describe("a course made in the studio", () => {
  let courseId: number;
  let url: string;

  it("is created as a draft nobody else sees", async () => {
    const c = await as("TW");
    const res = await c.post("/manage/courses", { title: "青年党员微党课", slug: "qingnian-weidangke", category: "党课", unitId: String(ids.wen) });
    expect(res.status).toBe(302);
    url = res.location!;
    courseId = Number(url.split("/").pop());
    expect(db().prepare("SELECT status, source, unitId, revision FROM Course WHERE id = ?").get(courseId)).toEqual({
      status: "draft",
      source: "studio",
      unitId: ids.wen,
      revision: 0,
    });
    expect((await (await as("A1")).get("/courses/qingnian-weidangke")).status).toBe(404);
    // The slug is taken now.
    const again = await c.post("/manage/courses", { title: "重复", slug: "qingnian-weidangke", category: "党课", unitId: String(ids.wen) });
    expect(plain(again.text)).toContain("课程编号 qingnian-weidangke 已被使用");
  });

  it("previews a lesson's MDX on the server and names the line of what is refused", async () => {
    const c = await as("TW");
    const res = await c.post(`${url}/lessons/lesson-1.data`, { intent: "preview", body: "第一段\n\n<script>alert(1)</script>", checkpoints: "" });
    expect(res.status).toBe(200);
    expect(res.text).toContain("第 3 行：不支持的标签 <script>");
    const ok = await c.post(`${url}/lessons/lesson-1.data`, { intent: "preview", body: "## 小标题\n\n正文", checkpoints: "" });
    expect(ok.text).toContain("小标题");
  });

  it("refuses checkpoint YAML that would expand without end, or is too long to parse, with a sentence", async () => {
    const c = await as("TW");
    // "Billion laughs": seven levels of nine aliases each.
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
    const laughs = await c.post(`${url}/lessons/lesson-1.data`, { intent: "preview", body: "正文", checkpoints: bomb });
    expect(laughs.status).toBe(200);
    expect(laughs.text).toContain("别名（*）引用过多");
    const long = Array.from({ length: 40_000 }, (_, i) => `- id: c${i}`).join("\n");
    const tooLong = await c.post(`${url}/lessons/lesson-1.data`, { intent: "preview", body: "正文", checkpoints: long });
    expect(tooLong.status).toBe(200);
    expect(tooLong.text).toContain(`超过 ${MAX_SETTINGS_CHARS} 字的上限`);
  });

  it("refuses lesson minutes written 0x10 or 1e1 instead of saving them as 16 or 10", async () => {
    const c = await as("TW");
    for (const minutes of ["0x10", "1e1", "Infinity"]) {
      const save = await c.post(`${url}/lessons/lesson-1`, {
        intent: "save-lesson",
        title: "第一课",
        minutes,
        credit: "0.5",
        video: "",
        body: "正文",
        checkpoints: "",
      });
      expect(plain(save.text), minutes).toContain("学习时长须为数字（只写阿拉伯数字，如 60 或 0.5）");
    }
  });

  it("refuses a checkpoint's pause second written quoted, in hex or with an exponent, naming the field (decision 065)", async () => {
    const c = await as("TW");
    const checkpoint = (at: string) => `- id: cp1\n  type: judge\n  question: 党章是根本大法吗\n  answer: true\n  at: ${at}`;
    const preview = async (at: string) =>
      plain((await c.post(`${url}/lessons/lesson-1.data`, { intent: "preview", body: "正文", checkpoints: checkpoint(at) })).text);
    expect(await preview('"90"')).toContain("第 1 个检查点：at：暂停时间（at，秒）写成了带引号的文字“90”：数字不要加引号，应写成 90");
    expect(await preview("0x5A")).toContain("检查点第 5 行“at”的值 0x5A 不是普通的十进制数");
    expect(await preview("9e1")).toContain("“at”的值 9e1 不是普通的十进制数");
    expect(await preview("90")).not.toContain("暂停时间");
  });

  it("refuses to publish with every problem named, and publishes nothing", async () => {
    const c = await as("TW");
    const save = await c.post(`${url}/lessons/lesson-1`, {
      intent: "save-lesson",
      title: "第一课",
      minutes: "10",
      credit: "0.5",
      video: "",
      body: "正文\n\n[点我](javascript:alert(1))",
      checkpoints: "- id: cp1\n  type: single\n  question: 问题\n  options: { A: 甲, B: 乙 }\n  answer: C\n",
    });
    expect(save.status).toBe(200);
    expect(plain(save.text)).toContain("第 1 个检查点：answer：答案 C 不在选项中");
    const res = await c.post(url, { intent: "publish" });
    expect(res.status).toBe(400);
    const text = plain(res.text);
    expect(text).toContain("课程有以下问题，未发布");
    expect(text).toContain("课程设置：summary：请填写课程简介");
    expect(text).toMatch(/第 1 课时《第一课》 第 3 行：链接地址.*不安全/);
    expect(text).toContain("答案 C 不在选项中");
    expect(lessons(courseId)).toEqual([]);
    expect(db().prepare("SELECT status, revision FROM Course WHERE id = ?").get(courseId)).toEqual({ status: "draft", revision: 0 });
  });

  it("publishes a clean draft as revision 1, which learners in its audience then see", async () => {
    const c = await as("TW");
    const settings = await c.post(url, {
      intent: "settings",
      title: "青年党员微党课",
      summary: "面向入党积极分子的微党课",
      category: "党课",
      tags: "党章、党史",
      completion: "90",
      audience: "activist",
      body: "欢迎学习本课程。",
    });
    expect(settings.status).toBe(200);
    await c.post(`${url}/lessons/lesson-1`, {
      intent: "save-lesson",
      title: "第一课 党的性质",
      minutes: "5",
      credit: "0.5",
      video: "",
      body: '## 党的性质\n\n<Checkpoint id="cp1" />',
      checkpoints: "- id: cp1\n  type: judge\n  question: 党是中国工人阶级的先锋队。\n  answer: true\n  explanation: 党章总纲。\n",
    });
    const res = await c.post(url, { intent: "publish" });
    expect(res.status).toBe(200);
    expect(plain(res.text)).toContain("已发布第 1 版");
    expect(db().prepare("SELECT status, revision, completionPermille, audienceStatuses FROM Course WHERE id = ?").get(courseId)).toEqual({
      status: "published",
      revision: 1,
      completionPermille: 900,
      audienceStatuses: '["activist"]',
    });
    expect(lessons(courseId)).toEqual([{ key: "lesson-1", position: 1, title: "第一课 党的性质", archived: 0 }]);
    const learner = await as("A1");
    expect(plain((await learner.get("/courses")).text)).toContain("青年党员微党课");
    const lesson = await learner.get("/courses/qingnian-weidangke/lesson-1");
    expect(lesson.status).toBe(200);
    expect(plain(lesson.text)).toContain("党是中国工人阶级的先锋队。");
    // The checkpoint's explanation stays on the server until it is answered.
    expect(lesson.text).not.toContain("党章总纲。");
    // A member is outside the audience.
    expect((await (await as("M1")).get("/courses/qingnian-weidangke")).status).toBe(404);
  });

  it("publishes edits as revision 2, and a rollback as revision 3 with the old content", async () => {
    const c = await as("TW");
    await c.post(url, { intent: "lesson-add" });
    await c.post(`${url}/lessons/lesson-2`, {
      intent: "save-lesson",
      title: "第二课",
      minutes: "5",
      credit: "0.5",
      video: "",
      body: "第二课正文",
      checkpoints: "",
    });
    expect((await c.post(url, { intent: "publish" })).status).toBe(200);
    expect(lessons(courseId).map((l) => [l.key, l.archived])).toEqual([
      ["lesson-1", 0],
      ["lesson-2", 0],
    ]);
    const rollback = await c.post(url, { intent: "rollback", number: "1" });
    expect(rollback.status).toBe(200);
    expect(plain(rollback.text)).toContain("已回滚至第 1 版，发布为第 3 版");
    // lesson-2 did not exist in revision 1: archived, never deleted.
    expect(lessons(courseId).map((l) => [l.key, l.archived])).toEqual([
      ["lesson-1", 0],
      ["lesson-2", 1],
    ]);
    expect(db().prepare("SELECT number, note FROM CourseRevision WHERE courseId = ? ORDER BY number").all(courseId)).toEqual([
      { number: 1, note: "发布" },
      { number: 2, note: "发布" },
      { number: 3, note: "回滚至第 1 版" },
    ]);
    const view = await c.get(`${url}/revisions/2`);
    expect(plain(view.text)).toContain("第二课正文");
  });

  it("keeps an uploaded video checked by its bytes, and refuses a file that only claims to be one", async () => {
    const c = await as("TW");
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(path.join(ROOT, "tests/fixtures/media/tiny.mp4"))], { type: "video/mp4" }), "第一课 视频.mp4");
    const ok = await c.request(`${url}/media`, { method: "POST", body: form });
    expect(ok.status).toBe(302);
    const row = db().prepare("SELECT path, storage, file, mime, durationSec FROM MediaFile WHERE courseId = ?").get(courseId) as {
      path: string;
      storage: string;
      file: string;
      mime: string;
      durationSec: number;
    };
    expect(row).toMatchObject({ path: "media/file.mp4", storage: "upload", mime: "video/mp4", durationSec: 2 });
    expect(row.file).toMatch(/^media\/[0-9a-f]{32}\.mp4$/);
    const fake = new FormData();
    fake.append("file", new Blob(["这不是视频"], { type: "video/mp4" }), "fake.mp4");
    const refused = await c.request(`${url}/media`, { method: "POST", body: fake });
    expect(refused.status).toBe(400);
    expect(plain(refused.text)).toContain("无法识别的文件类型");
    expect(db().prepare("SELECT COUNT(*) AS n FROM MediaFile WHERE courseId = ?").get(courseId)).toEqual({ n: 1 });
  });

  it("requires the course of the units it names, by a due date, and learners see it first", async () => {
    const c = await as("TW");
    const res = await c.post(url, { intent: "assign", unitId: String(ids.branch), politicalStatus: "member", cadreLevel: "", dueAt: "2027-03-31" });
    expect(res.status).toBe(200);
    // A member was outside the audience: the assignment makes the course theirs, required, with its date.
    const page = plain((await (await as("M1")).get("/courses")).text);
    expect(page).toMatch(/必修课程（规定动作） 青年党员微党课 .*必修 · 2027-03-31 前完成/);
    expect(db().prepare("SELECT dueAt FROM CourseAssignment WHERE courseId = ?").get(courseId)).toEqual({ dueAt: "2027-03-31T15:59:59.000+00:00" });
  });

  it("keeps other trainers and learners out, and refuses units outside the trainer's scope", async () => {
    expect((await (await as("TL")).get(url)).status).toBe(403);
    expect((await (await as("TL")).post(url, { intent: "publish" })).status).toBe(403);
    expect((await (await as("A1")).get("/manage/courses")).status).toBe(403);
    const c = await as("TW");
    expect((await c.post(url, { intent: "assign", unitId: String(ids.li), dueAt: "" })).status).toBe(403);
    expect((await c.post("/manage/courses", { title: "越权", slug: "yuequan", category: "党课", unitId: String(ids.li) })).status).toBe(403);
    expect((await c.get("/manage/courses/999999")).status).toBe(403);
  });
});

describe("a course kept as files", () => {
  it("shows in the studio but cannot be edited there", async () => {
    const cf = openCourseFactory(db());
    const id = cf.course({ slug: "cangku-kecheng", unitId: ids.wen });
    db().prepare("UPDATE Course SET source = 'content' WHERE id = ?").run(id);
    const c = await as("TW");
    const res = await c.post(`/manage/courses/${id}`, { intent: "publish" });
    expect(res.status).toBe(400);
    expect(plain(res.text)).toContain("这门课程由仓库中的课程文件（content/courses）管理");
  });
});
