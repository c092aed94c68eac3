import { AppError } from "~/lib/app-error";
import { type Grant, grantsCover, scopePaths } from "~/lib/permissions";
import { CourseDraftSchema } from "~/lib/course-draft";
import { compareCourse, thawRevision } from "~/lib/course-review";
import { RESUBMITTABLE_KINDS, REVIEW_KINDS, type ReviewKind, type ReviewState, lineDiff, reviewRequired } from "~/lib/review-rules";
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

export type Submission = ProposedContent & { kind: ReviewKind; unitId: number; targetId?: number; containerId?: number; draftId?: number };

/** Puts content in the queue as 待审核 (the caller checked that review is required and the author's right to post). */
export async function submitForReview(authorId: number, input: Submission) {
  const item = await prisma.reviewItem.create({
    data: {
      kind: input.kind,
      unitId: input.unitId,
      targetId: input.targetId ?? null,
      containerId: input.containerId ?? null,
      draftId: input.draftId ?? null,
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

/** How many items `pendingInScope` lists for the reviewer, counted by the database and not capped (the home page's duty line). */
export async function pendingCountInScope(reviewer: Reviewer): Promise<number> {
  const scope = scopeFilter(reviewer);
  return scope.length ? prisma.reviewItem.count({ where: { state: "pending", authorId: { not: reviewer.id }, OR: scope } }) : 0;
}

/** How many of an author's own submissions were returned for revision (the home page's duty line). */
export function returnedCountOf(authorId: number): Promise<number> {
  return prisma.reviewItem.count({ where: { authorId, state: "returned" } });
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
      draftId: true,
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
  const view = { item: { ...item, kind, state: item.state as ReviewState, unit: { id: item.unit.id, name: item.unit.name } }, isAuthor };
  const mayDecide = inScope && !isAuthor && item.state === "pending";
  if (kind === "course_revision") {
    // Compared with the revision learners see now (nothing when the course was never published).
    const { note, draft } = thawRevision(item.body);
    const current = published ? CourseDraftSchema.parse(JSON.parse(published.body)) : null;
    const course = { note, publishedTitle: published?.title ?? null, ...compareCourse(current, draft) };
    return { ...view, item: { ...view.item, body: "" }, published: null, diff: null, course, document: null, mayDecide };
  }
  if (kind === "document") {
    const document = item.draftId === null ? null : await pendingDocumentOf(item.draftId);
    return { ...view, published: null, diff: null, course: null, document, mayDecide };
  }
  return { ...view, published, diff: published ? lineDiff(published.body, item.body) : null, course: null, document: null, mayDecide };
}

/** The uploaded file a document item proposes, as its reviewer sees it beside the item (gone: deleted meanwhile). */
async function pendingDocumentOf(documentId: number) {
  const doc = await prisma.libraryDocument.findUnique({
    where: { id: documentId },
    select: { id: true, title: true, fileName: true, kind: true, size: true, audience: true, statuses: true, deletedAt: true, unpublished: true },
  });
  if (!doc) return null;
  const { deletedAt, ...rest } = doc;
  return { ...rest, deleted: deletedAt !== null };
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
  const reviewable = await requireReviewable(reviewer, itemId);
  const adapter = REVIEW_ADAPTERS[reviewable.kind as ReviewKind];
  if (!adapter.publish) throw new AppError("invalid", "该类审核事项由课程或文件库发布，请刷新后重试");
  const publish = adapter.publish;
  const now = new Date();
  const published = await prisma.$transaction(async (tx) => {
    const claimed = await tx.reviewItem.updateMany({
      where: { id: itemId, state: "pending", authorId: { not: reviewer.id } },
      data: { state: "approved", reviewerId: reviewer.id, decidedAt: now, reason: null },
    });
    if (claimed.count === 0) throw new AppError("conflict", DECIDED);
    const item = await tx.reviewItem.findUniqueOrThrow({
      where: { id: itemId },
      select: { id: true, kind: true, unitId: true, targetId: true, containerId: true, draftId: true, authorId: true, title: true, body: true, pinned: true },
    });
    const publishedId = await publish(tx, item, now);
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

/**
 * Approving a kind that publishes outside this folder's transaction (a course revision, a document)
 * takes three steps, so that the item is held as 已通过 only while publishing runs: this one checks scope
 * and self-approval as `approveReview` does and returns the item (the caller prepares what to publish);
 * `claimForApproval` then claims it; the caller publishes and calls `finishApproval`, or `releaseClaim`.
 */
export async function reviewableItem(reviewer: Reviewer, itemId: number, kind: ReviewKind) {
  const reviewable = await requireReviewable(reviewer, itemId);
  if (reviewable.kind !== kind) throw new AppError("not_found", NOT_FOUND);
  return prisma.reviewItem.findUniqueOrThrow({
    where: { id: itemId },
    select: { id: true, unitId: true, targetId: true, draftId: true, authorId: true, title: true, body: true },
  });
}

/** The conditional update from 待审核 that keeps two reviewers approving at once to one publication. */
export async function claimForApproval(reviewer: Reviewer, itemId: number) {
  const claimed = await prisma.reviewItem.updateMany({
    where: { id: itemId, state: "pending", authorId: { not: reviewer.id } },
    data: { state: "approved", reviewerId: reviewer.id, decidedAt: new Date(), reason: null },
  });
  if (claimed.count === 0) throw new AppError("conflict", DECIDED);
}

/** Puts a claimed item back to 待审核 when publishing it failed (only the claim this reviewer holds, before anything was published). */
export async function releaseClaim(reviewerId: number, itemId: number) {
  await prisma.reviewItem.updateMany({
    where: { id: itemId, state: "approved", reviewerId, publishedId: null },
    data: { state: "pending", reviewerId: null, decidedAt: null },
  });
}

/** Records what a claimed item published and audits the approval. */
export async function finishApproval(
  reviewerId: number,
  itemId: number,
  detail: { kind: ReviewKind; publishedId: number; targetId: number | null; authorId: number; revision?: number },
) {
  await prisma.reviewItem.update({ where: { id: itemId }, data: { publishedId: detail.publishedId } });
  await audit({ actorId: reviewerId, action: "review.approve", targetKind: "review_item", targetId: itemId, detail });
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
  if (!RESUBMITTABLE_KINDS.includes(item.kind as ReviewKind))
    throw new AppError("invalid", item.kind === "document" ? "退回的文件请在文件库重新上传" : "退回的课程请在课程管理中修改后重新发布");
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

/** The course-revision items of one course not yet out (the studio shows them beside 发布): waiting, or returned with the reason. */
export async function openCourseRevisions(courseId: number) {
  return prisma.reviewItem.findMany({
    where: { kind: "course_revision", targetId: courseId, state: { in: ["pending", "returned"] } },
    select: { id: true, title: true, state: true, reason: true, submittedAt: true, authorId: true, author: { select: { name: true } } },
    orderBy: { id: "desc" },
    take: 20,
  });
}

/** An author's items of one kind not yet out: waiting (待审核) or returned (已退回, with the reason). */
export async function openSubmissionsOf(authorId: number, kind: ReviewKind, unitId?: number) {
  return prisma.reviewItem.findMany({
    where: { authorId, kind, state: { in: ["pending", "returned"] }, ...(unitId === undefined ? {} : { unitId }) },
    select: { id: true, title: true, state: true, reason: true, submittedAt: true, unit: { select: { name: true } } },
    orderBy: { id: "desc" },
    take: 50,
  });
}
