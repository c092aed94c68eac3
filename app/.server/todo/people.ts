import { prisma } from "../db";

// Whom a to-do list is for: what every source reads of a person (their unit path, political status and
// cadre level), loaded once for the whole batch so no source reads people again.

export type TodoPerson = { id: number; unitPath: string; politicalStatus: string; cadreLevel: string };

/** The active people among the ids, as the sources read them. */
export async function todoPeople(personIds: readonly number[]): Promise<TodoPerson[]> {
  if (personIds.length === 0) return [];
  const rows = await prisma.person.findMany({
    where: { id: { in: [...personIds] }, disabledAt: null },
    select: { id: true, politicalStatus: true, cadreLevel: true, unit: { select: { path: true } } },
  });
  return rows.map((r) => ({ id: r.id, unitPath: r.unit.path, politicalStatus: r.politicalStatus, cadreLevel: r.cadreLevel }));
}

/** Date plus days. */
export function daysAfter(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}
