import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toLocalInput } from "~/lib/quiz-settings";
import { storedTimestamp } from "~/lib/timestamp";
import { zip } from "../fixtures/office/make-workbooks";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// Written assignments against the real server: the organiser sets one for a class; members write,
// keep a draft and hand in (counted as a school counts 字, within the limits and the dates, late until
// lateUntil and refused after); one attachment judged by its bytes and readable by the author, their
// tutors and the organiser only; tutors grade by the rubric or return for revision, and a second
// hand-in keeps the first; a tutor grades their own groups only, nobody their own work, and a person
// outside the class meets a 404. Dates are moved in the database, never waited for (decision 039).

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const DAY = 24 * 3600_000;
const dataDir = path.join(TMP, `assignments-data-${process.pid}-${Date.now()}`);
let classId = 0;
let assignmentId = 0;

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "作业大学党委", kind: "committee" });
  const college = f.unit({ name: "马克思主义学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "马院学生第一党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "化学学院党委", kind: "college", parent: root });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "activist" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("ORG", college.id);
  f.grant(ids.ORG, "trainer", college.id);
  await person("OTHERORG", other.id);
  f.grant(ids.OTHERORG, "trainer", other.id);
  // Tutors hold no role in the school: being a ClassTutor is enough.
  for (const key of ["T1", "T2", "M1", "M2", "M3", "OUT"]) await person(key, branch.id);

  const now = new Date();
  classId = f.db
    .prepare(
      `INSERT INTO "TrainingClass" ("kind", "title", "term", "unitId", "startsOn", "endsOn", "gradingRule", "status", "createdById", "createdAt", "updatedAt")
       VALUES ('activist', '第 12 期入党积极分子培训班', 12, ?, ?, ?, '{}', 'running', ?, ?, ?) RETURNING "id"`,
    )
    .pluck()
    .get(college.id, storedTimestamp(now), storedTimestamp(new Date(now.getTime() + 30 * DAY)), ids.ORG, storedTimestamp(now), storedTimestamp(now)) as number;
  const group = (name: string) =>
    f.db.prepare(`INSERT INTO "ClassGroup" ("classId", "name") VALUES (?, ?) RETURNING "id"`).pluck().get(classId, name) as number;
  const g1 = group("第一组");
  const g2 = group("第二组");
  const tutor = (groupId: number, key: string) => f.db.prepare(`INSERT INTO "ClassTutor" ("groupId", "personId") VALUES (?, ?)`).run(groupId, ids[key]);
  tutor(g1, "T1");
  tutor(g2, "T2");
  // M2 is both a member of the first group and one of its tutors: she grades M1, never herself.
  tutor(g1, "M2");
  const member = (key: string, groupId: number, status = "enrolled") =>
    f.db
      .prepare(
        `INSERT INTO "ClassMember" ("classId", "personId", "status", "source", "groupId", "createdAt", "updatedAt") VALUES (?, ?, ?, 'organiser', ?, ?, ?)`,
      )
      .run(classId, ids[key], status, groupId, storedTimestamp(now), storedTimestamp(now));
  member("M1", g1);
  member("M2", g1);
  member("M3", g2);
  member("OUT", g2, "withdrawn");
});
afterAll(async () => {
  // The data folder goes also when stop() throws (the server wrote to stderr).
  try {
    await server?.stop();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

const settings = (overrides: Record<string, string> = {}) => ({
  title: "学习心得",
  kind: "essay",
  prompt: "结合培训内容，谈谈你对入党动机的认识。",
  minChars: "20",
  maxChars: "60",
  opensAt: toLocalInput(new Date(Date.now() - DAY)),
  dueAt: toLocalInput(new Date(Date.now() + 7 * DAY)),
  lateUntil: toLocalInput(new Date(Date.now() + 10 * DAY)),
  allowAttachments: "on",
  rubric: "思想认识 40\n联系实际：30分\n文字表达 30",
  ...overrides,
});
const submission = (key: string) =>
  server.factory.db
    .prepare(
      `SELECT "id", "status", "text", "chars", "version", "late", "score", "rubricScores", "attachmentPath", "attachmentMime" FROM "Submission" WHERE "assignmentId" = ? AND "personId" = ?`,
    )
    .get(assignmentId, ids[key]) as
    | {
        id: number;
        status: string;
        text: string;
        chars: number;
        version: number;
        late: number;
        score: number | null;
        rubricScores: string | null;
        attachmentPath: string | null;
        attachmentMime: string | null;
      }
    | undefined;
const versions = (key: string) =>
  server.factory.db.prepare(`SELECT "version", "text", "chars" FROM "SubmissionVersion" WHERE "submissionId" = ? ORDER BY "version"`).all(submission(key)!.id);
const audits = (action: string) =>
  server.factory.db.prepare(`SELECT "actorId", "targetId" FROM "AuditLog" WHERE "action" = ? ORDER BY "id"`).all(action) as {
    actorId: number;
    targetId: string;
  }[];
/** The page's text as a person reads it: React's separators between text parts dropped. */
const visible = (html: string) => html.replace(/<!-- -->/g, "");
/** The names listed in a grading queue. */
const queueNames = (html: string) =>
  [.../<ul[^>]*data-testid="queue">([\s\S]*?)<\/ul>/.exec(html)![1].matchAll(/<span class="font-semibold">([^<]+)<\/span>/g)].map((m) => m[1]);
const page = () => `/assignments/${assignmentId}`;
const queue = (query = "") => `/manage/assignments/${assignmentId}${query}`;
const setDates = (dates: { dueAt?: Date; lateUntil?: Date | null }) => {
  for (const [column, value] of Object.entries(dates)) {
    server.factory.db.prepare(`UPDATE "Assignment" SET "${column}" = ? WHERE "id" = ?`).run(value ? storedTimestamp(value) : null, assignmentId);
  }
};
/** 党 repeated: each counts one 字; the punctuation around it counts nothing. */
const essay = (n: number) => `“${"党".repeat(n)}。”`;

describe("assignments", () => {
  it("lets the organiser set an assignment with a rubric, and nobody else", async () => {
    const url = `/manage/classes/${classId}/assignments`;
    const bad = await clients.ORG.post(url, settings({ rubric: "思想认识\n联系实际 30" }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("第 1 行「思想认识」应为“标准名称 满分”");
    const limits = await clients.ORG.post(url, settings({ minChars: "80" }));
    expect(limits.status).toBe(400);
    expect(limits.text).toContain("最多字数不能少于最少字数");
    for (const key of ["OTHERORG", "T1", "M1"]) {
      expect((await clients[key].post(url, settings())).status).toBe(404);
      expect((await clients[key].get(url)).status).toBe(key === "M1" || key === "T1" ? 403 : 404);
    }
    const ok = await clients.ORG.post(url, settings());
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("已布置作业「学习心得」");
    const row = server.factory.db
      .prepare(`SELECT "id", "rubric", "minChars", "maxChars", "allowAttachments" FROM "Assignment" WHERE "classId" = ?`)
      .get(classId) as {
      id: number;
      rubric: string;
      minChars: number;
      maxChars: number;
      allowAttachments: number;
    };
    assignmentId = row.id;
    expect(JSON.parse(row.rubric)).toEqual([
      { label: "思想认识", max: 4000 },
      { label: "联系实际", max: 3000 },
      { label: "文字表达", max: 3000 },
    ]);
    expect(row).toMatchObject({ minChars: 20, maxChars: 60, allowAttachments: 1 });
    expect(audits("assignment.create")).toEqual([{ actorId: ids.ORG, targetId: String(assignmentId) }]);
  });

  it("shows the assignment to enrolled members only", async () => {
    const mine = await clients.M1.get(page());
    expect(mine.status).toBe(200);
    expect(mine.text).toContain("结合培训内容，谈谈你对入党动机的认识。");
    expect(mine.text).toContain("仍可补交，记为迟交");
    // A withdrawn member, a tutor who is not a member, another college's trainer: the same 404.
    for (const key of ["OUT", "T1", "OTHERORG"]) {
      const res = await clients[key].get(page());
      expect(res.status).toBe(404);
      expect(res.text).toContain("没有找到这份作业");
    }
    expect((await clients.M1.get("/assignments/999999")).status).toBe(404);
  });

  it("keeps a draft as it is typed and counts it as the page does", async () => {
    const saved = await clients.M1.post(page(), { intent: "save", text: "我的入党动机 draft，还没写完" });
    expect(saved.status).toBe(200);
    expect(submission("M1")).toMatchObject({ status: "draft", text: "我的入党动机 draft，还没写完", chars: 11, version: 0 });
    expect((await clients.M1.get(page())).text).toContain("我的入党动机 draft，还没写完");
    expect(audits("submission.draft")).toHaveLength(1);
    // Saving again writes the same row; the audit log records the draft once.
    await clients.M1.post(page(), { intent: "save", text: "第二次保存" });
    expect(submission("M1")?.text).toBe("第二次保存");
    expect(audits("submission.draft")).toHaveLength(1);
    expect((await clients.OUT.post(page(), { intent: "save", text: "不是学员" })).status).toBe(404);
  });

  it("refuses a hand-in below the minimum with its count and above the maximum, keeping the text", async () => {
    const short = await clients.M1.post(page(), { intent: "submit", text: essay(19) });
    expect(short.status).toBe(400);
    expect(short.text).toContain("字数不足：要求至少 20 字，当前 19 字");
    expect(submission("M1")).toMatchObject({ status: "draft", text: essay(19), version: 0 });
    const long = await clients.M1.post(page(), { intent: "submit", text: essay(61) });
    expect(long.status).toBe(400);
    expect(long.text).toContain("字数超出：要求不超过 60 字，当前 61 字");
    expect(submission("M1")?.status).toBe("draft");
    const huge = await clients.M1.post(page(), { intent: "submit", text: "党".repeat(100_001) });
    expect(huge.status).toBe(400);
    expect(versions("M1")).toEqual([]);
  });

  it("keeps an attachment only when its bytes are PDF, Word or an image", async () => {
    const upload = (client: Client, bytes: Uint8Array<ArrayBuffer>, name: string, type: string) => {
      const form = new FormData();
      form.append("intent", "attach");
      form.append("attachment", new Blob([bytes], { type }), name);
      return client.post(page(), form);
    };
    const exe = new Uint8Array(Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00"), Buffer.alloc(200)]));
    const refused = await upload(clients.M1, exe, "心得.pdf", "application/pdf");
    expect(refused.status).toBe(415);
    expect(refused.text).toContain("附件须为 PDF、Word 文档或 JPEG、PNG、WebP 图片");
    expect(submission("M1")?.attachmentPath).toBeNull();
    expect(fs.existsSync(path.join(dataDir, "assignments")) ? fs.readdirSync(path.join(dataDir, "assignments")) : []).toEqual([]);

    const pdf = new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"));
    const ok = await upload(clients.M1, pdf, "手写心得扫描件.jpg", "image/jpeg");
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("附件已上传");
    const s = submission("M1")!;
    expect(s.attachmentMime).toBe("application/pdf");
    expect(s.attachmentPath).toMatch(/^assignments\/[0-9a-f]{32}\.pdf$/);
    expect(fs.readFileSync(path.join(dataDir, s.attachmentPath!))).toEqual(Buffer.from(pdf));

    const tooLarge = await upload(
      clients.M1,
      new Uint8Array(Buffer.concat([Buffer.from(pdf), Buffer.alloc(10 * 1024 * 1024)])),
      "大文件.pdf",
      "application/pdf",
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text).toContain("文件超过 10 MB 的上限");
    expect(submission("M1")?.attachmentMime).toBe("application/pdf");

    // A zip is a Word document only when it holds one: a workbook renamed .docx is refused.
    const workbook = new Uint8Array(zip({ "[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>" }));
    expect((await upload(clients.M3, workbook, "心得.docx", "application/octet-stream")).status).toBe(415);
    const docx = new Uint8Array(zip({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>" }));
    expect((await upload(clients.M3, docx, "读书报告", "application/octet-stream")).status).toBe(200);
    const m3 = submission("M3")!;
    expect(m3).toMatchObject({ status: "draft", attachmentMime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    expect((await clients.M3.get(page())).text).toContain("读书报告.docx");
    // Removed: the row forgets it and the file goes.
    expect((await clients.M3.post(page(), { intent: "detach" })).text).toContain("附件已删除");
    expect(submission("M3")?.attachmentPath).toBeNull();
    expect(fs.existsSync(path.join(dataDir, m3.attachmentPath!))).toBe(false);
    expect(audits("submission.attach").map((a) => a.actorId)).toEqual([ids.M1, ids.M3]);
    expect(audits("submission.detach")).toEqual([{ actorId: ids.M3, targetId: String(m3.id) }]);
  });

  it("hands in within the limits: one version per hand-in, then locked until returned", async () => {
    const res = await clients.M1.post(page(), { intent: "submit", text: essay(30) });
    expect(res.status).toBe(200);
    expect(res.text).toContain("已提交第 1 稿（30 字）");
    expect(submission("M1")).toMatchObject({ status: "submitted", version: 1, late: 0, chars: 30 });
    expect(versions("M1")).toEqual([{ version: 1, text: essay(30), chars: 30 }]);
    const again = await clients.M1.post(page(), { intent: "submit", text: essay(40) });
    expect(again.status).toBe(409);
    expect(again.text).toContain("作业已提交，等待批阅");
    expect((await clients.M1.post(page(), { intent: "save", text: "改一下" })).status).toBe(409);
    expect(submission("M1")?.text).toBe(essay(30));
    expect(audits("submission.submit")).toHaveLength(1);
  });

  it("lets the author, the tutors of the author's group and the organiser download the attachment, audited", async () => {
    const url = `/assignments/attachments/${submission("M1")!.id}`;
    for (const key of ["M1", "T1", "M2", "ORG"]) {
      const res = await clients[key].download(url);
      expect(res.status, key).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      expect(res.headers.get("content-disposition")).toContain("attachment");
      expect(res.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    }
    for (const key of ["T2", "M3", "OUT", "OTHERORG"]) expect((await clients[key].get(url)).status, key).toBe(404);
    expect(audits("submission.download").map((a) => a.actorId)).toEqual([ids.M1, ids.T1, ids.M2, ids.ORG]);
  });

  it("lists in a tutor's queue only the members of their groups, and refuses anyone else", async () => {
    await clients.M2.post(page(), { intent: "submit", text: essay(25) });
    await clients.M3.post(page(), { intent: "submit", text: essay(26) });
    const t1 = await clients.T1.get(queue());
    expect(t1.status).toBe(200);
    expect(queueNames(t1.text)).toEqual(["人员M1", "人员M2"]);
    // M2 tutors her own group but does not see her own work in the queue.
    expect(queueNames((await clients.M2.get(queue())).text)).toEqual(["人员M1"]);
    expect(queueNames((await clients.T2.get(queue())).text)).toEqual(["人员M3"]);
    expect(queueNames((await clients.ORG.get(queue("?status=submitted"))).text)).toEqual(["人员M1", "人员M2", "人员M3"]);
    expect(queueNames((await clients.ORG.get(queue("?status=graded"))).text)).toEqual([]);
    for (const key of ["M1", "OUT", "OTHERORG"]) expect((await clients[key].get(queue())).status, key).toBe(404);
    // A submission outside the tutor's groups cannot be opened by its id either.
    expect((await clients.T2.get(queue(`?s=${submission("M1")!.id}`))).status).toBe(404);
    const opened = await clients.T1.get(queue(`?s=${submission("M1")!.id}`));
    expect(opened.text).toContain(essay(30));
    // The hand-in queued a similarity check, run off the request path; the grading view shows its report.
    expect(opened.text).toContain('data-testid="similarity-report"');
    await expect
      .poll(async () => visible((await clients.T1.get(queue(`?s=${submission("M1")!.id}`))).text), { timeout: 20_000 })
      .toMatch(/查重结果[\s\S]*相似度 \d+%<\/strong>：(未达到|疑似抄袭)/);
  });

  it("grades by the rubric within each maximum, by the right tutor, never one's own work", async () => {
    const grade = (client: Client, key: string, points: string[], comment = "") => {
      const form: Record<string, string> = { intent: "grade", submissionId: String(submission(key)!.id), comment };
      points.forEach((p, i) => (form[`points[${i}]`] = p));
      return client.post(queue(), form);
    };
    const over = await grade(clients.T1, "M1", ["41", "20", "20"]);
    expect(over.status).toBe(400);
    expect(over.text).toContain("「思想认识」的得分应在 0 至 40 分之间");
    expect((await grade(clients.T1, "M1", ["30", "20"])).status).toBe(400);
    expect((await grade(clients.T1, "M1", ["abc", "20", "20"])).status).toBe(400);
    const otherGroup = await grade(clients.T2, "M1", ["30", "20", "20"]);
    expect(otherGroup.status).toBe(404);
    const own = await grade(clients.M2, "M2", ["40", "30", "30"]);
    expect(own.status).toBe(403);
    expect(own.text).toContain("不能批阅自己的作业");
    expect(submission("M1")).toMatchObject({ status: "submitted", score: null });
    expect(submission("M2")).toMatchObject({ status: "submitted", score: null });

    const ok = await grade(clients.T1, "M1", ["35.5", "25", "20"], "联系实际可以更具体。");
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("已评分：80.5 分");
    expect(submission("M1")).toMatchObject({ status: "graded", score: 8050, rubricScores: "[3550,2500,2000]" });
    const mine = await clients.M1.get(page());
    expect(mine.text).toContain("80.5");
    expect(mine.text).toContain("联系实际可以更具体。");
    expect(audits("submission.grade")).toHaveLength(1);
  });

  it("returns for revision with a reason; the second hand-in keeps the first and the grade history", async () => {
    const id = String(submission("M1")!.id);
    const noReason = await clients.T1.post(queue(), { intent: "return", submissionId: id, reason: " " });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("请填写退回修改的原因");
    const by = toLocalInput(new Date(Date.now() + 3 * DAY));
    const returned = await clients.T1.post(queue(), { intent: "return", submissionId: id, reason: "请补充自己的学习经历", resubmitBy: by });
    expect(returned.status).toBe(200);
    expect(submission("M1")?.status).toBe("returned");
    expect(audits("submission.return")).toEqual([{ actorId: ids.T1, targetId: id }]);
    const mine = await clients.M1.get(page());
    expect(mine.text).toContain("请补充自己的学习经历");
    expect(visible(mine.text)).toContain(`请在 ${by.replace("T", " ")} 前修改后重新提交`);

    // Past the assignment's due date, the date the tutor set still makes the new hand-in on time.
    setDates({ dueAt: new Date(Date.now() - DAY), lateUntil: new Date(Date.now() - DAY / 2) });
    const again = await clients.M1.post(page(), { intent: "submit", text: essay(45) });
    expect(again.status).toBe(200);
    expect(again.text).toContain("已提交第 2 稿（45 字）");
    expect(submission("M1")).toMatchObject({ status: "submitted", version: 2, late: 0 });
    expect(versions("M1")).toEqual([
      { version: 1, text: essay(30), chars: 30 },
      { version: 2, text: essay(45), chars: 45 },
    ]);
    const reviews = server.factory.db
      .prepare(`SELECT "version", "action", "score", "reason" FROM "SubmissionReview" WHERE "submissionId" = ? ORDER BY "id"`)
      .all(id);
    expect(reviews).toEqual([
      { version: 1, action: "graded", score: 8050, reason: null },
      { version: 1, action: "returned", score: null, reason: "请补充自己的学习经历" },
    ]);
    const opened = await clients.T1.get(queue(`?s=${id}`));
    expect(opened.text).toContain("此前的版本");
    expect(opened.text).toContain(essay(30));
    expect(opened.text).toContain(essay(45));
  });

  it("keeps each version's attachment: a new file on resubmission leaves the graded one reachable on its version", async () => {
    const id = submission("M1")!.id;
    const before = submission("M1")!.attachmentPath!;
    const by = toLocalInput(new Date(Date.now() + 3 * DAY));
    expect((await clients.T1.post(queue(), { intent: "return", submissionId: String(id), reason: "请附上修改后的 Word 稿", resubmitBy: by })).status).toBe(200);
    const form = new FormData();
    form.append("intent", "attach");
    const docx = zip({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document>第三稿</w:document>" });
    form.append("attachment", new Blob([new Uint8Array(docx)], { type: "application/octet-stream" }), "修改稿.docx");
    expect((await clients.M1.post(page(), form)).status).toBe(200);
    // The replaced file was handed in with versions 1 and 2: it stays on disk.
    expect(submission("M1")!.attachmentPath).not.toBe(before);
    expect(fs.existsSync(path.join(dataDir, before))).toBe(true);
    expect((await clients.M1.post(page(), { intent: "submit", text: essay(50) })).text).toContain("已提交第 3 稿");
    const kept = server.factory.db
      .prepare(`SELECT "version", "attachmentName", "attachmentMime" FROM "SubmissionVersion" WHERE "submissionId" = ? ORDER BY "version"`)
      .all(id);
    expect(kept).toEqual([
      { version: 1, attachmentName: "手写心得扫描件.pdf", attachmentMime: "application/pdf" },
      { version: 2, attachmentName: "手写心得扫描件.pdf", attachmentMime: "application/pdf" },
      { version: 3, attachmentName: "修改稿.docx", attachmentMime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
    ]);

    const file = (v?: number) => `/assignments/attachments/${id}${v === undefined ? "" : `?version=${v}`}`;
    // The tutor's view links the file of the version being graded and each earlier version's own.
    const graded = visible((await clients.T1.get(queue(`?s=${id}`))).text);
    expect(graded).toContain(`href="${file(3)}" class="text-party underline" data-testid="attachment-link">修改稿.docx`);
    expect(graded).toContain(`href="${file(1)}"`);
    expect(graded).toContain(`href="${file(2)}"`);
    // The author's page lists each hand-in with its file.
    const mine = visible((await clients.M1.get(page())).text);
    expect(mine).toMatch(new RegExp(`data-testid="version-1">第 1 稿[^<]*<a href="${file(1).replace("?", "\\?")}"[^>]*>手写心得扫描件.pdf`));
    expect(mine).toMatch(new RegExp(`data-testid="version-3">第 3 稿[^<]*<a href="${file(3).replace("?", "\\?")}"[^>]*>修改稿.docx`));

    const downloads = audits("submission.download").length;
    for (const key of ["M1", "T1", "ORG"]) {
      const old = await clients[key].download(file(1));
      expect(old.status, key).toBe(200);
      expect(old.bytes.subarray(0, 5).toString(), key).toBe("%PDF-");
      const current = await clients[key].download(file(3));
      expect(current.headers.get("content-type"), key).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
      expect(current.bytes.equals(docx), key).toBe(true);
    }
    for (const key of ["T2", "M3", "OUT", "OTHERORG"]) {
      for (const v of [1, 3]) expect((await clients[key].get(file(v))).status, `${key} v${v}`).toBe(404);
    }
    // A version that does not exist, or a malformed one, is no file.
    expect((await clients.M1.get(file(9))).status).toBe(404);
    expect((await clients.M1.get(`/assignments/attachments/${id}?version=abc`)).status).toBe(400);
    const logged = server.factory.db
      .prepare(`SELECT "actorId", "detail" FROM "AuditLog" WHERE "action" = 'submission.download' ORDER BY "id"`)
      .all()
      .slice(downloads) as { actorId: number; detail: string }[];
    expect(logged.map((l) => [l.actorId, JSON.parse(l.detail).version])).toEqual([
      [ids.M1, 1],
      [ids.M1, 3],
      [ids.T1, 1],
      [ids.T1, 3],
      [ids.ORG, 1],
      [ids.ORG, 3],
    ]);
  });

  it("marks a hand-in after the due date late, and refuses it after lateUntil", async () => {
    await clients.T2.post(queue(), { intent: "return", submissionId: String(submission("M3")!.id), reason: "请重写" });
    // Returned without a date of its own: the assignment's dates apply.
    setDates({ dueAt: new Date(Date.now() - DAY), lateUntil: new Date(Date.now() + DAY) });
    const late = await clients.M3.post(page(), { intent: "submit", text: essay(33) });
    expect(late.status).toBe(200);
    expect(late.text).toContain("记为迟交");
    expect(submission("M3")).toMatchObject({ status: "submitted", version: 2, late: 1 });

    await clients.T1.post(queue(), { intent: "return", submissionId: String(submission("M2")!.id), reason: "请重写" });
    setDates({ lateUntil: new Date(Date.now() - 60_000) });
    const refused = await clients.M2.post(page(), { intent: "submit", text: essay(34) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("补交截止时间");
    expect(refused.text).toContain("已过，不再接收");
    // Refused, but what she typed is kept as her draft.
    expect(submission("M2")).toMatchObject({ status: "returned", version: 1, text: essay(34) });

    setDates({ lateUntil: null });
    const noLate = await clients.M2.post(page(), { intent: "submit", text: essay(34) });
    expect(noLate.status).toBe(409);
    expect(noLate.text).toContain("本作业不接受补交");
  });

  it("counts submissions by state on the organiser's list", async () => {
    const list = await clients.ORG.get(`/manage/classes/${classId}/assignments`);
    expect(list.status).toBe(200);
    expect(list.text).toContain("学习心得");
    // M1 and M3 handed in again (待批阅 2), M2 returned (1), nothing graded now; 3 enrolled.
    const row = /data-testid="assignment-row">([\s\S]*?)<\/tr>/.exec(list.text)![1];
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, "").replace(/<!-- -->/g, ""));
    expect(cells.slice(3)).toEqual(["3 / 3", "2", "0", "1"]);
  });
});
