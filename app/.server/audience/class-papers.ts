import { prisma } from "../db";

// A class is an audience too (decisions 042, 043): the quiz a class's schedule names as its exam is
// open to the class's enrolled members, and a 补考 quiz to exactly the members named for it (still
// enrolled), whatever the quiz's own audience rows say. A nominee, a rejected or withdrawn member and a
// member of another class are not admitted by this. Read once per request by the quiz reads
// (open-papers.ts), so the intro, the start and the list of a person's quizzes agree.

/** The quizzes open to the person through a class: its exam, or a 补考 named for them. */
export async function classQuizIdsFor(personId: number): Promise<number[]> {
  const [exams, makeups] = await Promise.all([
    prisma.classItem.findMany({
      where: { kind: "exam", quizId: { not: null }, trainingClass: { members: { some: { personId, status: "enrolled" } } } },
      select: { quizId: true },
    }),
    prisma.classExamMakeup.findMany({ where: { personId }, select: { classId: true, quizId: true } }),
  ]);
  const enrolledIn = new Set(
    makeups.length === 0
      ? []
      : (
          await prisma.classMember.findMany({
            where: { personId, status: "enrolled", classId: { in: makeups.map((m) => m.classId) } },
            select: { classId: true },
          })
        ).map((m) => m.classId),
  );
  const ids = [...exams.map((e) => e.quizId), ...makeups.filter((m) => enrolledIn.has(m.classId)).map((m) => m.quizId)];
  return [...new Set(ids.filter((id): id is number => id !== null))];
}
