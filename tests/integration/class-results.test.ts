import crypto from "node:crypto";
import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayInChina } from "~/lib/dates";
import { type ClassFactory, openClassFactory } from "../class-factories";
import { openCourseFactory } from "../course-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// A class's results on the real server: the grading rule set through the page and its arithmetic,
// minimums and missing figures on the results page; publication fixing the figures; 优秀学员; scope;
// 补考 replacing the exam only for the named member; the 结业证书 and its QR through the one verify
// route; the export; and the admission gate accepting 结业 of a 发展对象 class.

const PASSWORD = "Passw0rd1";
const CERT_SECRET = crypto.randomBytes(32).toString("base64url");

let server: TestServer;
let cf: ClassFactory;
const ids: Record<string, number> = {};
let classId: number;
let activistClassId: number;

const text = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"');
const count = (action: string) => (server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = ?").get(action) as { n: number }).n;
const memberRow = (cid: number, personId: number) =>
  server.factory.db
    .prepare("SELECT total, passed, excellent, graduatedAt IS NOT NULL AS graduated FROM ClassMember WHERE classId = ? AND personId = ?")
    .get(cid, personId);

/** The cells of one member's row on the results page: component scores, total, outcome, reasons. */
function rowOf(html: string, personId: number) {
  const row = new RegExp(`<tr[^>]*data-testid="result-${personId}"[^>]*>(.*?)</tr>`).exec(text(html))?.[1];
  if (!row) return null;
  const cell = (id: string) => [...row.matchAll(new RegExp(`data-testid="${id}"[^>]*>(.*?)</td>`, "g"))].map((m) => m[1].replace(/<[^>]+>/g, " ").trim());
  return { scores: cell("score-[a-z]+"), total: cell("total")[0], outcome: cell("outcome")[0], reasons: cell("reasons")[0] };
}

const RULE = {
  intent: "rule",
  studyWeight: "30",
  essayWeight: "20",
  examWeight: "50",
  examMin: "60",
  passMark: "60",
  excellentMinTotal: "85",
  excellentTopPercent: "50",
};

beforeAll(async () => {
  server = await startTestServer({ env: { CERT_SECRET } });
  const f = server.factory;
  const db = f.db;
  cf = openClassFactory(db);
  const courses = openCourseFactory(db);
  const quizzes = openQuizFactory(db);

  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "计算机学院学生党支部", kind: "branch", branchType: "student", parent: cs });
  const me = f.unit({ name: "机械学院党委", kind: "college", parent: root });
  const person = (key: string, number: string, name: string, unitId: number, extra: Record<string, unknown> = {}) =>
    (ids[key] = f.person({ number, name, unitId, politicalStatus: "target", statusSince: new Date("2025-09-01T00:00:00Z"), ...extra }));
  person("organiser", "S001", "计院书记", cs.id, { category: "staff", politicalStatus: "member" });
  f.grant(ids.organiser, "secretary", cs.id);
  person("trainer", "T001", "党校教员", root.id, { category: "staff", politicalStatus: "member" });
  f.grant(ids.trainer, "trainer", root.id);
  person("other", "S002", "机械书记", me.id, { category: "staff", politicalStatus: "member" });
  f.grant(ids.other, "secretary", me.id);
  person("tutor", "D001", "辅导员", cs.id, { category: "staff", politicalStatus: "member" });
  person("a", "2024000001", "甲学员", branch.id);
  person("b", "2024000002", "乙学员", branch.id);
  person("c", "2024000003", "丙学员", branch.id);
  person("d", "2024000004", "丁学员", branch.id);
  person("e", "2024000005", "戊学员", branch.id);
  person("g", "2024000007", "庚学员", branch.id);
  for (const key of Object.keys(ids)) await f.password(ids[key], PASSWORD);

  // The schedule: two required courses (2 lessons and 1), two sessions, one essay, the exam.
  const c1 = courses.course({ slug: "c1", unitId: root.id, title: "党章学习" });
  const l1 = courses.lesson({ courseId: c1, key: "l1", position: 1, minutes: 30, credit: 100 });
  const l2 = courses.lesson({ courseId: c1, key: "l2", position: 2, minutes: 30, credit: 100 });
  const c2 = courses.course({ slug: "c2", unitId: root.id, title: "党史学习" });
  const l3 = courses.lesson({ courseId: c2, key: "l3", position: 1, minutes: 30, credit: 100 });
  ids.l3 = l3;
  const s1 = cf.session({ unitId: cs.id, createdById: ids.organiser, title: "开班仪式" });
  const s2 = cf.session({ unitId: cs.id, createdById: ids.organiser, title: "专题辅导" });
  ids.exam = quizzes.quiz({ title: "结业考试", unitId: root.id, createdById: ids.trainer });
  ids.makeupQuiz = quizzes.quiz({ title: "结业补考", unitId: root.id, createdById: ids.trainer });

  // A rule nobody chose yet: the page must refuse to grade by it, never fall back silently.
  classId = cf.trainingClass({ kind: "target", title: "第 3 期发展对象培训班", term: 3, unitId: cs.id, createdById: ids.organiser, rule: "{}" });
  const groupOne = cf.group(classId, "第一组", [ids.tutor]);
  cf.item(classId, "course", c1);
  cf.item(classId, "course", c2);
  cf.item(classId, "session", s1);
  cf.item(classId, "session", s2);
  cf.item(classId, "exam", ids.exam);
  const essay = cf.assignment({ classId, title: "学习心得", createdById: ids.organiser, max: 5000 });
  ids.essay = essay;
  for (const key of ["a", "b"]) cf.member(classId, ids[key]);
  for (const key of ["c", "d"]) cf.member(classId, ids[key], { groupId: groupOne });
  cf.member(classId, ids.e, { status: "withdrawn" });

  // 甲: everything, essay 45/50, exam 80 → 30 + 18 + 40 = 88.
  cf.finishLessons(ids.a, [l1, l2, l3]);
  cf.attend(s1, ids.a);
  cf.attend(s2, ids.a);
  cf.submission(essay, ids.a, 4500);
  cf.grade(ids.exam, ids.a, 80);
  // 乙: 3 of 4, essay 35/50, exam 59 → 22.5 + 14 + 29.5 = 66, below the exam's minimum.
  cf.finishLessons(ids.b, [l1, l2]);
  cf.attend(s1, ids.b);
  cf.attend(s2, ids.b);
  cf.submission(essay, ids.b, 3500);
  cf.grade(ids.exam, ids.b, 59);
  // 丙: everything but the exam.
  cf.finishLessons(ids.c, [l1, l2, l3]);
  cf.attend(s1, ids.c);
  cf.attend(s2, ids.c);
  cf.submission(essay, ids.c, 4000);
  // 丁: c1 half done, c2 done, s1 attended, s2's attendance removed → 2 of 4; essay 30/50, exam 70 → 15 + 12 + 35 = 62.
  cf.finishLessons(ids.d, [l1, l3]);
  cf.attend(s1, ids.d);
  cf.attend(s2, ids.d, { removed: true });
  cf.submission(essay, ids.d, 3000);
  cf.grade(ids.exam, ids.d, 70);

  // An activist class 庚 graduates from: not the training the admission gate asks for.
  activistClassId = cf.trainingClass({
    kind: "activist",
    title: "第 12 期入党积极分子培训班",
    term: 12,
    unitId: cs.id,
    createdById: ids.organiser,
    rule: { components: [{ key: "exam", weight: 100, min: null, missingAsZero: false }], passMark: 60, excellent: null },
  });
  cf.item(activistClassId, "exam", ids.exam);
  cf.member(activistClassId, ids.g);
  cf.grade(ids.exam, ids.g, 90);
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const results = (cid = classId) => `/manage/classes/${cid}/results`;

describe("the grading rule through the results page", () => {
  it("refuses to grade by an unreadable rule, then refuses a rule whose weights do not add up, naming the field", async () => {
    const c = await as("S001");
    const page = text((await c.get(results())).text);
    expect(page).toContain("评分规则有误");
    expect(rowOf(page, ids.a)?.total).toBe("—");

    const bad = await c.post(results(), { ...RULE, essayWeight: "10", essayMin: "", attendanceMin: "50" });
    expect(bad.status).toBe(400);
    const html = text(bad.text);
    expect(html).toMatch(/id="weights-error"[^>]*>各部分权重之和须为 100%，现为 90%/);
    expect(html).toContain("“出勤”未计入总分，不能设最低分");
    expect(server.factory.db.prepare("SELECT gradingRule FROM TrainingClass WHERE id = ?").get(classId)).toEqual({ gradingRule: "{}" });

    const ok = await c.post(results(), RULE);
    expect(ok.status).toBe(200);
    expect(text(ok.text)).toContain("评分规则已保存");
    expect(count("class.rule")).toBe(1);
  });

  it("computes each member's figures from the real tables by the rule, with minimums and missing figures explicit", async () => {
    const c = await as("S001");
    const html = (await c.get(results())).text;
    expect(text(html)).toContain("学习 30% + 心得 20% + 考试 50%（考试 ≥ 60）；总分 ≥ 60 合格；优秀学员：总分 ≥ 85，且在合格学员的前 50%");
    expect(rowOf(html, ids.a)).toMatchObject({ scores: ["100", "90", "80"], total: "88", outcome: "合格 优秀学员" });
    expect(rowOf(html, ids.b)).toMatchObject({ scores: ["75", "70", "59"], total: "66", outcome: "未合格", reasons: "考试 59 分，低于最低要求 60 分" });
    expect(rowOf(html, ids.c)).toMatchObject({ scores: ["100", "80", "—"], total: "—", outcome: "未合格", reasons: "未参加结业考试" });
    // A removed attendance counts for nothing; half a course is not a finished course.
    expect(rowOf(html, ids.d)).toMatchObject({ scores: ["50", "60", "70"], total: "62", outcome: "合格" });
    // A withdrawn member is not graded.
    expect(rowOf(html, ids.e)).toBeNull();
  });
});

describe("scope", () => {
  it("shows another college's secretary nothing, and a learner nothing", async () => {
    for (const who of ["S002", "2024000001"]) {
      const c = await as(who);
      expect((await c.get(results())).status).toBe(404);
      expect((await c.download(`${results()}.xlsx`)).status).toBe(404);
      expect((await c.post(results(), { intent: "publish" })).status).toBe(404);
    }
    expect((await (await as("S001")).get(`/manage/classes/999999/results`)).status).toBe(404);
  });

  it("lets the school's trainer in, and shows a tutor their group only, read-only", async () => {
    expect((await (await as("T001")).get(results())).status).toBe(200);
    const tutor = await as("D001");
    const html = (await tutor.get(results())).text;
    expect(rowOf(html, ids.d)?.total).toBe("62");
    expect(rowOf(html, ids.a)).toBeNull();
    expect(html).not.toContain('value="publish"');
    const file = await tutor.download(`${results()}.xlsx`);
    expect(file.status).toBe(200);
    expect((await readSheet(file.bytes, "名册")).slice(1).map((r) => [r[0], r[1]])).toEqual([
      ["2024****03", "丙学员"],
      ["2024****04", "丁学员"],
    ]);
    expect((await tutor.post(results(), { intent: "publish" })).status).toBe(403);
    expect(server.factory.db.prepare("SELECT resultsPublishedAt FROM TrainingClass WHERE id = ?").get(classId)).toEqual({ resultsPublishedAt: null });
  });
});

describe("publication", () => {
  it("fixes every member's figures, 结业 and 优秀学员 in one go", async () => {
    const c = await as("S001");
    const res = await c.post(results(), { intent: "publish" });
    expect(res.status).toBe(200);
    expect(text(res.text)).toContain("已发布结业名单：共 4 人，结业 2 人，优秀学员 1 人");
    expect(memberRow(classId, ids.a)).toEqual({ total: 8800, passed: 1, excellent: 1, graduated: 1 });
    expect(memberRow(classId, ids.b)).toEqual({ total: 6600, passed: 0, excellent: 0, graduated: 0 });
    expect(memberRow(classId, ids.c)).toEqual({ total: null, passed: 0, excellent: 0, graduated: 0 });
    expect(memberRow(classId, ids.d)).toEqual({ total: 6200, passed: 1, excellent: 0, graduated: 1 });
    expect(count("class.publish")).toBe(1);
  });

  it("keeps the published figures when someone studies more, and refuses a correction without a reason", async () => {
    cf.finishLessons(ids.b, [ids.l3]);
    const c = await as("S001");
    const html = (await c.get(results())).text;
    expect(text(html)).toMatch(/data-testid="publication">结业名单已于 .* 发布/);
    expect(rowOf(html, ids.b)).toMatchObject({ scores: ["75", "70", "59"], total: "66", outcome: "未合格" });
    const again = await c.post(results(), { intent: "publish" });
    expect(again.status).toBe(400);
    expect(text(again.text)).toContain("结业名单已发布；更正后重新发布须写明理由");
    expect(memberRow(classId, ids.b)).toMatchObject({ total: 6600 });
  });
});

describe("补考 and 补交", () => {
  it("replaces the exam's grade with the 补考's for the named member only, on a re-publication with a reason", async () => {
    const c = await as("S001");
    const same = await c.post(results(), { intent: "makeup", personId: String(ids.b), quizId: String(ids.exam), reason: "考试当天生病" });
    expect(same.status).toBe(400);
    expect(text(same.text)).toContain("补考须使用另一份试卷，不能与结业考试相同");
    const noReason = await c.post(results(), { intent: "makeup", personId: String(ids.b), quizId: String(ids.makeupQuiz), reason: "" });
    expect(noReason.status).toBe(400);
    expect(text(noReason.text)).toContain("请写明理由");

    const ok = await c.post(results(), { intent: "makeup", personId: String(ids.b), quizId: String(ids.makeupQuiz), reason: "考试当天生病" });
    expect(ok.status).toBe(200);
    expect(count("class.makeup")).toBe(1);
    // 乙 sits the 补考; 甲, not named, sits it too and it must not count for him.
    cf.grade(ids.makeupQuiz, ids.b, 75);
    cf.grade(ids.makeupQuiz, ids.a, 10);

    const res = await c.post(results(), { intent: "publish", reason: "乙学员补考成绩录入" });
    expect(res.status).toBe(200);
    // 乙: 4 of 4 now (studied after the first publication), 70, 补考 75 → 30 + 14 + 37.5 = 81.5.
    expect(memberRow(classId, ids.b)).toEqual({ total: 8150, passed: 1, excellent: 0, graduated: 1 });
    expect(memberRow(classId, ids.a)).toEqual({ total: 8800, passed: 1, excellent: 1, graduated: 1 });
    const html = (await c.get(results())).text;
    expect(rowOf(html, ids.b)?.scores).toEqual(["100", "70", "75 补考"]);
    const logged = server.factory.db.prepare("SELECT detail FROM AuditLog WHERE action = 'class.republish'").all() as { detail: string }[];
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0].detail)).toMatchObject({
      reason: "乙学员补考成绩录入",
      changed: [{ personId: ids.b, passed: [false, true], total: [6600, 8150] }],
    });
  });

  it("grants an individual due date for an assignment, later than the class's, with a reason", async () => {
    const c = await as("S001");
    const early = await c.post(results(), {
      intent: "extension",
      personId: String(ids.c),
      assignmentId: String(ids.essay),
      dueAt: "2020-01-01T12:00",
      reason: "出差",
    });
    expect(early.status).toBe(400);
    expect(text(early.text)).toContain("补交截止时间须晚于该作业原定的截止时间");
    const ok = await c.post(results(), {
      intent: "extension",
      personId: String(ids.c),
      assignmentId: String(ids.essay),
      dueAt: "2099-01-10T18:00",
      reason: "出差",
    });
    expect(ok.status).toBe(200);
    const row = server.factory.db.prepare("SELECT dueAt, reason FROM AssignmentExtension WHERE assignmentId = ? AND personId = ?").get(ids.essay, ids.c) as {
      dueAt: string;
      reason: string;
    };
    // Beijing 18:00 is 10:00 UTC.
    expect(new Date(row.dueAt).toISOString()).toBe("2099-01-10T10:00:00.000Z");
    expect(row.reason).toBe("出差");
    expect(count("class.extension")).toBe(1);
  });
});

