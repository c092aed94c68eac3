import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The learner's catalogue (/courses) against the real server: required courses first with their due
// dates and progress, search and the category filter, and elective recommendations drawn from what
// the learner studied and searched for.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const cf = openCourseFactory(f.db);
  const root = f.unit({ name: "目录大学党委", kind: "committee" });
  const branch = f.unit({ name: "历史学院学生党支部", kind: "branch", branchType: "student", parent: root });
  const hash = await hashPassword(PASSWORD);
  ids.L = f.person({ number: "L", name: "学员L", unitId: branch.id, politicalStatus: "activist" });
  f.passwordHash(ids.L, hash);
  ids.F = f.person({ number: "F", name: "学员F", unitId: branch.id, politicalStatus: "activist" });
  f.passwordHash(ids.F, hash);

  const course = (slug: string, title: string, category: string, tags: string[], summary: string) => {
    const id = cf.course({ slug, unitId: root.id, title });
    f.db.prepare("UPDATE Course SET category = ?, tags = ?, summary = ? WHERE id = ?").run(category, JSON.stringify(tags), summary, id);
    ids[slug] = id;
    ids[`${slug}-lesson`] = cf.lesson({ courseId: id, key: "l1", position: 1, credit: 100, minutes: 10 });
    cf.lesson({ courseId: id, key: "l2", position: 2, credit: 100, minutes: 10 });
    return id;
  };
  course("bixiu-zao", "必修课（较早到期）", "发展对象培训", ["党章"], "较早到期的必修课");
  course("bixiu-wan", "必修课（较晚到期）", "入党积极分子培训", ["党史"], "较晚到期的必修课");
  course("dangshi-yi", "党史专题一", "党课", ["党史", "革命传统"], "党史学习");
  course("dangshi-er", "党史专题二", "党课", ["党史"], "继续学习党史");
  course("jilv", "纪律教育", "两学一做", ["纪律"], "党的纪律");
  course("lianzheng", "廉洁教育", "两学一做", ["廉洁"], "廉洁自律");
  const due = (days: number) => ts(new Date(Date.now() + days * 86_400_000));
  f.db
    .prepare("INSERT INTO CourseAssignment (courseId, unitId, dueAt, createdAt) VALUES (?, ?, ?, ?)")
    .run(ids["bixiu-wan"], branch.id, due(30), ts(new Date()));
  f.db
    .prepare("INSERT INTO CourseAssignment (courseId, unitId, dueAt, createdAt) VALUES (?, ?, ?, ?)")
    .run(ids["bixiu-zao"], branch.id, due(10), ts(new Date()));
  // L has finished one lesson of the earlier required course and started 党史专题一.
  const progress = f.db.prepare("INSERT INTO LessonProgress (personId, lessonId, readSeconds, completedAt, createdAt, updatedAt) VALUES (?, ?, 600, ?, ?, ?)");
  progress.run(ids.L, ids["bixiu-zao-lesson"], ts(new Date()), ts(new Date()), ts(new Date()));
  progress.run(ids.L, ids["dangshi-yi-lesson"], null, ts(new Date()), ts(new Date()));
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

