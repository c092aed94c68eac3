import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";
import { openClassFactory } from "../class-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// An attacker's pass over the classes and the development file, each finding kept as a test: nobody
// enrols, approves or grants a make-up to themselves; a withdrawal takes the 结业证书 with it; neither
// the class import nor naming a contact tells anyone's name, unit or status beyond the caller's scope;
// nobody adds documents to their own file, and a document is a download that is audited; a class's
// exam is a quiz its organiser could choose; an upload is authorised before its body is read.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const db = () => server.factory.db;
const count = (table: string, where = "1 = 1", ...args: unknown[]) =>
  (
    db()
      .prepare(`SELECT COUNT(*) AS "n" FROM "${table}" WHERE ${where}`)
      .get(...args) as { n: number }
  ).n;
let term = 0;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "大学党委", kind: "committee" });
  const lit = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const lit1 = f.unit({ name: "文学院学生第一党支部", kind: "branch", branchType: "student", parent: lit });
  const sci = f.unit({ name: "理学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, lit: lit.id, lit1: lit1.id, sci: sci.id });
  const person = async (key: string, unitId: number, politicalStatus = "member", login = true) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus, statusSince: new Date("2024-01-01T00:00:00Z") });
    if (!login) return;
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("ADMIN", root.id);
  f.grant(ids.ADMIN, "admin", root.id);
  await person("SECLIT", lit.id);
  f.grant(ids.SECLIT, "secretary", lit.id);
  await person("SECSCI", sci.id);
  f.grant(ids.SECSCI, "secretary", sci.id);
  await person("GRAD", lit1.id);
  await person("MEM", lit1.id);
  await person("APPL", lit1.id, "applicant", false);
  await person("SCIPROB", sci.id, "probationary", false);
});

afterAll(async () => {
  await server?.stop();
});

/** A class of the literature college, organised by SECLIT, open to the college. */
function litClass(status: string, kind: "activist" | "target" | "probationary" | "member" | "cadre" = "member") {
  const classId = openClassFactory(db()).trainingClass({ kind, title: `第 ${++term} 期党员培训班`, term, unitId: ids.lit, createdById: ids.SECLIT, status });
  db().prepare(`INSERT INTO "ClassAudience" ("classId", "unitId") VALUES (?, ?)`).run(classId, ids.lit);
  return classId;
}

describe("nobody enrols or favours themselves in a class", () => {
  it("refuses the organiser's own nomination, approval, make-up and extension, and leaves them out of a rule's enrolment", async () => {
    const classId = litClass("enrolling");
    const page = `/manage/classes/${classId}`;
    const nominate = await clients.SECLIT.post(page, { intent: "nominate", personId: String(ids.SECLIT) });
    expect(nominate.status).toBe(403);
    expect(nominate.text).toContain("不能推荐本人：请由上级组织推荐");
    // Nominated by the committee's admin, the organiser still cannot approve their own nomination.
    expect((await clients.ADMIN.post(page, { intent: "nominate", personId: String(ids.SECLIT) })).status).toBe(200);
    const approve = await clients.SECLIT.post(page, { intent: "approve", personId: String(ids.SECLIT) });
    expect(approve.status).toBe(403);
    expect(approve.text).toContain("不能审核对本人的推荐");
    expect(db().prepare(`SELECT "status" FROM "ClassMember" WHERE "classId" = ? AND "personId" = ?`).get(classId, ids.SECLIT)).toEqual({ status: "nominated" });

    // A rule over the college's members enrols the others, never the organiser applying it.
    const preview = await clients.SECLIT.post(page, { intent: "preview" });
    expect(preview.status).toBe(200);
    const expected = String(count("Person", `"politicalStatus" = 'member' AND "unitId" IN (?, ?) AND "id" <> ?`, ids.lit, ids.lit1, ids.SECLIT));
    const enrolled = await clients.SECLIT.post(page, { intent: "enrolRule", expected });
    expect(enrolled.status).toBe(200);
    expect(count("ClassMember", `"classId" = ? AND "status" = 'enrolled'`, classId)).toBeGreaterThan(0);
    expect(count("ClassMember", `"classId" = ? AND "personId" = ? AND "status" = 'enrolled'`, classId, ids.SECLIT)).toBe(0);

    // Enrolled by the admin, the organiser grants themselves neither a 补交 nor a 补考.
    db().prepare(`UPDATE "ClassMember" SET "status" = 'enrolled' WHERE "classId" = ? AND "personId" = ?`).run(classId, ids.SECLIT);
    const assignmentId = openClassFactory(db()).assignment({ classId, title: "学习心得", createdById: ids.SECLIT });
    const extension = await clients.SECLIT.post(`/manage/classes/${classId}/results`, {
      intent: "extension",
      personId: String(ids.SECLIT),
      assignmentId: String(assignmentId),
      dueAt: "2030-01-01T10:00",
      reason: "我自己",
    });
    expect(extension.status).toBe(403);
    expect(extension.text).toContain("不能为本人安排补考或补交");
    expect(count("AssignmentExtension")).toBe(0);
  });

  it("refuses an import row for the importer, and answers a number outside the audience as an unknown one", async () => {
    const classId = litClass("enrolling");
    const form = new FormData();
    form.set("intent", "dryRun");
    form.set("file", new Blob(["学号/工号\nSECLIT\nSCIPROB\nNOSUCH\nMEM\n"], { type: "text/csv" }), "名单.csv");
    const dry = await clients.SECLIT.post(`/manage/classes/${classId}/import`, form);
    expect(dry.status).toBe(200);
    expect(dry.text).toContain("人员SECLIT是导入人本人：不能录取本人");
    expect(dry.text).toContain("学号/工号“SCIPROB”不在本培训班面向的党组织内，或系统中没有此人");
    expect(dry.text).toContain("学号/工号“NOSUCH”不在本培训班面向的党组织内，或系统中没有此人");
    expect(dry.text).not.toContain("人员SCIPROB");
    expect(dry.text).not.toContain("理学院党委");
  });
});

