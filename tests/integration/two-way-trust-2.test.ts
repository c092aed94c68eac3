import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { samplePdf } from "../../scripts/lib/sample-documents";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// A second attacker's pass over issue 18's newest code (publishing review of courses and documents,
// the thread page's forms, posting in one raw transaction), each finding kept as a test: a thread whose
// first post was hidden or held takes no further replies, whichever post of it is answered; nobody
// approves a course revision whose draft they wrote, though a colleague pressed 发布.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const dataDir = path.join(TMP, `trust2-data-${process.pid}-${Date.now()}`);
const db = () => server.factory.db;
const postOf = (id: number) => db().prepare(`SELECT "state" FROM "DiscussionPost" WHERE "id" = ?`).get(id) as { state: string };
const lastPostBy = (key: string) =>
  (db().prepare(`SELECT "id" FROM "DiscussionPost" WHERE "authorId" = ? ORDER BY "id" DESC`).get(ids[key]) as { id: number }).id;
const postCount = (topicId: number) => (db().prepare(`SELECT COUNT(*) AS "n" FROM "DiscussionPost" WHERE "topicId" = ?`).get(topicId) as { n: number }).n;

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "二审大学党委", kind: "committee" });
  const lit = f.unit({ name: "外语学院党委", kind: "college", parent: root });
  const lit1 = f.unit({ name: "外语学院第一党支部", kind: "branch", branchType: "student", parent: lit });
  Object.assign(ids, { root: root.id, lit: lit.id, lit1: lit1.id });
  const hash = await hashPassword(PASSWORD);
  const person = async (key: string, unitId: number, politicalStatus = "member") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus });
    f.passwordHash(ids[key], hash);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("ADMIN2", root.id);
  f.grant(ids.ADMIN2, "admin", root.id);
  await person("SEC2", lit.id);
  f.grant(ids.SEC2, "secretary", lit.id);
  for (const key of ["M1", "M2", "M3", "M4"]) await person(key, lit1.id);
  await person("APPL", lit1.id, "applicant");
  const cf = openCourseFactory(f.db);
  ids.course = cf.course({ slug: "trust2-members", unitId: root.id, title: "党员必修", audienceStatuses: ["member"] });
  cf.lesson({ courseId: ids.course, key: "l1", position: 1, credit: 100, minutes: 10 });
  for (const key of ["SEC3", "SEC4", "SEC5"]) {
    await person(key, lit.id);
    f.grant(ids[key], "secretary", lit.id);
  }
  for (const key of ["T1", "T2", "T3"]) {
    await person(key, lit.id);
    f.grant(ids[key], "trainer", lit.id);
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function collegeTopic(title: string) {
  const res = await clients.SEC2.post("/discuss", { unitId: String(ids.lit), title });
  expect(res.status).toBe(302);
  return Number(/\/discuss\/(\d+)$/.exec(res.location!)![1]);
}

describe("a hidden or held first post takes no more replies", () => {
  it("refuses a reply to a reply under a post a moderator hid, as it refuses a reply to that post", async () => {
    const topic = await collegeTopic("隐藏之后");
    expect((await clients.M1.post(`/discuss/${topic}`, { intent: "post", body: "第一条" })).status).toBe(302);
    const first = lastPostBy("M1");
    expect((await clients.M2.post(`/discuss/${topic}`, { intent: "post", body: "回复第一条", parentId: String(first) })).status).toBe(200);
    const reply = lastPostBy("M2");
    expect((await clients.ADMIN2.post("/manage/discussion", { intent: "hide", postId: String(first), reason: "不宜公开" })).status).toBe(200);
    expect(postOf(first).state).toBe("hidden");
    const before = postCount(topic);

    const direct = await clients.M3.post(`/discuss/${topic}`, { intent: "post", body: "直接回复", parentId: String(first) });
    expect(direct.status).toBe(404);
    // Answering the reply hangs the new post under the hidden one just the same.
    const around = await clients.M3.post(`/discuss/${topic}`, { intent: "post", body: "绕过隐藏继续讨论", parentId: String(reply) });
    expect(around.status).toBe(409);
    expect(around.text).toContain("这条内容不能回复");
    expect(postCount(topic)).toBe(before);
  });

  it("refuses a reply to a reply under a post its author edited into one held for a listed word", async () => {
    expect([200, 409]).toContain((await clients.ADMIN2.post("/manage/discussion/words", { intent: "add", word: "待审词" })).status);
    const topic = await collegeTopic("改成待审");
    expect((await clients.M1.post(`/discuss/${topic}`, { intent: "post", body: "原来的话" })).status).toBe(302);
    const first = lastPostBy("M1");
    expect((await clients.M2.post(`/discuss/${topic}`, { intent: "post", body: "附和", parentId: String(first) })).status).toBe(200);
    const reply = lastPostBy("M2");
    expect((await clients.M1.post(`/discuss/${topic}`, { intent: "edit", postId: String(first), body: "改成了待审词" })).status).toBe(200);
    expect(postOf(first).state).toBe("held");
    const before = postCount(topic);

    const around = await clients.M4.post(`/discuss/${topic}`, { intent: "post", body: "继续回复", parentId: String(reply) });
    expect(around.status).toBe(409);
    expect(postCount(topic)).toBe(before);
  });
});

describe("nobody approves a course revision they wrote", () => {
  const item = () =>
    db().prepare(`SELECT "id", "state", "authorId", "reviewerId" FROM "ReviewItem" WHERE "kind" = 'course_revision' ORDER BY "id" DESC LIMIT 1`).get() as {
      id: number;
      state: string;
      authorId: number;
      reviewerId: number | null;
    };
  const lessonBody = (courseId: number) =>
    (db().prepare(`SELECT "body" FROM "Lesson" WHERE "courseId" = ? AND "key" = 'lesson-1'`).get(courseId) as { body: string } | undefined)?.body;

  it("refuses the trainer who edited the submitted draft, though a colleague submitted it; a third trainer approves", async () => {
    const created = await clients.T1.post("/manage/courses", { title: "外语党课", slug: "waiyu-dangke", category: "党课", unitId: String(ids.lit) });
    expect(created.status).toBe(302);
    const url = created.location!;
    const courseId = Number(url.split("/").pop());
    const saveLesson = (key: string, body: string) =>
      clients[key].post(`${url}/lessons/lesson-1`, { intent: "save-lesson", title: "第一课", minutes: "5", credit: "0.5", video: "", body, checkpoints: "" });
    await clients.T1.post(url, { intent: "settings", title: "外语党课", summary: "学院党课", category: "党课", tags: "", completion: "90", body: "课程介绍" });
    expect((await saveLesson("T1", "第一版正文")).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "publish" })).text).toContain("已发布第 1 版");
    expect((await clients.SEC2.post("/manage/review?index", { intent: "setting", unitId: String(ids.lit), choice: "required" })).status).toBe(200);

    // T1 writes the change; T2 presses 发布, so the item is T2's.
    expect((await saveLesson("T1", "T1 写的新正文")).status).toBe(200);
    expect((await clients.T2.post(url, { intent: "publish" })).text).toContain("已提交审核");
    const submitted = item();
    expect(submitted).toMatchObject({ state: "pending", authorId: ids.T2 });

    const own = await clients.T1.post(`/manage/review/${submitted.id}`, { intent: "approve" });
    expect(own.status).toBe(403);
    expect(own.text).toContain("不能审核自己提交的内容");
    expect(item()).toMatchObject({ state: "pending", reviewerId: null });
    expect(lessonBody(courseId)).toBe("第一版正文");

    const approved = await clients.T3.post(`/manage/review/${submitted.id}`, { intent: "approve" });
    expect(approved.status).toBe(200);
    expect(item()).toMatchObject({ state: "approved", reviewerId: ids.T3 });
    expect(lessonBody(courseId)).toBe("T1 写的新正文");

    // Edits before an earlier submission are not part of a later one: T1 approves T2's next change.
    expect((await saveLesson("T2", "T2 的第三版")).status).toBe(200);
    expect((await clients.T2.post(url, { intent: "publish" })).text).toContain("已提交审核");
    const next = item();
    expect((await clients.T1.post(`/manage/review/${next.id}`, { intent: "approve" })).status).toBe(200);
    expect(lessonBody(courseId)).toBe("T2 的第三版");
  });
});

