import { AppError } from "~/lib/app-error";
import { unitIdsOnPath } from "~/lib/unit-path";
import { audit } from "../audit";
import { prisma } from "../db";
import { cancelActivity, createActivity } from "../activities/activities";

// A class's schedule: required courses (published ones), face-to-face sessions and the 结业考试 (a
// quiz), in the organiser's order. A session is an Activity of kind party_school of the organising
// unit, made by the activities module, so its rotating QR check-in, the secretary's confirmation and
// the 学时 it credits work exactly as for any other activity. Assignments are their own rows.

const CHECKIN_EARLY_MS = 30 * 60_000;

async function editableClass(classId: number) {
  const c = await prisma.trainingClass.findUniqueOrThrow({
    where: { id: classId },
    select: { id: true, unitId: true, status: true, title: true, unit: { select: { path: true } } },
  });
  if (c.status === "finished") throw new AppError("conflict", "培训班已结束，不能再调整日程");
  return c;
}

async function nextPosition(classId: number) {
  const last = await prisma.classItem.findFirst({ where: { classId }, orderBy: { position: "desc" }, select: { position: true } });
  return (last?.position ?? 0) + 1;
}

async function logged(actorId: number, classId: number, detail: Record<string, unknown>) {
  await audit({ actorId, action: "class.schedule", targetKind: "class", targetId: classId, detail });
}

export async function addCourse(actorId: number, classId: number, courseId: number, dueAt: Date | null) {
  await editableClass(classId);
  const course = await prisma.course.findUnique({ where: { id: courseId }, select: { status: true, title: true } });
  if (!course || course.status !== "published") throw new AppError("invalid", "请选择已发布的课程", { field: "courseId" });
  if (await prisma.classItem.findFirst({ where: { classId, courseId }, select: { id: true } })) {
    throw new AppError("already_done", `“${course.title}”已在日程中`, { field: "courseId" });
  }
  const item = await prisma.classItem.create({
    data: { classId, kind: "course", courseId, dueAt, position: await nextPosition(classId) },
    select: { id: true },
  });
  await logged(actorId, classId, { added: "course", courseId });
  return item;
}

export type SessionInput = { title: string; startsAt: Date; endsAt: Date; hours: number };

/** A face-to-face session: a party-school activity of the organising unit, check-in from half an hour before to the end. */
export async function addSession(actorId: number, classId: number, input: SessionInput) {
  const c = await editableClass(classId);
  if (input.endsAt <= input.startsAt) throw new AppError("invalid", "结束时间须晚于开始时间", { field: "endsAt" });
  const activity = await createActivity(actorId, c.unitId, {
    kind: "party_school",
    title: input.title,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    checkinOpensAt: new Date(input.startsAt.getTime() - CHECKIN_EARLY_MS),
    checkinClosesAt: input.endsAt,
    hours: input.hours,
  });
  const item = await prisma.classItem.create({
    data: { classId, kind: "session", activityId: activity.id, dueAt: input.startsAt, position: await nextPosition(classId) },
    select: { id: true },
  });
  await logged(actorId, classId, { added: "session", activityId: activity.id });
  return { ...item, activityId: activity.id };
}

/** The 结业考试: one quiz per class (a 补考 is another attempt of the same quiz). */
export async function addExam(actorId: number, classId: number, quizId: number, dueAt: Date | null) {
  const c = await editableClass(classId);
  // Only a quiz the organiser could choose from the list: another college's quiz is not theirs to use.
  const quiz = await prisma.quiz.findFirst({ where: { id: quizId, ...organiserQuizzes(c.unit.path) }, select: { status: true } });
  if (!quiz) throw new AppError("invalid", "请选择未归档的测试", { field: "quizId" });
  if (await prisma.classItem.findFirst({ where: { classId, kind: "exam" }, select: { id: true } })) {
    throw new AppError("already_done", "日程中已有结业考试，请先移除原有考试", { field: "quizId" });
  }
  const item = await prisma.classItem.create({ data: { classId, kind: "exam", quizId, dueAt, position: await nextPosition(classId) }, select: { id: true } });
  await logged(actorId, classId, { added: "exam", quizId });
  return item;
}

/** Takes an item off the schedule; a session that nobody's attendance was confirmed for is cancelled with it. */
export async function removeItem(actorId: number, classId: number, itemId: number) {
  await editableClass(classId);
  const item = await prisma.classItem.findFirst({
    where: { id: itemId, classId },
    select: { id: true, kind: true, activityId: true, activity: { select: { status: true } } },
  });
  if (!item) throw new AppError("invalid", "日程项不存在");
  await prisma.classItem.delete({ where: { id: item.id } });
  if (item.activityId && item.activity?.status === "open") await cancelActivity(actorId, item.activityId, "从培训班日程中移除");
  await logged(actorId, classId, { removed: item.kind, itemId });
}

/** Moves an item one place up or down, swapping positions with its neighbour in one transaction. */
export async function moveItem(actorId: number, classId: number, itemId: number, direction: "up" | "down") {
  await editableClass(classId);
  const items = await prisma.classItem.findMany({ where: { classId }, select: { id: true, position: true }, orderBy: [{ position: "asc" }, { id: "asc" }] });
  const i = items.findIndex((x) => x.id === itemId);
  if (i === -1) throw new AppError("invalid", "日程项不存在");
  const j = direction === "up" ? i - 1 : i + 1;
  if (j < 0 || j >= items.length) return;
  // Positions are rewritten 1..n in the new order: equal positions (two items added at once) cannot stay ambiguous.
  const order = [...items];
  [order[i], order[j]] = [order[j], order[i]];
  await prisma.$transaction(order.map((x, k) => prisma.classItem.update({ where: { id: x.id }, data: { position: k + 1 } })));
  await logged(actorId, classId, { moved: itemId, direction });
}

export async function setItemDue(actorId: number, classId: number, itemId: number, dueAt: Date | null) {
  await editableClass(classId);
  const { count } = await prisma.classItem.updateMany({ where: { id: itemId, classId }, data: { dueAt } });
  if (count === 0) throw new AppError("invalid", "日程项不存在");
  await logged(actorId, classId, { due: itemId, dueAt });
}

/** The schedule with what each item refers to. */
export async function classSchedule(classId: number) {
  return prisma.classItem.findMany({
    where: { classId },
    select: {
      id: true,
      kind: true,
      position: true,
      required: true,
      dueAt: true,
      course: { select: { id: true, slug: true, title: true } },
      activity: { select: { id: true, title: true, startsAt: true, endsAt: true, status: true, hours: true } },
      quiz: { select: { id: true, title: true, status: true } },
    },
    orderBy: [{ position: "asc" }, { id: "asc" }],
  });
}

/** The quizzes an organiser may use as an exam or a 补考: not archived, kept by a unit on the organiser's path or below it. */
export function organiserQuizzes(organiserPath: string) {
  return { status: { not: "archived" }, OR: [{ unit: { path: { startsWith: organiserPath } } }, { unitId: { in: unitIdsOnPath(organiserPath) } }] };
}

/** What an organiser may put on the schedule: published courses and the quizzes of `organiserQuizzes`. */
export async function scheduleChoices(organiserPath: string) {
  const [courses, quizzes] = await Promise.all([
    prisma.course.findMany({ where: { status: "published" }, select: { id: true, title: true }, orderBy: { title: "asc" }, take: 500 }),
    prisma.quiz.findMany({
      where: organiserQuizzes(organiserPath),
      select: { id: true, title: true, status: true },
      orderBy: { id: "desc" },
      take: 200,
    }),
  ]);
  return { courses, quizzes };
}
