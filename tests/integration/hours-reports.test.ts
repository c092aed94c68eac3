import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The 学时 dashboards against the real server, over a small tree worked by hand for 2025 (members
// owe 32 学时 a year under the shipped pack):
//
//   甲学院党委 (A)        secA (masses, no requirement)
//     A1                 m1 earned 35 (meets), m2 earned 10 (missing 22)
//     A2                 m3 earned 0 (missing 32), d1 disabled (left out)
//   乙学院党委 (B)
//     B1                 m4 earned 32 (meets)
//
// A's figures: A1 1/2 = 50.0%, average earned (32 + 10) / 2 = 21; A2 0/1 = 0.0%, average 0;
// total 1/3 = 33.3%, average (32 + 10 + 0) / 3 = 14. 参学 (earned anything this year) A1 2/2,
// A2 0/1, total 2/3 = 66.7%. Behind: m3 (32), then m2 (22).
//
// Required courses: 党章学习 (A's members, due 2025-01-01, two lessons and an archived third): m1
// finished both (complete), m2 one (in progress), m3 none (not started); m2 and m3 are overdue, and
// disabled d1's finished course counts nowhere. 入门课 (everyone in masses, from the root, no due
// date): secA opened it, secB did not. A draft course's assignment and B's own course are left out of A.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const YEAR = 2025;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "统计大学党委", kind: "committee" });
  const a = f.unit({ name: "甲学院党委", kind: "college", parent: root });
  const a1 = f.unit({ name: "甲学院第一党支部", kind: "branch", branchType: "student", parent: a });
  const a2 = f.unit({ name: "甲学院第二党支部", kind: "branch", branchType: "student", parent: a });
  const b = f.unit({ name: "乙学院党委", kind: "college", parent: root });
  const b1 = f.unit({ name: "乙学院党支部", kind: "branch", branchType: "student", parent: b });
  Object.assign(ids, { a: a.id, a1: a1.id, a2: a2.id, b: b.id });
  const member = async (key: string, unitId: number, extra: { disabled?: boolean; politicalStatus?: string } = {}) => {
    ids[key] = f.person({ number: `N${key}0001`, name: `人员${key}`, unitId, politicalStatus: "member", ...extra });
    if ((extra.politicalStatus ?? "member") === "member") f.statusChange(ids[key], "probationary", "member", new Date("2020-05-01T00:00:00Z"));
    await f.password(ids[key], PASSWORD);
  };
  await member("secA", a.id, { politicalStatus: "masses" });
  await member("secB", b.id, { politicalStatus: "masses" });
  await member("m1", a1.id);
  await member("m2", a1.id);
  await member("m3", a2.id);
  await member("d1", a2.id, { disabled: true });
  await member("m4", b1.id);
  f.grant(ids.secA, "secretary", a.id);
  f.grant(ids.secB, "secretary", b.id);

  const h = (key: string, amount: number, earnedAt: string, year = YEAR) =>
    f.hours({ personId: ids[key], year, amount, category: "online", sourceKind: "lesson", sourceId: `${key}-${earnedAt}`, earnedAt: new Date(earnedAt) });
  h("m1", 2000, "2025-03-31T20:00:00Z"); // 1 April in China
  h("m1", 1500, "2025-05-10T04:00:00Z");
  h("m1", 9900, "2024-05-10T04:00:00Z", 2024); // another year
  h("m2", 1000, "2025-03-10T04:00:00Z");
  h("d1", 5000, "2025-03-10T04:00:00Z"); // disabled: counted nowhere
  h("m4", 3200, "2025-01-10T04:00:00Z"); // another college

  const activity = f.db.prepare(
    `INSERT INTO Activity (unitId, kind, title, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, status, createdById, createdAt, updatedAt)
     VALUES (?, 'theme_day', ?, ?, ?, ?, ?, 200, 'secret', ?, ?, ?, ?)`,
  );
  const act = (unitId: number, title: string, startsAt: string, status: string) =>
    activity.run(unitId, title, startsAt, startsAt, startsAt, startsAt, status, ids.secA, startsAt, startsAt);
  act(a1.id, "七一主题党日", "2025-06-30T17:00:00.000+00:00", "confirmed"); // 1 July in China
  act(a2.id, "七月支部大会", "2025-07-15T02:00:00.000+00:00", "confirmed");
  act(a1.id, "取消的活动", "2025-06-10T02:00:00.000+00:00", "cancelled");
  act(b1.id, "乙学院活动", "2025-07-10T02:00:00.000+00:00", "confirmed");

  const cf = openCourseFactory(f.db);
  const course = (slug: string, title: string, lessons: number, status: "published" | "draft" = "published") => {
    const courseId = cf.course({ slug, unitId: root.id, title, status });
    const lessonIds = Array.from({ length: lessons }, (_, i) => cf.lesson({ courseId, key: `l${i + 1}`, position: i + 1, credit: 100, minutes: 10 }));
    return { courseId, lessonIds };
  };
  const charter = course("dangzhang", "党章学习", 2);
  cf.lesson({ courseId: charter.courseId, key: "old", position: 3, credit: 100, minutes: 10, archivedAt: new Date("2024-12-01T00:00:00Z") });
  cf.assignment({ courseId: charter.courseId, unitId: a.id, politicalStatus: "member", dueAt: new Date("2025-01-01T00:00:00Z") });
  const intro = course("rumen", "入门课", 1);
  cf.assignment({ courseId: intro.courseId, unitId: root.id, politicalStatus: "masses" });
  const draft = course("caogao", "草稿课程", 1, "draft");
  cf.assignment({ courseId: draft.courseId, unitId: root.id });
  const bOnly = course("yi", "乙学院课程", 1);
  cf.assignment({ courseId: bOnly.courseId, unitId: b.id });
  const progress = f.db.prepare("INSERT INTO LessonProgress (personId, lessonId, readSeconds, completedAt, createdAt, updatedAt) VALUES (?, ?, 600, ?, ?, ?)");
  const study = (key: string, lessonId: number, completed: boolean) => {
    const at = "2024-12-20T00:00:00.000+00:00";
    progress.run(ids[key], lessonId, completed ? at : null, at, at);
  };
  charter.lessonIds.forEach((l) => study("m1", l, true));
  study("m2", charter.lessonIds[0], true);
  study("m2", charter.lessonIds[1], false);
  charter.lessonIds.forEach((l) => study("d1", l, true));
  study("secA", intro.lessonIds[0], false);
});
afterAll(() => server?.stop());

