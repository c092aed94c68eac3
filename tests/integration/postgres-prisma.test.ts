import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EditableQuestion } from "../../app/lib/bank-format";
import { freshPostgresDatabase, type TestDatabase } from "../support/postgres";

// Prisma on real PostgreSQL (decision 073): the app's own domain functions that use Prisma only (no raw
// SQLite connection), run against a database of this file's own copied from the migrated template.
// The modules are imported after DATABASE_URL is set: db.ts chooses the engine when it is loaded.

let db: TestDatabase;
let app: {
  db: typeof import("../../app/.server/db");
  units: typeof import("../../app/.server/org/units");
  people: typeof import("../../app/.server/org/people");
  banks: typeof import("../../app/.server/quiz/banks");
  quizzes: typeof import("../../app/.server/quiz/quizzes");
  studio: typeof import("../../app/.server/content/studio");
};
let rootUnit: { id: number; path: string };
let adminId: number;

const page = { sort: "number", dir: "asc", page: 1, size: 20 } as const;

beforeAll(async () => {
  db = await freshPostgresDatabase();
  process.env.DATABASE_URL = db.url;
  app = {
    db: await import("../../app/.server/db"),
    units: await import("../../app/.server/org/units"),
    people: await import("../../app/.server/org/people"),
    banks: await import("../../app/.server/quiz/banks"),
    quizzes: await import("../../app/.server/quiz/quizzes"),
    studio: await import("../../app/.server/content/studio"),
  };
  const { prisma } = app.db;
  const root = await prisma.orgUnit.create({ data: { name: "校党委", kind: "committee", path: "/pending/", depth: 0 }, select: { id: true } });
  rootUnit = await prisma.orgUnit.update({ where: { id: root.id }, data: { path: `/${root.id}/` }, select: { id: true, path: true } });
  const admin = await prisma.person.create({
    data: { number: "A0001", name: "管理员", category: "staff", unitId: rootUnit.id, politicalStatus: "member" },
    select: { id: true },
  });
  adminId = admin.id;
});

afterAll(async () => {
  await app?.db.prisma.$disconnect();
  await db?.drop();
});

