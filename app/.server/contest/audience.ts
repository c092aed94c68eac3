import { type Prisma } from "../generated/prisma/client";

// Who a contest is for: published, with an audience row naming a unit on the person's path (their
// unit or one above it) and, if it names one, their political status. The paper contest and the live
// rounds both ask this.

export function contestAudienceWhere(person: { unitPath: string; politicalStatus: string }): Prisma.ContestWhereInput {
  const unitIds = person.unitPath.split("/").filter(Boolean).map(Number);
  return {
    status: "published",
    audiences: { some: { unitId: { in: unitIds }, OR: [{ politicalStatus: null }, { politicalStatus: person.politicalStatus }] } },
  };
}
