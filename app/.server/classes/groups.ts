import { AppError } from "~/lib/app-error";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";

// Tutoring groups of a class (第一组, 第二组…) and their tutors (辅导员/导师). A tutor is any person
// named by their student/staff number; they see their group's members on the class page and grade
// their work (assignments). Members are placed in a group by the organiser.

async function refuseFinished(classId: number) {
  const c = await prisma.trainingClass.findUniqueOrThrow({ where: { id: classId }, select: { status: true } });
  if (c.status === "finished") throw new AppError("conflict", "培训班已结束，不能再调整分组");
}

export async function createGroup(actorId: number, classId: number, name: string) {
  await refuseFinished(classId);
  try {
    const g = await prisma.classGroup.create({ data: { classId, name }, select: { id: true } });
    await audit({ actorId, action: "class.groups", targetKind: "class", targetId: classId, detail: { created: name } });
    return g;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new AppError("conflict", `已有名为“${name}”的小组`, { field: "name" });
    throw e;
  }
}

async function groupOf(classId: number, groupId: number) {
  const g = await prisma.classGroup.findFirst({ where: { id: groupId, classId }, select: { id: true, name: true } });
  if (!g) throw new AppError("invalid", "小组不存在", { field: "groupId" });
  return g;
}

/** Adds a tutor by their student/staff number. */
export async function addTutor(actorId: number, classId: number, groupId: number, number: string) {
  await refuseFinished(classId);
  const group = await groupOf(classId, groupId);
  const person = await prisma.person.findUnique({ where: { number }, select: { id: true, name: true, disabledAt: true } });
  if (!person || person.disabledAt) throw new AppError("invalid", `没有学号/工号为“${number}”的在用账号`, { field: "number" });
  const { count } = await prisma.classTutor.createMany({ data: [{ groupId, personId: person.id }] }).catch((e: unknown) => {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return { count: 0 };
    throw e;
  });
  if (count === 0) throw new AppError("already_done", `${person.name}已是${group.name}的导师`, { field: "number" });
  await audit({ actorId, action: "class.groups", targetKind: "class", targetId: classId, detail: { group: group.name, tutorAdded: person.id } });
  return { name: person.name };
}

export async function removeTutor(actorId: number, classId: number, groupId: number, personId: number) {
  await refuseFinished(classId);
  const group = await groupOf(classId, groupId);
  const { count } = await prisma.classTutor.deleteMany({ where: { groupId, personId } });
  if (count === 0) throw new AppError("conflict", "该导师已不在小组中");
  await audit({ actorId, action: "class.groups", targetKind: "class", targetId: classId, detail: { group: group.name, tutorRemoved: personId } });
}

/** Places an enrolled member in a group, or takes them out of any (groupId null). */
export async function placeMember(actorId: number, classId: number, personId: number, groupId: number | null) {
  await refuseFinished(classId);
  if (groupId !== null) await groupOf(classId, groupId);
  const { count } = await prisma.classMember.updateMany({ where: { classId, personId, status: "enrolled" }, data: { groupId } });
  if (count === 0) throw new AppError("conflict", "只能为在读学员分组");
  await audit({ actorId, action: "class.groups", targetKind: "class", targetId: classId, detail: { personId, groupId } });
}

export async function classGroups(classId: number) {
  return prisma.classGroup.findMany({
    where: { classId },
    select: { id: true, name: true, tutors: { select: { personId: true, person: { select: { name: true } } } }, _count: { select: { members: true } } },
    orderBy: { id: "asc" },
  });
}

/** The groups a person tutors in a class, with their members: what a tutor sees on the class page. */
export async function tutoredGroups(classId: number, personId: number) {
  return prisma.classGroup.findMany({
    where: { classId, tutors: { some: { personId } } },
    select: {
      id: true,
      name: true,
      members: {
        where: { status: "enrolled" },
        select: { personId: true, person: { select: { name: true, unit: { select: { name: true } } } } },
        orderBy: { personId: "asc" },
      },
    },
    orderBy: { id: "asc" },
  });
}
