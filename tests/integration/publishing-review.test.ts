import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Publishing review (docs/decisions/052) against the real server: where a unit requires review, a
// notice or page article posted (or an article edited) is not readable until a second person in scope
// approves it; a return keeps it hidden and shows the author the reason; nobody approves their own; a
// reviewer outside the unit's scope gets 404 by id; every decision is audited.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "审核大学党委", kind: "committee" });
  const collegeA = f.unit({ name: "历史学院党委", kind: "college", parent: root });
  const a1 = f.unit({ name: "历史学院学生第一党支部", kind: "branch", branchType: "student", parent: collegeA });
  const collegeB = f.unit({ name: "化学学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, A: collegeA.id, A1: a1.id, B: collegeB.id });
  const person = async (key: string, unitId: number, role?: "secretary") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    if (role) f.grant(ids[key], role, unitId);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SECA", collegeA.id, "secretary");
  await person("SECA2", collegeA.id, "secretary");
  await person("SECB", collegeB.id, "secretary");
  await person("MA1", a1.id);
});
afterAll(async () => {
  await server?.stop();
});

const db = () => server.factory.db;
const item = (title: string) =>
  db().prepare(`SELECT id, state, reason, reviewerId, publishedId, targetId FROM ReviewItem WHERE title = ?`).get(title) as
    { id: number; state: string; reason: string | null; reviewerId: number | null; publishedId: number | null; targetId: number | null } | undefined;
const noticeCount = (title: string) => (db().prepare(`SELECT COUNT(*) AS n FROM Notice WHERE title = ?`).get(title) as { n: number }).n;
const auditRows = (itemId: number) =>
  db().prepare(`SELECT action, actorId FROM AuditLog WHERE targetKind = 'review_item' AND targetId = ? ORDER BY id`).all(String(itemId)) as {
    action: string;
    actorId: number;
  }[];
const setReview = (client: Client, unitId: number, choice: string) =>
  client.post("/manage/review?index", { intent: "setting", unitId: String(unitId), choice });
const postNotice = (client: Client, unitId: number, title: string, body: string) =>
  client.post("/manage/notices", { intent: "post", unitId: String(unitId), title, body });
const decide = (client: Client, itemId: number, form: Record<string, string>) => client.post(`/manage/review/${itemId}`, form);

