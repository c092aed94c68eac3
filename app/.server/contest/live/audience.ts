import { prisma } from "../../db";
import { findPersonScope, openToPerson } from "../../audience/audience";

// Who may play: the contest's audience (the rules of ../../audience/audience.ts, shared with the paper
// contest and quizzes), only while the contest is published; a disabled account plays no more.

/** The contest when the person is in its audience, else null. */
export async function contestInAudience(personId: number, contestId: number) {
  const person = await findPersonScope(personId);
  if (!person || person.disabledAt) return null;
  return prisma.contest.findFirst({ where: { id: contestId, ...openToPerson(person) }, select: { id: true, title: true } });
}
