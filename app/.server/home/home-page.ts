import { prisma } from "../db";
import { hoursForYear } from "../hours/ledger";
import { noticesForPerson } from "../notices/notices";
import { ledgerYear } from "~/lib/hours";

// What the home page shows a signed-in person: their unit, this year's 学时 so far (the ledger's
// year, China time) and the notices of every unit on their path.

export async function homePage(person: { id: number; unitId: number }, now = new Date()) {
  const unit = await prisma.orgUnit.findUniqueOrThrow({ where: { id: person.unitId }, select: { name: true, path: true } });
  const year = ledgerYear(now);
  const [notices, hours] = await Promise.all([noticesForPerson(unit.path), hoursForYear(person.id, year)]);
  return { unitName: unit.name, year, hoursTotal: hours.total, notices };
}
