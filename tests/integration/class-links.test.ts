import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClassFactory, openClassFactory } from "../class-factories";
import { type QuizFactory, openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// What a class opens beyond its own pages, on the real server: the quiz a class's schedule names as
// its exam admits the class's enrolled members whatever the quiz's audience says, a 补考 quiz exactly
// the member named for it; and a class's organiser confirms the attendance of the sessions on their
// class's schedule without holding activities:manage, and nothing more.

const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

let server: TestServer;
let cf: ClassFactory;
let qf: QuizFactory;
const ids: Record<string, number> = {};

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const db = () => server.factory.db;
const attempts = (quizId: number, personId: number) =>
  (db().prepare("SELECT COUNT(*) AS n FROM QuizAttempt WHERE quizId = ? AND personId = ?").get(quizId, personId) as { n: number }).n;
const activity = (id: number) => db().prepare("SELECT status, title FROM Activity WHERE id = ?").get(id) as { status: string; title: string };
const attendance = (activityId: number, personId: number) =>
  db().prepare("SELECT source, reason, removedAt FROM ActivityAttendance WHERE activityId = ? AND personId = ?").get(activityId, personId) as
    { source: string; reason: string | null; removedAt: string | null } | undefined;
const denied = (pathname: string) =>
  (db().prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'access.denied' AND targetId = ?").get(pathname) as { n: number }).n;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  cf = openClassFactory(f.db);
  qf = openQuizFactory(f.db);
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "计算机学院学生党支部", kind: "branch", branchType: "student", parent: cs });
  const me = f.unit({ name: "机械学院党委", kind: "college", parent: root });
  const meBranch = f.unit({ name: "机械学院学生党支部", kind: "branch", branchType: "student", parent: me });
  const person = async (key: string, unitId: number, extra: Record<string, unknown> = {}) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "activist", statusSince: new Date("2025-03-01T00:00:00Z"), ...extra });
    await f.password(ids[key], PASSWORD);
  };
  // The organisers are trainers: classes:manage over their college, no activities:manage.
  await person("ORG", cs.id, { category: "staff", politicalStatus: "member" });
  f.grant(ids.ORG, "trainer", cs.id);
  await person("ORG2", me.id, { category: "staff", politicalStatus: "member" });
  f.grant(ids.ORG2, "trainer", me.id);
  await person("SEC", cs.id, { category: "staff", politicalStatus: "member" });
  f.grant(ids.SEC, "secretary", cs.id);
  await person("A", branch.id); // enrolled, has the 补考
  await person("B", branch.id); // enrolled
  await person("W", branch.id); // withdrawn
  await person("N", branch.id); // nominated, not yet enrolled
  await person("X", meBranch.id); // enrolled in the other college's class
  await person("OUT", branch.id); // in no class, in the same branch

  const bank = qf.standardBank({ slug: "dangzhang", unitId: root.id, perType: 2 });
  // Both quizzes are open to another college only: a class member is not in their audience.
  const quiz = (title: string) =>
    qf.quiz({
      title,
      unitId: cs.id,
      createdById: ids.ORG,
      opensAt: new Date(Date.now() - HOUR),
      closesAt: new Date(Date.now() + 24 * HOUR),
      slots: [{ bankId: bank.bankId, count: 3, markEach: 1000 }],
      audiences: [{ unitId: me.id, politicalStatus: "member" }],
    });
  ids.exam = quiz("第 9 期结业考试");
  ids.makeup = quiz("第 9 期结业补考");
  ids.otherExam = quiz("机械学院结业考试");

  ids.cls = cf.trainingClass({ kind: "activist", title: "第 9 期入党积极分子培训班", term: 9, unitId: cs.id, createdById: ids.ORG });
  cf.item(ids.cls, "exam", ids.exam);
  ids.session = cf.session({ unitId: cs.id, createdById: ids.ORG, title: "开班仪式", status: "open" });
  cf.item(ids.cls, "session", ids.session);
  cf.member(ids.cls, ids.A);
  cf.member(ids.cls, ids.B);
  cf.member(ids.cls, ids.W, { status: "withdrawn" });
  cf.member(ids.cls, ids.N, { status: "nominated" });
  db()
    .prepare("INSERT INTO ClassExamMakeup (classId, personId, quizId, reason, createdById, createdAt) VALUES (?, ?, ?, '病假缺考', ?, ?)")
    .run(ids.cls, ids.A, ids.makeup, ids.ORG, new Date().toISOString().replace("Z", "+00:00"));

  ids.otherCls = cf.trainingClass({ kind: "activist", title: "机械学院第 2 期入党积极分子培训班", term: 2, unitId: me.id, createdById: ids.ORG2 });
  cf.item(ids.otherCls, "exam", ids.otherExam);
  ids.otherSession = cf.session({ unitId: me.id, createdById: ids.ORG2, title: "机械学院开班仪式", status: "open" });
  cf.item(ids.otherCls, "session", ids.otherSession);
  cf.member(ids.otherCls, ids.X);
});
afterAll(() => server?.stop());

