import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedTimestamp } from "../../app/lib/timestamp";
import { samplePdf } from "../../scripts/lib/sample-documents";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// Publishing review of course revisions and library documents (decisions 052, 053) against the real
// server. Where a college requires review, the studio's 发布 and 回滚 submit the checked draft frozen,
// and a second trainer over the unit approves it (the course then changes) or returns it; an approval
// whose course was archived meanwhile releases its claim and publishes nothing. A document uploaded
// there is invisible by every path until a second manager approves it. Nobody approves their own; a
// reviewer of another college gets 404 for the item, its comparison and its file; every decision is audited.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const dataDir = path.join(TMP, `review-cd-data-${process.pid}-${Date.now()}`);

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "审核二大学党委", kind: "committee" });
  const collegeA = f.unit({ name: "哲学学院党委", kind: "college", parent: root });
  const a1 = f.unit({ name: "哲学学院学生党支部", kind: "branch", branchType: "student", parent: collegeA });
  const collegeB = f.unit({ name: "数学学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, A: collegeA.id, A1: a1.id, B: collegeB.id });
  const person = async (key: string, unitId: number, role?: "secretary" | "trainer", politicalStatus = "member") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus });
    await f.password(ids[key], PASSWORD);
    if (role) f.grant(ids[key], role, unitId);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SECA", collegeA.id, "secretary");
  await person("SECA2", collegeA.id, "secretary");
  await person("SECB", collegeB.id, "secretary");
  await person("TA", collegeA.id, "trainer");
  await person("TA2", collegeA.id, "trainer");
  await person("TB", collegeB.id, "trainer");
  await person("MA1", a1.id, undefined, "member");
}, 60_000);
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const db = () => server.factory.db;
const plain = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<!--.*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
type Item = { id: number; kind: string; state: string; reason: string | null; reviewerId: number | null; publishedId: number | null; draftId: number | null };
const lastItem = (kind: string) =>
  db().prepare(`SELECT id, kind, state, reason, reviewerId, publishedId, draftId FROM ReviewItem WHERE kind = ? ORDER BY id DESC LIMIT 1`).get(kind) as Item;
const itemById = (id: number) => db().prepare(`SELECT id, kind, state, reason, reviewerId, publishedId, draftId FROM ReviewItem WHERE id = ?`).get(id) as Item;
const decisions = (itemId: number) =>
  db().prepare(`SELECT action, actorId FROM AuditLog WHERE targetKind = 'review_item' AND targetId = ? ORDER BY id`).all(String(itemId)) as {
    action: string;
    actorId: number;
  }[];
const decide = (key: string, itemId: number, form: Record<string, string>) => clients[key].post(`/manage/review/${itemId}`, form);