async function signIn(key: string): Promise<Client> {
  const c = new Client(server.url);
  expect((await c.login(`N${key}0001`, PASSWORD)).status).toBe(302);
  return c;
}

const cellText = (html: string) =>
  html
    .replace(/<!--.*?-->/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .trim();

/** The cells of the rows marked with `data-testid`. */
function rows(html: string, testId: string): string[][] {
  return [...html.matchAll(new RegExp(`<tr[^>]*data-testid="${testId}"[^>]*>(.*?)</tr>`, "gs"))].map((m) =>
    [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => cellText(c[1])),
  );
}

describe("学时统计", () => {
  it("rolls up completion per child unit, the monthly trend and who is behind", async () => {
    const sec = await signIn("secA");
    const page = await sec.get(`/manage/reports?unitId=${ids.a}&year=${YEAR}`);
    // A long page of Chinese text crosses React's 2 KB write buffer many times (entry.server.tsx drops
    // the zero bytes React 18 leaves there): not one may reach the browser.
    expect(page.text.includes("\u0000")).toBe(false);
    expect(page.status).toBe(200);
    // Child units are named without the part they share with the college the heading names, in full on hover.
    expect(page.text).toContain('<span title="甲学院第一党支部">第一党支部</span>');
    expect(rows(page.text, "unit-row")).toEqual([
      ["本级", "1", "0", "0", "—", "—", "—"],
      ["第一党支部", "2", "2", "1", "50.0%", "100.0%", "21"],
      ["第二党支部", "1", "1", "0", "0.0%", "0.0%", "0"],
      ["合计", "4", "3", "1", "33.3%", "66.7%", "14"],
    ]);
    // The comparison chart's bars, largest first, with their values as text (a unit with nobody required comes last).
    expect(page.text.replaceAll("<!-- -->", "")).toContain("完成率，从高到低：第一党支部 50.0%；第二党支部 0.0%；本级 —");
    expect(rows(page.text, "behind-row")).toEqual([
      ["人员m3", "第二党支部", "32", "0", "32"],
      ["人员m2", "第一党支部", "32", "10", "22"],
    ]);
    const trend = rows(page.text, "trend-row");
    expect(trend).toHaveLength(12);
    expect(trend.filter((r) => r[1] !== "0" || r[2] !== "0")).toEqual([
      ["3月", "10", "0"],
      ["4月", "20", "0"],
      ["5月", "15", "0"],
      ["7月", "0", "2"],
    ]);
    expect(cellText(page.text)).toContain("共 4 人，其中 3 人有学时要求，已完成 1 人，完成率 33.3%，参学率 66.7%，人均已修 14 学时。");
    // No phone, ID or person number on the page.
    expect(page.text).not.toContain("Nm30001");
    // The default unit is the secretary's own.
    const byDefault = await sec.get(`/manage/reports?year=${YEAR}`);
    expect(rows(byDefault.text, "unit-row")).toEqual(rows(page.text, "unit-row"));
    // The nav shows the page to a secretary.
    expect(page.text).toContain('href="/manage/reports"');
  });

  it("shows how far the people in scope are with their required courses, per course and per unit", async () => {
    const sec = await signIn("secA");
    const page = await sec.get(`/manage/reports?unitId=${ids.a}&year=${YEAR}`);
    const courses = [...page.text.matchAll(/data-testid="required-course"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    expect(courses.map((c) => cellText(/<span class="font-medium">(.*?)<\/span>/.exec(c)![1]))).toEqual(["党章学习", "入门课"]);
    const summary = (c: string) => cellText(/data-testid="required-course-summary"[^>]*>([\s\S]*?)<\/p>/.exec(c)![1]);
    expect(summary(courses[0])).toBe("应学 3 人，已完成 1 人（33.3%），学习中 1 人，未开始 1 人，逾期未完成 2 人");
    expect(cellText(courses[0])).toContain("2 个课时 · 2025-01-01 前完成");
    expect(rows(courses[0], "required-course-unit")).toEqual([
      ["第一党支部", "2", "1", "50.0%", "1"],
      ["第二党支部", "1", "0", "0.0%", "1"],
    ]);
    expect(summary(courses[1])).toBe("应学 1 人，已完成 0 人（0.0%），学习中 1 人，未开始 0 人");
    expect(rows(courses[1], "required-course-unit")).toEqual([["本级", "1", "0", "0.0%", "0"]]);

    // B sees its own course and the one for the masses; nothing of A's.
    const secB = await signIn("secB");
    const own = await secB.get(`/manage/reports?unitId=${ids.b}&year=${YEAR}`);
    const bCourses = [...own.text.matchAll(/data-testid="required-course"[^>]*>[\s\S]*?<span class="font-medium">(.*?)<\/span>/g)].map((m) => m[1]);
    expect(bCourses).toEqual(["入门课", "乙学院课程"]);
  });

  it("refuses a unit outside the viewer's scope, and learners", async () => {
    const secB = await signIn("secB");
    expect((await secB.get(`/manage/reports?unitId=${ids.a}&year=${YEAR}`)).status).toBe(403);
    expect((await secB.download(`/manage/reports.xlsx?unitId=${ids.a1}&year=${YEAR}`)).status).toBe(403);
    expect((await secB.get(`/manage/reports?unitId=999999&year=${YEAR}`)).status).toBe(403);
    const own = await secB.get(`/manage/reports?unitId=${ids.b}&year=${YEAR}`);
    expect(own.status).toBe(200);
    expect(rows(own.text, "unit-row").at(-1)).toEqual(["合计", "2", "1", "1", "100.0%", "100.0%", "32"]);

    const learner = await signIn("m1");
    expect((await learner.get(`/manage/reports?unitId=${ids.a}&year=${YEAR}`)).status).toBe(403);
    expect((await learner.download(`/manage/reports.xlsx?unitId=${ids.a}&year=${YEAR}`)).status).toBe(403);
  });

  it("exports people and the rollup as Excel, and audits the export", async () => {
    const sec = await signIn("secA");
    const file = await sec.download(`/manage/reports.xlsx?unitId=${ids.a}&year=${YEAR}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("spreadsheetml");
    const people = await readSheet(file.bytes, "人员学时");
    expect(people[0]).toEqual(["姓名", "学号/工号", "党组织", "状态", "应修学时", "已修学时", "差额学时"]);
    const byName = new Map(people.slice(1).map((r) => [r[0], r]));
    expect([...byName.keys()].sort()).toEqual(["人员m1", "人员m2", "人员m3", "人员secA"]);
    // A secretary holds people:sensitive over their college: numbers in full.
    expect(byName.get("人员m2")).toEqual(["人员m2", "Nm20001", "甲学院第一党支部", "未完成", 32, 10, 22]);
    expect(byName.get("人员m1")?.slice(3)).toEqual(["已完成", 32, 32, 0]);
    expect(byName.get("人员secA")?.slice(3)).toEqual(["无要求", 0, 0, 0]);
    const units = await readSheet(file.bytes, "组织汇总");
    expect(units.slice(1)).toEqual([
      ["甲学院党委（本级）", 1, 0, 0, null, null, null],
      ["甲学院第一党支部", 2, 2, 1, 50, 100, 21],
      ["甲学院第二党支部", 1, 1, 0, 0, 0, 0],
      ["合计", 4, 3, 1, 33.3, 66.7, 14],
    ]);
    const courses = await readSheet(file.bytes, "必修课程");
    expect(courses).toEqual([
      ["必修课程", "党组织", "应学人数", "已完成", "学习中", "未开始", "逾期未完成", "完成率(%)"],
      ["党章学习", "合计", 3, 1, 1, 1, 2, 33.3],
      ["党章学习", "甲学院第一党支部", 2, 1, 1, 0, 1, 50],
      ["党章学习", "甲学院第二党支部", 1, 0, 0, 1, 1, 0],
      ["入门课", "合计", 1, 0, 1, 0, 0, 0],
      ["入门课", "甲学院党委（本级）", 1, 0, 1, 0, 0, 0],
    ]);
    const audited = server.factory.db
      .prepare("SELECT actorId, targetKind, detail FROM AuditLog WHERE action = 'hours.export' AND targetId = ?")
      .all(String(ids.a)) as { actorId: number; targetKind: string; detail: string }[];
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorId: ids.secA, targetKind: "unit" });
    expect(JSON.parse(audited[0].detail)).toEqual({ year: YEAR, people: 4 });
  });
});