describe("racing the approval of a document", () => {
  const PDF = samplePdf(["竞争审核的文件", "正文"]);
  const upload = async (title: string) => {
    const form = new FormData();
    form.append("intent", "upload");
    form.append("title", title);
    form.append("audience", "subtree");
    form.append("file", new Blob([new Uint8Array(PDF)], { type: "application/octet-stream" }), `${title}.pdf`);
    expect((await clients.SEC2.post(`/org/${ids.lit}/documents`, form)).text).toContain("已提交审核");
    return db().prepare(`SELECT "id", "draftId" FROM "ReviewItem" WHERE "kind" = 'document' ORDER BY "id" DESC LIMIT 1`).get() as {
      id: number;
      draftId: number;
    };
  };
  const itemOf = (id: number) => db().prepare(`SELECT "state", "reviewerId", "publishedId" FROM "ReviewItem" WHERE "id" = ?`).get(id);
  const docOf = (id: number) => db().prepare(`SELECT "unpublished", "deletedAt" IS NOT NULL AS "deleted" FROM "LibraryDocument" WHERE "id" = ?`).get(id);
  const indexed = (id: number) =>
    (db().prepare(`SELECT COUNT(*) AS "n" FROM "SearchEntry" WHERE "kind" = 'document' AND "refId" = ?`).get(id) as { n: number }).n;
  const decisions = (id: number) =>
    db()
      .prepare(`SELECT "action", "actorId" FROM "AuditLog" WHERE "targetKind" = 'review_item' AND "targetId" = ? AND "action" <> 'review.submit'`)
      .all(String(id));

  it("decides an item once when two reviewers approve and a third returns it at the same moment", async () => {
    expect((await clients.SEC2.post("/manage/review?index", { intent: "setting", unitId: String(ids.lit), choice: "required" })).status).toBe(200);
    const item = await upload("同时审核");
    const [a, b, r] = await Promise.all([
      clients.SEC3.post(`/manage/review/${item.id}`, { intent: "approve" }),
      clients.SEC4.post(`/manage/review/${item.id}`, { intent: "approve" }),
      clients.SEC5.post(`/manage/review/${item.id}`, { intent: "return", reason: "请修改" }),
    ]);
    const statuses = [a.status, b.status, r.status];
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    const winner = ["SEC3", "SEC4", "SEC5"][statuses.indexOf(200)]!;
    expect(decisions(item.id)).toEqual([{ action: winner === "SEC5" ? "review.return" : "review.approve", actorId: ids[winner] }]);
    if (winner === "SEC5") {
      expect(itemOf(item.id)).toEqual({ state: "returned", reviewerId: ids.SEC5, publishedId: null });
      expect(docOf(item.draftId)).toEqual({ unpublished: 1, deleted: 0 });
      expect(indexed(item.draftId)).toBe(0);
    } else {
      expect(itemOf(item.id)).toEqual({ state: "approved", reviewerId: ids[winner], publishedId: item.draftId });
      expect(docOf(item.draftId)).toEqual({ unpublished: 0, deleted: 0 });
      expect(indexed(item.draftId)).toBe(1);
    }
  });

  it("never leaves a deleted file searchable or an item approved for nothing when approval and deletion race", async () => {
    const item = await upload("同时删除");
    const form = new FormData();
    form.append("intent", "delete");
    form.append("documentId", String(item.draftId));
    const [approved, deleted] = await Promise.all([
      clients.SEC3.post(`/manage/review/${item.id}`, { intent: "approve" }),
      clients.SEC4.post(`/org/${ids.lit}/documents`, form),
    ]);
    expect(deleted.status).toBe(200);
    expect(docOf(item.draftId)).toMatchObject({ deleted: 1 });
    expect(indexed(item.draftId)).toBe(0);
    if (approved.status === 200) expect(itemOf(item.id)).toEqual({ state: "approved", reviewerId: ids.SEC3, publishedId: item.draftId });
    else {
      expect(approved.status).toBe(409);
      expect(itemOf(item.id)).toEqual({ state: "pending", reviewerId: null, publishedId: null });
    }
  });
});

