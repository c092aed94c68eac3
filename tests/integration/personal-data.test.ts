import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openContestFactory } from "../contest-factories";
import { openCourseFactory } from "../course-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Personal data against the real server (decision 033): a person sees and downloads everything the
// system holds about them, and nothing about anyone else, no secret and no open quiz's key; the
// privacy notice is public and linked; quiz and contest reports and exports mask 学号 and political
// status for viewers without people:sensitive over the person's unit.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3_600_000;
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");
const LEARNER = { number: "2024070001", name: "周小党", phone: "13812345678" };
const OTHER = { number: "2024070002", name: "吴同学", phone: "13987654321" };

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const qf = openQuizFactory(f.db);
  const cf = openContestFactory(f.db);
  const kf = openCourseFactory(f.db);
  const root = f.unit({ name: "数据大学党委", kind: "committee" });
  const college = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "计算机学院学生第一党支部", kind: "branch", branchType: "student", parent: college });
  ids.college = college.id;
  const person = async (key: string, input: Parameters<typeof f.person>[0]) => {
    ids[key] = f.person(input);
    await f.password(ids[key], PASSWORD);
  };
  await person("L", { ...LEARNER, unitId: branch.id, politicalStatus: "activist", gender: "female", statusSince: new Date("2025-09-01T00:00:00Z") });
  await person("O", { ...OTHER, unitId: branch.id, politicalStatus: "activist" });
  await person("S", { number: "S001", name: "郑书记", unitId: college.id, politicalStatus: "member" });
  f.grant(ids.S, "secretary", college.id);
  await person("T", { number: "T001", name: "钱教员", unitId: college.id, politicalStatus: "member" });
  f.grant(ids.T, "trainer", college.id);
  await person("A", { number: "A001", name: "管理员", unitId: root.id, politicalStatus: "member" });
  f.grant(ids.A, "admin", root.id);

  f.statusChange(ids.L, "applicant", "activist", new Date("2025-09-01T00:00:00Z"), "支部委员会讨论通过");
  f.hours({
    personId: ids.L,
    year: 2026,
    amount: 150,
    category: "offline",
    sourceKind: "adjustment",
    sourceId: "pd-1",
    note: "补录党校学习",
    earnedAt: new Date("2026-06-01T02:00:00Z"),
  });

  // A quiz still open whose answers are never shown: the attempt is finished, its items answered.
  const bank = qf.standardBank({ slug: "pd-bank", unitId: root.id, perType: 1 });
  ids.quiz = qf.quiz({
    title: "两学一做测验",
    unitId: college.id,
    createdById: ids.T,
    opensAt: new Date(Date.now() - HOUR),
    closesAt: new Date(Date.now() + 24 * HOUR),
    reviewPolicy: "never",
    audiences: [{ unitId: college.id, politicalStatus: "activist" }],
    slots: [
      { questionId: bank.ids.single[0], markEach: 5000 },
      { questionId: bank.ids.judge[0], markEach: 5000 },
    ],
  });
  const attempt = (personId: number, flagged: boolean) => {
    const now = new Date();
    const id = Number(
      f.db
        .prepare(
          `INSERT INTO QuizAttempt (quizId, personId, number, state, seed, startedAt, finishedAt, mark, maxMark, percent, passed, flagged, flagReason)
           VALUES (?, ?, 1, 'submitted', 's', ?, ?, 5000, 10000, 500, 0, ?, NULL)`,
        )
        .run(ids.quiz, personId, ts(new Date(now.getTime() - 60_000)), ts(now), flagged ? 1 : 0).lastInsertRowid,
    );
    const item = f.db.prepare(
      `INSERT INTO AttemptItem (attemptId, position, questionId, maxMark, response, answeredAt, answerCount, mark, correct) VALUES (?, ?, ?, 5000, ?, ?, 1, ?, ?)`,
    );
    item.run(id, 1, bank.ids.single[0], JSON.stringify("C"), ts(now), 0, 0);
    item.run(id, 2, bank.ids.judge[0], JSON.stringify(true), ts(now), 5000, 1);
    f.db.prepare(`INSERT INTO QuizGrade (quizId, personId, percent, passed, attempts, updatedAt) VALUES (?, ?, 500, 0, 1, ?)`).run(ids.quiz, personId, ts(now));
  };
  attempt(ids.L, true);
  attempt(ids.O, false);

  // A contest still open, and one entry each.
  ids.contest = cf.contest({
    title: "党史知识竞赛",
    unitId: college.id,
    createdById: ids.T,
    audiences: [{ unitId: college.id }],
    sections: [{ bankId: bank.bankId, count: 1, pointsEach: 1000 }],
  });
  for (const [key, seconds] of [
    ["L", 50],
    ["O", 40],
  ] as const) {
    cf.entry({
      contestId: ids.contest,
      personId: ids[key],
      items: [{ questionId: bank.ids.single[0], points: 1000 }],
      state: "submitted",
      finishedAt: new Date(),
      score: 1000,
      correct: 1,
      durationMs: seconds * 1000,
      answers: [{ position: 1, response: "B", correct: true, points: 1000 }],
    });
  }

  const course = kf.course({ slug: "pd-course", unitId: root.id, title: "党章学习" });
  const lesson = kf.lesson({ courseId: course, key: "l1", position: 1, credit: 100, minutes: 10 });
  f.db
    .prepare("INSERT INTO LessonProgress (personId, lessonId, readSeconds, createdAt, updatedAt) VALUES (?, ?, 321, ?, ?)")
    .run(ids.L, lesson, ts(new Date()), ts(new Date()));
  f.db.prepare("INSERT INTO CourseSearch (personId, query, createdAt) VALUES (?, '廉洁自律', ?)").run(ids.L, ts(new Date()));
  f.db.prepare("INSERT INTO CourseSearch (personId, query, createdAt) VALUES (?, '别人的搜索', ?)").run(ids.O, ts(new Date()));
  f.db
    .prepare(
      `INSERT INTO CreditClaim (personId, title, organizer, category, hours, earnedOn, filePath, fileMime, status, createdAt) VALUES (?, '市委党校专题培训', '市委党校', 'party_school', 400, ?, 'claims/x.png', 'image/png', 'pending', ?)`,
    )
    .run(ids.L, ts(new Date("2026-05-01T00:00:00Z")), ts(new Date()));
  const activity = Number(
    f.db
      .prepare(
        `INSERT INTO Activity (unitId, kind, title, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, createdById, createdAt, updatedAt)
         VALUES (?, 'theme_day', '十月主题党日', ?, ?, ?, ?, 200, 'secret', ?, ?, ?)`,
      )
      .run(branch.id, ts(new Date()), ts(new Date()), ts(new Date()), ts(new Date()), ids.S, ts(new Date()), ts(new Date())).lastInsertRowid,
  );
  f.db.prepare(`INSERT INTO ActivityAttendance (activityId, personId, source, at) VALUES (?, ?, 'checkin', ?)`).run(activity, ids.L, ts(new Date()));
  f.db
    .prepare(`INSERT INTO HoursCertificate (personId, year, earned, required, personName, unitName, issuedById) VALUES (?, 2026, 150, 3200, ?, ?, ?)`)
    .run(ids.L, LEARNER.name, branch.name, ids.S);
}, 60_000);
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const plain = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<!--.*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

