import { type Grant, hasAnyGrant, scopePaths } from "~/lib/permissions";
import { prisma, sqlDb } from "../db";
import { moderationCount } from "../discussion/moderation";
import { openLetterCounts } from "../mailbox/letters";
import { unitsUnder } from "../org/units";
import { pipelineDueCounts } from "../pipeline/due";
import { pendingCountInScope, returnedCountOf } from "../review/review";
import { type Sql, anyOf, sql } from "../sql";
import { chinaDay } from "./pipeline";

// What a secretary, an administrator or a trainer must act on, in her scope: each block is counted
// only when she holds the permission its page asks for (app/lib/permissions.ts), over the units her
// grants reach, and links to the page where she acts. Counts, not lists: the pages list them, and
// each count is the database's (or, for the development file, the engine's without names or order),
// equal to what its page lists (decision 059; tests/integration/duties-counts.test.ts).

export type Duty = {
  key: string;
  title: string;
  count: number;
  /** Of `count`, how many are past their time (letters past the service time, pipeline steps overdue). */
  overdue: number;
  href: string;
};

type Caller = { id: number; grants: readonly Grant[] };

const startsWithAny = (paths: string[]) => paths.map((p) => ({ path: { startsWith: p } }));

/** `u."path"` under one of the paths, for a unit aliased `u`. */
const underAny = (paths: readonly string[]): Sql => anyOf(paths.map((p) => sql`u."path" LIKE ${`${p}%`}`));

const countOf = async (stmt: Sql) => Number((await sqlDb().get<{ n: number }>(stmt))?.n ?? 0);

/** The blocks that have something in them, in the order a secretary works through them. */
export async function dutiesOf(caller: Caller, now = new Date()): Promise<Duty[]> {
  const duties: Duty[] = [];
  const add = (d: Duty) => d.count > 0 && duties.push(d);
  const g = caller.grants;
  if (g.length === 0) return duties;

  const claims = scopePaths(g, "claims:review");
  if (claims.length) {
    const count = await countOf(
      sql`SELECT COUNT(*) AS "n" FROM "CreditClaim" c JOIN "Person" p ON p."id" = c."personId" JOIN "OrgUnit" u ON u."id" = p."unitId"
        WHERE c."status" = 'pending' AND ${underAny(claims)}`,
    );
    add({ key: "claims", title: "学时申请待审核", count, overdue: 0, href: "/manage/claims" });
  }

  const classes = [...new Set([...scopePaths(g, "classes:manage"), ...scopePaths(g, "classes:nominate")])];
  if (classes.length) {
    const count = await countOf(
      sql`SELECT COUNT(*) AS "n" FROM "ClassMember" m JOIN "TrainingClass" c ON c."id" = m."classId" JOIN "OrgUnit" u ON u."id" = c."unitId"
        WHERE m."status" = 'nominated' AND ${underAny(classes)}`,
    );
    add({ key: "nominations", title: "培训班推荐待审核", count, overdue: 0, href: "/manage/classes" });
  }

  const people = scopePaths(g, "people:view");
  if (people.length) {
    // One line per unit of her scope, linking to the due list narrowed to it.
    const units = await unitsUnder(people);
    const counts = await pipelineDueCounts(people, chinaDay(now));
    for (const path of people) {
      const unit = units.find((u) => u.path === path);
      const c = counts.get(path);
      if (!unit || !c) continue;
      add({
        key: `pipeline:${unit.id}`,
        title: `发展党员待办（${unit.name}）`,
        count: c.count,
        overdue: c.overdue,
        href: `/manage/pipeline?unitId=${unit.id}`,
      });
    }
  }

  const meetings = scopePaths(g, "activities:manage");
  if (meetings.length) {
    // 请假 asked for meetings of her units (decision 056), decided on each meeting's page: a link to
    // that page when they all concern one meeting, to the list otherwise. Those whose meeting is over
    // still wait for an answer, so they are counted as past their time.
    const leaves = await sqlDb().get<{ n: number; overdue: number | null; meetings: number; only: number | null }>(
      sql`SELECT COUNT(*) AS "n", SUM(CASE WHEN a."startsAt" <= ${now} THEN 1 ELSE 0 END) AS "overdue",
          COUNT(DISTINCT l."activityId") AS "meetings", MIN(l."activityId") AS "only"
        FROM "ActivityLeave" l JOIN "Activity" a ON a."id" = l."activityId" JOIN "OrgUnit" u ON u."id" = a."unitId"
        WHERE l."status" = 'pending' AND a."status" <> 'cancelled' AND ${underAny(meetings)}`,
    );
    add({
      key: "leaves",
      title: "会议请假待审批",
      count: Number(leaves?.n ?? 0),
      overdue: Number(leaves?.overdue ?? 0),
      href: Number(leaves?.meetings ?? 0) === 1 ? `/manage/activities/${leaves?.only}/meeting` : "/manage/activities",
    });
  }

  const letters = await openLetterCounts(caller, now);
  add({ key: "letters", title: "书记信箱待答复", count: letters.count, overdue: letters.overdue, href: "/manage/mailbox" });

  if (hasAnyGrant(g, "discussion:moderate")) {
    add({ key: "posts", title: "讨论帖待审核", count: await moderationCount(caller), overdue: 0, href: "/manage/discussion" });
  }

  add({ key: "review", title: "发布内容待审核", count: await pendingCountInScope(caller), overdue: 0, href: "/manage/review" });
  add({ key: "review-returned", title: "退回修改的发布内容", count: await returnedCountOf(caller.id), overdue: 0, href: "/manage/review" });

  const grading = scopePaths(g, "classes:manage");
  const tutored = await sqlDb().all<{ groupId: number }>(sql`SELECT "groupId" FROM "ClassTutor" WHERE "personId" = ${caller.id}`);
  if (grading.length || tutored.length) {
    const count = await prisma.submission.count({
      where: {
        status: "submitted",
        assignment: { classId: { not: null } },
        OR: [
          ...(grading.length ? [{ assignment: { trainingClass: { unit: { OR: startsWithAny(grading) } } } }] : []),
          ...(tutored.length
            ? [
                {
                  assignment: { trainingClass: { groups: { some: { id: { in: tutored.map((t) => t.groupId) } } } } },
                  person: { classMembers: { some: { groupId: { in: tutored.map((t) => t.groupId) }, status: "enrolled" } } },
                },
              ]
            : []),
        ],
      },
    });
    add({ key: "grading", title: "作业待批阅", count, overdue: 0, href: "/manage/classes" });
  }

  const courses = scopePaths(g, "courses:manage");
  if (courses.length) {
    const count = await countOf(
      sql`SELECT COUNT(*) AS "n" FROM "Course" c JOIN "OrgUnit" u ON u."id" = c."unitId" WHERE c."source" = 'studio' AND c."draft" IS NOT NULL AND ${underAny(courses)}`,
    );
    add({ key: "drafts", title: "课程草稿未发布", count, overdue: 0, href: "/manage/courses" });
  }
  return duties;
}
