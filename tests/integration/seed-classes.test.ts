import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_PASSWORD, seedDemoAssignments, seedDemoContest, seedDemoQuiz, seedDemoUniversity } from "../../prisma/seed";
import {
  DEMO_CORRECTION_REASON,
  DEMO_EXTENSION_REASON,
  DEMO_MAKEUP_REASON,
  DEMO_WITHDRAWAL_REASON,
  amendDemoClass,
  seedDemoClassHistory,
  writeDemoClassRows,
} from "../../prisma/seed-class-history";
import { seedDemoHistory } from "../../prisma/seed-history";
import { excellentMembers, formatPoints, gradeMember, parseGradingRule } from "../../app/lib/class-grading";
import type { StoredScores } from "../../app/.server/classes/results";
import { certificateKey, signCertificateToken } from "../../app/.server/hours/certificate-token";
import { keyOf } from "../../app/.server/quiz/paper";
import { gradeAttempt } from "../../app/lib/quiz-grading";
import { Client } from "../support/client";
import { syncContentIntoFile } from "../../scripts/lib/content-sync";
import { demoSeedFile } from "../support/demo-seed";
import { ROOT } from "../support/paths";
import { type SpawnedServer, spawnServer } from "../support/spawn-server";

// The demo's party-school classes, built the way `npm start` builds a first start (seed, banks,
// courses, demo quiz, contest, assignments, the year of history, then the classes) and checked as a
// party-school office would check them: a class of each kind, published results that follow the
// class's rule, 结业 and certificates only for graduates, and the running class on the demo activist's page;
// each exam's answer sheets behind the published grades, and the 补考, 补交, withdrawal and correction.
// On the run's engine (decision 080): on PostgreSQL the seeded file is moved in and the classes' last
// steps go through the app on PostgreSQL, as a first start there does (scripts/start.ts).