describe("publishing review", () => {
  it("is set by whoever manages the unit, for its subtree, and audited", async () => {
    expect((await setReview(clients.SECB, ids.A, "required")).status).toBe(403);
    expect((await setReview(clients.MA1, ids.A, "required")).status).toBe(403);
    expect((await setReview(clients.SECA, ids.A, "sometimes")).status).toBe(400);
    expect((await setReview(clients.SECA, ids.A, "required")).status).toBe(200);
    expect(db().prepare(`SELECT required FROM ReviewSetting WHERE unitId = ?`).get(ids.A)).toEqual({ required: 1 });
    expect(db().prepare(`SELECT actorId FROM AuditLog WHERE action = 'review.setting' AND targetId = ?`).all(String(ids.A))).toEqual([{ actorId: ids.SECA }]);

    // The branch below inherits; given its own setting it publishes directly; set back to inherit, it is reviewed again.
    expect((await setReview(clients.SECA, ids.A1, "not_required")).status).toBe(200);
    await postNotice(clients.SECA, ids.A1, "支部直接发布的通知", "支部正文");
    expect(noticeCount("支部直接发布的通知")).toBe(1);
    expect((await setReview(clients.SECA, ids.A1, "inherit")).status).toBe(200);
    await postNotice(clients.SECA, ids.A1, "支部须审核的通知", "支部正文");
    expect(noticeCount("支部须审核的通知")).toBe(0);
    expect(item("支部须审核的通知")?.state).toBe("pending");
    // A college without a setting publishes directly.
    await postNotice(clients.SECB, ids.B, "化学学院的通知", "正文");
    expect(noticeCount("化学学院的通知")).toBe(1);
  });

  it("holds a notice until someone else in scope approves it; a return shows the author the reason", async () => {
    const posted = await postNotice(clients.SECA, ids.A, "关于开展主题教育的通知", "第一行\n第二行");
    expect(posted.status).toBe(200);
    expect(posted.text).toContain("已提交审核");
    expect(noticeCount("关于开展主题教育的通知")).toBe(0);
    const pending = item("关于开展主题教育的通知")!;
    expect(pending.state).toBe("pending");
    expect((await clients.MA1.get("/")).text).not.toContain("关于开展主题教育的通知");

    // Out of scope, by id: 404 to see it, 404 to decide it; a member is refused at the management area.
    expect((await clients.SECB.get(`/manage/review/${pending.id}`)).status).toBe(404);
    expect((await decide(clients.SECB, pending.id, { intent: "approve" })).status).toBe(404);
    expect((await clients.SECB.get("/manage/review")).text).not.toContain("关于开展主题教育的通知");
    expect((await clients.MA1.get(`/manage/review/${pending.id}`)).status).toBe(403);
    expect((await clients.SECA2.get("/manage/review/999999")).status).toBe(404);

    // The author sees it waiting and cannot approve it herself.
    expect((await clients.SECA.get("/manage/review")).text).toContain("待审核");
    const waiting = (await clients.SECA.get("/manage/notices")).text;
    expect(waiting).toContain("我提交审核的通知");
    expect(waiting).toContain(`href="/manage/review/${pending.id}"`);
    const own = await decide(clients.SECA, pending.id, { intent: "approve" });
    expect(own.status).toBe(403);
    expect(own.text).toContain("不能审核自己提交的内容");
    expect(item("关于开展主题教育的通知")!.state).toBe("pending");

    // The reviewer sees the whole text; a return needs a reason.
    const view = await clients.SECA2.get(`/manage/review/${pending.id}`);
    expect(view.status).toBe(200);
    expect(view.text).toContain("第一行\n第二行");
    expect(view.text).toContain("审核通过并发布");
    expect((await decide(clients.SECA2, pending.id, { intent: "return", reason: "  " })).status).toBe(400);
    expect((await decide(clients.SECA2, pending.id, { intent: "return", reason: "请写明时间地点" })).status).toBe(200);
    expect(item("关于开展主题教育的通知")).toMatchObject({ state: "returned", reason: "请写明时间地点", reviewerId: ids.SECA2 });
    expect(noticeCount("关于开展主题教育的通知")).toBe(0);
    expect((await clients.MA1.get("/")).text).not.toContain("关于开展主题教育的通知");
    expect((await clients.SECA.get("/manage/review")).text).toContain("请写明时间地点");
    expect((await clients.SECA.get("/manage/notices")).text).toContain("退回理由：请写明时间地点");
    // A returned item cannot be approved until it is resubmitted.
    expect((await decide(clients.SECA2, pending.id, { intent: "approve" })).status).toBe(409);

    // Edited and resubmitted by the author, approved by the other secretary: it goes out.
    const resubmit = await decide(clients.SECA, pending.id, { intent: "resubmit", title: "关于开展主题教育的通知", body: "时间：周五\n地点：礼堂" });
    expect(resubmit.status).toBe(200);
    expect(item("关于开展主题教育的通知")!.state).toBe("pending");
    expect((await decide(clients.SECA2, pending.id, { intent: "approve" })).status).toBe(200);
    const approved = item("关于开展主题教育的通知")!;
    expect(approved.state).toBe("approved");
    expect(db().prepare(`SELECT id, body, authorId, unitId FROM Notice WHERE title = ?`).all("关于开展主题教育的通知")).toEqual([
      { id: approved.publishedId, body: "时间：周五\n地点：礼堂", authorId: ids.SECA, unitId: ids.A },
    ]);
    expect((await clients.MA1.get("/")).text).toContain("关于开展主题教育的通知");
    // Approving twice publishes once.
    expect((await decide(clients.SECA2, pending.id, { intent: "approve" })).status).toBe(409);
    expect(noticeCount("关于开展主题教育的通知")).toBe(1);

    expect(auditRows(pending.id)).toEqual([
      { action: "review.submit", actorId: ids.SECA },
      { action: "review.return", actorId: ids.SECA2 },
      { action: "review.resubmit", actorId: ids.SECA },
      { action: "review.approve", actorId: ids.SECA2 },
    ]);
  });

  it("holds a new page article and an edit of a published one; the reviewer sees old and new", async () => {
    // A column and an article published while the college did not require review.
    expect((await setReview(clients.SECA, ids.A, "inherit")).status).toBe(200);
    expect((await clients.SECA.post(`/manage/pages/${ids.A}`, { intent: "add_column", name: "院系风采", kind: "college_style", visible: "on" })).status).toBe(
      200,
    );
    const column = db().prepare(`SELECT id FROM PageColumn WHERE unitId = ?`).get(ids.A) as { id: number };
    const post = (title: string, body: string) =>
      clients.SECA.post(`/manage/pages/${ids.A}`, { intent: "post_article", columnId: String(column.id), title, body });
    expect((await post("学院合唱比赛", "旧的正文\n共同的一行")).status).toBe(200);
    const article = db().prepare(`SELECT id FROM PageArticle WHERE title = ?`).get("学院合唱比赛") as { id: number };
    expect((await setReview(clients.SECA, ids.A, "required")).status).toBe(200);

    // A new article under review is nowhere on the page.
    expect((await post("尚未审核的文章", "待审正文")).text).toContain("已提交审核");
    expect(db().prepare(`SELECT COUNT(*) AS n FROM PageArticle WHERE title = ?`).get("尚未审核的文章")).toEqual({ n: 0 });
    expect((await clients.MA1.get(`/org/${ids.A}`)).text).not.toContain("尚未审核的文章");

    // An edit leaves the published article as it was until approved.
    const edit = await clients.SECA.post(`/manage/pages/articles/${article.id}`, {
      intent: "update",
      title: "学院合唱比赛圆满结束",
      body: "新的正文\n共同的一行",
    });
    expect(edit.status).toBe(200);
    expect(edit.text).toContain("已提交审核");
    const reader = await clients.MA1.get(`/org/${ids.A}/articles/${article.id}`);
    expect(reader.text).toContain("旧的正文");
    expect(reader.text).not.toContain("新的正文");
    expect(reader.text).not.toContain("圆满结束");
    const search = () => clients.MA1.get(`/search?q=${encodeURIComponent("圆满结束")}`);
    expect((await search()).text).not.toContain("学院合唱比赛圆满结束");

    // An image would go out at once, so none is added to a published article while review is required.
    const form = new FormData();
    form.append("alt", "");
    form.append("image", new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" }), "photo.png");
    const image = await clients.SECA.post(`/manage/pages/articles/${article.id}`, form);
    expect(image.status).toBe(409);
    expect(image.text).toContain("须经审核");
    expect(db().prepare(`SELECT COUNT(*) AS n FROM PageImage WHERE articleId = ?`).get(article.id)).toEqual({ n: 0 });

    const pendingEdit = item("学院合唱比赛圆满结束")!;
    expect(pendingEdit.targetId).toBe(article.id);
    const editor = await clients.SECA2.get(`/manage/pages/articles/${article.id}`);
    expect(editor.text).toContain("以下修改待审核");
    expect(editor.text).toContain(`href="/manage/review/${pendingEdit.id}"`);
    const view = await clients.SECA2.get(`/manage/review/${pendingEdit.id}`);
    expect(view.text).toContain("与已发布内容对比");
    for (const text of ["学院合唱比赛", "学院合唱比赛圆满结束", "旧的正文", "新的正文", "共同的一行"]) expect(view.text).toContain(text);
    expect((await clients.SECB.get(`/manage/review/${pendingEdit.id}`)).status).toBe(404);
    expect((await decide(clients.SECA, pendingEdit.id, { intent: "approve" })).status).toBe(403);

    expect((await decide(clients.SECA2, pendingEdit.id, { intent: "approve" })).status).toBe(200);
    const after = await clients.MA1.get(`/org/${ids.A}/articles/${article.id}`);
    expect(after.text).toContain("新的正文");
    expect(after.text).toContain("学院合唱比赛圆满结束");
    // What went out is found by search at once, under its new title.
    expect((await search()).text).toContain("学院合唱比赛圆满结束");
    expect(db().prepare(`SELECT COUNT(*) AS n FROM PageArticle WHERE columnId = ?`).get(column.id)).toEqual({ n: 1 });

    // The new article, approved, appears on the page in its column.
    const pendingNew = item("尚未审核的文章")!;
    expect((await decide(clients.SECA2, pendingNew.id, { intent: "approve" })).status).toBe(200);
    expect((await clients.MA1.get(`/org/${ids.A}`)).text).toContain("尚未审核的文章");
    expect(db().prepare(`SELECT columnId, authorId FROM PageArticle WHERE id = ?`).get(item("尚未审核的文章")!.publishedId)).toEqual({
      columnId: column.id,
      authorId: ids.SECA,
    });
  });
});
