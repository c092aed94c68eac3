import { prisma, sqlDb } from "../db";
import { sql } from "../sql";

// A person's inbox: only ever their own rows (every query is by the caller's id).

export const INBOX_PAGE_SIZE = 20;

/** The statement of the header's badge: one count on the ("personId", "readAt") index, nothing read from the rows. */
export const unreadCountSql = (personId: number) => sql`SELECT COUNT(*) AS "n" FROM "Notification" WHERE "personId" = ${personId} AND "readAt" IS NULL`;

/**
 * The header's badge, counted on every page and on every revalidation after an action (the root
 * loader): a prepared statement of the async data layer (decisions 059, 074), not a Prisma round trip.
 */
export async function unreadCount(personId: number): Promise<number> {
  return Number((await sqlDb().get<{ n: number }>(unreadCountSql(personId)))?.n ?? 0);
}

export async function inboxPage(personId: number, page: number) {
  const [rows, total, unread] = await Promise.all([
    prisma.notification.findMany({
      where: { personId },
      orderBy: { id: "desc" },
      skip: (page - 1) * INBOX_PAGE_SIZE,
      take: INBOX_PAGE_SIZE,
      select: { id: true, kind: true, title: true, body: true, url: true, createdAt: true, readAt: true },
    }),
    prisma.notification.count({ where: { personId } }),
    unreadCount(personId),
  ]);
  return { rows, total, unread, pages: Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE)) };
}

/** Marks one of the person's notifications read; returns where it leads (null when it is not theirs). */
export async function markRead(personId: number, id: number): Promise<{ url: string | null } | null> {
  const n = await prisma.notification.findFirst({ where: { id, personId }, select: { url: true, readAt: true } });
  if (!n) return null;
  if (!n.readAt) await prisma.notification.updateMany({ where: { id, personId, readAt: null }, data: { readAt: new Date() } });
  return { url: n.url };
}

export async function markAllRead(personId: number): Promise<number> {
  return (await prisma.notification.updateMany({ where: { personId, readAt: null }, data: { readAt: new Date() } })).count;
}
