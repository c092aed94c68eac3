import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toLocalInput } from "~/lib/quiz-settings";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Nobody credits 学时 to themselves through a quiz or a contest (decision 028): the trainer who set a
// pass mark of 0 and two 学时 takes the quiz, is graded, and is not credited until another trainer of
// the unit approves the settings; changing them again lets the approval lapse. The same for a contest.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  ids.college = college.id;
  for (const key of ["T1", "T2", "L1"]) {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId: college.id, category: "staff", politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  }
  f.grant(ids.T1, "trainer", college.id);
  f.grant(ids.T2, "trainer", college.id);
  ids.bank = openQuizFactory(f.db).standardBank({ slug: "self", unitId: root.id, perType: 2 }).bankId;
});
afterAll(() => server?.stop());

const db = () => server.factory.db;
const credited = (key: string, kind: "quiz" | "contest" | "lesson", id: number) =>
  (
    db()
      .prepare("SELECT COALESCE(SUM(amount), 0) AS n FROM HoursEntry WHERE personId = ? AND sourceKind = ? AND sourceId = ?")
      .get(ids[key], kind, String(id)) as { n: number }
  ).n;
const seenOf = (html: string) => /name="seen" value="([^"]+)"/.exec(html)?.[1];

function quizSettings(overrides: Record<string, string> = {}) {
  return {
    intent: "settings",
    title: "自己设置的测试",
    opensAt: "",
    closesAt: toLocalInput(new Date(Date.now() + 24 * HOUR)),
    timeLimitMin: "30",
    maxAttempts: "3",
    gradeMethod: "highest",
    passPercent: "0",
    reviewPolicy: "after_submit",
    creditHours: "2",
    ...overrides,
  };
}

async function takeQuiz(key: string, quizId: number) {
  const started = await clients[key].post(`/quizzes/${quizId}`, {});
  expect(started.status, started.text.slice(0, 300)).toBe(302);
  const submitted = await clients[key].post(started.location!, { intent: "submit" });
  expect(submitted.status).toBe(302);
}

describe("a quiz's credit settings", () => {
  let quizId: number;
  let url: string;

  it("records who set the pass mark and hours; the setter is graded but not credited, and told why", async () => {
    const created = await clients.T1.post("/manage/quizzes", { unitId: String(ids.college), title: "自己设置的测试" });
    url = created.location!;
    quizId = Number(url.split("/").pop());
    expect((await clients.T1.post(url, quizSettings())).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "slot-add", kind: "draw", bankId: String(ids.bank), count: "2", mark: "5" })).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "audience-add", unitId: String(ids.college), politicalStatus: "" })).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "publish" })).status).toBe(200);
    expect(db().prepare("SELECT creditSetById, creditApprovedById FROM Quiz WHERE id = ?").get(quizId)).toEqual({
      creditSetById: ids.T1,
      creditApprovedById: null,
    });

    const page = await clients.T1.get(`/quizzes/${quizId}`);
    expect(page.text).toContain("本测试的及格线和学时是您设置的，尚未经其他管理员审核");
    expect((await clients.L1.get(`/quizzes/${quizId}`)).text).not.toContain("是您设置的");

    await takeQuiz("T1", quizId);
    expect(db().prepare("SELECT passed FROM QuizGrade WHERE quizId = ? AND personId = ?").get(quizId, ids.T1)).toEqual({ passed: 1 });
    expect(credited("T1", "quiz", quizId)).toBe(0);
    await takeQuiz("L1", quizId);
    expect(credited("L1", "quiz", quizId)).toBe(200);
  });

  it("is approved by another trainer of the unit only, for the very settings they saw", async () => {
    const own = await clients.T1.get(url);
    expect(own.text).toContain("及格线和学时是您设置的");
    expect(own.text).not.toContain("审核通过学时设置");
    const other = await clients.T2.get(url);
    expect(other.text).toContain("待其他管理员审核");
    const seen = seenOf(other.text)!;
    expect(seen).toBeTruthy();

    const self = await clients.T1.post(url, { intent: "approve-credit", seen });
    expect(self.status).toBe(400);
    expect(self.text).toContain("须由本组织的其他管理员审核");
    expect((await clients.T2.post(url, { intent: "approve-credit", seen: "0:0:" })).text).toContain("学时设置已被修改");
    expect((await clients.L1.post(url, { intent: "approve-credit", seen })).status).toBe(403);
    expect(db().prepare("SELECT creditApprovedById FROM Quiz WHERE id = ?").get(quizId)).toEqual({ creditApprovedById: null });

    const ok = await clients.T2.post(url, { intent: "approve-credit", seen });
    expect(ok.text).toContain("学时设置已审核通过");
    expect(db().prepare("SELECT creditApprovedById FROM Quiz WHERE id = ?").get(quizId)).toEqual({ creditApprovedById: ids.T2 });
    expect(
      db().prepare("SELECT actorId FROM AuditLog WHERE action = 'hours.approve_settings' AND targetKind = 'quiz' AND targetId = ?").all(String(quizId)),
    ).toEqual([{ actorId: ids.T2 }]);
    expect((await clients.T1.get(url)).text).toContain("已由 人员T2 审核");
    expect((await clients.T1.get(`/quizzes/${quizId}`)).text).not.toContain("是您设置的");

    // The next attempt after the approval is credited; the earlier one was not, and is not now.
    await takeQuiz("T1", quizId);
    expect(credited("T1", "quiz", quizId)).toBe(200);
  });

  it("lets the approval lapse when the pass mark or hours change, not when the title does", async () => {
    expect((await clients.T2.post(url, quizSettings({ title: "改了名称的测试" }))).status).toBe(200);
    expect(db().prepare("SELECT creditSetById, creditApprovedById FROM Quiz WHERE id = ?").get(quizId)).toEqual({
      creditSetById: ids.T1,
      creditApprovedById: ids.T2,
    });
    expect((await clients.T1.post(url, quizSettings({ title: "改了名称的测试", passPercent: "10" }))).status).toBe(200);
    expect(db().prepare("SELECT creditSetById, creditApprovedById FROM Quiz WHERE id = ?").get(quizId)).toEqual({
      creditSetById: ids.T1,
      creditApprovedById: null,
    });
    expect((await clients.T1.get(`/quizzes/${quizId}`)).text).toContain("是您设置的");
  });
});

