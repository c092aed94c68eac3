import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thoughtReportQuarter } from "~/lib/assignments";
import { storedTimestamp } from "~/lib/timestamp";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// 思想汇报 against the real server: a person writes this quarter's report (draft kept, at least 200 字),
// hands it in; everyone's report of a quarter hangs on one assignment row; the secretaries over the
// person's branch read it and comment (已阅), nobody else does, and nobody comments on their own.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const URL = "/account/thought-reports";
const REVIEW = "/account/thought-reports/review";
const CONTACTS = "/account/thought-reports/contacts";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "汇报大学党委", kind: "committee" });
  const branch = f.unit({ name: "历史学院学生党支部", kind: "branch", branchType: "student", parent: root });
  const other = f.unit({ name: "物理学院学生党支部", kind: "branch", branchType: "student", parent: root });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "activist" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", branch.id);
  f.grant(ids.SEC, "secretary", branch.id);
  await person("OTHERSEC", other.id);
  f.grant(ids.OTHERSEC, "secretary", other.id);
  await person("P", branch.id);
  await person("P2", branch.id);
  // P's 培养联系人 today (a member of another branch with no role), a former one whose term ended
  // yesterday, and a member who contacts nobody.
  await person("CONTACT", other.id);
  await person("FORMER", branch.id);
  await person("NOBODY", branch.id);
  const contact = f.db.prepare(
    `INSERT INTO "PipelineContact" ("personId", "role", "memberId", "since", "endedOn", "recordedById", "recordedAt") VALUES (?, 'contact', ?, ?, ?, ?, ?)`,
  );
  const day = (d: number) => storedTimestamp(new Date(Date.now() + d * 86_400_000));
  contact.run(ids.P, ids.CONTACT, day(-200), null, ids.SEC, day(0));
  contact.run(ids.P, ids.FORMER, day(-400), day(-1), ids.SEC, day(0));
  // P2's 入党介绍人 is not a reader: only the 培养联系人 read.
  f.db
    .prepare(`INSERT INTO "PipelineContact" ("personId", "role", "memberId", "since", "recordedById", "recordedAt") VALUES (?, 'sponsor', ?, ?, ?, ?)`)
    .run(ids.P2, ids.CONTACT, day(-10), ids.SEC, day(0));
});
afterAll(async () => {
  await server?.stop();
});

const report = (n: number) => `本季度我认真学习了党章。${"学".repeat(n - 11)}`;
const secretarysOwn = `书记本人的汇报。${"思".repeat(220)}`;
const submission = (key: string) =>
  server.factory.db
    .prepare(
      `SELECT s."id", s."status", s."text", s."chars", s."comment", a."series" FROM "Submission" s JOIN "Assignment" a ON a."id" = s."assignmentId" WHERE s."personId" = ? AND a."kind" = 'thought_report'`,
    )
    .get(ids[key]) as { id: number; status: string; text: string; chars: number; comment: string | null; series: string } | undefined;

