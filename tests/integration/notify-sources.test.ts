import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// What notifies today (decision 054), through the real server: a post that mentions someone tells
// them once (a held post when a moderator approves it); a reply to a 书记信箱 letter tells its
// author, an anonymous one too (she is still the author), once per reply; a pinned notice that waited
// for review tells its audience when it is approved, not before. Each lands in the inbox.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "来源大学党委", kind: "committee" });
  const college = f.unit({ name: "哲学学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "哲学学院学生党支部", kind: "branch", branchType: "student", parent: college });
  Object.assign(ids, { branch: branch.id });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", branch.id);
  f.grant(ids.SEC, "secretary", branch.id);
  await person("SEC2", branch.id);
  f.grant(ids.SEC2, "secretary", branch.id);
  for (const key of ["M1", "M2", "HANDLER"]) await person(key, branch.id);
  const { id: box } = f.db
    .prepare(`INSERT INTO "Mailbox" ("unitId", "kind", "allowAnonymous", "serviceDays", "createdAt") VALUES (?, 'secretary', 1, 3, ?) RETURNING "id"`)
    .get(branch.id, new Date().toISOString()) as { id: number };
  f.db.prepare(`INSERT INTO "MailboxHandler" ("mailboxId", "personId", "createdAt") VALUES (?, ?, ?)`).run(box, ids.HANDLER, new Date().toISOString());
  ids.box = box;
});
afterAll(async () => {
  await server?.stop();
});

const inbox = (key: string) =>
  server.factory.db.prepare(`SELECT "kind", "title", "body", "url", "dedupeKey" FROM "Notification" WHERE "personId" = ? ORDER BY "id"`).all(ids[key]) as {
    kind: string;
    title: string;
    body: string;
    url: string;
    dedupeKey: string;
  }[];

describe("a discussion mention", () => {
  it("notifies the mentioned person once, not the author", async () => {
    const topic = await clients.SEC.post("/discuss", { unitId: String(ids.branch), title: "学习心得交流" });
    const topicId = Number(/\/discuss\/(\d+)$/.exec(topic.location!)![1]);
    expect((await clients.M1.post(`/discuss/${topicId}`, { intent: "post", body: "同意 @M2 的看法，@M2 说得好，@M1" })).status).toBeLessThan(400);
    const postId = (server.factory.db.prepare(`SELECT "id" FROM "DiscussionPost" WHERE "authorId" = ? ORDER BY "id" DESC`).get(ids.M1) as { id: number }).id;
    expect(inbox("M2")).toEqual([
      {
        kind: "mention",
        title: "人员M1 在讨论中提到了你",
        body: "“学习心得交流”",
        url: `/discuss/${topicId}#post-${postId}`,
        dedupeKey: `mention:post:${postId}`,
      },
    ]);
    expect(inbox("M1")).toEqual([]);
    const page = await clients.M2.get("/notifications");
    expect(page.text).toContain("人员M1 在讨论中提到了你");
  });

  it("waits while the post is held for review, and notifies when a moderator approves it", async () => {
    const topic = await clients.SEC.post("/discuss", { unitId: String(ids.branch), title: "待审话题" });
    const topicId = Number(/\/discuss\/(\d+)$/.exec(topic.location!)![1]);
    expect((await clients.SEC.post("/manage/discussion", { intent: "mark", number: "M1" })).status).toBe(200);
    const held = await clients.M1.post(`/discuss/${topicId}`, { intent: "post", body: "请 @HANDLER 看看" });
    expect(held.location).toContain("notice=review");
    const postId = (server.factory.db.prepare(`SELECT "id" FROM "DiscussionPost" WHERE "authorId" = ? ORDER BY "id" DESC`).get(ids.M1) as { id: number }).id;
    expect(inbox("HANDLER")).toEqual([]);
    expect((await clients.SEC.post("/manage/discussion", { intent: "approve", postId: String(postId) })).status).toBe(200);
    expect(inbox("HANDLER")).toMatchObject([{ kind: "mention", dedupeKey: `mention:post:${postId}` }]);
  });
});

describe("a reply to a 书记信箱 letter", () => {
  it("notifies the author of an anonymous letter, once per reply", async () => {
    const written = await clients.M1.post("/mailbox", { mailboxId: String(ids.box), subject: "活动室开放时间", body: "希望周末开放", anonymous: "on" });
    const letterId = Number(/\/mailbox\/letters\/(\d+)/.exec(written.location ?? "")?.[1]);
    expect(letterId).toBeGreaterThan(0);
    const before = inbox("M1").length;
    expect((await clients.HANDLER.post(`/manage/mailbox/letters/${letterId}`, { intent: "note", body: "内部备注" })).status).toBe(200);
    expect(inbox("M1")).toHaveLength(before);
    expect((await clients.HANDLER.post(`/manage/mailbox/letters/${letterId}`, { intent: "reply", body: "周末将开放。" })).status).toBe(200);
    const mine = inbox("M1").slice(before);
    expect(mine).toMatchObject([
      { kind: "letter_reply", title: "您的来信有了回复", body: "“活动室开放时间”已有答复，请查看。", url: `/mailbox/letters/${letterId}` },
    ]);
    expect(inbox("HANDLER").filter((n) => n.kind === "letter_reply")).toEqual([]);
  });
});

describe("a pinned notice published after review", () => {
  it("notifies its audience when approved, once", async () => {
    expect((await clients.SEC.post("/manage/review?index", { intent: "setting", unitId: String(ids.branch), choice: "required" })).status).toBe(200);
    const posted = await clients.SEC.post("/manage/notices", {
      intent: "post",
      unitId: String(ids.branch),
      title: "审核后的置顶通知",
      body: "正文",
      pinned: "on",
    });
    expect(posted.text).toContain("已提交审核");
    const pinned = () => inbox("M2").filter((n) => n.kind === "pinned_notice");
    expect(pinned()).toEqual([]);
    const { id } = server.factory.db.prepare(`SELECT "id" FROM "ReviewItem" WHERE "title" = ?`).get("审核后的置顶通知") as { id: number };
    expect((await clients.SEC2.post(`/manage/review/${id}`, { intent: "approve" })).status).toBeLessThan(400);
    expect(pinned()).toMatchObject([{ title: "哲学学院学生党支部置顶通知", body: "审核后的置顶通知", url: "/" }]);
    expect(inbox("SEC").filter((n) => n.kind === "pinned_notice")).toEqual([]);
  });
});
