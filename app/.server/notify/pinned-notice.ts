import { pinnedNoticeMessage } from "~/lib/notification-messages";
import { prisma } from "../db";
import { notify } from "./notify";

// A pinned notice reaches its audience as a notification, once per notice (decision 054): the people
// of the unit and every unit below it, who see it among their notices (notices/notices.ts). Called
// when a pinned notice is published, directly or after review.

export async function notifyPinnedNotice(noticeId: number): Promise<number> {
  const notice = await prisma.notice.findUnique({
    where: { id: noticeId },
    select: { title: true, pinned: true, archivedAt: true, authorId: true, unit: { select: { name: true, path: true } } },
  });
  if (!notice || !notice.pinned || notice.archivedAt) return 0;
  const audience = await prisma.person.findMany({
    where: { disabledAt: null, unit: { path: { startsWith: notice.unit.path } }, id: { not: notice.authorId } },
    select: { id: true },
  });
  const told = await notify(undefined, {
    personIds: audience.map((p) => p.id),
    ...pinnedNoticeMessage({ id: noticeId, title: notice.title, unitName: notice.unit.name }),
  });
  return told.length;
}
