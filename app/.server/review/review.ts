import { AppError } from "~/lib/app-error";
import { type Grant, grantsCover, scopePaths } from "~/lib/permissions";
import { REVIEW_KINDS, type ReviewKind, type ReviewState, lineDiff, reviewRequired } from "~/lib/review-rules";
import { unitIdsOnPath } from "~/lib/unit-path";
import { audit } from "../audit";
import { prisma } from "../db";
import { syncSearchEntry } from "../search/site-entries";
import { type ProposedContent, REVIEW_ADAPTERS } from "./adapters";
import { notifyPinnedNotice } from "../notify/pinned-notice";

// Publishing review (审核, docs/decisions/052). Content posted to a unit whose applicable setting
// requires review is not written to the published tables: it waits here as 待审核 with its proposed
// text, and only an approval by someone else publishes it, in the approval's transaction. Readers'
// queries never touch this table, so nothing unapproved is readable by any id.

const NOT_FOUND = "没有找到该审核事项";

export type Reviewer = { id: number; grants: readonly Grant[] };

/** Whether content posted to this unit needs a second person's approval (the nearest setting on its path). */
export async function reviewRequiredFor(unitId: number): Promise<boolean> {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { path: true } });
  if (!unit) return false;
  const settings = await prisma.reviewSetting.findMany({ where: { unitId: { in: unitIdsOnPath(unit.path) } }, select: { unitId: true, required: true } });
  return reviewRequired(unit.path, settings);
}

/** The unit's own setting and the one that applies to it (its own, or inherited from a unit above). */
export async function reviewSettingOf(unitId: number) {
  const own = await prisma.reviewSetting.findUnique({ where: { unitId }, select: { required: true } });
  return { own: own?.required ?? null, required: await reviewRequiredFor(unitId) };
}

/** Sets a unit's own setting, or clears it (`null`: the unit follows the units above it). */
export async function setReviewSetting(actorId: number, unitId: number, required: boolean | null) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { archivedAt: true } });
  if (!unit || unit.archivedAt) throw new AppError("invalid", "该党组织不存在或已撤销");
  if (required === null) await prisma.reviewSetting.deleteMany({ where: { unitId } });
  else await prisma.reviewSetting.upsert({ where: { unitId }, create: { unitId, required, updatedById: actorId }, update: { required, updatedById: actorId } });
  await audit({ actorId, action: "review.setting", targetKind: "org_unit", targetId: unitId, detail: { required } });
}

export type Submission = ProposedContent & { kind: ReviewKind; unitId: number; targetId?: number; containerId?: number };

/** Puts content in the queue as 待审核 (the caller checked that review is required and the author's right to post). */
export async function submitForReview(authorId: number, input: Submission) {
  const item = await prisma.reviewItem.create({
    data: {
      kind: input.kind,
      unitId: input.unitId,
      targetId: input.targetId ?? null,
      containerId: input.containerId ?? null,
      title: input.title,
      body: input.body,
      pinned: input.pinned,
      authorId,
    },
    select: { id: true },
  });
  await audit({
    actorId: authorId,
    action: "review.submit",
    targetKind: "review_item",
    targetId: item.id,
    detail: { kind: input.kind, targetId: input.targetId ?? null },
  });
  return item;
}

/** The Prisma filter for items a reviewer may see: each kind's items under the units where she holds its permission. */
function scopeFilter(reviewer: Reviewer) {
  const kinds = REVIEW_KINDS.map((kind) => ({ kind, paths: scopePaths(reviewer.grants, REVIEW_ADAPTERS[kind].permission) })).filter((k) => k.paths.length > 0);
  return kinds.map((k) => ({ kind: k.kind, OR: k.paths.map((p) => ({ unit: { path: { startsWith: p } } })) }));
}

const listColumns = {
  id: true,
  kind: true,
  targetId: true,
  title: true,
  state: true,
  reason: true,
  submittedAt: true,
  decidedAt: true,
  authorId: true,
  unit: { select: { id: true, name: true } },
  author: { select: { name: true } },
} as const;

