import { prisma } from "../../db";

// Who may play: the contest's audience (ContestAudience rows), i.e. the people of a unit's subtree,
// optionally only those of one political status, and only while the contest is published. Like a
// quiz's audience (quiz/attempts.ts): an audience unit covers a person when it is one of the units on
// the path from the root to theirs.

/** The contest when the person is in its audience, else null. */
export async function contestInAudience(personId: number, contestId: number) {
  const person = await prisma.person.findUnique({
    where: { id: personId },
    select: { politicalStatus: true, disabledAt: true, unit: { select: { path: true } } },
  });
  if (!person || person.disabledAt) return null;
  const unitIds = person.unit.path.split("/").filter(Boolean).map(Number);
  return prisma.contest.findFirst({
    where: {
      id: contestId,
      status: "published",
      audiences: { some: { unitId: { in: unitIds }, OR: [{ politicalStatus: null }, { politicalStatus: person.politicalStatus }] } },
    },
    select: { id: true, title: true },
  });
}
