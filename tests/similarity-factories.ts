import type { PrismaClient } from "../app/.server/generated/prisma/client";

// Classes, assignments and handed-in submissions for the similarity tests, written through Prisma (the
// app's one client, opened on the test's database file by the caller), as the hand-in stores them: the
// submission with its current version, and that version's text kept in SubmissionVersion.

export function openSimilarityFactory(prisma: PrismaClient) {
  let term = 0;
  return {
    async trainingClass(input: { unitId: number; createdById: number; kind?: string; startsOn: Date }) {
      const ends = new Date(input.startsOn.getTime() + 60 * 86_400_000);
      const row = await prisma.trainingClass.create({
        data: {
          kind: input.kind ?? "activist",
          title: `第 ${++term} 期入党积极分子培训班`,
          term,
          unitId: input.unitId,
          startsOn: input.startsOn,
          endsOn: ends,
          gradingRule: "{}",
          status: "running",
          createdById: input.createdById,
        },
        select: { id: true },
      });
      return row.id;
    },
    async assignment(input: { classId: number | null; createdById: number; opensAt: Date; kind?: string }) {
      const row = await prisma.assignment.create({
        data: {
          classId: input.classId,
          kind: input.kind ?? "essay",
          title: "学习心得",
          prompt: "结合培训内容，写一篇学习心得。",
          opensAt: input.opensAt,
          dueAt: new Date(input.opensAt.getTime() + 28 * 86_400_000),
          rubric: "[]",
          createdById: input.createdById,
        },
        select: { id: true },
      });
      return row.id;
    },
    /** A hand-in: the submission at its next version, with the version's text kept. */
    async handIn(input: { assignmentId: number; personId: number; text: string; at?: Date }) {
      const at = input.at ?? new Date();
      const chars = [...input.text].length;
      return prisma.$transaction(async (tx) => {
        const submission = await tx.submission.upsert({
          where: { assignmentId_personId: { assignmentId: input.assignmentId, personId: input.personId } },
          create: { assignmentId: input.assignmentId, personId: input.personId, status: "submitted", text: input.text, chars, version: 1, submittedAt: at },
          update: { status: "submitted", text: input.text, chars, version: { increment: 1 }, submittedAt: at },
          select: { id: true, version: true },
        });
        await tx.submissionVersion.create({ data: { submissionId: submission.id, version: submission.version, text: input.text, chars, submittedAt: at } });
        return submission.id;
      });
    },
  };
}