type Download = { exportedAt: string; person: { number: string; name: string }; sections: { id: string; title: string; rows: Record<string, unknown>[] }[] };

describe("my personal data (/account/data)", () => {
  it("lists everything held about the person, by category, and nothing about anyone else", async () => {
    // A secretary looks at the learner's page first: the learner sees that a manager did, not who.
    expect((await (await as("S001")).get(`/manage/people/${ids.L}`)).status).toBe(200);
    const c = await as(LEARNER.number);
    const res = await c.get("/account/data");
    expect(res.status).toBe(200);
    const text = plain(res.text);
    for (const title of [
      "基本信息",
      "政治面貌变更记录",
      "登录设备（会话）",
      "学时记录",
      "测验作答",
      "测验答题明细",
      "知识竞赛",
      "课程学习进度",
      "课程搜索记录",
      "学时申请",
      "组织生活出席",
      "学时证明",
      "操作记录",
    ]) {
      expect(text).toContain(title);
    }
    for (const mine of [
      LEARNER.number,
      LEARNER.phone,
      "入党积极分子",
      "支部委员会讨论通过",
      "补录党校学习",
      "两学一做测验",
      "党史知识竞赛",
      "党章学习",
      "廉洁自律",
      "市委党校专题培训",
      "十月主题党日",
      "查看人员",
    ]) {
      expect(text).toContain(mine);
    }
    for (const theirs of [OTHER.name, OTHER.number, OTHER.phone, "别人的搜索", "郑书记", "S001"]) expect(text).not.toContain(theirs);
  });

  it("downloads the same as JSON, audited as a personal-data export, with no secret and no open quiz's key", async () => {
    // Someone tries the account with a wrong password: the person sees the attempt, not as their own act.
    expect((await new Client(server.url).login(LEARNER.number, "wrong-password")).status).toBe(400);
    const c = await as(LEARNER.number);
    const file = await c.download("/account/data.json");
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("application/json");
    expect(file.headers.get("cache-control")).toContain("no-store");
    expect(decodeURIComponent(file.headers.get("content-disposition")!)).toContain(`个人信息-${LEARNER.number}-`);
    const raw = file.bytes.toString("utf8");
    const data = JSON.parse(raw) as Download;
    expect(data.person).toEqual({ number: LEARNER.number, name: LEARNER.name });
    const section = (id: string) => data.sections.find((s) => s.id === id)!.rows;
    expect(section("profile")[0]).toMatchObject({ 学号工号: LEARNER.number, 手机号: LEARNER.phone, 政治面貌: "入党积极分子", 性别: "女" });
    expect(section("hours")).toEqual([expect.objectContaining({ 学时: "1.5", 备注: "补录党校学习" })]);
    expect(section("courseSearches").map((r) => r.搜索内容)).toEqual(["廉洁自律"]);
    expect(section("lessonProgress")).toEqual([expect.objectContaining({ 课程: "党章学习", 阅读秒数: 321 })]);
    expect(section("sessions").filter((r) => r.当前设备)).toHaveLength(1);

    // The quiz is open and never shows its answers: the learner's own answers, but not which were right.
    const answers = section("quizAnswers");
    expect(answers.map((r) => [r.题号, r.我的答案, r.是否正确, r.得分])).toEqual([
      [1, "C", null, null],
      [2, "正确", null, null],
    ]);
    expect(section("quizAttempts")[0]).toMatchObject({ 测验: "两学一做测验", 被标记为异常: true });
    // The contest is still open: no right or wrong yet either.
    expect(section("contestAnswers").map((r) => [r.我的答案, r.是否正确])).toEqual([["B", null]]);

    // Secrets and other people stay out.
    const secrets = [
      ...(server.factory.db.prepare("SELECT id FROM Session WHERE personId = ?").all(ids.L) as { id: string }[]).map((s) => s.id),
      (server.factory.db.prepare("SELECT hash FROM Password WHERE personId = ?").get(ids.L) as { hash: string }).hash,
      c.sessionToken()!,
      "EXPLAIN-",
      OTHER.name,
      OTHER.number,
      "别人的搜索",
      "郑书记",
    ];
    for (const s of secrets) expect(raw).not.toContain(s);
    expect(raw).not.toMatch(/"answer"|正确答案|标准答案/);

    expect(section("audit")).toContainEqual(expect.objectContaining({ 操作: "登录失败", 操作人: "以本账号尝试登录者", 地址: null }));
    expect(section("audit")).toContainEqual(expect.objectContaining({ 操作: "查看人员", 操作人: "管理人员", 对象: "本人", 地址: null }));
    expect(section("audit")).toContainEqual(expect.objectContaining({ 操作: "登录成功", 操作人: "本人", 地址: expect.any(String) }));

    const logged = server.factory.db.prepare("SELECT actorId, targetId FROM AuditLog WHERE action = 'person.data_export'").all();
    expect(logged).toEqual([{ actorId: ids.L, targetId: String(ids.L) }]);
    // The download appears in the person's own record of operations.
    expect(plain((await c.get("/account/data")).text)).toContain("下载本人个人信息");
  });

  it("shows right and wrong once the quiz's review is open", async () => {
    server.factory.db.prepare("UPDATE Quiz SET reviewPolicy = 'after_submit' WHERE id = ?").run(ids.quiz);
    const data = JSON.parse((await (await as(LEARNER.number)).download("/account/data.json")).bytes.toString("utf8")) as Download;
    const answers = data.sections.find((s) => s.id === "quizAnswers")!.rows;
    expect(answers.map((r) => [r.是否正确, r.得分])).toEqual([
      [false, 0],
      [true, 50],
    ]);
    server.factory.db.prepare("UPDATE Quiz SET reviewPolicy = 'never' WHERE id = ?").run(ids.quiz);
  });

  it("needs a signed-in person", async () => {
    const anonymous = new Client(server.url);
    const page = await anonymous.get("/account/data");
    expect(page.status).toBe(302);
    expect(page.location).toContain("/login");
    expect((await anonymous.get("/account/data.json")).status).toBe(302);
  });
});

