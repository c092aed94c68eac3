import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { expectFieldError, tagOf } from "../support/rendered-form";
import { type TestServer, startTestServer } from "../support/server";

// The learning pages' forms (banks, courses, lessons) the one way: a form posted without the page's
// script, as a plain POST, comes back with 400, the Chinese error in the element the field names with
// aria-describedby, and what was typed still in the fields.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  const college = f.unit({ name: "甲学院党委", kind: "college", parent: root });
  ids.college = college.id;
  ids.trainer = f.person({ number: "trainer", name: "教员", unitId: college.id, category: "staff", politicalStatus: "member" });
  await f.password(ids.trainer, PASSWORD);
  f.grant(ids.trainer, "trainer", college.id);
});
afterAll(() => server?.stop());

async function trainer() {
  const c = new Client(server.url);
  expect((await c.login("trainer", PASSWORD)).status).toBe(302);
  return c;
}

describe("the learning pages' forms without JavaScript", () => {
  it("show a bank's malformed slug beside the slug, keeping the name typed", async () => {
    const c = await trainer();
    const res = await c.post("/manage/banks", { unitId: String(ids.college), title: "我的题库", slug: "Bad Slug" });
    expect(res.status).toBe(400);
    expectFieldError(res.text, "bank-create-slug", "编号只能由小写字母、数字和连字符组成，如 branch-2026");
    expect(tagOf(res.text, "bank-create-title")).toContain('value="我的题库"');
  });

  it("show a question's stem refused beside the stem, keeping the question typed", async () => {
    const c = await trainer();
    const created = await c.post("/manage/banks", { unitId: String(ids.college), title: "表单题库", slug: "forms-bank" });
    expect(created.status).toBe(302);
    const res = await c.post(created.location!, {
      intent: "save",
      type: "fill",
      stem: "题干里没有空",
      answerFill: "答案",
      explanation: "解析",
      difficulty: "1",
      tags: "标签",
    });
    expect(res.status).toBe(400);
    expectFieldError(res.text, "q-stem", "填空题题干中没有空，请用 ＿＿ 或 ____ 标出");
    expect(res.text).toMatch(/<textarea[^>]*id="q-stem"[^>]*>题干里没有空<\/textarea>/);
  });

  it("show a course slug already taken (the domain's refusal) beside the slug, keeping the name typed", async () => {
    const c = await trainer();
    const first = await c.post("/manage/courses", { title: "第一门课", slug: "diyi-ke", category: "党课", unitId: String(ids.college) });
    expect(first.status).toBe(302);
    ids.course = Number(/\/manage\/courses\/(\d+)$/.exec(first.location!)![1]);
    const again = await c.post("/manage/courses", { title: "同名编号", slug: "diyi-ke", category: "党课", unitId: String(ids.college) });
    expect(again.status).toBe(400);
    expectFieldError(again.text, "course-create-slug", "课程编号 diyi-ke 已被使用");
    expect(tagOf(again.text, "course-create-title")).toContain('value="同名编号"');
  });

  it("show a course setting and a lesson's minutes that are not numbers beside their fields", async () => {
    const c = await trainer();
    const url = `/manage/courses/${ids.course}`;
    const settings = await c.post(url, { intent: "settings", title: "改过的课名", summary: "", category: "党课", tags: "", completion: "九十", body: "" });
    expect(settings.status).toBe(400);
    expectFieldError(settings.text, "course-settings-completion", "完成比例须为数字");
    expect(tagOf(settings.text, "course-settings-title")).toContain('value="改过的课名"');

    expect((await c.post(url, { intent: "lesson-add" })).status).toBe(200);
    const lesson = await c.post(`${url}/lessons/lesson-1`, { intent: "save-lesson", title: "改过的课时", minutes: "0x10", credit: "0.5", body: "正文" });
    expect(lesson.status).toBe(400);
    expectFieldError(lesson.text, "lesson-minutes", "学习时长须为数字（只写阿拉伯数字，如 60 或 0.5）");
    expect(tagOf(lesson.text, "lesson-title")).toContain('value="改过的课时"');
  });
});
