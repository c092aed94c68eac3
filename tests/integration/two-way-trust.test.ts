import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// An attacker's pass over the two-way features (issue 18), each finding kept as a test: a moderator
// decides nothing about their own posts or their own review mark (a held post of theirs waits for
// someone else, a post hidden above them stays hidden); a mention names and notifies only people who
// may read the thread; a library shows another unit's reader no folder names beyond the documents
// the reader may see.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const db = () => server.factory.db;
const postOf = (id: number) => db().prepare(`SELECT "state", "hiddenReason" FROM "DiscussionPost" WHERE "id" = ?`).get(id) as { state: string };
const lastPostBy = (key: string) =>
  (db().prepare(`SELECT "id" FROM "DiscussionPost" WHERE "authorId" = ? ORDER BY "id" DESC`).get(ids[key]) as { id: number }).id;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const cf = openCourseFactory(f.db);
  const root = f.unit({ name: "信任大学党委", kind: "committee" });
  const lit = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const lit1 = f.unit({ name: "文学院第一党支部", kind: "branch", branchType: "student", parent: lit });
  const sci = f.unit({ name: "理学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, lit: lit.id, lit1: lit1.id, sci: sci.id });
  const hash = await hashPassword(PASSWORD);
  const person = async (key: string, unitId: number, politicalStatus = "member") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus });
    f.passwordHash(ids[key], hash);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("ADMIN", root.id);
  f.grant(ids.ADMIN, "admin", root.id);
  await person("SECLIT", lit.id);
  f.grant(ids.SECLIT, "secretary", lit.id);
  await person("MEM", lit1.id);
  await person("SCIAPPL", sci.id, "applicant");
  ids.course = cf.course({ slug: "members-only", unitId: root.id, title: "党员课程", audienceStatuses: ["member"] });
  cf.lesson({ courseId: ids.course, key: "l1", position: 1, credit: 100, minutes: 10 });
}, 60_000);

afterAll(() => server?.stop());

async function collegeTopic(title: string) {
  const res = await clients.SECLIT.post("/discuss", { unitId: String(ids.lit), title });
  expect(res.status).toBe(302);
  return Number(/\/discuss\/(\d+)$/.exec(res.location!)![1]);
}

describe("a moderator does not moderate themselves", () => {
  it("refuses to approve one's own held post, restore one's own hidden post, or lift one's own review mark", async () => {
    const topic = await collegeTopic("学院大家谈");
    expect((await clients.ADMIN.post("/manage/discussion/words", { intent: "add", word: "违禁词" })).status).toBe(200);

    // Held for a listed word, the college secretary's own post waits for another moderator.
    expect((await clients.SECLIT.post(`/discuss/${topic}`, { intent: "post", body: "这里有违禁词" })).status).toBe(302);
    const held = lastPostBy("SECLIT");
    expect(postOf(held).state).toBe("held");
    for (const [path, fields] of [
      ["/manage/discussion", { intent: "approve", postId: String(held) }],
      [`/discuss/${topic}`, { intent: "approve", postId: String(held) }],
    ] as const) {
      const res = await clients.SECLIT.post(path, fields);
      expect(res.status).toBe(403);
      expect(res.text).toContain("不能审核自己发表的内容");
    }
    expect(postOf(held).state).toBe("held");
    expect((await clients.ADMIN.post("/manage/discussion", { intent: "approve", postId: String(held) })).status).toBe(200);
    expect(postOf(held).state).toBe("published");

    // Hidden by the committee, it stays hidden whatever its author moderates.
    expect((await clients.ADMIN.post("/manage/discussion", { intent: "hide", postId: String(held), reason: "不宜公开" })).status).toBe(200);
    const restore = await clients.SECLIT.post("/manage/discussion", { intent: "restore", postId: String(held) });
    expect(restore.status).toBe(403);
    expect(postOf(held)).toEqual({ state: "hidden", hiddenReason: "不宜公开" });

    // Marked for review by the committee, the secretary cannot lift her own mark.
    expect((await clients.ADMIN.post("/manage/discussion", { intent: "mark", number: "SECLIT" })).status).toBe(200);
    const unmark = await clients.SECLIT.post("/manage/discussion", { intent: "unmark", personId: String(ids.SECLIT) });
    expect(unmark.status).toBe(403);
    expect(unmark.text).toContain("不能为本人设置或取消发言审核");
    expect(db().prepare(`SELECT COUNT(*) AS "n" FROM "DiscussionReviewMark" WHERE "personId" = ?`).get(ids.SECLIT)).toEqual({ n: 1 });
    const audited = db().prepare(
      `SELECT COUNT(*) AS "n" FROM "AuditLog" WHERE "actorId" = ? AND "action" IN ('discussion.approve', 'discussion.restore', 'discussion.review_unmark')`,
    );
    expect(audited.get(ids.SECLIT)).toEqual({ n: 0 });
  });
});

