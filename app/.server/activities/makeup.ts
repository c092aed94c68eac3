import { AppError } from "~/lib/app-error";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import { creditMakeup } from "./attendance";
import { expectedAttendeeWhere } from "./meetings";
import { compareNames } from "~/lib/name-order";

// 补学 (decision 056): after a meeting is confirmed and its minutes written, the secretary assigns the
// people absent from it (with approved leave or simply absent) to read the minutes and, if chosen, a
// lesson. Completing it credits the meeting's 学时 through the attendance's own source keys, so it
// can never credit twice (see creditMakeup).

/** Expected people not on the attendance list, with their leave and 补学 state. */
export async function absenteesOf(activityId: number) {
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { id: true, kind: true, unit: { select: { path: true } } } });
  if (!activity) return [];
  const people = await prisma.person.findMany({
    where: { AND: [await expectedAttendeeWhere(activity), { attendances: { none: { activityId, removedAt: null } } }] },
    select: {
      id: true,
      name: true,
      unitId: true,
      unit: { select: { name: true } },
      activityLeaves: { where: { activityId }, select: { status: true } },
      activityMakeups: { where: { activityId }, select: { completedAt: true, lessonId: true } },
    },
    orderBy: [{ unitId: "asc" }, { id: "asc" }],
  });
  // By unit, then by name in pinyin order (decision 066).
  people.sort((a, b) => a.unitId - b.unitId || compareNames(a.name, b.name));
  return people.map((p) => ({
    id: p.id,
    name: p.name,
    unitName: p.unit.name,
    leave: p.activityLeaves[0]?.status ?? null,
    makeup: p.activityMakeups[0] ? { done: p.activityMakeups[0].completedAt !== null } : null,
  }));
}

/**
 * Assigns 补学 to the absentees (all of them, or those named), never to the assigner (nobody approves
 * their own 学时). Assigning again changes the lesson of a 补学 not yet done and leaves a done one alone.
 */
export async function assignMakeup(actorId: number, activityId: number, personIds: number[] | null, lessonId: number | null) {
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { status: true, minutes: true } });
  if (!activity || activity.status !== "confirmed") throw new AppError("invalid", "请先确认签到名单，再布置补学");
  if (!activity.minutes) throw new AppError("invalid", "请先填写会议纪要，补学须阅读纪要");
  if (lessonId !== null && (await prisma.lesson.count({ where: { id: lessonId } })) === 0)
    throw new AppError("invalid", "所选课程不存在", { field: "lessonId" });
  const absent = (await absenteesOf(activityId)).filter((p) => p.id !== actorId);
  const chosen = personIds === null ? absent : absent.filter((p) => personIds.includes(p.id));
  if (personIds !== null && chosen.length !== personIds.length) throw new AppError("invalid", "只能为缺席人员布置补学");
  if (chosen.length === 0) throw new AppError("invalid", "没有需要补学的缺席人员");
  let assigned = 0;
  for (const p of chosen) {
    if (p.makeup?.done) continue;
    try {
      await prisma.activityMakeup.upsert({
        where: { activityId_personId: { activityId, personId: p.id } },
        create: { activityId, personId: p.id, lessonId, assignedById: actorId },
        update: { lessonId },
      });
    } catch (e) {
      // A second assignment at the same moment created the row first: it is assigned either way.
      if (!(e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")) throw e;
    }
    assigned++;
  }
  await audit({
    actorId,
    action: "activity.makeup_assign",
    targetKind: "activity",
    targetId: activityId,
    detail: { assigned, lessonId, all: personIds === null },
  });
  return { assigned };
}

/**
 * The member completes her 补学: the minutes read (she is on the page that shows them) and the lesson,
 * if one was chosen, completed. Completing twice is harmless and credits nothing more.
 */
export async function completeMakeup(personId: number, activityId: number, now = new Date()) {
  const makeup = await prisma.activityMakeup.findUnique({
    where: { activityId_personId: { activityId, personId } },
    select: { lessonId: true, assignedById: true, completedAt: true },
  });
  if (!makeup) throw new AppError("invalid", "您没有本次会议的补学任务");
  if (makeup.completedAt) return { already: true, credited: false };
  if (makeup.lessonId !== null) {
    const progress = await prisma.lessonProgress.findUnique({
      where: { personId_lessonId: { personId, lessonId: makeup.lessonId } },
      select: { completedAt: true },
    });
    if (!progress?.completedAt) throw new AppError("invalid", "请先学完补学指定的课程，再完成补学");
  }
  // Credit first: the credit is idempotent, so a completion is never recorded without its hours.
  const credit = await creditMakeup(makeup.assignedById, activityId, personId);
  const { count } = await prisma.activityMakeup.updateMany({
    where: { activityId, personId, completedAt: null },
    data: { minutesReadAt: now, completedAt: now },
  });
  if (count === 1) {
    await audit({
      actorId: personId,
      action: "activity.makeup_complete",
      targetKind: "activity",
      targetId: activityId,
      detail: { credited: credit?.status === "credited" },
    });
  }
  return { already: count === 0, credited: credit?.status === "credited" };
}

export async function makeupLesson(lessonId: number) {
  return prisma.lesson.findUnique({ where: { id: lessonId }, select: { key: true, title: true, course: { select: { slug: true, title: true } } } });
}

/** Lessons a 补学 may name: the lessons of published courses, newest course first. */
export async function lessonChoices() {
  return prisma.lesson.findMany({
    where: { course: { status: "published" } },
    select: { id: true, title: true, course: { select: { title: true } } },
    orderBy: [{ courseId: "desc" }, { position: "asc" }],
    take: 300,
  });
}
