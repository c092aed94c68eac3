import { AppError } from "~/lib/app-error";
import { type ItemState, ClassKindSchema, ClassStatusSchema, progressSummary } from "~/lib/classes";
import { prisma } from "../db";
import { classSchedule } from "./schedule";
import { tutoredGroups } from "./groups";

// A learner's classes and the one page of a class, as a phone shows it: what is done, what is next,
// what is due. Every state is read from where it is kept already: course progress from the lesson
// progress rows, a session's attendance from its check-in list, the exam's grade from QuizGrade, and
// the class's assignments from their submissions. Nothing is stored here.

/** The classes a person is in, was nominated for, or tutors. */
export async function myClasses(personId: number) {
  const [rows, tutoring] = await Promise.all([
    prisma.classMember.findMany({
      where: { personId, status: { in: ["enrolled", "nominated", "withdrawn"] } },
      select: {
        status: true,
        trainingClass: {
          select: { id: true, kind: true, title: true, term: true, status: true, startsOn: true, endsOn: true, unit: { select: { name: true } } },
        },
      },
      orderBy: { createdAt: "desc" },
    }),
    prisma.classTutor.findMany({
      where: { personId },
      select: {
        group: {
          select: {
            name: true,
            trainingClass: {
              select: { id: true, kind: true, title: true, term: true, status: true, startsOn: true, endsOn: true, unit: { select: { name: true } } },
            },
          },
        },
      },
    }),
  ]);
  const shape = (c: (typeof rows)[number]["trainingClass"]) => ({
    ...c,
    kind: ClassKindSchema.parse(c.kind),
    status: ClassStatusSchema.parse(c.status),
    unitName: c.unit.name,
  });
  return {
    member: rows.map((r) => ({ memberStatus: r.status, ...shape(r.trainingClass) })),
    tutoring: tutoring.map((t) => ({ groupName: t.group.name, ...shape(t.group.trainingClass) })),
  };
}

export type ClassPageItem = {
  key: string;
  kind: "course" | "session" | "exam" | "assignment";
  title: string;
  href: string | null;
  state: ItemState;
  /** What the learner reads beside the title: "已学 3/5 课", "已签到", "成绩 85.0 分". */
  detail: string;
  dueAt: Date | null;
};

const SUBMISSION_DETAIL: Record<string, string> = { draft: "草稿未提交", submitted: "已提交，待评阅", returned: "已退回修改", graded: "已评阅" };

/**
 * The class page of one person: a member (enrolled, or withdrawn and shown as such) or a tutor of one
 * of its groups. Anyone else, and an unknown class, is "not found", so class ids cannot be probed.
 */