describe("结业证书", () => {
  const verifyUrlIn = (html: string) => /data-testid="verify-url">([^<]+)</.exec(html)?.[1];

  it("is issued only to a graduate, and its QR verifies at the one verify route", async () => {
    const notGraduated = await as("2024000003");
    expect((await notGraduated.get(`/classes/${classId}/certificate`)).status).toBe(404);

    const a = await as("2024000001");
    const issued = await a.post(`/classes/${classId}/certificate`, { intent: "issue" });
    expect(issued.status).toBe(302);
    const page = await a.get(`/classes/${classId}/certificate`);
    expect(page.status).toBe(200);
    const html = text(page.text);
    expect(html).toContain("结业证书");
    expect(html).toContain("第 3 期发展对象培训班");
    expect(html).toMatch(/data-testid="certificate-excellent">优秀学员/);
    expect(count("class_certificate.issue")).toBe(1);
    // Issuing again gives the same certificate.
    await a.post(`/classes/${classId}/certificate`, { intent: "issue" });
    expect(count("class_certificate.issue")).toBe(1);

    const url = verifyUrlIn(html)!;
    expect(url).toMatch(new RegExp(`^${server.url}/hours/verify/[A-Za-z0-9_-]{28}$`));
    const verified = await new Client(server.url).get(new URL(url).pathname);
    expect(verified.status).toBe(200);
    const v = text(verified.text);
    expect(v).toMatch(/data-testid="verify-kind">结业证书/);
    expect(v).toMatch(/data-testid="verify-class">第 3 期发展对象培训班（第 3 期）/);
    expect(v).toMatch(/data-testid="verify-name">甲\*员/);
    expect(v).toMatch(/data-testid="verify-outcome">结业，优秀学员/);
    expect(v).toContain("计算机学院学生党支部");
  });

  it("shows a member's certificate to the organiser, and to no other learner or college", async () => {
    const own = `/classes/${classId}/certificate?person=${ids.a}`;
    const organiser = text((await (await as("S001")).get(own)).text);
    expect(organiser).toMatch(/data-testid="certificate-name">甲学员/);
    expect(organiser).not.toContain('value="issue"');
    for (const who of ["2024000002", "S002"]) expect((await (await as(who)).get(own)).status).toBe(404);
  });

  it("lets the organiser issue for every graduate at once", async () => {
    const c = await as("S001");
    const res = await c.post(results(), { intent: "certificates" });
    expect(res.status).toBe(200);
    expect(text(res.text)).toContain("已为 2 名结业学员开具结业证书");
    const holders = server.factory.db.prepare("SELECT personId FROM ClassCertificate WHERE classId = ? AND current = 1 ORDER BY personId").all(classId);
    expect(holders).toEqual([{ personId: ids.a }, { personId: ids.b }, { personId: ids.d }]);
  });

  it("is revoked by a re-publication that takes its 优秀 away, and the verify route says so", async () => {
    const a = await as("2024000001");
    const url = verifyUrlIn(text((await a.get(`/classes/${classId}/certificate`)).text))!;
    const c = await as("S001");
    expect((await c.post(results(), { ...RULE, excellentMinTotal: "", excellentTopPercent: "" })).status).toBe(200);
    expect((await c.post(results(), { intent: "publish", reason: "本期不评优秀学员" })).status).toBe(200);
    expect(memberRow(classId, ids.a)).toMatchObject({ excellent: 0, passed: 1 });
    const revoked = await new Client(server.url).get(new URL(url).pathname);
    expect(revoked.status).toBe(410);
    expect(text(revoked.text)).toContain("此结业证书已撤销");
    // A forged token is not a certificate at all.
    expect((await new Client(server.url).get(`/hours/verify/${"A".repeat(28)}`)).status).toBe(404);
    // The graduate may issue a new one, which no longer says 优秀学员.
    expect((await a.post(`/classes/${classId}/certificate`, { intent: "issue" })).status).toBe(302);
    const again = text((await a.get(`/classes/${classId}/certificate`)).text);
    expect(again).not.toContain("certificate-excellent");
    expect((await new Client(server.url).get(new URL(verifyUrlIn(again)!).pathname)).status).toBe(200);
  });
});

