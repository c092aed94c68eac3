import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";
import { openCourseFactory } from "../course-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The home page as a to-do list and the calendar with its feed, against the real server: a member sees
// what is hers (the required course part-done and overdue first, the quiz and contest open to her and
// not taken, her branch's meeting and the college's 党课, not another branch's meeting nor the
// college's 支委会, nothing she has finished), and as a class member her exam, session and the work still
// accepted (补交 marked overdue, an extension not); an activist sees the quarter's 思想汇报; a secretary sees
// the claim waiting in her scope, a member no such block. The feed at a secret URL lists exactly the
// member's own items as RFC 5545 text; regenerating revokes the old URL; an unknown token is 404.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const db = () => server.factory.db;
const plain = (text: string) => text.replaceAll("<!-- -->", "");

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "待办大学党委", kind: "committee" });
  const college = f.unit({ name: "法学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "法学院第一党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "法学院第二党支部", kind: "branch", branchType: "student", parent: college });
  Object.assign(ids, { root: root.id, college: college.id, branch: branch.id, other: other.id });
  const person = async (key: string, unitId: number, politicalStatus: string) => {
    ids[key] = f.person({ number: key, name: `成员${key}`, unitId, politicalStatus, statusSince: new Date("2024-01-01T00:00:00Z") });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("M", branch.id, "member");
  await person("N", other.id, "member");
  await person("A", branch.id, "activist");
  await person("SEC", college.id, "member");
  f.grant(ids.SEC, "secretary", college.id);
  await person("TR", college.id, "member");
  f.grant(ids.TR, "trainer", college.id);

  const now = new Date();
  const ts = storedTimestamp(now);
  const courses = openCourseFactory(db());
  ids.partCourse = courses.course({ slug: "todo-part", unitId: root.id, title: "党章逐条学" });
  const part1 = courses.lesson({ courseId: ids.partCourse, key: "p1", position: 1, credit: 50, minutes: 10 });
  courses.lesson({ courseId: ids.partCourse, key: "p2", position: 2, credit: 50, minutes: 10 });
  ids.doneCourse = courses.course({ slug: "todo-done", unitId: root.id, title: "已学完的课程" });
  const done1 = courses.lesson({ courseId: ids.doneCourse, key: "d1", position: 1, credit: 50, minutes: 10 });
  ids.otherCourse = courses.course({ slug: "todo-other", unitId: root.id, title: "第二支部的必修课" });
  courses.lesson({ courseId: ids.otherCourse, key: "o1", position: 1, credit: 50, minutes: 10 });
  courses.assignment({ courseId: ids.partCourse, unitId: branch.id, dueAt: new Date(now.getTime() - DAY) });
  courses.assignment({ courseId: ids.doneCourse, unitId: branch.id, dueAt: new Date(now.getTime() + 5 * DAY) });
  courses.assignment({ courseId: ids.otherCourse, unitId: other.id, dueAt: new Date(now.getTime() + 5 * DAY) });
  const progress = db().prepare("INSERT INTO LessonProgress (personId, lessonId, completedAt, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)");
  progress.run(ids.M, part1, ts, ts, ts);
  progress.run(ids.M, done1, ts, ts, ts);

  const quizzes = openQuizFactory(db());
  const tonight = new Date(now.getTime() + 6 * HOUR);
  ids.quiz = quizzes.quiz({ title: "党纪学习测试", unitId: college.id, createdById: ids.SEC, closesAt: tonight, audiences: [{ unitId: college.id }] });
  ids.takenQuiz = quizzes.quiz({ title: "已交卷的测试", unitId: college.id, createdById: ids.SEC, audiences: [{ unitId: college.id }] });
  ids.otherQuiz = quizzes.quiz({ title: "第二支部测试", unitId: college.id, createdById: ids.SEC, audiences: [{ unitId: other.id }] });
  ids.draftQuiz = quizzes.quiz({ title: "未发布测试", unitId: college.id, createdById: ids.SEC, status: "draft", audiences: [{ unitId: college.id }] });
  db()
    .prepare("INSERT INTO QuizAttempt (quizId, personId, number, state, seed, startedAt, finishedAt, maxMark) VALUES (?, ?, 1, 'submitted', 's', ?, ?, 100)")
    .run(ids.takenQuiz, ids.M, ts, ts);
  ids.contest = Number(
    db()
      .prepare(
        "INSERT INTO Contest (title, unitId, createdById, status, opensAt, closesAt, timeLimitSec, createdAt, updatedAt) VALUES ('宪法知识竞赛', ?, ?, 'published', ?, ?, 600, ?, ?)",
      )
      .run(root.id, ids.SEC, storedTimestamp(new Date(now.getTime() - DAY)), storedTimestamp(new Date(now.getTime() + 3 * DAY)), ts, ts).lastInsertRowid,
  );
  db().prepare("INSERT INTO ContestAudience (contestId, unitId) VALUES (?, ?)").run(ids.contest, root.id);

  const activity = (unitId: number, kind: string, title: string, startsIn: number, status = "open") => {
    const start = new Date(now.getTime() + startsIn);
    return Number(
      db()
        .prepare(
          `INSERT INTO Activity (unitId, kind, title, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, status, createdById, createdAt, updatedAt)
           VALUES (?, ?, ?, ?, ?, ?, ?, 200, 'secret', ?, ?, ?, ?)`,
        )
        .run(
          unitId,
          kind,
          title,
          storedTimestamp(start),
          storedTimestamp(new Date(start.getTime() + 2 * HOUR)),
          storedTimestamp(start),
          storedTimestamp(start),
          status,
          ids.SEC,
          ts,
          ts,
        ).lastInsertRowid,
    );
  };
  ids.themeDay = activity(branch.id, "theme_day", "十二月主题党日", 2 * DAY);
  ids.lecture = activity(college.id, "party_lecture", "学院专题党课", 3 * DAY);
  ids.committee = activity(college.id, "committee_meeting", "学院支委会", 3 * DAY);
  ids.otherDay = activity(other.id, "theme_day", "第二支部主题党日", 2 * DAY);
  ids.cancelled = activity(branch.id, "branch_meeting", "已取消的党员大会", 4 * DAY, "cancelled");

  // The activist: recommended in June, so this quarter's 思想汇报 is due.
  const record = db().prepare(
    `INSERT INTO "PipelineRecord" ("personId", "pack", "packVersion", "step", "happenedOn", "recordedById", "recordedAt", "activeKey") VALUES (?, 'cpc-2014', 1, ?, ?, ?, ?, ?)`,
  );
  record.run(ids.A, "apply", "2026-01-05T00:00:00.000+00:00", ids.SEC, ts, `${ids.A}:apply`);
  record.run(ids.A, "recommend", "2026-06-01T00:00:00.000+00:00", ids.SEC, ts, `${ids.A}:recommend`);

  // A class M is enrolled in: its exam (a quiz whose own audience is another branch), an upcoming
  // session, an essay past due with 补交 still open, one with an extension, one handed in, one closed.
  ids.class = Number(
    db()
      .prepare(
        `INSERT INTO TrainingClass (kind, title, term, unitId, startsOn, endsOn, gradingRule, status, createdById, createdAt, updatedAt)
         VALUES ('member', '第 3 期党员培训班', 3, ?, ?, ?, '{}', 'running', ?, ?, ?)`,
      )
      .run(college.id, ts, storedTimestamp(new Date(now.getTime() + 30 * DAY)), ids.SEC, ts, ts).lastInsertRowid,
  );
  db()
    .prepare("INSERT INTO ClassMember (classId, personId, status, source, createdAt, updatedAt) VALUES (?, ?, 'enrolled', 'organiser', ?, ?)")
    .run(ids.class, ids.M, ts, ts);
  ids.exam = quizzes.quiz({ title: "培训班结业考试", unitId: college.id, createdById: ids.SEC, audiences: [{ unitId: other.id }] });
  ids.session = activity(college.id, "party_school", "培训班第二讲", 5 * DAY);
  const item = db().prepare("INSERT INTO ClassItem (classId, position, kind, activityId, quizId) VALUES (?, ?, ?, ?, ?)");
  item.run(ids.class, 1, "session", ids.session, null);
  item.run(ids.class, 2, "exam", null, ids.exam);
  const essay = (title: string, dueIn: number, lateIn: number | null) =>
    Number(
      db()
        .prepare(
          "INSERT INTO Assignment (classId, kind, title, prompt, opensAt, dueAt, lateUntil, rubric, createdById, createdAt, updatedAt) VALUES (?, 'essay', ?, '谈体会', ?, ?, ?, '[]', ?, ?, ?)",
        )
        .run(
          ids.class,
          title,
          storedTimestamp(new Date(now.getTime() - 10 * DAY)),
          storedTimestamp(new Date(now.getTime() + dueIn)),
          lateIn === null ? null : storedTimestamp(new Date(now.getTime() + lateIn)),
          ids.SEC,
          ts,
          ts,
        ).lastInsertRowid,
    );
  ids.lateEssay = essay("可补交的心得", -DAY, 2 * DAY);
  ids.extended = essay("准予补交的读书报告", -2 * DAY, null);
  ids.handedIn = essay("已提交的心得", 3 * DAY, null);
  ids.closed = essay("已截止的心得", -3 * DAY, null);
  db()
    .prepare("INSERT INTO AssignmentExtension (assignmentId, personId, dueAt, reason, createdById, createdAt) VALUES (?, ?, ?, '病假', ?, ?)")
    .run(ids.extended, ids.M, storedTimestamp(new Date(now.getTime() + 4 * DAY)), ids.SEC, ts);
  db()
    .prepare(
      "INSERT INTO Submission (assignmentId, personId, status, text, chars, version, submittedAt, createdAt, updatedAt) VALUES (?, ?, 'submitted', '正文', 2, 1, ?, ?, ?)",
    )
    .run(ids.handedIn, ids.M, ts, ts, ts);

  db()
    .prepare(
      `INSERT INTO CreditClaim (personId, title, organizer, category, hours, earnedOn, filePath, fileMime, status, createdAt) VALUES (?, '市委党校专题培训', '市委党校', 'party_school', 400, ?, 'claims/x.png', 'image/png', 'pending', ?)`,
    )
    .run(ids.M, ts, ts);
});
afterAll(async () => {
  await server?.stop();
});