describe("a contest's credit settings", () => {
  it("credits the setter's entry only after another trainer approved the hours", async () => {
    const created = await clients.T1.post("/manage/contests", { unitId: String(ids.college), title: "自己设置的竞赛" });
    const url = created.location!;
    const contestId = Number(url.split("/").pop());
    const settings = {
      intent: "settings",
      title: "自己设置的竞赛",
      opensAt: toLocalInput(new Date(Date.now() - HOUR)),
      closesAt: toLocalInput(new Date(Date.now() + 24 * HOUR)),
      timeLimitMin: "15",
      creditHours: "1",
    };
    expect((await clients.T1.post(url, settings)).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "section-add", bankId: String(ids.bank), count: "2", points: "5" })).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "audience-add", unitId: String(ids.college), politicalStatus: "" })).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "publish" })).status).toBe(200);

    const enter = async (key: string) => {
      expect((await clients[key].post(`/contests/${contestId}`, { intent: "start" })).status).toBe(302);
      const entry = db().prepare("SELECT id FROM ContestEntry WHERE contestId = ? AND personId = ?").get(contestId, ids[key]) as { id: number };
      expect((await clients[key].post(`/contests/${contestId}`, { intent: "submit", entryId: String(entry.id) })).status).toBe(302);
    };
    expect((await clients.T1.get(`/contests/${contestId}`)).text).toContain("本竞赛的学时是您设置的");
    await enter("T1");
    expect(db().prepare("SELECT state FROM ContestEntry WHERE contestId = ? AND personId = ?").get(contestId, ids.T1)).toEqual({ state: "submitted" });
    expect(credited("T1", "contest", contestId)).toBe(0);

    // T2 did not set the hours: their entry counts at once. Then T2 approves the settings.
    await enter("T2");
    expect(credited("T2", "contest", contestId)).toBe(100);
    const seen = seenOf((await clients.T2.get(url)).text)!;
    expect((await clients.T1.post(url, { intent: "approve-credit", seen })).text).toContain("须由本组织的其他管理员审核");
    expect((await clients.T2.post(url, { intent: "approve-credit", seen })).text).toContain("学时设置已审核通过");
    expect(db().prepare("SELECT creditSetById, creditApprovedById FROM Contest WHERE id = ?").get(contestId)).toEqual({
      creditSetById: ids.T1,
      creditApprovedById: ids.T2,
    });
    await enter("L1");
    expect(credited("L1", "contest", contestId)).toBe(100);
  });
});

describe("a course's lesson hours", () => {
  it("are not credited to the trainer who published them, and are to a learner", async () => {
    const created = await clients.T1.post("/manage/courses", { title: "自己发布的课程", slug: "ziji-fabu", category: "党课", unitId: String(ids.college) });
    const url = created.location!;
    const courseId = Number(url.split("/").pop());
    const settings = {
      intent: "settings",
      title: "自己发布的课程",
      summary: "自己学自己发布的课",
      category: "党课",
      tags: "",
      completion: "90",
      audience: "member",
      body: "课程介绍。",
    };
    expect((await clients.T1.post(url, settings)).status).toBe(200);
    const lesson = { intent: "save-lesson", title: "一分钟的课", minutes: "1", credit: "100", video: "", body: "正文。", checkpoints: "" };
    expect((await clients.T1.post(`${url}/lessons/lesson-1`, lesson)).status).toBe(200);
    expect((await clients.T1.post(url, { intent: "publish" })).status).toBe(200);
    const lessonId = (db().prepare("SELECT id FROM Lesson WHERE courseId = ?").get(courseId) as { id: number }).id;

    const readForAMinute = async (key: string) => {
      const study = (fields: Record<string, string>) => clients[key].request("/api/study", { method: "POST", body: new URLSearchParams(fields) });
      const begun = await study({ intent: "begin", lessonId: String(lessonId) });
      expect(begun.status).toBe(200);
      const { sessionId } = JSON.parse(begun.text) as { sessionId: string };
      // A minute passes: the server's stored clock of the last beat moves back.
      db()
        .prepare("UPDATE StudySession SET lastBeatAt = ? WHERE personId = ?")
        .run(new Date(Date.now() - 3 * 60_000).toISOString().replace("Z", "+00:00"), ids[key]);
      const beat = await study({ intent: "reading", lessonId: String(lessonId), sessionId, seq: "1", visibleSeconds: "60" });
      return (JSON.parse(beat.text) as { status: { completed: boolean; credited: number } }).status;
    };
    expect((await clients.T1.get("/courses/ziji-fabu/lesson-1")).text).toContain("本课程的当前版本是您发布的");
    expect((await clients.L1.get("/courses/ziji-fabu/lesson-1")).text).not.toContain("是您发布的");
    expect(await readForAMinute("T1")).toMatchObject({ completed: true, credited: 0 });
    expect(credited("T1", "lesson", lessonId)).toBe(0);
    expect(await readForAMinute("L1")).toMatchObject({ completed: true, credited: 10000 });
  });
});