describe("a mention names only people who may read the thread", () => {
  it("does not store or show a mention of someone outside a lesson's audience", async () => {
    const opened = await clients.MEM.get("/courses/members-only/l1/discussion");
    expect(opened.status).toBe(302);
    const thread = opened.location!;
    expect((await clients.MEM.post(thread, { intent: "post", body: "请教 @SCIAPPL 和 @SECLIT" })).status).toBe(302);
    const postId = lastPostBy("MEM");
    // SCIAPPL, an applicant of another college, may not read a members' course: not mentioned, and the thread does not tell her name.
    expect(db().prepare(`SELECT "personId" FROM "DiscussionMention" WHERE "postId" = ?`).all(postId)).toEqual([{ personId: ids.SECLIT }]);
    const page = await clients.MEM.get(thread);
    expect(page.text).toContain("人员SECLIT");
    expect(page.text).not.toContain("人员SCIAPPL");
  });
});

describe("a library tells a reader nothing beyond the documents they may see", () => {
  it("shows another college's reader, and a member with nothing to read there, no folder names", async () => {
    const form = new FormData();
    form.set("intent", "folder");
    form.set("name", "违纪处分材料");
    const made = await clients.SECLIT.post(`/org/${ids.lit}/documents`, form);
    expect(made.status).toBe(200);
    expect(made.text).toContain("文件夹已建立");
    expect((await clients.SECLIT.get(`/org/${ids.lit}/documents`)).text).toContain("违纪处分材料");
    for (const key of ["SCIAPPL", "MEM"]) {
      const page = await clients[key].get(`/org/${ids.lit}/documents`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("文学院党委");
      expect(page.text).not.toContain("违纪处分材料");
    }
  });
});

describe("edits are bounded like posts", () => {
  it("refuses the edit past the limit, keeping the text and the versions as they were", async () => {
    const topic = await collegeTopic("修改次数");
    expect((await clients.MEM.post(`/discuss/${topic}`, { intent: "post", body: "第 0 版" })).status).toBe(302);
    const postId = lastPostBy("MEM");
    // Each edit keeps the text it replaced: without a bound, one post could store any number of 5,000-character versions.
    for (let i = 1; i <= 20; i++) {
      expect((await clients.MEM.post(`/discuss/${topic}`, { intent: "edit", postId: String(postId), body: `第 ${i} 版` })).status).toBe(200);
    }
    const refused = await clients.MEM.post(`/discuss/${topic}`, { intent: "edit", postId: String(postId), body: "第 21 版" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("每条内容最多修改 20 次");
    expect(db().prepare(`SELECT "body" FROM "DiscussionPost" WHERE "id" = ?`).get(postId)).toEqual({ body: "第 20 版" });
    expect(db().prepare(`SELECT COUNT(*) AS "n" FROM "DiscussionPostVersion" WHERE "postId" = ?`).get(postId)).toEqual({ n: 20 });
  });
});

describe("the word list holds what a reader would read", () => {
  it("holds a post whose listed word is spelled with character references, which the page shows decoded", async () => {
    // Markdown shows &#31105; and &#x7981; as 禁: the page reads 违禁词 while the source does not.
    expect([200, 409]).toContain((await clients.ADMIN.post("/manage/discussion/words", { intent: "add", word: "违禁词" })).status);
    const topic = await collegeTopic("字符引用");
    for (const body of ["这里有违&#31105;词", "这里有违&#x7981;词"]) {
      expect((await clients.MEM.post(`/discuss/${topic}`, { intent: "post", body })).status).toBe(302);
      const postId = lastPostBy("MEM");
      expect(db().prepare(`SELECT "state", "heldFor", "matchedWords" FROM "DiscussionPost" WHERE "id" = ?`).get(postId)).toEqual({
        state: "held",
        heldFor: "words",
        matchedWords: JSON.stringify(["违禁词"]),
      });
    }
    expect((await clients.MEM.get(`/discuss/${topic}`)).text).toContain("这里有违禁词");
  });
});
