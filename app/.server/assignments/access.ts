import { AppError } from "~/lib/app-error";
import { type Grant } from "~/lib/permissions";
import { prisma } from "../db";

// Who may do what with a class's assignment (decision 044):
// - the organiser: anyone with a grant (trainer, secretary, admin) over the class's organising unit;
// - a tutor: a ClassTutor of a group of the class, for the members of their groups;
// - a member: an enrolled ClassMember, for their own work.
// Anyone else meets the same 404 as an assignment that does not exist, so ids cannot be probed.

export type Caller = { id: number; grants: readonly Grant[] };

export const ASSIGNMENT_NOT_FOUND = "没有找到这份作业";
export const CLASS_NOT_FOUND = "没有找到这个培训班";

/** Organising a class is any role over its organising unit (or above it). */
export function organises(caller: Caller, unitPath: string): boolean {
  return caller.grants.some((g) => unitPath.startsWith(g.unitPath));
}

/** A class the caller organises, or a 404. */
export async function classForOrganiser(caller: Caller, classId: number) {
  const c = await prisma.trainingClass.findUnique({
    where: { id: classId },
    select: { id: true, title: true, kind: true, term: true, unit: { select: { name: true, path: true } } },
  });
  if (!c || !organises(caller, c.unit.path)) throw new AppError("not_found", CLASS_NOT_FOUND);
  return c;
}

const assignmentColumns = {
  id: true,
  classId: true,
  kind: true,
  title: true,
  prompt: true,
  minChars: true,
  maxChars: true,
  opensAt: true,
  dueAt: true,
  lateUntil: true,
  allowAttachments: true,
  rubric: true,
  trainingClass: { select: { id: true, title: true, unit: { select: { path: true } } } },
} as const;

/** What the caller is to an assignment: organiser, tutor of some groups, member; all three may hold. */
export async function assignmentAccess(caller: Caller, assignmentId: number) {
  const a = await prisma.assignment.findUnique({ where: { id: assignmentId }, select: assignmentColumns });
  // Personal series (思想汇报, no class) are not served by the class pages.
  if (!a || a.classId === null || !a.trainingClass) throw new AppError("not_found", ASSIGNMENT_NOT_FOUND);
  const classId = a.classId;
  const [member, tutorOf] = await Promise.all([
    prisma.classMember.findUnique({ where: { classId_personId: { classId, personId: caller.id } }, select: { status: true } }),
    prisma.classTutor.findMany({ where: { personId: caller.id, group: { classId } }, select: { groupId: true } }),
  ]);
  return {
    assignment: a,
    organiser: organises(caller, a.trainingClass.unit.path),
    tutorGroupIds: tutorOf.map((t) => t.groupId),
    member: member?.status === "enrolled",
  };
}
export type AssignmentAccess = Awaited<ReturnType<typeof assignmentAccess>>;

/** For the learner's page: an enrolled member of the assignment's class, else 404. */
export async function assignmentForMember(caller: Caller, assignmentId: number) {
  const access = await assignmentAccess(caller, assignmentId);
  if (!access.member) throw new AppError("not_found", ASSIGNMENT_NOT_FOUND);
  return access.assignment;
}

/** For the grading queue: the organiser or a tutor of some group of the class, else 404. */
export async function assignmentForGrader(caller: Caller, assignmentId: number) {
  const access = await assignmentAccess(caller, assignmentId);
  if (!access.organiser && access.tutorGroupIds.length === 0) throw new AppError("not_found", ASSIGNMENT_NOT_FOUND);
  return access;
}

/**
 * Whether the caller may grade (and read the attachment of) an author's work: the organiser, or a
 * tutor of the group the author is in. Nobody grades their own work, whatever else they are.
 */
export async function mayGrade(access: AssignmentAccess, callerId: number, authorId: number): Promise<boolean> {
  if (callerId === authorId) return false;
  if (access.organiser) return true;
  if (access.tutorGroupIds.length === 0 || access.assignment.classId === null) return false;
  const m = await prisma.classMember.findUnique({
    where: { classId_personId: { classId: access.assignment.classId, personId: authorId } },
    select: { groupId: true },
  });
  return m?.groupId != null && access.tutorGroupIds.includes(m.groupId);
}
