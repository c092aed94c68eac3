import { prisma } from "../db";

/** What the account page shows a person about themselves (the phone unmasked: the page masks it). */
export function accountProfile(personId: number) {
  return prisma.person.findUniqueOrThrow({
    where: { id: personId },
    select: {
      number: true,
      name: true,
      politicalStatus: true,
      statusSince: true,
      cadreLevel: true,
      phone: true,
      unit: { select: { name: true } },
      grants: { select: { role: true, unit: { select: { name: true } } } },
    },
  });
}
