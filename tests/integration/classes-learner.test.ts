import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkinToken } from "~/.server/activities/checkin-code";
import { storedTimestamp } from "~/lib/timestamp";
import { toLocalInput } from "~/lib/quiz-settings";
import { openCourseFactory } from "../course-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// A class's schedule and the learner's one page against the real server: the organiser puts two
// courses, a face-to-face session and the exam on the schedule (and reorders, refuses what does not
// fit, removes a session, which cancels its activity); the learner checks in to the session with its
// rotating code like at any activity; the class page then says what is done (lessons completed, the
// check-in, the passed exam, a handed-in report), what is next and what is due soon. A tutor sees
// their group; anybody else, and a person only nominated, gets "not found".

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;
const DAY = 24 * HOUR;
let classId: number;

const db = () => server.factory.db;
const plain = (text: string) => text.replaceAll("<!-- -->", "");
const page = () => `/manage/classes/${classId}`;
const post = (key: string, form: Record<string, string>) => clients[key].post(page(), form);
const chinaDate = (at: Date) => new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 10);
const items = () =>
  db().prepare("SELECT id, kind, position, activityId, courseId, quizId FROM ClassItem WHERE classId = ? ORDER BY position").all(classId) as {
    id: number;
    kind: string;
    position: number;
    activityId: number | null;
    courseId: number | null;
    quizId: number | null;
  }[];

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "学习大学党委", kind: "committee" });
  const college = f.unit({ name: "历史学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "历史学院学生党支部", kind: "branch", branchType: "student", parent: college });
  Object.assign(ids, { root: root.id, college: college.id, branch: branch.id });
  const person = async (key: string, unitId: number, politicalStatus: string) => {
    ids[key] = f.person({ number: key, name: `成员${key}`, unitId, politicalStatus, statusSince: new Date("2025-01-01T00:00:00Z") });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", college.id, "member");
  f.grant(ids.SEC, "secretary", college.id);
  await person("TUTOR", college.id, "member");
  await person("L1", branch.id, "activist");
  await person("L2", branch.id, "activist");
  await person("L3", branch.id, "activist");

  const courses = openCourseFactory(db());
  ids.courseA = courses.course({ slug: "class-course-a", unitId: root.id, title: "党章学习" });
  ids.courseB = courses.course({ slug: "class-course-b", unitId: root.id, title: "党史概要" });
  ids.draftCourse = courses.course({ slug: "class-course-draft", unitId: root.id, title: "未发布课程", status: "draft" });
  const lessonA1 = courses.lesson({ courseId: ids.courseA, key: "a1", position: 1, credit: 50, minutes: 10 });
  courses.lesson({ courseId: ids.courseA, key: "a2", position: 2, credit: 50, minutes: 10 });
  const lessonB1 = courses.lesson({ courseId: ids.courseB, key: "b1", position: 1, credit: 50, minutes: 10 });
  const now = storedTimestamp(new Date());
  const progress = db().prepare("INSERT INTO LessonProgress (personId, lessonId, completedAt, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)");
  progress.run(ids.L1, lessonA1, now, now, now);
  progress.run(ids.L1, lessonB1, now, now, now);

  ids.quiz = openQuizFactory(db()).quiz({ title: "第 5 期结业考试", unitId: college.id, createdById: ids.SEC, status: "published" });
  db().prepare("INSERT INTO QuizGrade (quizId, personId, percent, passed, attempts, updatedAt) VALUES (?, ?, 850, 1, 1, ?)").run(ids.quiz, ids.L1, now);

  // The class: created, enrolling, L1 nominated and approved, L3 only nominated.
  const body = new URLSearchParams({
    kind: "activist",
    title: "第 5 期入党积极分子培训班",
    term: "5",
    unitId: String(college.id),
    startsOn: "2026-11-01",
    endsOn: "2026-12-31",
  });
  body.append("audienceUnitIds", String(branch.id));
  const created = await clients.SEC.request("/manage/classes", { method: "POST", body });
  expect(created.status).toBe(302);
  classId = Number(/(\d+)$/.exec(created.location!)![1]);
  expect((await post("SEC", { intent: "status", to: "enrolling" })).status).toBe(200);
  for (const key of ["L1", "L3"]) expect((await post("SEC", { intent: "nominate", personId: String(ids[key]) })).status).toBe(200);
  expect((await post("SEC", { intent: "approve", personId: String(ids.L1) })).status).toBe(200);

  // Two assignments of the class (their pages are another module's): one due in two days with
  // nothing handed in, one handed in.
  const assignment = db().prepare(
    "INSERT INTO Assignment (classId, kind, title, prompt, opensAt, dueAt, rubric, createdById, createdAt, updatedAt) VALUES (?, 'essay', ?, '谈谈体会', ?, ?, '[]', ?, ?, ?) RETURNING id",
  );
  const soon = storedTimestamp(new Date(Date.now() + 2 * DAY));
  ids.essay = (assignment.get(classId, "学习心得", now, soon, ids.SEC, now, now) as { id: number }).id;
  ids.report = (assignment.get(classId, "读书报告", now, storedTimestamp(new Date(Date.now() + 20 * DAY)), ids.SEC, now, now) as { id: number }).id;
  db()
    .prepare(
      "INSERT INTO Submission (assignmentId, personId, status, text, chars, version, submittedAt, createdAt, updatedAt) VALUES (?, ?, 'submitted', ?, 6, 1, ?, ?, ?)",
    )
    .run(ids.report, ids.L1, "读书报告正文", now, now, now);
});
afterAll(async () => {
  await server?.stop();
});

describe("a class's schedule", () => {
  it("takes published courses, a session that is an activity with check-in, and one exam", async () => {
    const due = chinaDate(new Date(Date.now() + 3 * DAY));
    expect((await post("SEC", { intent: "course", courseId: String(ids.courseA), dueOn: due })).status).toBe(200);
    expect((await post("SEC", { intent: "course", courseId: String(ids.courseB), dueOn: "" })).status).toBe(200);
    const draft = await post("SEC", { intent: "course", courseId: String(ids.draftCourse), dueOn: "" });
    expect(draft.status).toBe(400);
    expect(draft.text).toContain("请选择已发布的课程");
    expect((await post("SEC", { intent: "course", courseId: String(ids.courseA), dueOn: "" })).text).toContain("“党章学习”已在日程中");

    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const session = await post("SEC", {
      intent: "session",
      title: "第一讲 党的性质和宗旨",
      startsAt: toLocalInput(start),
      endsAt: toLocalInput(new Date(start.getTime() + 2 * HOUR)),
      hours: "4",
    });
    expect(session.status).toBe(200);
    expect((await post("SEC", { intent: "exam", quizId: String(ids.quiz), dueOn: "" })).status).toBe(200);
    expect((await post("SEC", { intent: "exam", quizId: String(ids.quiz), dueOn: "" })).text).toContain("日程中已有结业考试");

    const list = items();
    expect(list.map((i) => i.kind)).toEqual(["course", "course", "session", "exam"]);
    const activity = db().prepare("SELECT unitId, kind, hours, status, title FROM Activity WHERE id = ?").get(list[2].activityId);
    expect(activity).toEqual({ unitId: ids.college, kind: "party_school", hours: 400, status: "open", title: "第一讲 党的性质和宗旨" });

    // The exam's due date is set afterwards: the end of that day in China.
    expect((await post("SEC", { intent: "due", itemId: String(list[3].id), dueOn: "2026-12-20" })).text).toContain("已修改期限");
    expect(db().prepare("SELECT dueAt FROM ClassItem WHERE id = ?").get(list[3].id)).toEqual({ dueAt: "2026-12-20T15:59:59.000+00:00" });
    // Moving the exam up one place swaps it with the session.
    expect((await post("SEC", { intent: "move", itemId: String(list[3].id), direction: "up" })).status).toBe(200);
    expect(items().map((i) => i.kind)).toEqual(["course", "course", "exam", "session"]);
    // Only the organiser edits the schedule.
    expect((await post("L1", { intent: "remove", itemId: String(list[0].id) })).status).toBe(403);
  });

  it("removes a session from the schedule and cancels its activity", async () => {
    const start = new Date(Date.now() + 5 * DAY);
    await post("SEC", {
      intent: "session",
      title: "临时加课",
      startsAt: toLocalInput(start),
      endsAt: toLocalInput(new Date(start.getTime() + HOUR)),
      hours: "1",
    });
    const extra = items().find((i) => i.kind === "session" && i.position === 5)!;
    expect((await post("SEC", { intent: "remove", itemId: String(extra.id) })).status).toBe(200);
    expect(items().map((i) => i.kind)).toEqual(["course", "course", "exam", "session"]);
    expect(db().prepare("SELECT status FROM Activity WHERE id = ?").get(extra.activityId)).toEqual({ status: "cancelled" });
  });

  it("counts a check-in to the class's session as it counts any activity's", async () => {
    const session = items().find((i) => i.kind === "session")!;
    const { codeSecret } = db().prepare("SELECT codeSecret FROM Activity WHERE id = ?").get(session.activityId) as { codeSecret: string };
    const checkin = await clients.L1.get(`/checkin/${checkinToken(session.activityId!, codeSecret)}`);
    expect(checkin.text).toContain("签到成功");
    expect(db().prepare("SELECT source, removedAt FROM ActivityAttendance WHERE activityId = ? AND personId = ?").get(session.activityId, ids.L1)).toEqual({
      source: "checkin",
      removedAt: null,
    });
  });
});

describe("the learner's class page", () => {
  it("shows what is done, what is next and what is due", async () => {
    const res = await clients.L1.get(`/classes/${classId}`);
    expect(res.status).toBe(200);
    const text = plain(res.text);
    const item = (title: string) =>
      text
        .split('data-testid="class-item"')
        .slice(1)
        .find((s) => s.includes(title))!;
    expect(item("党章学习")).toContain('data-state="todo"');
    expect(item("党章学习")).toContain("已学 1/2 课");
    expect(item("党史概要")).toContain('data-state="done"');
    expect(item("第一讲 党的性质和宗旨")).toContain('data-state="done"');
    expect(item("第一讲 党的性质和宗旨")).toContain("已签到");
    expect(item("第 5 期结业考试")).toContain("成绩 85.0 分，已通过");
    expect(item("第 5 期结业考试")).toContain(`href="/quizzes/${ids.quiz}"`);
    expect(item("学习心得")).toContain('data-state="todo"');
    expect(item("学习心得")).toContain(`href="/assignments/${ids.essay}"`);
    expect(item("读书报告")).toContain("已提交，待评阅");
    expect(item("读书报告")).toContain('data-state="done"');

    expect(text).toContain('data-testid="done-count">4</strong> / 6 项');
    const next = text.split('data-testid="next-item"')[1].split("</div>")[0];
    expect(next).toContain("党章学习");
    const due = text.split('data-testid="due-items"')[1].split("</div>")[0];
    // Due soonest first: the essay in two days, then the course in three; the report (20 days) is not listed.
    expect(due.indexOf("学习心得")).toBeGreaterThan(-1);
    expect(due.indexOf("学习心得")).toBeLessThan(due.indexOf("党章学习"));
    expect(due).not.toContain("读书报告");

    // No result before the results are published; then 结业 with a link to the certificate.
    expect(text).not.toContain('data-testid="class-result"');
    db().prepare("UPDATE TrainingClass SET resultsPublishedAt = ? WHERE id = ?").run(storedTimestamp(new Date()), classId);
    db()
      .prepare("UPDATE ClassMember SET passed = 1, excellent = 1, graduatedAt = ? WHERE classId = ? AND personId = ?")
      .run(storedTimestamp(new Date()), classId, ids.L1);
    const published = plain((await clients.L1.get(`/classes/${classId}`)).text);
    expect(published).toContain("您已结业，并被评为优秀学员。");
    expect(published).toContain(`href="/classes/${classId}/certificate"`);
    db().prepare("UPDATE TrainingClass SET resultsPublishedAt = NULL WHERE id = ?").run(classId);

    const mine = await clients.L1.get("/classes");
    expect(mine.text).toContain(`href="/classes/${classId}"`);
  });

  it("is not found for anyone who is not a member, a nominee who is not yet one, or an unknown class", async () => {
    expect((await clients.L2.get(`/classes/${classId}`)).status).toBe(404);
    expect((await clients.L2.get("/classes")).text).not.toContain("第 5 期入党积极分子培训班");
    expect((await clients.L3.get(`/classes/${classId}`)).status).toBe(404);
    const nominee = plain((await clients.L3.get("/classes")).text);
    expect(nominee).toContain("第 5 期入党积极分子培训班");
    expect(nominee).toContain("待审核");
    expect(nominee).not.toContain(`href="/classes/${classId}"`);
    expect((await clients.L1.get("/classes/999999")).status).toBe(404);
    expect((await clients.L1.get("/classes/abc")).status).toBe(404);
    const anonymous = await new Client(server.url).get(`/classes/${classId}`);
    expect(anonymous.status).toBe(302);
  });

  it("shows a tutor their group's members, and a withdrawn member why", async () => {
    expect((await post("SEC", { intent: "group", name: "第一组" })).status).toBe(200);
    const { id: groupId } = db().prepare("SELECT id FROM ClassGroup WHERE classId = ? AND name = '第一组'").get(classId) as { id: number };
    expect((await post("SEC", { intent: "tutor", groupId: String(groupId), number: "NOBODY" })).text).toContain("没有学号/工号为“NOBODY”的在用账号");
    expect((await post("SEC", { intent: "tutor", groupId: String(groupId), number: "TUTOR" })).status).toBe(200);
    // Out of any group ("未分组" posts an empty value), then into the first.
    expect((await post("SEC", { intent: "place", personId: String(ids.L1), groupId: "" })).status).toBe(200);
    expect(db().prepare("SELECT groupId FROM ClassMember WHERE classId = ? AND personId = ?").get(classId, ids.L1)).toEqual({ groupId: null });
    expect((await post("SEC", { intent: "place", personId: String(ids.L1), groupId: String(groupId) })).status).toBe(200);

    const tutorView = plain((await clients.TUTOR.get(`/classes/${classId}`)).text);
    expect(tutorView).toContain("我指导的第一组（1 人）");
    expect(tutorView).toContain("成员L1");
    expect(tutorView).not.toContain('data-testid="class-item"');
    expect((await clients.TUTOR.get("/classes")).text).toContain("我担任导师的培训班");
    expect(plain((await clients.L1.get(`/classes/${classId}`)).text)).toContain("第一组");
    // Both appear in their own copy of their personal data.
    const classesOf = async (key: string) =>
      (JSON.parse((await clients[key].get("/account/data.json")).text) as { sections: { id: string; rows: Record<string, unknown>[] }[] }).sections.find(
        (x) => x.id === "classes",
      )!.rows;
    expect(await classesOf("L1")).toEqual([
      expect.objectContaining({ 培训班: "第 5 期入党积极分子培训班", 状态: "在读学员", 加入方式: "支部推荐", 小组: "第一组" }),
    ]);
    expect(await classesOf("TUTOR")).toEqual([{ 培训班: "第 5 期入党积极分子培训班", 状态: "导师", 小组: "第一组" }]);

    expect((await post("SEC", { intent: "withdraw", personId: String(ids.L1), reason: "转学" })).status).toBe(200);
    const withdrawn = plain((await clients.L1.get(`/classes/${classId}`)).text);
    expect(withdrawn).toContain("您已退出本班（原因：转学）");
    expect((await clients.TUTOR.get(`/classes/${classId}`)).text).not.toContain("成员L1");
  });
});
