import { prisma } from "../db";

// A person's inbox: only ever their own rows (every query is by the caller's id).

export const INBOX_PAGE_SIZE = 20;

/** The header's badge: one count on the (personId, readAt) index. */
export function unreadCount(personId: number): Promise<number> {
  return prisma.notification.count({ where: { personId, readAt: null } });
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