describe("a course revision under review", () => {
  let courseId: number;
  let url: string;
  let itemId: number;
  const course = () =>
    db().prepare("SELECT status, revision, draft FROM Course WHERE id = ?").get(courseId) as { status: string; revision: number; draft: string | null };
  const lessonRows = () =>
    db().prepare("SELECT key, title, body FROM Lesson WHERE courseId = ? AND archivedAt IS NULL ORDER BY position").all(courseId) as {
      key: string;
      title: string;
      body: string;
    }[];
  const revisionCount = () => (db().prepare("SELECT COUNT(*) AS n FROM CourseRevision WHERE courseId = ?").get(courseId) as { n: number }).n;
  const saveLesson = (key: string, title: string, body: string) =>
    clients.TA.post(`${url}/lessons/${key}`, { intent: "save-lesson", title, minutes: "5", credit: "0.5", video: "", body, checkpoints: "" });

  it("publishes directly before the college requires review; afterwards 发布 submits the frozen draft and changes nothing learners see", async () => {
    const created = await clients.TA.post("/manage/courses", { title: "哲学党课", slug: "zhexue-dangke", category: "党课", unitId: String(ids.A) });
    expect(created.status).toBe(302);
    url = created.location!;
    courseId = Number(url.split("/").pop());
    await clients.TA.post(url, { intent: "settings", title: "哲学党课", summary: "学院党课", category: "党课", tags: "", completion: "90", body: "课程介绍" });
    expect((await saveLesson("lesson-1", "第一课 实践论", "原来的第一行\n原来的第二行")).status).toBe(200);
    const first = await clients.TA.post(url, { intent: "publish" });
    expect(plain(first.text)).toContain("已发布第 1 版");

    expect((await clients.SECA.post("/manage/review?index", { intent: "setting", unitId: String(ids.A), choice: "required" })).status).toBe(200);
    expect(plain((await clients.TA.get(url)).text)).toContain("本单位发布课程需经审核");
    await saveLesson("lesson-1", "第一课 实践论", "原来的第一行\n审核中的第二行");
    await clients.TA.post(url, { intent: "lesson-add" });
    await saveLesson("lesson-2", "第二课 矛盾论", "新课时的正文");
    const submitted = await clients.TA.post(url, { intent: "publish" });
    expect(submitted.status).toBe(200);
    expect(plain(submitted.text)).toContain("已提交审核");
    const item = lastItem("course_revision");
    itemId = item.id;
    expect(item).toMatchObject({ state: "pending", reviewerId: null, publishedId: null });
    expect(course()).toMatchObject({ status: "published", revision: 1 });
    expect(lessonRows()).toEqual([{ key: "lesson-1", title: "第一课 实践论", body: "原来的第一行\n原来的第二行" }]);
    expect(plain((await clients.MA1.get("/courses/zhexue-dangke/lesson-1")).text)).toContain("原来的第二行");
    expect(decisions(itemId)).toEqual([{ action: "review.submit", actorId: ids.TA }]);
    // The studio shows the submission as 待审核.
    const studio = plain((await clients.TA.get(url)).text);
    expect(studio).toContain("待审核");
    expect(studio).toContain("提交发布审核");

    // Edits after submission stay in the studio and do not ride along.
    await saveLesson("lesson-1", "第一课 后来改的标题", "原来的第一行\n审核中的第二行");
  });

  it("shows the reviewer the course and each lesson against the published revision; another college gets 404 by id, the author 403", async () => {
    const page = await clients.TA2.get(`/manage/review/${itemId}`);
    expect(page.status).toBe(200);
    const text = plain(page.text);
    expect(text).toContain("与已发布的《哲学党课》对比");
    expect(text).toContain("第 1 课时《第一课 实践论》：有修改");
    expect(text).toMatch(/− 原来的第二行.*\+ 审核中的第二行/);
    expect(text).toContain("第 2 课时《第二课 矛盾论》：新增课时");
    expect(text).toContain("新课时的正文");
    expect(text).not.toContain("后来改的标题");
    expect(text).toContain("审核通过并发布");

    for (const key of ["TB", "SECB", "SECA"]) {
      expect((await clients[key].get(`/manage/review/${itemId}`)).status, key).toBe(404);
      expect((await decide(key, itemId, { intent: "approve" })).status, key).toBe(404);
    }
    const own = await decide("TA", itemId, { intent: "approve" });
    expect(own.status).toBe(403);
    expect(plain(own.text)).toContain("不能审核自己提交的内容");
    expect(itemById(itemId).state).toBe("pending");
  });

  it("releases the claim when applying fails (the course archived meanwhile): the item waits again and nothing was published", async () => {
    db().prepare(`UPDATE Course SET status = 'archived' WHERE id = ?`).run(courseId);
    const refused = await decide("TA2", itemId, { intent: "approve" });
    expect(refused.status).toBe(409);
    expect(plain(refused.text)).toContain("课程已归档或不存在");
    expect(itemById(itemId)).toMatchObject({ state: "pending", reviewerId: null, publishedId: null });
    expect(course()).toMatchObject({ status: "archived", revision: 1 });
    expect(revisionCount()).toBe(1);
    expect(lessonRows()).toEqual([{ key: "lesson-1", title: "第一课 实践论", body: "原来的第一行\n原来的第二行" }]);
    expect(decisions(itemId).map((d) => d.action)).toEqual(["review.submit"]);
    db().prepare(`UPDATE Course SET status = 'published' WHERE id = ?`).run(courseId);
  });

  it("publishes the frozen draft on approval, keeps the later studio edits as the draft, and is decided once", async () => {
    const approved = await decide("TA2", itemId, { intent: "approve" });
    expect(approved.status).toBe(200);
    expect(plain(approved.text)).toContain("已审核通过");
    expect(itemById(itemId)).toMatchObject({ state: "approved", reviewerId: ids.TA2, publishedId: courseId });
    expect(course()).toMatchObject({ status: "published", revision: 2 });
    expect(lessonRows()).toEqual([
      { key: "lesson-1", title: "第一课 实践论", body: "原来的第一行\n审核中的第二行" },
      { key: "lesson-2", title: "第二课 矛盾论", body: "新课时的正文" },
    ]);
    expect(course().draft).toContain("第一课 后来改的标题");
    expect(plain((await clients.MA1.get("/courses/zhexue-dangke/lesson-1")).text)).toContain("审核中的第二行");
    expect(decisions(itemId)).toEqual([
      { action: "review.submit", actorId: ids.TA },
      { action: "review.approve", actorId: ids.TA2 },
    ]);
    expect((await decide("TA2", itemId, { intent: "approve" })).status).toBe(409);
    expect(revisionCount()).toBe(2);
  });

  it("submits a rollback for review too, leaving the studio draft alone; a return shows the author the reason in the studio", async () => {
    const rollback = await clients.TA.post(url, { intent: "rollback", number: "1" });
    expect(rollback.status).toBe(200);
    expect(plain(rollback.text)).toContain("已提交审核");
    const item = lastItem("course_revision");
    expect(item.id).not.toBe(itemId);
    expect(course()).toMatchObject({ revision: 2 });
    expect(course().draft).toContain("第一课 后来改的标题");
    expect(plain((await clients.TA2.get(`/manage/review/${item.id}`)).text)).toContain("回滚至第 1 版");

    expect((await decide("TA2", item.id, { intent: "return", reason: "" })).status).toBe(400);
    expect((await decide("TA2", item.id, { intent: "return", reason: "x".repeat(501) })).status).toBe(400);
    expect((await decide("TA2", item.id, { intent: "return", reason: "回滚理由不充分" })).status).toBe(200);
    expect(itemById(item.id)).toMatchObject({ state: "returned", reason: "回滚理由不充分", reviewerId: ids.TA2 });
    expect(course()).toMatchObject({ revision: 2 });
    const studio = plain((await clients.TA.get(url)).text);
    expect(studio).toContain("已退回");
    expect(studio).toContain("退回理由：回滚理由不充分");
    // A returned course is sent again from the studio, not edited on the review page.
    const resubmit = await decide("TA", item.id, { intent: "resubmit", title: "改", body: "改" });
    expect(resubmit.status).toBe(400);
    expect(plain(resubmit.text)).toContain("请在课程管理中修改后重新发布");
    expect(decisions(item.id).map((d) => [d.action, d.actorId])).toEqual([
      ["review.submit", ids.TA],
      ["review.return", ids.TA2],
    ]);
  });
});