describe("export", () => {
  it("downloads the roster and results with numbers masked for a trainer, and is audited", async () => {
    const before = count("class.export");
    const file = await (await as("T001")).download(`${results()}.xlsx`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("spreadsheetml");
    expect(file.headers.get("cache-control")).toContain("no-store");
    expect(decodeURIComponent(file.headers.get("content-disposition")!)).toContain("第 3 期发展对象培训班-名册与成绩");
    const roster = await readSheet(file.bytes, "名册");
    expect(roster[0]).toEqual(["学号/工号", "姓名", "党组织", "政治面貌", "小组", "状态", "说明"]);
    expect(roster.slice(1).map((r) => r[1])).toEqual(["甲学员", "乙学员", "戊学员", "丙学员", "丁学员"]);
    expect(roster.find((r) => r[1] === "甲学员")?.slice(0, 4)).toEqual(["2024****01", "甲学员", "计算机学院学生党支部", "***"]);
    expect(roster.find((r) => r[1] === "戊学员")?.[5]).toBe("已退班");
    const sheet = await readSheet(file.bytes, "成绩");
    const header = sheet.findIndex((r) => r[0] === "学号/工号");
    expect(sheet[header]).toEqual(["学号/工号", "姓名", "党组织", "小组", "学习（30%）", "心得（20%）", "考试（50%）", "总分", "结果", "优秀学员", "说明"]);
    const b = sheet.find((r) => r[1] === "乙学员")!;
    expect(b.slice(4, 10)).toEqual([100, 70, 75, 81.5, "结业", null]);
    expect(b[10]).toBe("考试成绩为补考成绩");
    expect(sheet.find((r) => r[1] === "丙学员")?.[10]).toBe("未参加结业考试");
    expect(count("class.export")).toBe(before + 1);

    // The organising college's secretary sees numbers whole.
    const whole = await readSheet((await (await as("S001")).download(`${results()}.xlsx`)).bytes, "名册");
    expect(whole.find((r) => r[1] === "甲学员")?.[0]).toBe("2024000001");
  });
});

describe("the admission gate", () => {
  it("accepts 结业 of a 发展对象 class, and says so on the person page", async () => {
    const c = await as("S001");
    const page = text((await c.get(`/manage/people/${ids.a}`)).text);
    expect(page).toMatch(/data-testid="admission-progress">已于 \d{4}-\d{2}-\d{2} 从“第 3 期发展对象培训班”结业，视为完成发展对象集中培训/);
    // The learner's own hours page says the same.
    const own = text((await (await as("2024000001")).get("/hours")).text);
    expect(own).toMatch(/data-testid="training-by-class">已于 \d{4}-\d{2}-\d{2} 从“第 3 期发展对象培训班”结业/);
    const res = await c.post(`/manage/people/${ids.a}`, { intent: "status", toStatus: "probationary", effectiveOn: todayInChina() });
    expect(res.status).toBe(200);
    expect(server.factory.db.prepare("SELECT politicalStatus FROM Person WHERE id = ?").get(ids.a)).toEqual({ politicalStatus: "probationary" });
  });

  it("does not accept 结业 of an activist class", async () => {
    const c = await as("S001");
    // Two organisers publishing at once: one list is published, the other request is refused.
    const before = count("class.publish");
    const other = await as("S001");
    const statuses = (await Promise.all([c, other].map((x) => x.post(results(activistClassId), { intent: "publish" })))).map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([400, 409]).toContain(statuses[1]);
    expect(count("class.publish")).toBe(before + 1);
    expect(memberRow(activistClassId, ids.g)).toMatchObject({ passed: 1, graduated: 1 });
    const page = text((await c.get(`/manage/people/${ids.g}`)).text);
    expect(page).toMatch(/data-testid="admission-progress">[^<]*还差 24 学时/);
    const res = await c.post(`/manage/people/${ids.g}`, { intent: "status", toStatus: "probationary", effectiveOn: todayInChina() });
    expect(res.status).toBe(400);
    expect(server.factory.db.prepare("SELECT politicalStatus FROM Person WHERE id = ?").get(ids.g)).toEqual({ politicalStatus: "target" });
  });
});
