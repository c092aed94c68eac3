import { sqlDb } from "../db";
import { inList, sql } from "../sql";

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
  const db = sqlDb();
  const enrolled = await db.all<{ classId: number; personId: number }>(
    sql`SELECT "classId", "personId" FROM "ClassMember" WHERE "personId" ${inList(ids)} AND "status" = 'enrolled'`,
  );
  if (enrolled.length === 0) return result;
  const classIds = [...new Set(enrolled.map((m) => m.classId))];
  const exams = await db.all<{ classId: number; quizId: number | null }>(
    sql`SELECT "classId", "quizId" FROM "ClassItem" WHERE "kind" = 'exam' AND "quizId" IS NOT NULL AND "classId" ${inList(classIds)}`,
  );
  const makeups = await db.all<{ classId: number; personId: number; quizId: number }>(
    sql`SELECT "classId", "personId", "quizId" FROM "ClassExamMakeup" WHERE "personId" ${inList(ids)} AND "classId" ${inList(classIds)}`,
  );
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