describe("acting on posts one may not see", () => {
  it("gives 404 for liking, reporting, replying to or quoting someone else's held post, 403 for editing another's post, 404 under a course one may not study", async () => {
    const topic = await collegeTopic("看不见的帖子");
    expect((await clients.M1.post(`/discuss/${topic}`, { intent: "post", body: "这里有待审词" })).status).toBe(302);
    const held = lastPostBy("M1");
    expect(postOf(held).state).toBe("held");
    for (const fields of <Record<string, string>[]>[
      { intent: "like", postId: String(held) },
      { intent: "report", postId: String(held), reason: "试探" },
      { intent: "post", body: "回复", parentId: String(held) },
      { intent: "post", body: "引用", quotedId: String(held) },
    ]) {
      expect((await clients.M2.post(`/discuss/${topic}`, fields)).status, fields.intent).toBe(404);
    }
    const edit = await clients.M2.post(`/discuss/${topic}`, { intent: "edit", postId: String(held), body: "改别人的" });
    expect(edit.status).toBe(403);
    const page = await clients.M2.get(`/discuss/${topic}?edit=${held}&reply=${held}&report=${held}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("待审词");
    expect(page.text).not.toContain('aria-label="修改内容"');
    expect(db().prepare(`SELECT "body" FROM "DiscussionPost" WHERE "id" = ?`).get(held)).toEqual({ body: "这里有待审词" });

    // A lesson thread of a members' course: an applicant of the same branch may not study it, so may not touch its posts by id.
    const opened = await clients.M3.get("/courses/trust2-members/l1/discussion");
    expect(opened.status).toBe(302);
    expect((await clients.M3.post(opened.location!, { intent: "post", body: "课程讨论" })).status).toBe(302);
    const lessonPost = lastPostBy("M3");
    for (const fields of <Record<string, string>[]>[
      { intent: "like", postId: String(lessonPost) },
      { intent: "report", postId: String(lessonPost), reason: "试探" },
    ]) {
      expect((await clients.APPL.post(`/discuss/${topic}`, fields)).status, fields.intent).toBe(404);
    }
    expect((await clients.APPL.get(opened.location!)).status).toBe(404);
    expect(db().prepare(`SELECT COUNT(*) AS "n" FROM "DiscussionLike" WHERE "postId" IN (?, ?)`).get(held, lessonPost)).toEqual({ n: 0 });
    expect(db().prepare(`SELECT COUNT(*) AS "n" FROM "DiscussionReport" WHERE "postId" IN (?, ?)`).get(held, lessonPost)).toEqual({ n: 0 });
  });
});

describe("markup in what the review page shows", () => {
  it("shows a document's title and file name carrying markup as text", async () => {
    // A file name with "=" is refused by the multipart parser before it reaches us (reported, not mended here), so the name's markup has none.
    const title = "<script>alert(1)</script>";
    const form = new FormData();
    form.append("intent", "upload");
    form.append("title", title);
    form.append("audience", "subtree");
    form.append("file", new Blob([new Uint8Array(samplePdf(["标记"]))], { type: "application/octet-stream" }), "<svg onload>.pdf");
    expect((await clients.SEC2.post(`/org/${ids.lit}/documents`, form)).status).toBe(200);
    const item = db().prepare(`SELECT "id" FROM "ReviewItem" WHERE "kind" = 'document' ORDER BY "id" DESC LIMIT 1`).get() as { id: number };
    const page = await clients.SEC3.get(`/manage/review/${item.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("<script>alert(1)");
    expect(page.text).not.toContain("<svg onload");
    expect(page.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const file = await clients.SEC3.download(`/manage/review/${item.id}/download`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="document-\d+\.pdf"; filename\*=UTF-8''[^<>"\s]+$/);
  });
});

describe("the thread page's query and body", () => {
  it("answers a malformed page or form link with a clear refusal or the nearest page, never a server error", async () => {
    const topic = await collegeTopic("查询参数");
    for (const query of ["page=abc", "page=-1", "page=0", "page=99999999999999999999", "edit=abc", "reply=1e400", "report=0x10", "page=1&page=2"]) {
      const res = await clients.M4.get(`/discuss/${topic}?${query}`);
      expect([200, 400], query).toContain(res.status);
      if (res.status === 400) expect(res.text, query).toMatch(/[\u4e00-\u9fa5]/);
    }
    // An oversized body is refused before it is read whole, and nothing is written.
    const before = postCount(topic);
    const huge = await clients.M4.post(`/discuss/${topic}`, { intent: "post", body: "长".repeat(2_000_000) });
    expect([400, 413]).toContain(huge.status);
    const long = await clients.M4.post(`/discuss/${topic}`, { intent: "post", body: "长".repeat(5_001) });
    expect(long.status).toBe(400);
    expect(long.text).toContain("内容最多");
    expect(postCount(topic)).toBe(before);
  });
});

describe("an edit names only people who may read the thread", () => {
  it("stores the mentions of the edited text for readers of a lesson thread only, and drops the ones the text lost", async () => {
    const opened = await clients.M2.get("/courses/trust2-members/l1/discussion");
    const thread = opened.location!;
    expect((await clients.M2.post(thread, { intent: "post", body: "请教 @M1" })).status).toBe(302);
    const postId = lastPostBy("M2");
    const mentioned = () => db().prepare(`SELECT "personId" FROM "DiscussionMention" WHERE "postId" = ? ORDER BY "personId"`).all(postId);
    expect(mentioned()).toEqual([{ personId: ids.M1 }]);
    // APPL, an applicant of the same branch, may not study a members' course: the edit does not name her.
    expect((await clients.M2.post(thread, { intent: "edit", postId: String(postId), body: "改为请教 @APPL 和 @M3" })).status).toBe(200);
    expect(mentioned()).toEqual([{ personId: ids.M3 }]);
    const page = await clients.M2.get(thread);
    expect(page.text).toContain("人员M3");
    expect(page.text).not.toContain("人员APPL");
  });
});
