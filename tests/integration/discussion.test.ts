import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Discussion against the real server (decision 049): who reads a unit's topic and a lesson's thread
// (nobody of another college, by any id), posts with XSS and injection payloads shown as text,
// people marked for review and the school's word list holding posts (stored as written), reports
// once per person, hide with a reason (the author sees why, others a placeholder) and restore, edit
// history for moderators, mentions stored, likes, the rate limit, the size limit and pagination.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const cf = openCourseFactory(f.db);
  const root = f.unit({ name: "讨论大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院第一党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "理学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, college: college.id, branch: branch.id, other: other.id });
  const hash = await hashPassword(PASSWORD);
  const person = async (key: string, unitId: number, politicalStatus = "member") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus });
    f.passwordHash(ids[key], hash);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", branch.id);
  f.grant(ids.SEC, "secretary", branch.id);
  await person("ADMIN", root.id);
  f.grant(ids.ADMIN, "admin", root.id);
  await person("OTHERSEC", other.id);
  f.grant(ids.OTHERSEC, "secretary", other.id);
  for (const key of ["M1", "M2", "M3", "M4"]) await person(key, branch.id);
  await person("FAR", other.id);
  ids.course = cf.course({ slug: "open-course", unitId: root.id, title: "面向全体的课程" });
  cf.lesson({ courseId: ids.course, key: "l1", position: 1, credit: 100, minutes: 10 });
  ids.targets = cf.course({ slug: "targets-only", unitId: root.id, title: "发展对象课程", audienceStatuses: ["target"] });
  cf.lesson({ courseId: ids.targets, key: "l1", position: 1, credit: 100, minutes: 10 });
}, 60_000);
afterAll(() => server?.stop());

const db = () => server.factory.db;
const topicPath = (id: number) => `/discuss/${id}`;
async function newTopic(title: string, as = "SEC", unitId = ids.branch) {
  const res = await clients[as].post("/discuss", { unitId: String(unitId), title });
  expect(res.status).toBe(302);
  return Number(/\/discuss\/(\d+)$/.exec(res.location!)![1]);
}
const post = (as: string, topicId: number, body: string, extra: Record<string, string> = {}) =>
  clients[as].post(topicPath(topicId), { intent: "post", body, ...extra });
const lastPostOf = (key: string) =>
  db().prepare("SELECT id, body, state, heldFor, hiddenReason FROM DiscussionPost WHERE authorId = ? ORDER BY id DESC").get(ids[key]) as {
    id: number;
    body: string;
    state: string;
    heldFor: string | null;
    hiddenReason: string | null;
  };
const audits = (action: string, targetId: number) =>
  db().prepare(`SELECT actorId, detail FROM AuditLog WHERE action = ? AND targetId = ?`).all(action, String(targetId)) as {
    actorId: number;
    detail: string | null;
  }[];
const decide = (as: string, intent: string, postId: number, extra: Record<string, string> = {}) =>
  clients[as].post("/manage/discussion", { intent, postId: String(postId), ...extra });

let topic = 0;

/** A page's text as a person reads it: no scripts, tags or React's text separators. */
const plain = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<!--.*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
const view = async (as: string, path: string) => plain((await clients[as].get(path)).text);

