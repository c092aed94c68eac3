import { prisma } from "./db";

// Reading the audit log (admins only): newest first, filtered by action and actor.

export async function recentAuditEntries(filter: { action?: string; actorNumber?: string }, take = 200) {
  const actor = filter.actorNumber ? await prisma.person.findUnique({ where: { number: filter.actorNumber }, select: { id: true } }) : null;
  if (filter.actorNumber && !actor) return [];
  const rows = await prisma.auditLog.findMany({
    where: { ...(filter.action ? { action: filter.action } : {}), ...(actor ? { actorId: actor.id } : {}) },
    orderBy: { id: "desc" },
    take,
  });
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is number => id !== null))];
  const people = await prisma.person.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, number: true } });
  const byId = new Map(people.map((p) => [p.id, p]));
  return rows.map((r) => ({ ...r, actor: r.actorId ? (byId.get(r.actorId) ?? null) : null }));
}
