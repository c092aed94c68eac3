import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_PASSWORD, seedDemoAssignments, seedDemoContest, seedDemoQuiz, seedDemoUniversity } from "../../prisma/seed";
import { seedDemoClassHistory } from "../../prisma/seed-class-history";
import { seedDemoHistory } from "../../prisma/seed-history";
import { excellentMembers, formatPoints, gradeMember, parseGradingRule } from "../../app/lib/class-grading";
import type { StoredScores } from "../../app/.server/classes/results";
import { Client } from "../support/client";
import { ROOT, TEMPLATE_DB } from "../support/paths";
import { type SpawnedServer, spawnServer } from "../support/spawn-server";

// The demo's party-school classes, built the way `npm start` builds a first start (seed, banks,
// courses, demo quiz, contest, assignments, the year of history, then the classes) and checked as a
// party-school office would check them: a class of each kind, published results that follow the
// class's rule, 结业 and certificates only for graduates, and the running class on the demo activist's page.

const { dbFile, dataDir } = vi.hoisted(() => {
  const stamp = `${process.pid}-${Date.now()}`;
  const dbFile = `${process.cwd()}/tests/.tmp/seed-classes-${stamp}.db`;
  const dataDir = `${process.cwd()}/tests/.tmp/seed-classes-data-${stamp}`;
  process.env.DATABASE_URL = `file:${dbFile}`;
  process.env.DATA_DIR = dataDir;
  return { dbFile, dataDir };
});

let db: Database.Database;
let server: SpawnedServer;
let first: string | null;

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  await seedDemoUniversity(dbFile);
  const { syncContentBanks } = await import("../../app/.server/quiz/banks");
  const { syncContentCourses } = await import("../../app/.server/content/course-sync");
  const raw = new Database(dbFile, { timeout: 5000 });
  syncContentBanks({ dir: path.join(ROOT, "content", "banks"), db: raw });
  const courses = await syncContentCourses({ dir: path.join(ROOT, "content", "courses"), projectRoot: ROOT, db: raw });
  raw.close();
  expect(courses.failed).toEqual([]);
  seedDemoQuiz(dbFile);
  seedDemoContest(dbFile);
  seedDemoAssignments(dbFile);
  seedDemoHistory(dbFile);
  first = seedDemoClassHistory(dbFile);
  db = new Database(dbFile, { readonly: true });
  server = await spawnServer({ dbFile, env: { DATA_DIR: dataDir } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  db?.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
  const logged = server?.stderr.join("").trim();
  if (logged) throw new Error(`the server wrote to stderr:\n${logged}`);
});

const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
const id = (number: string) => (db.prepare("SELECT id FROM Person WHERE number = ?").get(number) as { id: number }).id;
type ClassRow = { id: number; kind: string; title: string; unitKind: string; gradingRule: string; resultsPublishedAt: number | string | null };
const finished = () =>
  db
    .prepare(
      `SELECT c.id, c.kind, c.title, u.kind AS unitKind, c.gradingRule, c.resultsPublishedAt FROM TrainingClass c JOIN OrgUnit u ON u.id = c.unitId
       WHERE c.status = 'finished' ORDER BY c.id`,
    )
    .all() as ClassRow[];
type MemberRow = { personId: number; scores: string | null; total: number | null; passed: number | null; excellent: number; graduatedAt: unknown };
const membersOf = (classId: number) =>
  db
    .prepare("SELECT personId, scores, total, passed, excellent, graduatedAt FROM ClassMember WHERE classId = ? AND status = 'enrolled'")
    .all(classId) as MemberRow[];