// Before any import: the app's env module reads DATABASE_URL (the classes' last steps run the app's
// functions in this process) and DATA_DIR once, when it is first imported.
const { testDb, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const dataDir = `${process.cwd()}/tests/.tmp/seed-classes-data-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dataDir;
  return { testDb: await inProcessDatabase("seed-classes"), dataDir };
});
const seed = demoSeedFile(testDb, "seed-classes");
const dbFile = seed.file;
const db = testDb.db;
let server: SpawnedServer;
let first: string | null;

beforeAll(async () => {
  await seedDemoUniversity(dbFile);
  const { courses } = await syncContentIntoFile(dbFile, ROOT);
  expect(courses.failed).toEqual([]);
  seedDemoQuiz(dbFile);
  seedDemoContest(dbFile);
  seedDemoAssignments(dbFile);
  seedDemoHistory(dbFile);
  if (seed.file === testDb.target) first = await seedDemoClassHistory(dbFile);
  else {
    // As scripts/start.ts on PostgreSQL: the rows into the file, the file moved in, the last steps on PostgreSQL.
    const rows = writeDemoClassRows(dbFile);
    await seed.moveIn();
    first = rows ? await amendDemoClass(rows) : null;
  }
  server = await spawnServer({ dbFile: testDb.target, env: { DATA_DIR: dataDir } });
}, 240_000);
afterAll(async () => {
  await server?.stop();
  await testDb.remove();
  seed.remove();
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
    expect(first).toMatch(/期已结业培训班.*名学员.*人结业.*张结业证书.*篇心得.*份考试答卷.*ms）$/);
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
    expect(count("SELECT COUNT(*) AS n FROM ClassCertificate WHERE current = 1")).toBeGreaterThan(0);
    expect(
      count(`SELECT COUNT(*) AS n FROM ClassCertificate x JOIN ClassMember m ON m.classId = x.classId AND m.personId = x.personId
             WHERE x.current = 1 AND (m.status <> 'enrolled' OR m.graduatedAt IS NULL OR m.passed <> 1 OR x.total <> m.total OR x.excellent <> m.excellent)`),
    ).toBe(0);
    // Every graduate of a class that issues certificates holds a standing one.
    expect(
      count(`SELECT COUNT(*) AS n FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId
             WHERE c.status = 'finished' AND c.kind <> 'member' AND m.status = 'enrolled' AND m.passed = 1
               AND NOT EXISTS (SELECT 1 FROM ClassCertificate x WHERE x.classId = m.classId AND x.personId = m.personId AND x.current = 1)`),
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

  type Attempt = { id: number; percent: number; mark: number; maxMark: number; state: string; finishedAt: unknown };
  const attemptsOf = (quizId: number, personId: number) =>
    db.prepare("SELECT id, percent, mark, maxMark, state, finishedAt FROM QuizAttempt WHERE quizId = ? AND personId = ?").all(quizId, personId) as Attempt[];
  const examOf = (classId: number) =>
    (db.prepare("SELECT quizId FROM ClassItem WHERE classId = ? AND kind = 'exam'").get(classId) as { quizId: number }).quizId;
  const amended = () => finished().find((c) => c.kind === "probationary")!;

  it("has, for every finished class's exam, the answer sheets whose scores are the published exam grades", () => {
    for (const c of finished()) {
      const exam = examOf(c.id);
      const makeups = new Map(
        (db.prepare("SELECT personId, quizId FROM ClassExamMakeup WHERE classId = ?").all(c.id) as { personId: number; quizId: number }[]).map((m) => [
          m.personId,
          m.quizId,
        ]),
      );
      let sat = 0;
      for (const m of membersOf(c.id)) {
        const { facts, components } = JSON.parse(m.scores!) as StoredScores;
        const quizId = facts.exam.makeup ? makeups.get(m.personId)! : exam;
        const attempts = attemptsOf(quizId, m.personId);
        if (facts.exam.percent === null) {
          expect(attempts, `${c.title}: member ${m.personId}`).toEqual([]);
          continue;
        }
        sat++;
        // One submitted attempt, whose score is the grade the 结业 list shows for the exam.
        expect(
          attempts.map((a) => [a.state, a.percent]),
          `${c.title}: member ${m.personId}`,
        ).toEqual([["submitted", facts.exam.percent]]);
        expect(components.find((x) => x.key === "exam")?.score).toBe(facts.exam.percent * 10);
        const grade = db.prepare("SELECT percent FROM QuizGrade WHERE quizId = ? AND personId = ?").get(quizId, m.personId) as { percent: number };
        expect(grade.percent).toBe(facts.exam.percent);
      }
      expect(sat, c.title).toBeGreaterThan(5);
    }
  });

  it("scores every answer sheet from its answers, as the app grades them", () => {
    const items = db
      .prepare(
        `SELECT i.attemptId, i.response, i.maxMark, i.mark, i.correct, q.type, q.answer FROM AttemptItem i JOIN Question q ON q.id = i.questionId
         JOIN ClassItem c ON c.quizId = (SELECT quizId FROM QuizAttempt WHERE id = i.attemptId) WHERE c.kind = 'exam'
         UNION ALL
         SELECT i.attemptId, i.response, i.maxMark, i.mark, i.correct, q.type, q.answer FROM AttemptItem i JOIN Question q ON q.id = i.questionId
         JOIN QuizAttempt a ON a.id = i.attemptId JOIN ClassExamMakeup x ON x.quizId = a.quizId
         ORDER BY 1`,
      )
      .all() as { attemptId: number; response: string | null; maxMark: number; mark: number; correct: number; type: string; answer: string }[];
    const byAttempt = new Map<number, typeof items>();
    for (const i of items) byAttempt.set(i.attemptId, [...(byAttempt.get(i.attemptId) ?? []), i]);
    expect(byAttempt.size).toBeGreaterThan(100);
    for (const [attemptId, rows] of byAttempt) {
      expect(rows.length).toBe(20);
      const grade = gradeAttempt(
        rows.map((r) => ({ key: keyOf(r.type, r.answer), response: r.response === null ? null : (JSON.parse(r.response) as unknown), maxMark: r.maxMark })),
      );
      const a = db.prepare("SELECT percent, mark, maxMark FROM QuizAttempt WHERE id = ?").get(attemptId) as Attempt;
      expect([a.mark, a.maxMark, a.percent]).toEqual([grade.mark, grade.maxMark, Math.round(grade.percent * 10)]);
      expect(rows.map((r) => r.mark)).toEqual(grade.results.map((r) => r.mark));
    }
  });

  it("shows a 组织部 the exam's answer sheets on the quiz report", async () => {
    const c = new Client(server.url);
    expect((await c.login("admin", DEMO_PASSWORD)).status).toBe(302);
    const cls = finished()[0]!;
    const report = await c.get(`/manage/quizzes/${examOf(cls.id)}/report`);
    expect(report.status).toBe(200);
    const took = count("SELECT COUNT(*) AS n FROM QuizGrade WHERE quizId = ?", examOf(cls.id));
    expect(took).toBeGreaterThan(5);
    // Every sitting is counted in the score distribution.
    expect(Number(/(\d+) 人有成绩/.exec(report.text.replaceAll("<!-- -->", ""))?.[1])).toBe(took);
  });

  it("has one 补考 that counts: the member failed the exam, passed the 补考 paper, and graduated on it", () => {
    const cls = amended();
    const makeups = db.prepare("SELECT personId, quizId, reason FROM ClassExamMakeup").all() as { personId: number; quizId: number; reason: string }[];
    expect(makeups).toHaveLength(1);
    const [x] = makeups;
    expect(x!.reason).toBe(DEMO_MAKEUP_REASON);
    expect(attemptsOf(examOf(cls.id), x!.personId).map((a) => a.percent)).toEqual([500]);
    const [makeup] = attemptsOf(x!.quizId, x!.personId);
    expect(makeup!.percent).toBeGreaterThanOrEqual(600);
    const m = membersOf(cls.id).find((r) => r.personId === x!.personId)!;
    const stored = JSON.parse(m.scores!) as StoredScores;
    expect(stored.facts.exam).toEqual({ percent: makeup!.percent, makeup: true });
    expect(m.passed).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM ClassCertificate WHERE classId = ? AND personId = ? AND current = 1", cls.id, x!.personId)).toBe(1);
  });

  it("has one 补交 that counts: handed in after the late window, within the extension, not late, graded into the result", () => {
    const cls = amended();
    const extensions = db.prepare("SELECT assignmentId, personId, dueAt, reason FROM AssignmentExtension").all() as {
      assignmentId: number;
      personId: number;
      dueAt: number | string;
      reason: string;
    }[];
    expect(extensions).toHaveLength(1);
    const [e] = extensions;
    expect(e!.reason).toBe(DEMO_EXTENSION_REASON);
    const s = db
      .prepare(
        `SELECT s.submittedAt, s.late, s.score, a.lateUntil, a.classId FROM Submission s JOIN Assignment a ON a.id = s.assignmentId WHERE s.assignmentId = ? AND s.personId = ?`,
      )
      .get(e!.assignmentId, e!.personId) as { submittedAt: number | string; late: number; score: number; lateUntil: number | string; classId: number };
    expect(s.classId).toBe(cls.id);
    const at = (v: number | string) => new Date(v).getTime();
    expect(at(s.submittedAt)).toBeGreaterThan(at(s.lateUntil));
    expect(at(s.submittedAt)).toBeLessThanOrEqual(at(e!.dueAt));
    expect(s.late).toBe(0);
    const stored = JSON.parse(membersOf(cls.id).find((r) => r.personId === e!.personId)!.scores!) as StoredScores;
    expect(stored.facts.essays).toEqual([{ title: "培训心得体会", score: s.score, state: "graded" }]);
  });

  it("shows a 组织部 the 补考 and the 补交 with their reasons on the class's results, and the 补考 mark beside the member's exam", async () => {
    const cls = amended();
    const makeup = db.prepare("SELECT personId FROM ClassExamMakeup").get() as { personId: number };
    const c = new Client(server.url);
    expect((await c.login("admin", DEMO_PASSWORD)).status).toBe(302);
    const page = await c.get(`/manage/classes/${cls.id}/results`);
    expect(page.status).toBe(200);
    const html = page.text.replaceAll("<!-- -->", "");
    expect(/data-testid="makeups">([\s\S]*?)<\/ul>/.exec(html)?.[1]).toContain(`${cls.title}结业补考（${DEMO_MAKEUP_REASON}`);
    expect(/data-testid="extensions">([\s\S]*?)<\/ul>/.exec(html)?.[1]).toContain(`（${DEMO_EXTENSION_REASON}）`);
    const row = new RegExp(`data-testid="result-${makeup.personId}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? "";
    expect(row).toContain("补考");
    expect(/data-testid="outcome">([^<]*)</.exec(row)?.[1]).toBe("结业");
  });

  it("has one certificate revoked by a withdrawal after issue, which the verify page shows as revoked, and the correction's reason", async () => {
    const cls = amended();
    const revoked = db.prepare("SELECT id, personId, current, revokedAt FROM ClassCertificate WHERE revokedAt IS NOT NULL").all() as {
      id: number;
      personId: number;
      current: number | null;
    }[];
    expect(revoked).toHaveLength(1);
    const [r] = revoked;
    expect(r!.current).toBeNull();
    expect(db.prepare("SELECT status, reason, passed, graduatedAt FROM ClassMember WHERE classId = ? AND personId = ?").get(cls.id, r!.personId)).toEqual({
      status: "withdrawn",
      reason: DEMO_WITHDRAWAL_REASON,
      passed: null,
      graduatedAt: null,
    });
    // The reason names both sessions' check-ins, which the records hold.
    expect(
      count(
        "SELECT COUNT(*) AS n FROM ClassItem i JOIN ActivityAttendance t ON t.activityId = i.activityId WHERE i.classId = ? AND t.personId = ?",
        cls.id,
        r!.personId,
      ),
    ).toBe(2);
    const verify = await new Client(server.url).get(`/hours/verify/${signCertificateToken(r!.id, certificateKey(), "class")}`);
    expect(verify.status).toBe(410);
    expect(verify.text).toContain("此结业证书已撤销");
    // The correction: re-published with its reason; it changed only the 补考 member's result (the
    // seed's first publication agrees with the app's grading for everyone else).
    const republished = db.prepare("SELECT detail FROM AuditLog WHERE action = 'class.republish' AND targetId = ?").all(String(cls.id)) as { detail: string }[];
    expect(republished).toHaveLength(1);
    const detail = JSON.parse(republished[0]!.detail) as { reason: string; changed: { personId: number }[] };
    expect(detail.reason).toBe(DEMO_CORRECTION_REASON);
    const makeup = db.prepare("SELECT personId FROM ClassExamMakeup").get() as { personId: number };
    expect(detail.changed.map((c) => c.personId)).toEqual([makeup.personId]);
    expect(count("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'class.withdraw' AND targetId = ?", String(cls.id))).toBe(1);
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
        "SELECT COUNT(*) AS n FROM (SELECT personId, sourceId FROM HoursEntry WHERE sourceKind = 'lesson' GROUP BY personId, sourceId HAVING COUNT(*) > 1) AS twice",
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

  it("writes nothing the second time", async () => {
    const tables = [
      "TrainingClass",
      "ClassMember",
      "ClassItem",
      "Activity",
      "ActivityAttendance",
      "Submission",
      "QuizGrade",
      "QuizAttempt",
      "AttemptItem",
      "ClassExamMakeup",
      "AssignmentExtension",
      "ClassCertificate",
      "LessonProgress",
      "HoursEntry",
    ];
    const before = tables.map((t) => count(`SELECT COUNT(*) AS n FROM ${t}`));
    expect(await seedDemoClassHistory(dbFile)).toBeNull();
    expect(tables.map((t) => count(`SELECT COUNT(*) AS n FROM ${t}`))).toEqual(before);
  });
});