describe("thought reports", () => {
  it("keeps a draft and refuses a report under 200 字 with its count", async () => {
    const page = await clients.P.get(URL);
    expect(page.status).toBe(200);
    expect(page.text).toContain(thoughtReportQuarter(new Date()).title);
    expect((await clients.P.post(URL, { intent: "save", text: "草稿：本季度" })).status).toBe(200);
    expect(submission("P")).toMatchObject({ status: "draft", text: "草稿：本季度", chars: 5, series: thoughtReportQuarter(new Date()).series });
    const short = await clients.P.post(URL, { intent: "submit", text: report(150) });
    expect(short.status).toBe(400);
    expect(short.text).toContain("字数不足：要求至少 200 字，当前 150 字");
    expect(submission("P")).toMatchObject({ status: "draft", text: report(150) });
  });

  it("hands in this quarter's report once; everyone's hangs on one row", async () => {
    const ok = await clients.P.post(URL, { intent: "submit", text: report(260) });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("思想汇报已提交（260 字）");
    expect(submission("P")).toMatchObject({ status: "submitted", chars: 260 });
    expect((await clients.P.post(URL, { intent: "submit", text: report(300) })).status).toBe(409);
    expect((await clients.P2.post(URL, { intent: "submit", text: report(210) })).status).toBe(200);
    expect((await clients.SEC.post(URL, { intent: "submit", text: secretarysOwn })).status).toBe(200);
    expect(server.factory.db.prepare(`SELECT COUNT(*) FROM "Assignment" WHERE "kind" = 'thought_report'`).pluck().get()).toBe(1);
    // The quarter's row is not a class assignment: the class pages do not serve it.
    const assignmentId = server.factory.db.prepare(`SELECT "id" FROM "Assignment" WHERE "kind" = 'thought_report'`).pluck().get() as number;
    expect((await clients.P.get(`/assignments/${assignmentId}`)).status).toBe(404);
    // Nor is it checked for similarity: that is for a class's written work (decision 045).
    expect(server.factory.db.prepare(`SELECT COUNT(*) FROM "SimilarityReport"`).pluck().get()).toBe(0);
  });

  it("is read by the secretaries over the person's branch only, never by its author", async () => {
    const sec = await clients.SEC.get(REVIEW);
    expect(sec.status).toBe(200);
    expect(sec.text).toContain("人员P<");
    expect(sec.text).toContain("人员P2<");
    expect(sec.text).toContain(report(260));
    // Her own report is not hers to read.
    expect(sec.text).not.toContain(secretarysOwn);
    expect((await clients.OTHERSEC.get(REVIEW)).text).not.toContain(report(260));
    expect((await clients.P.get(REVIEW)).status).toBe(403);

    const id = String(submission("P")!.id);
    expect((await clients.OTHERSEC.post(REVIEW, { intent: "comment", submissionId: id, comment: "好" })).status).toBe(404);
    const empty = await clients.SEC.post(REVIEW, { intent: "comment", submissionId: id, comment: " " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("请填写意见");
    const own = await clients.SEC.post(REVIEW, { intent: "comment", submissionId: String(submission("SEC")!.id), comment: "自评" });
    expect(own.status).toBe(403);
    expect(submission("SEC")?.status).toBe("submitted");

    const ok = await clients.SEC.post(REVIEW, { intent: "comment", submissionId: id, comment: "认识深刻，望继续结合专业学习。" });
    expect(ok.status).toBe(200);
    expect(submission("P")).toMatchObject({ status: "graded", comment: "认识深刻，望继续结合专业学习。" });
    const mine = await clients.P.get(URL);
    expect(mine.text).toContain("阅读意见：认识深刻，望继续结合专业学习。");
    expect(mine.text).toContain("已阅");
    const audited = server.factory.db.prepare(`SELECT "actorId" FROM "AuditLog" WHERE "action" = 'submission.grade' AND "targetId" = ?`).all(id);
    expect(audited).toEqual([{ actorId: ids.SEC }]);
  });

  it("is read and commented by the person's current 培养联系人, who holds no role", async () => {
    const home = await clients.CONTACT.get("/account");
    expect(home.text).toContain("我联系的入党积极分子的思想汇报（1 人）");
    expect((await clients.NOBODY.get("/account")).text).not.toContain("我联系的入党积极分子的思想汇报");
    const page = await clients.CONTACT.get(CONTACTS);
    expect(page.status).toBe(200);
    expect(page.text).toContain("人员P<");
    expect(page.text).toContain(report(260));
    // P2's report is not theirs to read: they are her 入党介绍人, not her 培养联系人.
    expect(page.text).not.toContain("人员P2<");
    // The secretaries' page stays closed to them.
    expect((await clients.CONTACT.get(REVIEW)).status).toBe(403);
    // Who read which report is kept.
    const reads = server.factory.db
      .prepare(`SELECT "detail" FROM "AuditLog" WHERE "action" = 'thought_report.read' AND "actorId" = ?`)
      .pluck()
      .all(ids.CONTACT) as string[];
    expect(reads.map((d) => JSON.parse(d))).toEqual([{ submissionIds: [submission("P")!.id] }]);

    const id = String(submission("P")!.id);
    const ok = await clients.CONTACT.post(CONTACTS, { intent: "comment", submissionId: id, comment: "联系人意见：注意理论联系实际。" });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("已阅，意见已保存");
    expect(submission("P")).toMatchObject({ status: "graded", comment: "联系人意见：注意理论联系实际。" });
    expect((await clients.P.get(URL)).text).toContain("阅读意见：联系人意见：注意理论联系实际。");
    const audited = server.factory.db
      .prepare(`SELECT "detail" FROM "AuditLog" WHERE "action" = 'submission.grade' AND "targetId" = ? AND "actorId" = ?`)
      .pluck()
      .all(id, ids.CONTACT) as string[];
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0])).toMatchObject({ kind: "thought_report", personId: ids.P, as: "contact" });
  });

  it("is closed to a former 培养联系人, a 入党介绍人 and an unrelated member: 404, nothing changed", async () => {
    const id = String(submission("P")!.id);
    const before = submission("P");
    for (const key of ["FORMER", "NOBODY"]) {
      const page = await clients[key].get(CONTACTS);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(report(260));
      expect((await clients[key].post(CONTACTS, { intent: "comment", submissionId: id, comment: "越权" })).status).toBe(404);
    }
    const p2 = String(submission("P2")!.id);
    expect((await clients.CONTACT.post(CONTACTS, { intent: "comment", submissionId: p2, comment: "越权" })).status).toBe(404);
    expect(submission("P")).toEqual(before);
    expect(submission("P2")?.status).toBe("submitted");
  });
});