/** What waits for review in the reviewer's scope, oldest first; her own are listed under her submissions, not here (she cannot approve them). */
export async function pendingInScope(reviewer: Reviewer, take = 100) {
  const scope = scopeFilter(reviewer);
  if (scope.length === 0) return [];
  return prisma.reviewItem.findMany({
    where: { state: "pending", authorId: { not: reviewer.id }, OR: scope },
    select: listColumns,
    orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
    take,
  });
}

/** An author's own submissions, newest first: what waits, what was returned (with the reason) and what went out. */
export async function submissionsOf(authorId: number, take = 50) {
  return prisma.reviewItem.findMany({ where: { authorId }, select: listColumns, orderBy: [{ submittedAt: "desc" }, { id: "desc" }], take });
}

/**
 * One item for its author or for a reviewer in scope, with what is published now beside it; anyone
 * else gets "not found", whatever the id. `mayDecide` is false for the author (nobody approves their own).
 */
export async function reviewItemFor(person: Reviewer, itemId: number) {
  const item = await prisma.reviewItem.findUnique({
    where: { id: itemId },
    select: {
      ...listColumns,
      containerId: true,
      body: true,
      pinned: true,
      unit: { select: { id: true, name: true, path: true } },
      reviewer: { select: { name: true } },
    },
  });
  if (!item) throw new AppError("not_found", NOT_FOUND);
  const kind = item.kind as ReviewKind;
  const adapter = REVIEW_ADAPTERS[kind];
  if (!adapter) throw new AppError("not_found", NOT_FOUND);
  const isAuthor = item.authorId === person.id;
  const inScope = grantsCover(person.grants, adapter.permission, item.unit.path);
  if (!isAuthor && !inScope) throw new AppError("not_found", NOT_FOUND);
  const published = item.targetId === null ? null : await adapter.published(prisma, item.targetId);
  return {
    item: { ...item, kind, state: item.state as ReviewState, unit: { id: item.unit.id, name: item.unit.name } },
    published,
    diff: published ? lineDiff(published.body, item.body) : null,
    isAuthor,
    mayDecide: inScope && !isAuthor && item.state === "pending",
  };
}

async function requireReviewable(reviewer: Reviewer, itemId: number) {
  const item = await prisma.reviewItem.findUnique({
    where: { id: itemId },
    select: { kind: true, authorId: true, state: true, unit: { select: { path: true } } },
  });
  const adapter = item && REVIEW_ADAPTERS[item.kind as ReviewKind];
  if (!item || !adapter || !grantsCover(reviewer.grants, adapter.permission, item.unit.path)) throw new AppError("not_found", NOT_FOUND);
  if (item.authorId === reviewer.id) throw new AppError("forbidden", "不能审核自己提交的内容，请由另一位有权限的同志审核");
  return item;
}

const DECIDED = "该事项已被审核（或已退回修改），请刷新后查看";

/**
 * Approves and publishes, in one transaction. The conditional update from 待审核 is what keeps two
 * reviewers approving at once (on two processes) to one publication: the second finds no pending row.
 */
export async function approveReview(reviewer: Reviewer, itemId: number) {
  await requireReviewable(reviewer, itemId);
  const now = new Date();
  const published = await prisma.$transaction(async (tx) => {
    const claimed = await tx.reviewItem.updateMany({
      where: { id: itemId, state: "pending", authorId: { not: reviewer.id } },
      data: { state: "approved", reviewerId: reviewer.id, decidedAt: now, reason: null },
    });
    if (claimed.count === 0) throw new AppError("conflict", DECIDED);
    const item = await tx.reviewItem.findUniqueOrThrow({
      where: { id: itemId },
      select: { id: true, kind: true, unitId: true, targetId: true, containerId: true, authorId: true, title: true, body: true, pinned: true },
    });
    const publishedId = await REVIEW_ADAPTERS[item.kind as ReviewKind].publish(tx, item, now);
    await tx.reviewItem.update({ where: { id: itemId }, data: { publishedId } });
    return { kind: item.kind, publishedId, targetId: item.targetId, authorId: item.authorId };
  });
  // What went out is searchable at once, as when it is posted without review.
  const searchKind = REVIEW_ADAPTERS[published.kind as ReviewKind].searchKind;
  if (searchKind) await syncSearchEntry(searchKind, published.publishedId);
  // A pinned notice reaches its audience once, as when it is posted without review (decision 054).
  if (published.kind === "notice") await notifyPinnedNotice(published.publishedId);
  await audit({ actorId: reviewer.id, action: "review.approve", targetKind: "review_item", targetId: itemId, detail: published });
  return published;
}

