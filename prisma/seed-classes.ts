import type Database from "better-sqlite3";
import { all, get, run, sql } from "../app/.server/sql";
import { NEW_CLASS_GRADING_RULE } from "../app/lib/classes";

// The demo's party-school classes (期次), written after the people: the school's 第 12 期入党积极分子
// 培训班 for the 计算机学院 (running: its activists of more than half a year enrolled by rule, the demo
// activist nominated by her branch and approved, two tutoring groups), the college's own 发展对象培训班
// (enrolling: the demo target nominated, waiting for the college's decision) and a 预备党员培训班 in
// draft. Their schedules (courses, sessions, the exam) and the finished classes of the past year are
// written by prisma/seed-class-history.ts: courses and quizzes exist only after the content sync that
// follows the seed.

type Id = { id: number };

export function seedDemoClasses(db: Database.Database, today: Date): void {
  const day = 86_400_000;
  const date = (offsetDays: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + offsetDays * day);
  const account = (number: string) => get<Id>(db, sql`SELECT "id" FROM "Person" WHERE "number" = ${number}`)?.id;
  const root = get<Id & { path: string }>(db, sql`SELECT "id", "path" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
  const secretary = account("secretary");
  const college = secretary
    ? get<Id & { path: string }>(db, sql`SELECT u."id", u."path" FROM "RoleGrant" g JOIN "OrgUnit" u ON u."id" = g."unitId" WHERE g."personId" = ${secretary}`)
    : undefined;
  const [trainer, branchsec, activist, target] = ["trainer", "branchsec", "activist", "target"].map(account);
  if (!root || !college || !trainer || !secretary || !branchsec || !activist || !target) return;
  const now = new Date();

  const createClass = (c: { kind: string; term: number; title: string; unitId: number; status: string; startsOn: Date; endsOn: Date; createdById: number }) =>
    get<Id>(
      db,
      sql`INSERT INTO "TrainingClass" ("kind", "title", "term", "unitId", "description", "startsOn", "endsOn", "gradingRule", "status", "createdById", "createdAt", "updatedAt")
        VALUES (${c.kind}, ${c.title}, ${c.term}, ${c.unitId}, NULL, ${c.startsOn}, ${c.endsOn}, ${NEW_CLASS_GRADING_RULE}, ${c.status}, ${c.createdById}, ${now}, ${now}) RETURNING "id"`,
    )!.id;
  const audience = (classId: number, unitId: number) => run(db, sql`INSERT INTO "ClassAudience" ("classId", "unitId") VALUES (${classId}, ${unitId})`);
  const member = (m: { classId: number; personId: number; status: string; source: string; nominatedById?: number; decidedById?: number; groupId?: number }) =>
    run(
      db,
      sql`INSERT INTO "ClassMember" ("classId", "personId", "status", "source", "groupId", "nominatedById", "decidedById", "decidedAt", "excellent", "createdAt", "updatedAt")
        VALUES (${m.classId}, ${m.personId}, ${m.status}, ${m.source}, ${m.groupId ?? null}, ${m.nominatedById ?? null}, ${m.decidedById ?? null},
          ${m.decidedById ? now : null}, ${false}, ${now}, ${now})
        ON CONFLICT ("classId", "personId") DO NOTHING`,
    );
  const group = (classId: number, name: string, tutorId: number) => {
    const { id } = get<Id>(db, sql`INSERT INTO "ClassGroup" ("classId", "name") VALUES (${classId}, ${name}) RETURNING "id"`)!;
    run(db, sql`INSERT INTO "ClassTutor" ("groupId", "personId") VALUES (${id}, ${tutorId})`);
    return id;
  };
  const peopleOf = (status: string, since: Date) =>
    all<Id>(
      db,
      sql`SELECT p."id" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
        WHERE u."path" LIKE ${`${college.path}%`} AND p."politicalStatus" = ${status} AND p."disabledAt" IS NULL AND p."statusSince" < ${since}
        ORDER BY p."id"`,
    ).map((p) => p.id);

  // The school's activist class, running for a month: enrolled by rule, the demo activist by nomination.
  const activistClass = createClass({
    kind: "activist",
    term: 12,
    title: "第 12 期入党积极分子培训班",
    unitId: root.id,
    status: "running",
    startsOn: date(-30),
    endsOn: date(45),
    createdById: trainer,
  });
  audience(activistClass, college.id);
  const groups = [group(activistClass, "第一组", trainer), group(activistClass, "第二组", secretary)];
  member({
    classId: activistClass,
    personId: activist,
    status: "enrolled",
    source: "nomination",
    nominatedById: branchsec,
    decidedById: trainer,
    groupId: groups[0],
  });
  peopleOf("activist", date(-180)).forEach((personId, i) =>
    member({ classId: activistClass, personId, status: "enrolled", source: "rule", decidedById: trainer, groupId: groups[i % 2] }),
  );

  // The college's own 发展对象 class, enrolling: the demo target waits for the college's decision.
  const targetClass = createClass({
    kind: "target",
    term: 8,
    title: "计算机学院第 8 期发展对象培训班",
    unitId: college.id,
    status: "enrolling",
    startsOn: date(14),
    endsOn: date(21),
    createdById: secretary,
  });
  audience(targetClass, college.id);
  member({ classId: targetClass, personId: target, status: "nominated", source: "nomination", nominatedById: branchsec });

  // Next term's probationary class, still in draft.
  const probationaryClass = createClass({
    kind: "probationary",
    term: 5,
    title: "第 5 期预备党员培训班",
    unitId: root.id,
    status: "draft",
    startsOn: date(60),
    endsOn: date(90),
    createdById: trainer,
  });
  audience(probationaryClass, root.id);
}