describe("Prisma on PostgreSQL", () => {
  it("is the engine DATABASE_URL chose, and the SQLite-only connection refuses with a reason", async () => {
    const [{ version }] = await app.db.prisma.$queryRawUnsafe<{ version: string }[]>("SELECT version() AS version");
    expect(version).toMatch(/^PostgreSQL /);
    expect(() => app.db.rawDb()).toThrow(/SQLite's synchronous connection.*async data layer/);
    await app.db.prismaReady();
  });

  it("builds and reads the unit tree (interactive transaction, prefix queries, audit)", async () => {
    const college = await app.units.createUnit(adminId, { parentId: rootUnit.id, name: "计算机学院党委", kind: "college" });
    const branch = await app.units.createUnit(adminId, { parentId: college.id, name: "本科生第一党支部", kind: "branch", branchType: "student" });
    expect(branch.path).toBe(`${rootUnit.path}${college.id}/${branch.id}/`);
    await app.units.renameUnit(adminId, branch.id, "本科生第二党支部");
    const tree = await app.units.unitsUnder([rootUnit.path]);
    expect(tree.map((u) => [u.name, u.depth])).toEqual([
      ["校党委", 0],
      ["计算机学院党委", 1],
      ["本科生第二党支部", 2],
    ]);
    const audits = await app.db.prisma.auditLog.count({ where: { actorId: adminId, action: { in: ["unit.create", "unit.update"] } } });
    expect(audits).toBe(3);
  });

  it("counts as numbers and searches people without regard to case, as on SQLite", async () => {
    const { prisma } = app.db;
    await prisma.person.createMany({
      data: [
        { number: "S2026001", name: "Alice Wang", category: "foreign", unitId: rootUnit.id, politicalStatus: "masses" },
        { number: "s2026002", name: "张三", category: "student", unitId: rootUnit.id, politicalStatus: "applicant" },
        { number: "T2026003", name: "ALICE LI", category: "staff", unitId: rootUnit.id, politicalStatus: "member" },
      ],
    });
    const count = await prisma.person.count({ where: { unitId: rootUnit.id } });
    expect(count).toBe(4);
    expect(typeof count).toBe("number");
    const byName = await app.people.listPeople([rootUnit.path], { q: "alice" }, page);
    expect(byName.paging.total).toBe(2);
    expect(byName.rows.map((r) => r.number).sort()).toEqual(["S2026001", "T2026003"]);
    const byNumber = await app.people.listPeople([rootUnit.path], { q: "S2026" }, page);
    expect(byNumber.rows.map((r) => r.number).sort()).toEqual(["S2026001", "s2026002"]);
    const grouped = await prisma.person.groupBy({
      by: ["politicalStatus"],
      where: { unitId: rootUnit.id },
      _count: { _all: true },
      orderBy: { politicalStatus: "asc" },
    });
    expect(grouped.map((g) => [g.politicalStatus, g._count._all])).toEqual([
      ["applicant", 1],
      ["masses", 1],
      ["member", 2],
    ]);
  });

  it("keeps a question bank, finds its questions without regard to case, and builds a quiz on it", async () => {
    const bank = await app.banks.createBank(adminId, { unitId: rootUnit.id, title: "党章测试题库", slug: "pg-bank" });
    const question = (stem: string): Omit<EditableQuestion, "id"> =>
      ({ type: "judge", stem, explanation: "", difficulty: 1, tags: ["党章"], answer: true }) as Omit<EditableQuestion, "id">;
    const first = await app.banks.saveQuestion(adminId, bank, null, question("The Party Constitution is the basic law of the Party."));
    await app.banks.saveQuestion(adminId, bank, null, question("党的最高领导机关是党的全国代表大会和它所产生的中央委员会。"));
    expect(first.key).toBe("pg-bank-x001");
    const found = await app.banks.listQuestions(bank.id, { text: "party constitution" }, { sort: "id", dir: "asc", page: 1, size: 20 });
    expect(found.rows.map((r) => r.id)).toEqual([first.id]);
    expect(await app.banks.bankTags(bank.id)).toEqual(["党章"]);

    const opensAt = new Date("2026-12-01T01:02:03.456Z");
    const quiz = await app.quizzes.createQuiz(adminId, rootUnit.id, {
      title: "党章知识测试",
      description: null,
      opensAt,
      closesAt: new Date("2026-12-31T15:59:59.999Z"),
      timeLimitMin: 30,
      maxAttempts: 2,
      gradeMethod: "highest",
      passPercent: 60,
      shuffleQuestions: true,
      shuffleOptions: false,
      reviewPolicy: "after_submit",
      layout: "page",
      creditHours: 1.5,
    });
    await app.quizzes.addSlot(adminId, quiz.id, { kind: "fixed", questionId: first.id, mark: 2 });
    await app.quizzes.addSlot(adminId, quiz.id, { kind: "draw", bankId: bank.id, tag: null, difficulty: null, count: 1, mark: 1 });
    const edit = await app.quizzes.getQuizForEdit(quiz.id);
    expect(edit?.slots.map((s) => [s.position, s.count, s.markEach])).toEqual([
      [1, 1, 200],
      [2, 1, 100],
    ]);
    expect(edit?.opensAt?.toISOString()).toBe("2026-12-01T01:02:03.456Z");
    expect(edit?.creditHours).toBe(150);
    const listed = await app.quizzes.quizzesOfUnits([rootUnit.path]);
    expect(listed.map((q) => q._count)).toEqual([{ attempts: 0, slots: 2 }]);
    expect((await app.quizzes.searchQuestions([bank.id], "PARTY")).map((q) => q.id)).toEqual([first.id]);
  });

  it("creates a course in the studio and keeps its draft", async () => {
    const course = await app.studio.createStudioCourse(adminId, rootUnit.id, { slug: "pg-course", title: "党史学习", category: "党史" });
    const [summary] = await app.studio.studioCourses([rootUnit.path]);
    expect(summary).toMatchObject({ id: course.id, title: "党史学习" });
    const detail = await app.studio.studioCourse(course.id);
    expect(detail).not.toBeNull();
  });

  it("rolls back an interactive transaction that throws, and runs several at once", async () => {
    const { prisma } = app.db;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.orgUnit.create({ data: { name: "回滚的支部", kind: "branch", parentId: rootUnit.id, path: "/rolled-back/", depth: 1 } });
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    expect(await prisma.orgUnit.count({ where: { name: "回滚的支部" } })).toBe(0);
    // On PostgreSQL each transaction has a connection of the pool: they overlap instead of queueing.
    const names = Array.from({ length: 5 }, (_, i) => `并发支部${i}`);
    await Promise.all(
      names.map((name) =>
        prisma.$transaction(async (tx) => {
          const u = await tx.orgUnit.create({ data: { name, kind: "branch", parentId: rootUnit.id, path: "/pending/", depth: 1 }, select: { id: true } });
          await new Promise((r) => setTimeout(r, 50));
          await tx.orgUnit.update({ where: { id: u.id }, data: { path: `${rootUnit.path}${u.id}/` } });
        }),
      ),
    );
    expect(await prisma.orgUnit.count({ where: { name: { in: names }, path: { not: "/pending/" } } })).toBe(5);
  });

  it("reads timestamps back as the same instant whatever the process's time zone", async () => {
    const { prisma } = app.db;
    const at = new Date("2026-06-30T16:30:00.123Z"); // 00:30 on 1 July in Beijing
    const saved = process.env.TZ;
    try {
      process.env.TZ = "Asia/Shanghai";
      const row = await prisma.auditLog.create({ data: { at, action: "login.success", actorId: adminId }, select: { id: true } });
      process.env.TZ = "America/New_York";
      const back = await prisma.auditLog.findUniqueOrThrow({ where: { id: row.id }, select: { at: true } });
      expect(back.at.toISOString()).toBe(at.toISOString());
      // The stored value is the instant itself: the session's zone is UTC.
      const [text] = await prisma.$queryRawUnsafe<{ t: string }[]>(`SELECT "at"::text AS t FROM "AuditLog" WHERE "id" = $1`, row.id);
      expect(text.t).toBe("2026-06-30 16:30:00.123+00");
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe("the app's pg settings on a raw connection", () => {
  it("return counts and sums as numbers and timestamps as UTC instants", async () => {
    const pg = (await import("pg")).default;
    const { pgPoolConfig } = await import("../../app/.server/pg-types");
    const pool = new pg.Pool(pgPoolConfig(db.url, { max: 1 }));
    try {
      const { rows } = await pool.query<{ n: unknown; s: unknown; t: Date; zone: string }>(
        `SELECT COUNT(*) AS n, SUM("depth"::bigint) AS s, TIMESTAMP '2026-12-02 18:00:00.5' AS t, current_setting('TimeZone') AS zone FROM "OrgUnit"`,
      );
      expect(typeof rows[0].n).toBe("number");
      expect(typeof rows[0].s).toBe("number");
      expect(rows[0].t.toISOString()).toBe("2026-12-02T18:00:00.500Z");
      expect(rows[0].zone).toBe("UTC");
    } finally {
      await pool.end();
    }
  });
});