describe("the privacy notice", () => {
  it("is public, linked from the sign-in page and the account page, and says what is kept and for how long", async () => {
    const anonymous = new Client(server.url);
    const notice = await anonymous.get("/privacy");
    expect(notice.status).toBe(200);
    const text = plain(notice.text);
    for (const phrase of [
      "保存的信息",
      "用途",
      "保存期限",
      "谁能看到",
      "身份证号",
      "不保存",
      "政治面貌",
      "敏感个人信息",
      "课程搜索记录",
      "操作记录",
      "我的个人信息",
    ]) {
      expect(text).toContain(phrase);
    }
    expect((await anonymous.get("/login")).text).toContain('href="/privacy"');
    const account = (await (await as(LEARNER.number)).get("/account")).text;
    expect(account).toContain('href="/privacy"');
    expect(account).toContain('href="/account/data"');
    // The account page no longer has an ID number line at all.
    expect(plain(account)).not.toContain("身份证号");
  });
});

describe("quiz and contest reports for viewers without people:sensitive", () => {
  it("mask 学号 and political status in the quiz export for a trainer, and show them to an admin", async () => {
    const trainer = await (await as("T001")).download(`/manage/quizzes/${ids.quiz}/report.xlsx`);
    expect(trainer.status).toBe(200);
    const masked = (await readSheet(trainer.bytes, "人员成绩")).slice(1);
    expect(masked.map((r) => [r[0], r[1], r[3]]).sort()).toEqual([
      ["2024****01", LEARNER.name, "***"],
      ["2024****02", OTHER.name, "***"],
    ]);
    const flagged = (await readSheet(trainer.bytes, "异常作答")).slice(1);
    expect(flagged.map((r) => r[0])).toEqual(["2024****01"]);

    const admin = await (await as("A001")).download(`/manage/quizzes/${ids.quiz}/report.xlsx`);
    const whole = (await readSheet(admin.bytes, "人员成绩")).slice(1);
    expect(whole.map((r) => [r[0], r[3]]).sort()).toEqual([
      [LEARNER.number, "入党积极分子"],
      [OTHER.number, "入党积极分子"],
    ]);
  });

  it("mask 学号 on the quiz report page's flagged attempts for a trainer", async () => {
    const page = plain((await (await as("T001")).get(`/manage/quizzes/${ids.quiz}/report`)).text);
    expect(page).toContain("2024****01");
    expect(page).not.toContain(LEARNER.number);
  });

  it("mask 学号 in the contest export for a trainer, and show them to an admin", async () => {
    const trainer = await (await as("T001")).download(`/manage/contests/${ids.contest}/results.xlsx`);
    expect(trainer.status).toBe(200);
    const masked = (await readSheet(trainer.bytes, "个人排名")).slice(1).map((r) => [r[2], r[3]]);
    expect(masked).toEqual([
      ["2024****02", OTHER.name],
      ["2024****01", LEARNER.name],
    ]);
    const admin = await (await as("A001")).download(`/manage/contests/${ids.contest}/results.xlsx`);
    expect((await readSheet(admin.bytes, "个人排名")).slice(1).map((r) => r[2])).toEqual([OTHER.number, LEARNER.number]);
  });
});