/** The to-do cards of a page, in order, as text. */
function todoItems(html: string): string[] {
  return [...plain(html).matchAll(/data-testid="todo-item"[^>]*>([\s\S]*?)<\/li>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim(),
  );
}

describe("the home page's to-do list", () => {
  it("shows a member exactly her own items, the overdue course first", async () => {
    const home = await clients.M.get("/");
    expect(home.status).toBe(200);
    expect(plain(home.text)).toMatch(/<h1[^>]*>您好，成员M/);
    const items = todoItems(home.text);
    expect(items[0]).toContain("党章逐条学");
    expect(items[0]).toContain("已逾期");
    expect(items[0]).toContain("已学 1/2 课");
    const all = items.join("\n");
    for (const mine of ["党纪学习测试", "宪法知识竞赛", "十二月主题党日", "学院专题党课"]) expect(all).toContain(mine);
    for (const notMine of [
      "已学完的课程",
      "第二支部的必修课",
      "已交卷的测试",
      "第二支部测试",
      "未发布测试",
      "学院支委会",
      "第二支部主题党日",
      "已取消的党员大会",
    ])
      expect(all).not.toContain(notMine);
    expect(home.text).toContain(`href="/meetings/${ids.themeDay}"`);
    expect(home.text).toContain(`href="/quizzes/${ids.quiz}"`);
    // The quiz closing tonight comes before the meeting in two days.
    expect(all.indexOf("党纪学习测试")).toBeLessThan(all.indexOf("十二月主题党日"));
    // A member has no block of things to act on for others.
    expect(home.text).not.toContain("待我处理");
  });

  it("shows a class member her exam, her session and the work still accepted, with 补交 marked overdue", async () => {
    const home = await clients.M.get("/");
    const items = todoItems(home.text);
    const all = items.join("\n");
    expect(all).toContain("培训班结业考试");
    expect(all).toContain("培训班考试");
    expect(home.text).toContain(`href="/quizzes/${ids.exam}"`);
    expect(all).toContain("培训班第二讲");
    expect(home.text).toContain(`href="/classes/${ids.class}"`);
    const late = items.find((i) => i.includes("可补交的心得"));
    expect(late).toContain("已逾期");
    expect(late).toContain("可补交");
    const extended = items.find((i) => i.includes("准予补交的读书报告"));
    expect(extended).toContain("准予补交");
    expect(extended).not.toContain("已逾期");
    expect(all).not.toContain("已提交的心得");
    expect(all).not.toContain("已截止的心得");
    // N is in no class: the exam is hers by its own audience (her branch), the class's session and work are not.
    const other = todoItems((await clients.N.get("/")).text).join("\n");
    expect(other).toContain("培训班结业考试");
    expect(other).not.toContain("培训班第二讲");
    expect(other).not.toContain("可补交的心得");
  });

  it("shows another branch's member that branch's items, not the first branch's", async () => {
    const all = todoItems((await clients.N.get("/")).text).join("\n");
    expect(all).toContain("第二支部的必修课");
    expect(all).toContain("第二支部主题党日");
    expect(all).not.toContain("十二月主题党日");
    expect(all).not.toContain("党章逐条学");
  });

  it("shows an activist the quarter's 思想汇报, linked to where it is written", async () => {
    const home = await clients.A.get("/");
    const all = todoItems(home.text).join("\n");
    expect(all).toContain("思想汇报");
    // The branch's 主题党日 is for its party members (decision 056): its page would not open for her, so it is not on her list.
    expect(all).not.toContain("十二月主题党日");
    expect(home.text).toContain('href="/account/thought-reports"');
  });

  it("shows a secretary the claim waiting in her scope, linked to where she decides it", async () => {
    const home = await clients.SEC.get("/");
    expect(plain(home.text)).toContain("待我处理");
    expect(plain(home.text)).toMatch(/学时申请待审核[\s\S]*?<strong[^>]*>1<\/strong>/);
    expect(home.text).toContain('href="/manage/claims"');
  });

  it("shows a secretary the leave asked for a meeting of her units, linked to that meeting's page", async () => {
    const meeting = db().prepare("SELECT id FROM Activity WHERE unitId = ? AND title LIKE '%十二月主题党日%'").get(ids.branch) as { id: number };
    db()
      .prepare("INSERT INTO ActivityLeave (activityId, personId, reason, status, createdAt) VALUES (?, ?, '课程考试冲突', 'pending', ?)")
      .run(meeting.id, ids.M, storedTimestamp(new Date()));
    try {
      const home = plain((await clients.SEC.get("/")).text);
      expect(home).toMatch(/会议请假待审批[\s\S]*?<strong[^>]*>1<\/strong>/);
      expect(home).toContain(`href="/manage/activities/${meeting.id}/meeting"`);
      // A member asking for leave has nothing to decide; a trainer's role does not decide leave either.
      expect(plain((await clients.M.get("/")).text)).not.toContain("会议请假待审批");
      expect(plain((await clients.TR.get("/")).text)).not.toContain("会议请假待审批");
    } finally {
      db().prepare("DELETE FROM ActivityLeave WHERE activityId = ? AND personId = ?").run(meeting.id, ids.M);
    }
  });

  it("shows a trainer the work to grade in her classes, and not the claims her role does not decide", async () => {
    const home = plain((await clients.TR.get("/")).text);
    expect(home).toMatch(/作业待批阅[\s\S]*?<strong[^>]*>1<\/strong>/);
    expect(home).not.toContain("学时申请待审核");
    // The secretary holds classes:manage too: the same submission waits for her.
    expect(plain((await clients.SEC.get("/")).text)).toContain("作业待批阅");
  });
});

describe("the calendar", () => {
  it("lists the member's meetings and due days of the month", async () => {
    const month = new Date(Date.now() + 2 * DAY + 8 * HOUR).toISOString().slice(0, 7);
    const page = await clients.M.get(`/calendar?month=${month}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("十二月主题党日");
    expect(page.text).not.toContain("第二支部主题党日");
    expect((await clients.M.get("/calendar?month=2026-13")).status).toBe(400);
  });

  it("shows a unit's calendar to its secretary only, by path", async () => {
    const page = await clients.SEC.get(`/manage/calendar?unitId=${ids.branch}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("十二月主题党日");
    expect(page.text).not.toContain("第二支部主题党日");
    expect((await clients.M.get(`/manage/calendar?unitId=${ids.branch}`)).status).toBe(403);
    expect((await clients.SEC.get(`/manage/calendar?unitId=${ids.root}`)).status).toBe(403);
  });
});

describe("the iCalendar feed", () => {
  const feedUrl = async (key: string) => {
    const res = await clients[key].post("/calendar", { intent: "feed" });
    expect(res.status).toBe(200);
    const url = /value="(http[^"]+\/calendar\/feed\/[A-Za-z0-9_-]+\.ics)"/.exec(res.text)?.[1];
    expect(url).toBeDefined();
    return new URL(url!).pathname;
  };

  it("lists exactly the person's own items as RFC 5545 text, at a URL anyone holding it can fetch", async () => {
    const path = await feedUrl("M");
    const anonymous = new Client(server.url);
    const res = await anonymous.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/calendar");
    const text = res.text;
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(text.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const unfolded = text.replace(/\r\n /g, "");
    expect(unfolded).toContain(`UID:meeting:${ids.themeDay}@`);
    expect(unfolded).toContain("SUMMARY:十二月主题党日");
    expect(unfolded).toContain("SUMMARY:学院专题党课");
    expect(unfolded).toContain("SUMMARY:【截止】党纪学习测试");
    expect(unfolded).toContain(`URL:${server.url}/meetings/${ids.themeDay}`);
    for (const notMine of ["第二支部主题党日", "学院支委会", "已交卷的测试", "第二支部的必修课", "成员N", "成员A"]) expect(unfolded).not.toContain(notMine);
    expect((unfolded.match(/BEGIN:VEVENT/g) ?? []).length).toBe((unfolded.match(/END:VEVENT/g) ?? []).length);
  });

  it("keeps only a hash of the token, audits each new URL, and revokes the old one when regenerated", async () => {
    const first = await feedUrl("N");
    const token = /feed\/(.+)\.ics$/.exec(first)![1];
    const stored = db().prepare("SELECT tokenHash FROM CalendarFeed WHERE personId = ?").get(ids.N) as { tokenHash: string };
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const second = await feedUrl("N");
    expect(second).not.toBe(first);
    const anonymous = new Client(server.url);
    expect((await anonymous.get(first)).status).toBe(404);
    expect((await anonymous.get(second)).status).toBe(200);
    const audits = db().prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'calendar.feed_create' AND actorId = ?").get(ids.N) as { n: number };
    expect(audits.n).toBe(2);
    // The page says a URL exists, and does not show it again.
    const page = await clients.N.get("/calendar");
    expect(page.text).toContain("重新生成");
    expect(page.text).not.toContain(second);
  });

  it("answers an unknown or malformed token with 404", async () => {
    const anonymous = new Client(server.url);
    expect((await anonymous.get("/calendar/feed/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")).status).toBe(404);
    expect((await anonymous.get("/calendar/feed/short.ics")).status).toBe(404);
    expect((await anonymous.get("/calendar/feed/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  });
});
