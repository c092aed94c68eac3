import { pageWindow, type TableQuery } from "~/lib/table-paging";
import { prisma } from "./db";

// Reading the audit log (admins only): filtered by action and actor, sorted and paged as every long
// management list is (decision 065).

/** The orders the log offers: by time (its id grows with time) or by action, newest first within an action. */
export const AUDIT_SORTS = ["at", "action"] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];

export async function auditEntries(filter: { action?: string; actorNumber?: string }, query: TableQuery<AuditSort>) {
  const actor = filter.actorNumber ? await prisma.person.findUnique({ where: { number: filter.actorNumber }, select: { id: true } }) : null;
  // An actor number nobody has matches no entry (rather than every entry).
  const where = { ...(filter.action ? { action: filter.action } : {}), ...(filter.actorNumber ? { actorId: actor?.id ?? -1 } : {}) };
  const { paging, skip, take } = pageWindow(await prisma.auditLog.count({ where }), query);
  const rows = await prisma.auditLog.findMany({
    where,
    orderBy: query.sort === "at" ? [{ id: query.dir }] : [{ action: query.dir }, { id: "desc" }],
    skip,
    take,
  });
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is number => id !== null))];
  const people = await prisma.person.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, number: true } });
  const byId = new Map(people.map((p) => [p.id, p]));
  return { paging, rows: rows.map((r) => ({ ...r, actor: r.actorId ? (byId.get(r.actorId) ?? null) : null })) };
}