describe("discussion", () => {
  it("lets a branch's secretary open a topic its members read, and nobody of another college by any id", async () => {
    topic = await newTopic("学习二十大精神心得");
    expect(await view("M1", "/discuss")).toContain("学习二十大精神心得");
    expect((await clients.M1.get(topicPath(topic))).status).toBe(200);
    expect(await view("FAR", "/discuss")).not.toContain("学习二十大精神心得");
    const far = await clients.FAR.get(topicPath(topic));
    expect(far.status).toBe(404);
    expect(far.text).not.toContain("学习二十大精神心得");
    expect((await clients.FAR.get(topicPath(topic + 1000))).status).toBe(404);
    expect((await post("FAR", topic, "我来插一句")).status).toBe(404);
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionPost WHERE authorId = ?").get(ids.FAR)).toEqual({ n: 0 });
    // A secretary of another college cannot open a topic in this branch, nor a member anywhere.
    expect((await clients.OTHERSEC.post("/discuss", { unitId: String(ids.branch), title: "越权话题" })).status).toBe(403);
    expect((await clients.M1.post("/discuss", { unitId: String(ids.branch), title: "成员话题" })).status).toBe(403);
  });

  it("shows XSS and injection payloads in posts and titles as text", async () => {
    const xssTopic = await newTopic('<img src=x onerror="alert(1)">话题<script>alert(2)</script>');
    const payload = [
      "<script>alert('xss')</script>",
      '<img src=x onerror="alert(3)">',
      "[点我](javascript:alert(4))",
      '<a href="javascript:alert(5)" onclick="alert(6)">链接</a>',
      "{globalThis.pwned = 1}",
      "import fs from 'node:fs'",
      "export const x = 1",
      "'; DROP TABLE DiscussionPost; --",
      "**加粗**",
    ].join("\n\n");
    expect((await post("M1", xssTopic, payload)).status).toBe(302);
    const page = (await clients.M2.get(topicPath(xssTopic))).text;
    const body = page.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, (s) => (s.includes("window.__remixContext") || s.includes("import(") ? "" : s));
    expect(body).not.toMatch(/<script>alert/);
    expect(body).not.toMatch(/<img/);
    expect(body).not.toMatch(/href="javascript:/i);
    expect(body).not.toMatch(/<[a-z][^>]*\son(error|click)=/i);
    expect(body).toContain("&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;");
    expect(body).toContain("<strong>加粗</strong>");
    expect(body).toContain("{globalThis.pwned = 1}");
    expect(body).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;话题");
    expect(lastPostOf("M1").body).toBe(payload);
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionPost").get()).toMatchObject({ n: expect.any(Number) });
  });

  it("holds the posts of a person the secretary marked for review until a moderator approves", async () => {
    expect((await clients.SEC.post("/manage/discussion", { intent: "mark", number: "M2" })).status).toBe(200);
    expect(db().prepare("SELECT markedById FROM DiscussionReviewMark WHERE personId = ?").get(ids.M2)).toEqual({ markedById: ids.SEC });
    // Nobody outside the secretary's scope can be marked, whether or not the number exists.
    expect((await clients.SEC.post("/manage/discussion", { intent: "mark", number: "FAR" })).status).toBe(404);
    expect((await clients.M1.post("/manage/discussion", { intent: "mark", number: "M3" })).status).toBe(403);

    const res = await post("M2", topic, "需要审核的一段话");
    expect(res.status).toBe(302);
    expect(res.location).toContain("notice=review");
    const held = lastPostOf("M2");
    expect(held).toMatchObject({ state: "held", heldFor: "review", body: "需要审核的一段话" });
    expect(await view("M2", res.location!)).toContain("您的发言需经审核");
    expect(await view("M2", topicPath(topic))).toContain("需要审核的一段话");
    expect(await view("M1", topicPath(topic))).not.toContain("需要审核的一段话");
    // Nor can anyone act on it by its id: liking, reporting or replying is refused as if it did not exist.
    const forms: Record<string, string>[] = [
      { intent: "like", postId: String(held.id) },
      { intent: "report", postId: String(held.id), reason: "x" },
      { intent: "post", body: "回", parentId: String(held.id) },
    ];
    for (const form of forms) {
      expect((await clients.M1.post(topicPath(topic), form)).status).toBe(404);
      expect((await clients.FAR.post(topicPath(topic), form)).status).toBe(404);
    }
    expect(await view("SEC", "/manage/discussion")).toContain("需要审核的一段话");
    expect(await view("OTHERSEC", "/manage/discussion")).not.toContain("需要审核的一段话");
    expect((await decide("OTHERSEC", "approve", held.id)).status).toBe(403);
    expect(lastPostOf("M2").state).toBe("held");
    expect((await decide("SEC", "approve", held.id)).status).toBe(200);
    expect(lastPostOf("M2").state).toBe("published");
    expect(await view("M1", topicPath(topic))).toContain("需要审核的一段话");
    expect(audits("discussion.approve", held.id)).toEqual([{ actorId: ids.SEC, detail: null }]);
    expect(audits("discussion.review_mark", ids.M2)).toHaveLength(1);
    // A second approval finds nothing to approve.
    expect((await decide("SEC", "approve", held.id)).status).toBe(409);
    expect((await clients.SEC.post("/manage/discussion", { intent: "unmark", personId: String(ids.M2) })).status).toBe(200);
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionReviewMark").get()).toEqual({ n: 0 });
  });

  it("holds a post with a word of the school's list, stored as written, and tells the author", async () => {
    expect((await clients.SEC.get("/manage/discussion/words")).status).toBe(403);
    expect((await clients.SEC.post("/manage/discussion/words", { intent: "add", word: "违禁词" })).status).toBe(403);
    expect((await clients.ADMIN.post("/manage/discussion/words", { intent: "add", word: "违禁词" })).status).toBe(200);
    expect((await clients.ADMIN.post("/manage/discussion/words", { intent: "add", word: " 违禁词 " })).status).toBe(409);
    const res = await post("M1", topic, "这里有一个违 禁*词，看看");
    expect(res.location).toContain("notice=words");
    expect(await view("M1", res.location!)).toContain("内容包含需要审核的词语");
    const held = lastPostOf("M1");
    expect(held).toMatchObject({ state: "held", heldFor: "words", body: "这里有一个违 禁*词，看看" });
    expect(await view("M2", topicPath(topic))).not.toContain("看看");
    const queue = await view("SEC", "/manage/discussion");
    expect(queue).toContain("违 禁*词");
    expect(queue).toContain("命中：违禁词");
    expect(audits("discussion.hold", held.id)[0].detail).toContain("违禁词");
    expect(audits("discussion.word_add", 1)).toHaveLength(1);
  });

  it("takes a report once per person, hides with a reason the author sees, restores, and audits each decision", async () => {
    const res = await post("M1", topic, "一条会被举报的发言");
    expect(res.status).toBe(302);
    const target = lastPostOf("M1").id;
    const report = () => clients.M2.post(topicPath(topic), { intent: "report", postId: String(target), reason: "内容不当" });
    expect((await report()).status).toBe(200);
    const again = await report();
    expect(again.status).toBe(409);
    expect(again.text).toContain("您已举报过这条内容");
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionReport WHERE postId = ?").get(target)).toEqual({ n: 1 });
    expect((await clients.M1.post(topicPath(topic), { intent: "report", postId: String(target), reason: "自己" })).status).toBe(400);
    expect(await view("SEC", "/manage/discussion")).toContain("内容不当");

    expect((await decide("SEC", "hide", target)).status).toBe(400);
    expect((await decide("SEC", "hide", target, { reason: "与主题无关" })).status).toBe(200);
    expect(lastPostOf("M1")).toMatchObject({ state: "hidden", hiddenReason: "与主题无关" });
    const mine = await view("M1", topicPath(topic));
    expect(mine).toContain("一条会被举报的发言");
    expect(mine).toContain("隐藏原因：与主题无关");
    const others = await view("M2", topicPath(topic));
    expect(others).not.toContain("一条会被举报的发言");
    expect(others).toContain("该内容已被隐藏");
    expect(others).not.toContain("与主题无关");
    // By id, from outside: the thread, the post's record page and its actions stay shut.
    expect((await clients.FAR.post(topicPath(topic), { intent: "like", postId: String(target) })).status).toBe(404);
    expect((await clients.FAR.get(`/manage/discussion/posts/${target}`)).status).toBe(403);
    expect((await clients.OTHERSEC.get(`/manage/discussion/posts/${target}`)).status).toBe(403);
    expect((await clients.M2.post(topicPath(topic), { intent: "edit", postId: String(target), body: "改" })).status).toBe(403);
    expect((await clients.M1.post(topicPath(topic), { intent: "edit", postId: String(target), body: "改" })).status).toBe(409);

    expect((await decide("SEC", "restore", target)).status).toBe(200);
    expect(await view("M2", topicPath(topic))).toContain("一条会被举报的发言");
    expect(audits("discussion.hide", target)).toEqual([{ actorId: ids.SEC, detail: JSON.stringify({ reason: "与主题无关" }) }]);
    expect(audits("discussion.restore", target)).toHaveLength(1);
    expect(audits("discussion.report", target)).toHaveLength(1);
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionReport WHERE postId = ? AND resolvedAt IS NULL").get(target)).toEqual({ n: 0 });
  });

  it("keeps earlier versions of an edited post for moderators only", async () => {
    const target = (db().prepare("SELECT id FROM DiscussionPost WHERE authorId = ? AND body = ?").get(ids.M1, "一条会被举报的发言") as { id: number }).id;
    expect((await clients.M1.post(topicPath(topic), { intent: "edit", postId: String(target), body: "修改后的发言" })).status).toBe(200);
    expect(await view("M2", topicPath(topic))).toContain("修改后的发言");
    expect(db().prepare("SELECT body FROM DiscussionPostVersion WHERE postId = ?").all(target)).toEqual([{ body: "一条会被举报的发言" }]);
    const record = await clients.SEC.get(`/manage/discussion/posts/${target}`);
    expect(record.status).toBe(200);
    expect(record.text).toContain("一条会被举报的发言");
    expect(record.text).toContain("修改后的发言");
    expect((await clients.M2.get(`/manage/discussion/posts/${target}`)).status).toBe(403);
    expect(audits("discussion.edit", target)).toHaveLength(1);
  });

  it("replies, quotes, stores mentions, and counts likes per post", async () => {
    const parent = (db().prepare("SELECT id FROM DiscussionPost WHERE body = ?").get("修改后的发言") as { id: number }).id;
    const res = await post("M3", topic, "同意 @M2 的看法，@NOBODY 不存在，@FAR 不能读这个话题", { parentId: String(parent), quotedId: String(parent) });
    expect(res.status).toBe(200);
    const reply = db().prepare("SELECT id, parentId, quotedId FROM DiscussionPost WHERE authorId = ? ORDER BY id DESC").get(ids.M3) as Record<string, number>;
    expect(reply).toMatchObject({ parentId: parent, quotedId: parent });
    // Notified at once (decision 054): the post is published.
    expect(db().prepare("SELECT personId, notifiedAt IS NOT NULL AS notified FROM DiscussionMention WHERE postId = ?").all(reply.id)).toEqual([
      { personId: ids.M2, notified: 1 },
    ]);
    const page = await view("M1", topicPath(topic));
    expect(page).toContain("提到：人员M2");
    expect(page).toContain("引用 人员M1：修改后的发言");
    const like = () => clients.M2.post(topicPath(topic), { intent: "like", postId: String(parent) });
    expect((await like()).text).toContain("已点赞");
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionLike WHERE postId = ?").get(parent)).toEqual({ n: 1 });
    expect((await like()).text).toContain("已取消点赞");
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionLike WHERE postId = ?").get(parent)).toEqual({ n: 0 });
  });

  it("re-stores a post's mentions when it is edited, keeping who was already notified", async () => {
    const reply = db().prepare("SELECT id FROM DiscussionPost WHERE authorId = ? ORDER BY id DESC").get(ids.M3) as { id: number };
    const mentions = () => db().prepare("SELECT personId, notifiedAt FROM DiscussionMention WHERE postId = ? ORDER BY personId").all(reply.id);
    const told = (personId: number) =>
      db().prepare(`SELECT count(*) AS n FROM "Notification" WHERE "personId" = ? AND "dedupeKey" = ?`).get(personId, `mention:post:${reply.id}`);
    // M2 was told when the reply was published (decision 054).
    expect(told(ids.M2)).toEqual({ n: 1 });
    const edit = (body: string) => clients.M3.post(topicPath(topic), { intent: "edit", postId: String(reply.id), body });
    expect((await edit("同意 @M2 的看法，也请 @M4 说说，@FAR 仍读不到")).status).toBe(200);
    // The edit tells M4, newly mentioned, at once; M2 keeps the mark and is not told again.
    expect(mentions()).toEqual([
      { personId: ids.M2, notifiedAt: expect.any(String) },
      { personId: ids.M4, notifiedAt: expect.any(String) },
    ]);
    expect(told(ids.M2)).toEqual({ n: 1 });
    expect(told(ids.M4)).toEqual({ n: 1 });
    expect(told(ids.FAR)).toEqual({ n: 0 });
    expect(await view("M1", topicPath(topic))).toContain("提到：人员M2、人员M4");
    expect((await edit("只请 @M4 说说")).status).toBe(200);
    expect(mentions()).toEqual([{ personId: ids.M4, notifiedAt: expect.any(String) }]);
    expect(told(ids.M4)).toEqual({ n: 1 });
    expect((await edit("谁也不提")).status).toBe(200);
    expect(mentions()).toEqual([]);
    expect(await view("M1", topicPath(topic))).not.toContain("提到：");
    expect(audits("discussion.edit", reply.id)).toHaveLength(3);
  });

  it("opens the reply, edit and report forms one post at a time, by link, and likes through one form", async () => {
    const parent = (db().prepare("SELECT id FROM DiscussionPost WHERE body = ?").get("修改后的发言") as { id: number }).id;
    const textareas = (html: string) => html.match(/<textarea[^>]*>/g) ?? [];
    const closed = (await clients.M2.get(topicPath(topic))).text;
    // Only the new-post box; every post offers the links, and every like button belongs to the one like form.
    expect(textareas(closed)).toHaveLength(1);
    expect(closed).toContain(`?reply=${parent}#post-${parent}`);
    expect(closed).toContain(`?report=${parent}#post-${parent}`);
    const likeForms = closed.match(/<form[^>]*id="like-form"[^>]*>/g) ?? [];
    expect(likeForms).toHaveLength(1);
    expect(closed).toMatch(new RegExp(`<button[^>]*form="like-form"[^>]*name="postId"[^>]*value="${parent}"`));
    const replying = (await clients.M2.get(`${topicPath(topic)}?reply=${parent}`)).text;
    expect(textareas(replying)).toHaveLength(2);
    expect(replying).toContain(`name="parentId" value="${parent}"`);
    const reporting = plain((await clients.M2.get(`${topicPath(topic)}?report=${parent}`)).text);
    expect(reporting).toContain("提交举报");
    // Nobody edits another's post: the edit form opens for its author only.
    expect(textareas((await clients.M2.get(`${topicPath(topic)}?edit=${parent}`)).text)).toHaveLength(1);
    expect(textareas((await clients.M1.get(`${topicPath(topic)}?edit=${parent}`)).text)).toHaveLength(2);
    expect((await clients.M2.get(`${topicPath(topic)}?reply=abc`)).status).toBe(400);
  });

  it("limits posts per minute with a clear message, and the size of a post", async () => {
    for (let i = 0; i < 4; i++) expect((await post("M3", topic, `第 ${i} 条`)).status).toBe(302);
    const refused = await post("M3", topic, "第五条之后的一条");
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("每分钟最多发 5 条");
    expect(db().prepare("SELECT count(*) AS n FROM DiscussionPost WHERE body = ?").get("第五条之后的一条")).toEqual({ n: 0 });
    const long = await post("M4", topic, "字".repeat(5001));
    expect(long.status).toBe(400);
    expect(long.text).toContain("内容最多 5000 字");
  });

  it("pages a long thread", async () => {
    const paged = await newTopic("长讨论");
    const insert = db().prepare("INSERT INTO DiscussionPost (topicId, authorId, body, tree, state, createdAt) VALUES (?, ?, ?, ?, 'published', ?)");
    const long = new Date(Date.now() - 3600_000);
    for (let i = 1; i <= 25; i++) insert.run(paged, ids.M4, `楼层${i}号`, JSON.stringify([{ t: "p", c: [`楼层${i}号`] }]), ts(long));
    const first = await view("M1", topicPath(paged));
    expect(first).toContain("第 1 / 2 页");
    expect(first).toContain("楼层20号");
    expect(first).not.toContain("楼层21号");
    const second = await view("M1", `${topicPath(paged)}?page=2`);
    expect(second).toContain("楼层25号");
    expect(second).not.toContain("楼层20号");
  });

  it("opens a lesson's thread for whoever may see the lesson, and no one else", async () => {
    const res = await clients.M1.get("/courses/open-course/l1/discussion");
    expect(res.status).toBe(302);
    const lessonTopic = Number(/\/discuss\/(\d+)$/.exec(res.location!)![1]);
    expect((await clients.FAR.get("/courses/open-course/l1/discussion")).location).toBe(res.location);
    expect(await view("M1", topicPath(lessonTopic))).toContain("返回课时");
    expect((await clients.M1.get("/courses/targets-only/l1/discussion")).status).toBe(404);
    // Made by the test directly: the lesson thread of a course M1 may not see stays shut by its id.
    const lessonId = (db().prepare("SELECT id FROM Lesson WHERE courseId = ?").get(ids.targets) as { id: number }).id;
    const hidden = db()
      .prepare("INSERT INTO DiscussionTopic (lessonId, title, createdAt) VALUES (?, '发展对象课时', ?) RETURNING id")
      .get(lessonId, ts(new Date())) as {
      id: number;
    };
    expect((await clients.M1.get(topicPath(hidden.id))).status).toBe(404);
    expect((await post("M1", hidden.id, "试试")).status).toBe(404);
  });

  it("puts a person's posts and reports in their personal-data export", async () => {
    const res = await clients.M2.get("/account/data.json");
    expect(res.status).toBe(200);
    const data = JSON.parse(res.text) as { sections: { id: string; rows: Record<string, unknown>[] }[] };
    const rows = (id: string) => data.sections.find((x) => x.id === id)!.rows;
    expect(rows("discussionPosts")).toContainEqual(expect.objectContaining({ 内容: "需要审核的一段话", 状态: "已公开" }));
    expect(rows("discussionReports")).toEqual([expect.objectContaining({ 原因: "内容不当" })]);
  });
});
