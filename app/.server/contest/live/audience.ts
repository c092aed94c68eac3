import { prisma } from "../../db";
import { contestAudienceWhere } from "../audience";

// Who may play: the contest's audience (ContestAudience rows), i.e. the people of a unit's subtree,
// optionally only those of one political status, and only while the contest is published
// (../audience.ts); a disabled account plays no more.

/** The contest when the person is in its audience, else null. */
export async function contestInAudience(personId: number, contestId: number) {
  const person = await prisma.person.findUnique({
    where: { id: personId },
    select: { politicalStatus: true, disabledAt: true, unit: { select: { path: true } } },
  });
  if (!person || person.disabledAt) return null;
  return prisma.contest.findFirst({
    where: { id: contestId, ...contestAudienceWhere({ unitPath: person.unit.path, politicalStatus: person.politicalStatus }) },
    select: { id: true, title: true },
  });
}
