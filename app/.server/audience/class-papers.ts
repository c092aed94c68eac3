import { prisma } from "../db";

// A class is an audience too (decisions 042, 043): the quiz a class's schedule names as its exam is
// open to the class's enrolled members, and a 补考 quiz to exactly the members named for it (still
// enrolled), whatever the quiz's own audience rows say. A nominee, a rejected or withdrawn member and a
// member of another class are not admitted by this. Read once per request by the quiz reads
// (open-papers.ts), so the intro, the start and the list of a person's quizzes agree; the to-do lists
// (app/.server/todo/) ask the same of many people at once.

/** The quizzes open to each of the people through a class: its exam, or a 补考 named for them. */
export async function classQuizIdsForPeople(personIds: readonly number[]): Promise<Map<number, number[]>> {
  const result = new Map<number, number[]>();
  if (personIds.length === 0) return result;
  const ids = [...personIds];
  // Both links need an enrolment: most people are in no class, and one statement says so.
  const enrolled = await prisma.classMember.findMany({ where: { personId: { in: ids }, status: "enrolled" }, select: { classId: true, personId: true } });
  if (enrolled.length === 0) return result;
  const classIds = [...new Set(enrolled.map((m) => m.classId))];
  const [exams, makeups] = await Promise.all([
    prisma.classItem.findMany({ where: { kind: "exam", quizId: { not: null }, classId: { in: classIds } }, select: { classId: true, quizId: true } }),
    prisma.classExamMakeup.findMany({ where: { personId: { in: ids }, classId: { in: classIds } }, select: { classId: true, personId: true, quizId: true } }),
  ]);
  const add = (personId: number, quizId: number | null) => {
    if (quizId === null) return;
    const list = result.get(personId) ?? [];
    if (!list.includes(quizId)) list.push(quizId);
    result.set(personId, list);
  };
  const isEnrolled = new Set(enrolled.map((m) => `${m.classId}:${m.personId}`));
  for (const m of enrolled) for (const e of exams) if (e.classId === m.classId) add(m.personId, e.quizId);
  for (const m of makeups) if (isEnrolled.has(`${m.classId}:${m.personId}`)) add(m.personId, m.quizId);
  return result;
}

/** The quizzes open to the person through a class: its exam, or a 补考 named for them. */
export async function classQuizIdsFor(personId: number): Promise<number[]> {
  return (await classQuizIdsForPeople([personId])).get(personId) ?? [];
}