describe("a document under review", () => {
  const PDF = samplePdf(["思想汇报写作指引", "审核后方可阅读的正文内容。"]);
  const upload = (key: string, title: string, bytes = PDF) => {
    const form = new FormData();
    form.append("intent", "upload");
    form.append("title", title);
    form.append("audience", "subtree");
    form.append("file", new Blob([new Uint8Array(bytes)], { type: "application/octet-stream" }), `${title}.pdf`);
    return clients[key].post(`/org/${ids.A}/documents`, form);
  };
  const doc = (id: number) =>
    db().prepare(`SELECT unpublished, textState, textClaimedAt FROM LibraryDocument WHERE id = ?`).get(id) as {
      unpublished: number;
      textState: string;
      textClaimedAt: string | null;
    };
  const indexed = (id: number) => (db().prepare(`SELECT COUNT(*) AS n FROM SearchEntry WHERE kind = 'document' AND refId = ?`).get(id) as { n: number }).n;
  let itemId: number;
  let docId: number;

  /** What a reader finds of the document by every path: the library list, its page, preview, download, the library search and /search. */
  async function seenBy(key: string, title: string, id: number) {
    const c = clients[key];
    const list = plain((await c.get(`/org/${ids.A}/documents`)).text);
    const search = await c.get(`/documents/search?q=${encodeURIComponent(title)}`);
    const site = await c.get(`/search?q=${encodeURIComponent(title)}`);
    return {
      list: list.includes(title),
      page: (await c.get(`/documents/${id}`)).status,
      preview: (await c.download(`/documents/${id}/pdf`)).status,
      download: (await c.download(`/documents/${id}/download`)).status,
      search: search.text.includes(`/documents/${id}"`),
      site: site.text.includes(`/documents/${id}"`),
    };
  }
  const hidden = { list: false, page: 404, preview: 404, download: 404, search: false, site: false };

  it("keeps an upload unpublished and unindexed: invisible to readers and managers by every path", async () => {
    const reply = await upload("SECA", "审核中的写作指引");
    expect(reply.status).toBe(200);
    expect(plain(reply.text)).toContain("已提交审核");
    const item = lastItem("document");
    itemId = item.id;
    docId = item.draftId!;
    expect(item).toMatchObject({ state: "pending", publishedId: null });
    expect(doc(docId)).toMatchObject({ unpublished: 1, textClaimedAt: null });
    expect(indexed(docId)).toBe(0);
    for (const key of ["MA1", "SECA2", "SECB"]) expect(await seenBy(key, "审核中的写作指引", docId), key).toEqual(hidden);
    // The uploader sees it waiting, on the library page and in her submissions.
    const own = plain((await clients.SECA.get(`/org/${ids.A}/documents`)).text);
    expect(own).toContain("我上传待审核的文件");
    expect(own).toContain("审核中的写作指引");
    expect(plain((await clients.SECA.get("/manage/review")).text)).toContain("审核中的写作指引");
  });

  it("lets a reviewer in scope open the pending file (audited); another college gets 404 for the item and its file; the uploader cannot approve", async () => {
    const page = await clients.SECA2.get(`/manage/review/${itemId}`);
    expect(page.status).toBe(200);
    expect(plain(page.text)).toContain("审核中的写作指引.pdf");
    const file = await clients.SECA2.download(`/manage/review/${itemId}/download`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.bytes.equals(PDF)).toBe(true);
    expect((await clients.SECA2.download(`/manage/review/${itemId}/pdf`)).status).toBe(200);
    const reads = db()
      .prepare(`SELECT action, actorId, detail FROM AuditLog WHERE targetKind = 'document' AND targetId = ? ORDER BY id`)
      .all(String(docId)) as {
      action: string;
      actorId: number;
      detail: string;
    }[];
    expect(reads.filter((r) => r.action !== "library.upload").map((r) => [r.action, r.actorId, JSON.parse(r.detail).itemId])).toEqual([
      ["library.download", ids.SECA2, itemId],
      ["library.preview", ids.SECA2, itemId],
    ]);

    for (const key of ["SECB", "TB"]) {
      expect((await clients[key].get(`/manage/review/${itemId}`)).status, key).toBe(404);
      expect((await clients[key].download(`/manage/review/${itemId}/download`)).status, key).toBe(404);
      expect((await clients[key].download(`/manage/review/${itemId}/pdf`)).status, key).toBe(404);
      expect((await decide(key, itemId, { intent: "approve" })).status, key).toBe(404);
    }
    // Another kind's item id does not open a file.
    const course = lastItem("course_revision").id;
    expect((await clients.TA2.download(`/manage/review/${course}/download`)).status).toBe(404);
    const own = await decide("SECA", itemId, { intent: "approve" });
    expect(own.status).toBe(403);
    expect(plain(own.text)).toContain("不能审核自己提交的内容");
    expect(doc(docId).unpublished).toBe(1);
  });

  it("keeps a returned document hidden and shows the uploader the reason", async () => {
    expect((await upload("SECA", "要退回的文件")).status).toBe(200);
    const item = lastItem("document");
    expect((await decide("SECA2", item.id, { intent: "return", reason: "请使用正式文号" })).status).toBe(200);
    expect(itemById(item.id)).toMatchObject({ state: "returned", reason: "请使用正式文号" });
    expect(await seenBy("MA1", "要退回的文件", item.draftId!)).toEqual(hidden);
    expect(plain((await clients.SECA.get(`/org/${ids.A}/documents`)).text)).toContain("退回理由：请使用正式文号");
    expect(decisions(item.id).map((d) => d.action)).toEqual(["review.submit", "review.return"]);
  });

  it("releases the claim when the file was deleted meanwhile", async () => {
    expect((await upload("SECA", "将被删除的文件")).status).toBe(200);
    const item = lastItem("document");
    db().prepare(`UPDATE LibraryDocument SET deletedAt = ? WHERE id = ?`).run(storedTimestamp(new Date()), item.draftId);
    const refused = await decide("SECA2", item.id, { intent: "approve" });
    expect(refused.status).toBe(409);
    expect(itemById(item.id)).toMatchObject({ state: "pending", reviewerId: null });
    expect(indexed(item.draftId!)).toBe(0);
  });

  it("makes the document visible and searchable on approval, its text extracted after", async () => {
    const approved = await decide("SECA2", itemId, { intent: "approve" });
    expect(approved.status).toBe(200);
    expect(itemById(itemId)).toMatchObject({ state: "approved", reviewerId: ids.SECA2, publishedId: docId });
    expect(doc(docId).unpublished).toBe(0);
    expect(await seenBy("MA1", "审核中的写作指引", docId)).toEqual({ list: true, page: 200, preview: 200, download: 200, search: true, site: true });
    expect(await seenBy("SECB", "审核中的写作指引", docId)).toEqual(hidden); // the audience (the college's subtree) still applies
    await expect.poll(() => doc(docId).textState, { timeout: 60_000, interval: 200 }).toBe("done");
    const byText = await clients.MA1.get(`/documents/search?q=${encodeURIComponent("审核后方可阅读")}`);
    expect(byText.text).toContain(`/documents/${docId}"`);
    expect(decisions(itemId)).toEqual([
      { action: "review.submit", actorId: ids.SECA },
      { action: "review.approve", actorId: ids.SECA2 },
    ]);
  });
});