/** The course titles of one section of the page, in order. */
function titles(html: string, heading: string): string[] {
  const section = new RegExp(`<section aria-labelledby="[^"]+">\\s*<h2[^>]*>${heading}</h2>[\\s\\S]*?</section>`).exec(html)?.[0] ?? "";
  return [...section.matchAll(/data-testid="course-card"[\s\S]*?<a[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
}

describe("the catalogue", () => {
  it("puts the required courses first, earliest due first, with progress", async () => {
    const page = await (await as("L")).get("/courses");
    expect(page.status).toBe(200);
    expect(titles(page.text, "必修课程（规定动作）")).toEqual(["必修课（较早到期）", "必修课（较晚到期）"]);
    const text = plain(page.text);
    expect(text).toMatch(/必修课（较早到期） .*必修 · \d{4}-\d{2}-\d{2} 前完成 .*已完成 1\/2 课时 · 共 2 学时/);
    // The full list starts with the required ones too.
    expect(titles(page.text, "全部课程").slice(0, 2)).toEqual(["必修课（较早到期）", "必修课（较晚到期）"]);
  });

  it("recommends electives like what the learner studied, and nothing they already started", async () => {
    const page = await (await as("L")).get("/courses");
    // 党史专题一 was started (tags 党史, 革命传统, category 党课): 党史专题二 shares a tag and the category.
    expect(titles(page.text, "为您推荐")).toEqual(["党史专题二"]);
    // A learner who studied nothing gets no recommendations yet.
    expect(titles((await (await as("F")).get("/courses")).text, "为您推荐")).toEqual([]);
  });

  it("searches titles, summaries and tags, filters by category, and remembers searches for recommendations", async () => {
    const c = await as("F");
    expect(titles((await c.get(`/courses?q=${encodeURIComponent("纪律")}`)).text, "全部课程")).toEqual(["纪律教育"]);
    expect(titles((await c.get(`/courses?q=${encodeURIComponent("自律")}`)).text, "全部课程")).toEqual(["廉洁教育"]);
    expect(titles((await c.get(`/courses?category=${encodeURIComponent("两学一做")}`)).text, "全部课程")).toEqual(["纪律教育", "廉洁教育"]);
    const none = await c.get(`/courses?q=${encodeURIComponent("不存在的课程")}`);
    expect(plain(none.text)).toContain("没有找到符合条件的课程。");
    // What F searched for now leads the recommendations, though F has studied nothing: 纪律 is in the
    // title of 纪律教育 (自律 only in a summary, which recommendations do not read).
    expect(titles((await c.get("/courses")).text, "为您推荐")).toEqual(["纪律教育"]);
    const searches = server.factory.db.prepare("SELECT query FROM CourseSearch WHERE personId = ? ORDER BY id").all(ids.F);
    expect(searches).toEqual([{ query: "纪律" }, { query: "自律" }, { query: "不存在的课程" }]);
  });

  it("lets the learner switch the search history off (nothing recorded, not used) and clear it (decision 033)", async () => {
    const c = await as("F");
    const kept = () => server.factory.db.prepare("SELECT query FROM CourseSearch WHERE personId = ? ORDER BY id").all(ids.F);
    const before = kept();
    expect(before.length).toBeGreaterThan(0);

    const off = await c.post("/account/search-history", { intent: "off", back: "/courses" });
    expect(off.status).toBe(302);
    expect(off.location).toBe("/courses?searches=off");
    const page = plain((await c.get(off.location!)).text);
    expect(page).toContain("已关闭搜索记录");
    expect(page).toContain("搜索记录已关闭");
    // Off: a search is answered but not kept, and recommendations no longer read the earlier ones.
    expect(titles((await c.get(`/courses?q=${encodeURIComponent("廉洁")}`)).text, "全部课程")).toEqual(["廉洁教育"]);
    expect(kept()).toEqual(before);
    expect(titles((await c.get("/courses")).text, "为您推荐")).toEqual([]);

    // Cleared from the account page: the rows are gone.
    const clear = await c.post("/account/search-history", { intent: "clear", back: "/account" });
    expect(clear.location).toBe("/account?searches=clear");
    expect(plain((await c.get(clear.location!)).text)).toContain("已清除全部搜索记录");
    expect(kept()).toEqual([]);
    // Another learner's history is not touched.
    await (await as("L")).get(`/courses?q=${encodeURIComponent("党史")}`);
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM CourseSearch WHERE personId = ?").get(ids.L)).toEqual({ n: 1 });

    // On again: searches are kept once more.
    expect((await c.post("/account/search-history", { intent: "on", back: "/account" })).status).toBe(302);
    await c.get(`/courses?q=${encodeURIComponent("纪律")}`);
    expect(kept()).toEqual([{ query: "纪律" }]);
    expect((await c.post("/account/search-history", { intent: "nonsense" })).status).toBe(400);
  });
});