describe("a 结业证书 does not outlive its result", () => {
  it("is revoked when its holder withdraws, and the verify page says so", async () => {
    const classId = litClass("running");
    openClassFactory(db()).member(classId, ids.GRAD);
    const at = storedTimestamp(new Date());
    db().prepare(`UPDATE "TrainingClass" SET "resultsPublishedAt" = ? WHERE "id" = ?`).run(at, classId);
    db().prepare(`UPDATE "ClassMember" SET "passed" = 1, "total" = 9000, "graduatedAt" = ? WHERE "classId" = ? AND "personId" = ?`).run(at, classId, ids.GRAD);
    // Issued, the page redirects to the certificate (post, redirect, get).
    expect((await clients.GRAD.post(`/classes/${classId}/certificate`, { intent: "issue" })).status).toBe(302);
    const token = /hours\/verify\/([A-Za-z0-9_-]+)/.exec((await clients.GRAD.get(`/classes/${classId}/certificate`)).text)![1];
    expect((await new Client(server.url).get(`/hours/verify/${token}`)).status).toBe(200);

    const withdrawn = await clients.SECLIT.post(`/manage/classes/${classId}`, { intent: "withdraw", personId: String(ids.GRAD), reason: "违纪退班" });
    expect(withdrawn.status).toBe(200);
    const verify = await new Client(server.url).get(`/hours/verify/${token}`);
    expect(verify.status).toBe(410);
    expect(verify.text).toContain("此结业证书已撤销");
    expect(db().prepare(`SELECT "status", "passed", "graduatedAt" FROM "ClassMember" WHERE "classId" = ? AND "personId" = ?`).get(classId, ids.GRAD)).toEqual({
      status: "withdrawn",
      passed: null,
      graduatedAt: null,
    });
  });
});

describe("a class's exam", () => {
  it("is a quiz its organiser could choose, not another college's draft", async () => {
    const quizId = openQuizFactory(db()).quiz({ title: "理学院草稿卷", unitId: ids.sci, createdById: ids.SECSCI, status: "draft" });
    const classId = litClass("draft");
    const refused = await clients.SECLIT.post(`/manage/classes/${classId}`, { intent: "exam", quizId: String(quizId) });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain("理学院草稿卷");
    expect(count("ClassItem", `"classId" = ?`, classId)).toBe(0);
  });
});

describe("the development file", () => {
  it("names a contact only from the recorder's own scope, without telling anyone else's name or status", async () => {
    const refused = await clients.SECLIT.post(`/manage/people/${ids.APPL}/file`, {
      intent: "contact",
      role: "sponsor",
      memberNumber: "SCIPROB",
      since: "2026-01-01",
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("您的管理范围内没有学号/工号为“SCIPROB”的人员");
    expect(refused.text).not.toContain("人员SCIPROB");
    expect(refused.text).not.toContain("目前为预备党员");
  });

  it("takes no document from a secretary for their own file, and serves a document as an audited download", async () => {
    const now = storedTimestamp(new Date());
    const record = (personId: number) =>
      db()
        .prepare(
          `INSERT INTO "PipelineRecord" ("personId", "pack", "packVersion", "step", "happenedOn", "recordedById", "recordedAt", "activeKey")
           VALUES (?, 'cpc-2014', 1, 'apply', ?, ?, ?, ?) RETURNING "id"`,
        )
        .get(personId, "2020-01-01T00:00:00.000+00:00", ids.ADMIN, now, `${personId}:apply`) as { id: number };
    const upload = (client: Client, personId: number, recordId: number) => {
      const form = new FormData();
      form.set("intent", "upload");
      form.set("recordId", String(recordId));
      form.set("name", "入党申请书");
      form.set("file", new File([Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")], "申请书.pdf", { type: "application/pdf" }));
      return client.post(`/manage/people/${personId}/file`, form);
    };
    const own = await upload(clients.SECLIT, ids.SECLIT, record(ids.SECLIT).id);
    expect(own.status).toBe(403);
    expect(own.text).toContain("不能记录本人的发展党员步骤");
    expect(count("PipelineDocument")).toBe(0);

    expect((await upload(clients.SECLIT, ids.APPL, record(ids.APPL).id)).status).toBe(200);
    const { id: documentId } = db().prepare(`SELECT "id" FROM "PipelineDocument"`).get() as { id: number };
    const before = count("AuditLog", `"action" = 'pipeline.document_download'`);
    const download = await clients.SECLIT.download(`/manage/people/${ids.APPL}/file/documents/${documentId}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="document\.pdf"; filename\*=UTF-8''/);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(count("AuditLog", `"action" = 'pipeline.document_download' AND "actorId" = ?`, ids.SECLIT)).toBe(before + 1);
    // Another college's secretary cannot fetch it by its id.
    expect((await clients.SECSCI.download(`/manage/people/${ids.APPL}/file/documents/${documentId}`)).status).toBe(403);
  });
});

describe("an assignment's attachment", () => {
  it("is refused to someone outside the class before the body is read", async () => {
    const classId = litClass("running");
    const assignmentId = openClassFactory(db()).assignment({ classId, title: "读书报告", createdById: ids.SECLIT });
    const form = new FormData();
    form.set("intent", "attach");
    form.set("attachment", new File([Buffer.alloc(1024)], "a.pdf", { type: "application/pdf" }));
    const outsider = await clients.SECSCI.post(`/assignments/${assignmentId}`, form);
    expect(outsider.status).toBe(404);
  });
});