export async function classPageFor(personId: number, classId: number, now = new Date()) {
  const c = await prisma.trainingClass.findUnique({
    where: { id: classId },
    select: {
      id: true,
      kind: true,
      title: true,
      term: true,
      status: true,
      description: true,
      startsOn: true,
      endsOn: true,
      resultsPublishedAt: true,
      unit: { select: { name: true } },
      members: {
        where: { personId },
        select: { status: true, reason: true, passed: true, excellent: true, graduatedAt: true, group: { select: { name: true } } },
      },
    },
  });
  const membership = c?.members[0];
  const isMember = membership !== undefined && (membership.status === "enrolled" || membership.status === "withdrawn");
  const groups = c ? await tutoredGroups(classId, personId) : [];
  if (!c || (!isMember && groups.length === 0)) throw new AppError("not_found", "培训班不存在，或您不是该班学员");

  const [schedule, assignments] = await Promise.all([
    classSchedule(classId),
    prisma.assignment.findMany({
      where: { classId },
      select: { id: true, title: true, dueAt: true, submissions: { where: { personId }, select: { status: true, score: true, late: true } } },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    }),
  ]);
  const courseIds = schedule.flatMap((i) => (i.course ? [i.course.id] : []));
  const activityIds = schedule.flatMap((i) => (i.activity ? [i.activity.id] : []));
  const quizIds = schedule.flatMap((i) => (i.quiz ? [i.quiz.id] : []));
  const [lessons, attended, grades] = await Promise.all([
    prisma.lesson.findMany({
      where: { courseId: { in: courseIds }, archivedAt: null },
      select: { courseId: true, progress: { where: { personId, completedAt: { not: null } }, select: { lessonId: true } } },
    }),
    prisma.activityAttendance.findMany({ where: { activityId: { in: activityIds }, personId, removedAt: null }, select: { activityId: true } }),
    prisma.quizGrade.findMany({ where: { quizId: { in: quizIds }, personId }, select: { quizId: true, percent: true, passed: true } }),
  ]);
  const attendedIds = new Set(attended.map((a) => a.activityId));

  const items: ClassPageItem[] = schedule.map((i): ClassPageItem => {
    if (i.course) {
      const mine = lessons.filter((l) => l.courseId === i.course!.id);
      const completed = mine.filter((l) => l.progress.length > 0).length;
      const done = mine.length > 0 && completed === mine.length;
      return {
        key: `item-${i.id}`,
        kind: "course",
        title: i.course.title,
        href: `/courses/${i.course.slug}`,
        state: done ? "done" : "todo",
        detail: `已学 ${completed}/${mine.length} 课`,
        dueAt: i.dueAt,
      };
    }
    if (i.activity) {
      const a = i.activity;
      const here = attendedIds.has(a.id);
      const over = a.status === "cancelled" || a.endsAt < now;
      return {
        key: `item-${i.id}`,
        kind: "session",
        title: a.title,
        href: null,
        state: here ? "done" : over ? "missed" : "todo",
        detail: here ? "已签到" : a.status === "cancelled" ? "已取消" : over ? "未签到" : "现场签到",
        dueAt: a.startsAt,
      };
    }
    const grade = grades.find((g) => g.quizId === i.quiz?.id);
    return {
      key: `item-${i.id}`,
      kind: "exam",
      title: i.quiz?.title ?? "结业考试",
      href: i.quiz ? `/quizzes/${i.quiz.id}` : null,
      state: grade?.passed ? "done" : "todo",
      detail: grade ? `成绩 ${(grade.percent / 10).toFixed(1)} 分，${grade.passed ? "已通过" : "未通过"}` : "未参加",
      dueAt: i.dueAt,
    };
  });
  for (const a of assignments) {
    const s = a.submissions[0];
    const done = s?.status === "submitted" || s?.status === "graded";
    items.push({
      key: `assignment-${a.id}`,
      kind: "assignment",
      title: a.title,
      href: `/assignments/${a.id}`,
      state: done ? "done" : "todo",
      detail: s
        ? `${SUBMISSION_DETAIL[s.status] ?? s.status}${s.late ? "（逾期）" : ""}${s.status === "graded" && s.score !== null ? `，${(s.score / 100).toFixed(1)} 分` : ""}`
        : "未提交",
      dueAt: a.dueAt,
    });
  }

  return {
    cls: {
      id: c.id,
      kind: ClassKindSchema.parse(c.kind),
      title: c.title,
      term: c.term,
      status: ClassStatusSchema.parse(c.status),
      description: c.description,
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      resultsPublished: c.resultsPublishedAt !== null,
      unitName: c.unit.name,
    },
    membership: isMember
      ? {
          status: membership!.status,
          reason: membership!.reason,
          groupName: membership!.group?.name ?? null,
          // The published result (the results module fixes it at publication): 结业, 优秀学员, or not.
          result:
            c.resultsPublishedAt === null || membership!.status !== "enrolled"
              ? null
              : { graduated: membership!.graduatedAt !== null, excellent: membership!.excellent },
        }
      : null,
    items: isMember ? items : [],
    summary: progressSummary(isMember ? items : [], now),
    tutoring: groups.map((g) => ({
      id: g.id,
      name: g.name,
      members: g.members.map((m) => ({ personId: m.personId, name: m.person.name, unitName: m.person.unit.name })),
    })),
  };
}
