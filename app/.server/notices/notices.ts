import { AppError } from "~/lib/app-error";
import { audit } from "../audit";
import { unitIdsOnPath } from "~/lib/unit-path";
import { prisma, sqlDb } from "../db";
import { notifyPinnedNotice } from "../notify/pinned-notice";
import { reviewRequiredFor, submitForReview } from "../review/review";
import { inList, sql } from "../sql";

// Notices of the "four in one" pages: a learner reads those of the committee, their college and
// their branch (every unit on the path from the root to theirs), pinned first.

/** The home page's notices (every home page reads them: raw SQL, decision 059), pinned first, newest first. */
export async function noticesForPerson(unitPath: string, take = 20) {
  const rows = await sqlDb().all<{
    id: number;
    title: string;
    body: string;
    pinned: number | boolean;
    publishedAt: string;
    unitName: string;
    unitKind: string;
  }>(
    sql`SELECT n."id", n."title", n."body", n."pinned", n."publishedAt", u."name" AS "unitName", u."kind" AS "unitKind"
      FROM "Notice" n JOIN "OrgUnit" u ON u."id" = n."unitId"
      WHERE n."unitId" ${inList(unitIdsOnPath(unitPath))} AND n."archivedAt" IS NULL
      ORDER BY n."pinned" DESC, n."publishedAt" DESC, n."id" DESC LIMIT ${take}`,
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    body: r.body,
    pinned: Boolean(r.pinned),
    publishedAt: new Date(r.publishedAt),
    unit: { name: r.unitName, kind: r.unitKind },
  }));
}

export async function noticesOfUnits(unitIds: number[], take = 50) {
  return prisma.notice.findMany({
    where: { unitId: { in: unitIds }, archivedAt: null },
    select: { id: true, title: true, pinned: true, publishedAt: true, unit: { select: { id: true, name: true } }, author: { select: { name: true } } },
    orderBy: [{ publishedAt: "desc" }],
    take,
  });
}

/** What posting did: published at once, or put in the review queue (docs/decisions/052) when the unit requires review. */
export type PostOutcome = { published: true; id: number } | { published: false; reviewItemId: number };

export async function postNotice(authorId: number, input: { unitId: number; title: string; body: string; pinned: boolean }): Promise<PostOutcome> {
  const unit = await prisma.orgUnit.findUnique({ where: { id: input.unitId }, select: { archivedAt: true } });
  if (!unit || unit.archivedAt) throw new AppError("invalid", "该党组织不存在或已撤销，不能发布通知");
  if (await reviewRequiredFor(input.unitId)) {
    const item = await submitForReview(authorId, { kind: "notice", ...input });
    return { published: false, reviewItemId: item.id };
  }
  const notice = await prisma.notice.create({ data: { ...input, authorId }, select: { id: true } });
  await audit({ actorId: authorId, action: "notice.post", targetKind: "notice", targetId: notice.id, detail: { unitId: input.unitId } });
  if (input.pinned) await notifyPinnedNotice(notice.id);
  return { published: true, id: notice.id };
}

export async function archiveNotice(actorId: number, noticeId: number) {
  await prisma.notice.update({ where: { id: noticeId }, data: { archivedAt: new Date() } });
  await audit({ actorId, action: "notice.archive", targetKind: "notice", targetId: noticeId });
}

/** The unit a notice was posted to (whose right the one who archives it needs), or null when there is no such notice. */
export async function noticeUnitId(noticeId: number): Promise<number | null> {
  const notice = await prisma.notice.findUnique({ where: { id: noticeId }, select: { unitId: true } });
  return notice?.unitId ?? null;
}