describe("the demo's party-school classes", () => {
  it("has a finished class of each kind, by the school's party school and by a college's", () => {
    console.info(`seedDemoClassHistory: ${first}`);
    expect(first).toMatch(/期已结业培训班.*名学员.*人结业.*张结业证书.*篇心得.*ms$/);
    const classes = finished();
    expect(new Set(classes.map((c) => c.kind))).toEqual(new Set(["activist", "target", "probationary", "member", "cadre"]));
    expect(new Set(classes.map((c) => c.unitKind))).toEqual(new Set(["committee", "college"]));
    // Today's classes stay: a running activist class, an enrolling target class, a draft probationary class.
    const statuses = (db.prepare("SELECT kind || ':' || status AS s FROM TrainingClass WHERE status <> 'finished' ORDER BY id").all() as { s: string }[]).map(
      (r) => r.s,
    );
    expect(statuses).toEqual(["activist:running", "target:enrolling", "probationary:draft"]);
    for (const c of classes) {
      expect(membersOf(c.id).length, c.title).toBeGreaterThan(5);
      expect(count("SELECT COUNT(*) AS n FROM ClassGroup g JOIN ClassTutor t ON t.groupId = g.id WHERE g.classId = ?", c.id), c.title).toBeGreaterThanOrEqual(
        2,
      );
      // Its schedule: the synced courses, confirmed party-school sessions with attendance, the exam.
      const kinds = (db.prepare("SELECT kind FROM ClassItem WHERE classId = ? ORDER BY position").all(c.id) as { kind: string }[]).map((r) => r.kind);
      expect(kinds, c.title).toEqual(expect.arrayContaining(["course", "session", "exam"]));
      expect(
        count(
          "SELECT COUNT(*) AS n FROM ClassItem i JOIN Activity a ON a.id = i.activityId WHERE i.classId = ? AND (a.kind <> 'party_school' OR a.status <> 'confirmed')",
          c.id,
        ),
      ).toBe(0);
      expect(count("SELECT COUNT(*) AS n FROM ClassItem i JOIN ActivityAttendance t ON t.activityId = i.activityId WHERE i.classId = ?", c.id)).toBeGreaterThan(
        0,
      );
    }
  });

  it("enrols members of the right political status for each kind", () => {
    const wrong: Record<string, string> = {
      activist: "p.politicalStatus NOT IN ('activist', 'target', 'probationary', 'member')",
      target: "p.politicalStatus NOT IN ('target', 'probationary', 'member')",
      probationary: "p.politicalStatus NOT IN ('probationary', 'member')",
      member: "p.politicalStatus NOT IN ('probationary', 'member')",
      cadre: "p.cadreLevel = 'none'",
    };
    for (const c of finished())
      expect(count(`SELECT COUNT(*) AS n FROM ClassMember m JOIN Person p ON p.id = m.personId WHERE m.classId = ? AND ${wrong[c.kind]}`, c.id), c.title).toBe(
        0,
      );
  });

  it("publishes results that are what the class's rule gives for each member's stored figures", () => {
    for (const c of finished()) {
      expect(c.resultsPublishedAt, c.title).not.toBeNull();
      const parsed = parseGradingRule(c.gradingRule);
      if (!parsed.ok) throw new Error(parsed.message);
      const members = membersOf(c.id);
      const grades = members.map((m) => {
        const stored = JSON.parse(m.scores!) as StoredScores;
        const inputs = Object.fromEntries(stored.components.map((x) => [x.key, { score: x.score }]));
        const g = gradeMember(parsed.rule, inputs);
        expect(m.total, c.title).toBe(g.total);
        expect(m.passed === 1, c.title).toBe(g.passed);
        // Graduates, and only they, have a 结业 date.
        expect(m.graduatedAt !== null, c.title).toBe(g.passed);
        return { personId: m.personId, passed: g.passed, total: g.total };
      });
      // The rule's 优秀学员, and some who did not pass (the demo shows both).
      const excellent = excellentMembers(parsed.rule, grades);
      expect(new Set(members.filter((m) => m.excellent === 1).map((m) => m.personId))).toEqual(excellent);
      expect(grades.some((g) => g.passed)).toBe(true);
    }
    expect(count("SELECT COUNT(*) AS n FROM ClassMember WHERE excellent = 1")).toBeGreaterThan(0);
    expect(
      count("SELECT COUNT(*) AS n FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId WHERE c.status = 'finished' AND m.passed = 0"),
    ).toBeGreaterThan(0);
  });

  it("grades the 心得 by the rubric, with a few returned and handed in again and a couple late", () => {
    expect(count("SELECT COUNT(*) AS n FROM Submission s JOIN Assignment a ON a.id = s.assignmentId WHERE a.classId IS NOT NULL")).toBeGreaterThan(100);
    expect(
      count(`SELECT COUNT(*) AS n FROM Submission s JOIN Assignment a ON a.id = s.assignmentId
             WHERE a.classId IS NOT NULL AND (s.status <> 'graded' OR s.score IS NULL OR s.score > 10000 OR s.chars < a.minChars)`),
    ).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM SubmissionReview WHERE action = 'returned'")).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) AS n FROM Submission WHERE version = 2")).toBe(count("SELECT COUNT(*) AS n FROM SubmissionReview WHERE action = 'returned'"));
    expect(count("SELECT COUNT(*) AS n FROM Submission WHERE late = 1")).toBeGreaterThan(0);
  });

  it("issues 结业证书 only to graduates, as printed", () => {
    expect(count("SELECT COUNT(*) AS n FROM ClassCertificate")).toBeGreaterThan(0);
    expect(
      count(`SELECT COUNT(*) AS n FROM ClassCertificate x JOIN ClassMember m ON m.classId = x.classId AND m.personId = x.personId
             WHERE m.graduatedAt IS NULL OR m.passed <> 1 OR x.total <> m.total OR x.excellent <> m.excellent`),
    ).toBe(0);
  });

  it("shows the college secretary the published 结业 list of the college's class, as stored", async () => {
    const cls = finished().find((c) => c.unitKind === "college")!;
    const c = new Client(server.url);
    expect((await c.login("secretary", DEMO_PASSWORD)).status).toBe(302);
    const page = await c.get(`/manage/classes/${cls.id}/results`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/data-testid="publication">结业名单已于 [\d-]+ [\d:]+ 发布/);
    for (const m of membersOf(cls.id)) {
      const row = new RegExp(`data-testid="result-${m.personId}"[\\s\\S]*?data-testid="total">([^<]*)<[\\s\\S]*?data-testid="outcome">([^<]*)<`).exec(
        page.text,
      );
      expect(row, `member ${m.personId}`).not.toBeNull();
      expect(row![1]).toBe(formatPoints(m.total));
      expect(row![2]).toBe(m.passed === 1 ? "结业" : "未合格");
    }
  });

  it("puts the demo 党员 in no class, so the README's 学时 for her stay true", () => {
    expect(count("SELECT COUNT(*) AS n FROM ClassMember WHERE personId = ?", id("member"))).toBe(0);
  });

  it("leaves the demo target's gate as it was: not yet through a 发展对象 class, nominated for the next", () => {
    expect(
      count(
        "SELECT COUNT(*) AS n FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId WHERE m.personId = ? AND c.kind = 'target' AND m.graduatedAt IS NOT NULL",
        id("target"),
      ),
    ).toBe(0);
    expect(
      count(
        "SELECT COUNT(*) AS n FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId WHERE m.personId = ? AND c.status = 'enrolling' AND m.status = 'nominated'",
        id("target"),
      ),
    ).toBe(1);
  });

  it("shows the demo activist a running class with what is done, what is next and what is due", async () => {
    const running = db.prepare("SELECT id FROM TrainingClass WHERE kind = 'activist' AND status = 'running'").get() as { id: number };
    const c = new Client(server.url);
    expect((await c.login("activist", DEMO_PASSWORD)).status).toBe(302);
    const list = await c.get("/classes");
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/classes/${running.id}`);
    const page = await c.get(`/classes/${running.id}`);
    expect(page.status).toBe(200);
    const done = Number(/data-testid="done-count">(\d+)</.exec(page.text)?.[1]);
    expect(done).toBeGreaterThanOrEqual(2); // the course and the first session
    expect(page.text).toMatch(/data-testid="next-item">[\s\S]*?第一阶段学习心得|data-testid="next-item">[\s\S]*?第二次面授/);
    expect(page.text).toContain('data-testid="due-items"');
    expect((page.text.match(/data-testid="class-item"/g) ?? []).length).toBe(5);
  });

  it("credits sessions attended and lessons finished in the ledger, as the app does", () => {
    expect(
      count(`SELECT COUNT(*) AS n FROM ActivityAttendance t JOIN Activity a ON a.id = t.activityId
             LEFT JOIN HoursEntry h ON h.personId = t.personId AND h.sourceKind = 'activity' AND h.sourceId = CAST(a.id AS TEXT)
             WHERE h.id IS NULL OR h.amount <> a.hours OR h.earnedAt <> a.startsAt OR h.category <> (CASE a.kind WHEN 'party_school' THEN 'party_school' ELSE 'offline' END)`),
    ).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM HoursEntry WHERE sourceKind = 'activity'")).toBe(count("SELECT COUNT(*) AS n FROM ActivityAttendance"));
    expect(
      count(`SELECT COUNT(*) AS n FROM LessonProgress p JOIN Lesson l ON l.id = p.lessonId
             LEFT JOIN HoursEntry h ON h.personId = p.personId AND h.sourceKind = 'lesson' AND h.sourceId = CAST(l.id AS TEXT)
             WHERE p.completedAt IS NOT NULL AND l.credit > 0 AND (h.id IS NULL OR h.amount <> l.credit OR h.earnedAt <> p.completedAt)`),
    ).toBe(0);
    expect(
      count(
        "SELECT COUNT(*) AS n FROM (SELECT personId, sourceId FROM HoursEntry WHERE sourceKind = 'lesson' GROUP BY personId, sourceId HAVING COUNT(*) > 1)",
      ),
    ).toBe(0);
  });

  it("shows the demo 干部 their finished class with its 结业 and certificate", async () => {
    const row = db
      .prepare(
        "SELECT m.classId, m.total FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId WHERE m.personId = ? AND c.kind = 'cadre' AND m.passed = 1",
      )
      .get(id("cadre")) as { classId: number; total: number } | undefined;
    expect(row).toBeDefined();
    const c = new Client(server.url);
    expect((await c.login("cadre", DEMO_PASSWORD)).status).toBe(302);
    const page = await c.get(`/classes/${row!.classId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="class-result"');
    expect(page.text).toContain("您已结业");
    const certificate = await c.get(`/classes/${row!.classId}/certificate`);
    expect(certificate.status).toBe(200);
    expect(certificate.text).toContain("第 2 期党员干部培训班");
    expect(certificate.text).toContain("/hours/verify/"); // issued by the seed: its verify link and QR code are shown
  });

  it("writes nothing the second time", () => {
    const tables = [
      "TrainingClass",
      "ClassMember",
      "ClassItem",
      "Activity",
      "ActivityAttendance",
      "Submission",
      "QuizGrade",
      "ClassCertificate",
      "LessonProgress",
      "HoursEntry",
    ];
    const before = tables.map((t) => count(`SELECT COUNT(*) AS n FROM ${t}`));
    expect(seedDemoClassHistory(dbFile)).toBeNull();
    expect(tables.map((t) => count(`SELECT COUNT(*) AS n FROM ${t}`))).toEqual(before);
  });
});
