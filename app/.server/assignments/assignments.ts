import { type AssignmentSettings, type SubmissionStatus } from "~/lib/assignments";
import { audit } from "../audit";
import { prisma } from "../db";
import { type Caller, classForOrganiser } from "./access";

// A class's assignments as its organiser sets them: create one, list them with how many are in each
// state. Decision 044.

export async function createAssignment(caller: Caller, classId: number, input: AssignmentSettings) {
  await classForOrganiser(caller, classId);
  const created = await prisma.assignment.create({
    data: {
      classId,
      kind: input.kind,
      title: input.title,
      prompt: input.prompt,
      minChars: input.minChars,
      maxChars: input.maxChars,
      opensAt: input.opensAt!,
      dueAt: input.dueAt!,
      lateUntil: input.lateUntil,
      allowAttachments: input.allowAttachments,
      rubric: JSON.stringify(input.rubric),
      createdById: caller.id,
    },
    select: { id: true },
  });
  await audit({
    actorId: caller.id,
    action: "assignment.create",
    targetKind: "assignment",
    targetId: created.id,
    detail: { classId, kind: input.kind, minChars: input.minChars, maxChars: input.maxChars },
  });
  return created;
}

/** The class's assignments, each with its submissions counted by state and the enrolled members who could hand in. */
export async function assignmentsOfClass(caller: Caller, classId: number) {
  const trainingClass = await classForOrganiser(caller, classId);
  const [assignments, counts, enrolled] = await Promise.all([
    prisma.assignment.findMany({
      where: { classId },
      select: { id: true, kind: true, title: true, minChars: true, maxChars: true, opensAt: true, dueAt: true, lateUntil: true, allowAttachments: true },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
    }),
    prisma.submission.groupBy({ by: ["assignmentId", "status"], where: { assignment: { classId } }, _count: { _all: true } }),
    prisma.classMember.count({ where: { classId, status: "enrolled" } }),
  ]);
  return {
    trainingClass,
    enrolled,
    assignments: assignments.map((a) => {
      const of = (status: SubmissionStatus) => counts.find((c) => c.assignmentId === a.id && c.status === status)?._count._all ?? 0;
      return { ...a, counts: { draft: of("draft"), submitted: of("submitted"), returned: of("returned"), graded: of("graded") } };
    }),
  };
}