export async function returnReview(reviewer: Reviewer, itemId: number, reason: string) {
  await requireReviewable(reviewer, itemId);
  const changed = await prisma.reviewItem.updateMany({
    where: { id: itemId, state: "pending", authorId: { not: reviewer.id } },
    data: { state: "returned", reviewerId: reviewer.id, decidedAt: new Date(), reason },
  });
  if (changed.count === 0) throw new AppError("conflict", DECIDED);
  await audit({ actorId: reviewer.id, action: "review.return", targetKind: "review_item", targetId: itemId, detail: { reason } });
}

/** The author edits a returned item and sends it back to 待审核 (the last reason stays beside it for the reviewer). */
export async function resubmitReview(author: Reviewer, itemId: number, content: ProposedContent) {
  const authorId = author.id;
  const item = await prisma.reviewItem.findFirst({ where: { id: itemId, authorId }, select: { kind: true, unit: { select: { path: true } } } });
  const adapter = item && REVIEW_ADAPTERS[item.kind as ReviewKind];
  if (!item || !adapter) throw new AppError("not_found", NOT_FOUND);
  // The right to post there may have been withdrawn since the item was returned.
  if (!grantsCover(author.grants, adapter.permission, item.unit.path)) throw new AppError("forbidden", "您已没有在该党组织发布的权限");
  if (content.body.length > adapter.maxBody) throw new AppError("invalid", `正文最多 ${adapter.maxBody} 字`, { field: "body" });
  const changed = await prisma.reviewItem.updateMany({
    where: { id: itemId, authorId, state: "returned" },
    data: { ...content, state: "pending", reviewerId: null, decidedAt: null, submittedAt: new Date() },
  });
  if (changed.count === 0) throw new AppError("conflict", "只有已退回的事项可以修改后重新提交");
  await audit({ actorId: authorId, action: "review.resubmit", targetKind: "review_item", targetId: itemId });
}

/** The units under these paths that have their own setting (the rest follow the units above them). */
export async function ownSettingsUnder(paths: string[]) {
  if (paths.length === 0) return [];
  return prisma.reviewSetting.findMany({
    where: { unit: { archivedAt: null, OR: paths.map((p) => ({ path: { startsWith: p } })) } },
    select: { required: true, updatedAt: true, unit: { select: { id: true, name: true, path: true } } },
    orderBy: { unit: { path: "asc" } },
  });
}

/** Edits of one published item waiting for review (its editors, all reviewers in scope, see them beside it). */
export async function pendingEditsOf(kind: ReviewKind, targetId: number) {
  return prisma.reviewItem.findMany({
    where: { kind, targetId, state: "pending" },
    select: { id: true, title: true, submittedAt: true, author: { select: { name: true } } },
    orderBy: { id: "asc" },
  });
}

/** An author's items of one kind not yet out: waiting (待审核) or returned (已退回, with the reason). */
export async function openSubmissionsOf(authorId: number, kind: ReviewKind) {
  return prisma.reviewItem.findMany({
    where: { authorId, kind, state: { in: ["pending", "returned"] } },
    select: { id: true, title: true, state: true, reason: true, submittedAt: true, unit: { select: { name: true } } },
    orderBy: { id: "desc" },
    take: 50,
  });
}
