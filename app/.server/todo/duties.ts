import { type Grant, hasAnyGrant, scopePaths } from "~/lib/permissions";
import { prisma } from "../db";
import { moderationQueue } from "../discussion/moderation";
import { lettersForHandler } from "../mailbox/letters";
import { unitsUnder } from "../org/units";
import { pipelineDue } from "../pipeline/due";
import { pendingInScope, submissionsOf } from "../review/review";
import { chinaDay } from "./pipeline";

// What a secretary, an administrator or a trainer must act on, in her scope: each block is counted
// only when she holds the permission its page asks for (app/lib/permissions.ts), over the units her
// grants reach, and links to the page where she acts. Counts, not lists: the pages list them.

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

/** The blocks that have something in them, in the order a secretary works through them. */
export async function dutiesOf(caller: Caller, now = new Date()): Promise<Duty[]> {
  const duties: Duty[] = [];
  const add = (d: Duty) => d.count > 0 && duties.push(d);
  const g = caller.grants;
  if (g.length === 0) return duties;

  const claims = scopePaths(g, "claims:review");
  if (claims.length) {
    const count = await prisma.creditClaim.count({ where: { status: "pending", person: { unit: { OR: startsWithAny(claims) } } } });
    add({ key: "claims", title: "学时申请待审核", count, overdue: 0, href: "/manage/claims" });
  }

  const classes = [...new Set([...scopePaths(g, "classes:manage"), ...scopePaths(g, "classes:nominate")])];
  if (classes.length) {
    const count = await prisma.classMember.count({ where: { status: "nominated", trainingClass: { unit: { OR: startsWithAny(classes) } } } });
    add({ key: "nominations", title: "培训班推荐待审核", count, overdue: 0, href: "/manage/classes" });
  }

  const people = scopePaths(g, "people:view");
  if (people.length) {
    // One line per unit of her scope, linking to the due list narrowed to it.
    const units = await unitsUnder(people);
    for (const path of people) {
      const unit = units.find((u) => u.path === path);
      if (!unit) continue;
      const { rows } = await pipelineDue([path], chinaDay(now));
      const overdue = rows.filter((r) => r.item.state === "overdue").length;
      add({ key: `pipeline:${unit.id}`, title: `发展党员待办（${unit.name}）`, count: rows.length, overdue, href: `/manage/pipeline?unitId=${unit.id}` });
    }
  }

  const meetings = scopePaths(g, "activities:manage");
  if (meetings.length) {
    // 请假 asked for meetings of her units (decision 056), decided on each meeting's page: a link to
    // that page when they all concern one meeting, to the list otherwise. Those whose meeting is over
    // still wait for an answer, so they are counted as past their time.
    const leaves = await prisma.activityLeave.findMany({
      where: { status: "pending", activity: { status: { not: "cancelled" }, unit: { OR: startsWithAny(meetings) } } },
      select: { activityId: true, activity: { select: { startsAt: true } } },
    });
    const activityIds = new Set(leaves.map((l) => l.activityId));
    const [only] = activityIds;
    add({
      key: "leaves",
      title: "会议请假待审批",
      count: leaves.length,
      overdue: leaves.filter((l) => l.activity.startsAt <= now).length,
      href: activityIds.size === 1 ? `/manage/activities/${only}/meeting` : "/manage/activities",
    });
  }

  const letters = await lettersForHandler(caller, "open", now);
  add({ key: "letters", title: "书记信箱待答复", count: letters.length, overdue: letters.filter((l) => l.overdue).length, href: "/manage/mailbox" });

  if (hasAnyGrant(g, "discussion:moderate")) {
    const count = (await moderationQueue(caller)).length;
    add({ key: "posts", title: "讨论帖待审核", count, overdue: 0, href: "/manage/discussion" });
  }

  const pending = await pendingInScope(caller, 100);
  add({ key: "review", title: "发布内容待审核", count: pending.length, overdue: 0, href: "/manage/review" });
  const returned = (await submissionsOf(caller.id, 50)).filter((r) => r.state === "returned");
  add({ key: "review-returned", title: "退回修改的发布内容", count: returned.length, overdue: 0, href: "/manage/review" });

  const grading = scopePaths(g, "classes:manage");
  const tutored = await prisma.classTutor.findMany({ where: { personId: caller.id }, select: { groupId: true } });
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
    const count = await prisma.course.count({ where: { source: "studio", draft: { not: null }, unit: { OR: startsWithAny(courses) } } });
    add({ key: "drafts", title: "课程草稿未发布", count, overdue: 0, href: "/manage/courses" });
  }
  return duties;
}