describe("a class's exam and 补考", () => {
  it("admit an enrolled member though the quiz's audience excludes her: listed, opened and started", async () => {
    const a = await as("A");
    const list = await a.get("/quizzes");
    expect(list.text).toContain("第 9 期结业考试");
    expect(list.text).not.toContain("机械学院结业考试");
    expect((await a.get(`/quizzes/${ids.exam}`)).status).toBe(200);
    const started = await a.post(`/quizzes/${ids.exam}`, {});
    expect(started.status).toBe(302);
    expect(started.location).toMatch(new RegExp(`^/quizzes/${ids.exam}/attempts/\\d+$`));
    expect((await a.get(started.location!)).status).toBe(200);
    expect(attempts(ids.exam, ids.A)).toBe(1);
  });

  it("refuse a withdrawn member, a nominee, a member of another class and an outsider, by id", async () => {
    for (const key of ["W", "N", "X", "OUT"]) {
      const c = await as(key);
      expect((await c.get(`/quizzes/${ids.exam}`)).status, key).toBe(404);
      expect((await c.post(`/quizzes/${ids.exam}`, {})).status, key).toBe(403);
      expect((await c.get("/quizzes")).text, key).not.toContain("第 9 期结业考试");
      expect(attempts(ids.exam, ids[key]), key).toBe(0);
    }
    // The other class's member takes her own class's exam.
    expect((await (await as("X")).get(`/quizzes/${ids.otherExam}`)).status).toBe(200);
  });

  it("a 补考 admits only the member named for it", async () => {
    const a = await as("A");
    expect((await a.get("/quizzes")).text).toContain("第 9 期结业补考");
    const started = await a.post(`/quizzes/${ids.makeup}`, {});
    expect(started.status).toBe(302);
    expect(attempts(ids.makeup, ids.A)).toBe(1);
    // 乙 is enrolled in the same class but not named for the 补考.
    const b = await as("B");
    expect((await b.get(`/quizzes/${ids.exam}`)).status).toBe(200);
    expect((await b.get(`/quizzes/${ids.makeup}`)).status).toBe(404);
    expect((await b.post(`/quizzes/${ids.makeup}`, {})).status).toBe(403);
    expect(attempts(ids.makeup, ids.B)).toBe(0);
  });

  it("stops admitting a member once she withdraws", async () => {
    db().prepare("UPDATE ClassMember SET status = 'withdrawn', reason = '因病退学' WHERE classId = ? AND personId = ?").run(ids.cls, ids.B);
    const b = await as("B");
    expect((await b.get(`/quizzes/${ids.exam}`)).status).toBe(404);
    expect((await b.post(`/quizzes/${ids.exam}`, {})).status).toBe(403);
    expect(attempts(ids.exam, ids.B)).toBe(0);
  });
});

describe("the exam's report", () => {
  it("counts the class's enrolled members as the people who should take it, not the withdrawn", async () => {
    // The quiz's audience is another college; in the organiser's college only 甲 is still enrolled
    // (乙 withdrew above), and she should take the exam.
    const report = await (await as("ORG")).get(`/manage/quizzes/${ids.exam}/report`);
    expect(report.status).toBe(200);
    expect(report.text.replaceAll("<!-- -->", "")).toContain("应参加 1 人");
  });
});

describe("a class's organiser and the class's sessions", () => {
  const page = (id: number) => `/manage/activities/${id}`;

  it("lets the organiser open the session, add an attendee with a reason and confirm the list", async () => {
    const org = await as("ORG");
    const opened = await org.get(page(ids.session));
    expect(opened.status).toBe(200);
    expect(opened.text).toContain("开班仪式");
    // The settings and the cancellation are not offered to her.
    expect(opened.text).not.toContain("修改设置或取消活动");

    const added = await org.post(page(ids.session), { intent: "add", personId: String(ids.A), reason: "手机没电，现场核实" });
    expect(added.status).toBe(200);
    expect(attendance(ids.session, ids.A)).toMatchObject({ source: "added", reason: "手机没电，现场核实", removedAt: null });

    const confirmed = await org.post(page(ids.session), { intent: "confirm" });
    expect(confirmed.status).toBe(200);
    expect(activity(ids.session).status).toBe("confirmed");
  });

  it("refuses the organiser the session's settings and its cancellation (403, logged, nothing changed)", async () => {
    const other = cf.session({ unitId: activityUnit(ids.session), createdById: ids.ORG, title: "专题辅导", status: "open" });
    cf.item(ids.cls, "session", other);
    const org = await as("ORG");
    expect((await org.get(page(other))).status).toBe(200);
    const before = denied(page(other));
    expect((await org.post(page(other), { intent: "cancel", reason: "改期举行" })).status).toBe(403);
    expect((await org.post(page(other), { intent: "settings", title: "改过的标题" })).status).toBe(403);
    expect(denied(page(other))).toBe(before + 2);
    expect(activity(other)).toEqual({ status: "open", title: "专题辅导" });
  });

  it("refuses the organiser of another class, by id, and the organiser an activity outside her class's schedule", async () => {
    const org2 = await as("ORG2");
    expect((await org2.get(page(ids.session))).status).toBe(403);
    expect((await org2.post(page(ids.session), { intent: "add", personId: String(ids.B), reason: "试图补登" })).status).toBe(403);
    expect(attendance(ids.session, ids.B)).toBeUndefined();
    // Her own class's session is hers.
    expect((await org2.get(page(ids.otherSession))).status).toBe(200);

    // An activity of her own college that is on no class's schedule stays with activities:manage.
    const meeting = cf.session({ unitId: activityUnit(ids.session), createdById: ids.SEC, title: "支部党员大会", status: "open" });
    const org = await as("ORG");
    expect((await org.get(page(meeting))).status).toBe(403);
    expect((await org.post(page(meeting), { intent: "confirm" })).status).toBe(403);
    expect(activity(meeting).status).toBe("open");
    expect((await org.get(page(ids.otherSession))).status).toBe(403);
    // The college's secretary still manages it all.
    expect((await (await as("SEC")).get(page(meeting))).status).toBe(200);
  });
});

function activityUnit(activityId: number): number {
  return (db().prepare("SELECT unitId FROM Activity WHERE id = ?").get(activityId) as { unitId: number }).unitId;
}
