import { type ColumnKind, MAX_BODY_CHARS, columnHoldsArticles } from "~/lib/org-pages";
import { type Permission } from "~/lib/permissions";
import { type ReviewKind } from "~/lib/review-rules";
import { AppError } from "~/lib/app-error";
import { MAX_COURSE_REVISION_CHARS } from "~/lib/course-review";
import { type Prisma } from "../generated/prisma/client";
import { type SiteKind } from "../search/site-entries";

// One adapter per kind of reviewed content (docs/decisions/052). The review queue knows nothing of
// notices or articles beyond these three things: who may review one, what is published now (for the
// reviewer's comparison), and how to publish an approved item inside the approval's transaction.
// Writing to the published tables here (not through notices/ or pages/) keeps review/ below them in
// the folder graph: those modules call review/ to submit, review/ never calls back.

type Tx = Prisma.TransactionClient;

export type ProposedContent = { title: string; body: string; pinned: boolean };
export type ReviewedItem = ProposedContent & {
  id: number;
  unitId: number;
  targetId: number | null;
  containerId: number | null;
  draftId: number | null;
  authorId: number;
};

export type ReviewAdapter = {
  /** A reviewer holds this permission over the item's unit (the one its author needed to post it). */
  permission: Permission;
  /** The longest text its own form takes (a resubmission is held to the same limit). */
  maxBody: number;
  /** The published version an edit changes, or null when it is gone (taken down) or the item is new. */
  published(tx: Tx, targetId: number): Promise<ProposedContent | null>;
  /**
   * Publishes the approved item (creates it, or applies the edit) inside the approval's transaction;
   * returns the published id. Absent for the kinds whose publishing lives in a folder above this one
   * (a course revision in content/, a document in library/): those claim the item, publish on their own
   * connection and release the claim if publishing fails (`claimForApproval`, `releaseClaim`).
   */
  publish?(tx: Tx, item: ReviewedItem, now: Date): Promise<number>;
  /** The kind under which the published item is in the search index (docs/decisions/050), if it is. */
  searchKind?: SiteKind;
};

const GONE = "原内容已被撤下，不能再发布这次修改";

export const REVIEW_ADAPTERS: Record<ReviewKind, ReviewAdapter> = {
  notice: {
    permission: "notices:post",
    maxBody: 5000,
    published: (tx, id) => tx.notice.findFirst({ where: { id, archivedAt: null }, select: { title: true, body: true, pinned: true } }),
    async publish(tx, item, now) {
      const content = { title: item.title, body: item.body, pinned: item.pinned };
      if (item.targetId === null) {
        const unit = await tx.orgUnit.findUnique({ where: { id: item.unitId }, select: { archivedAt: true } });
        if (!unit || unit.archivedAt) throw new AppError("conflict", "该党组织已撤销，不能发布");
        return (await tx.notice.create({ data: { ...content, unitId: item.unitId, authorId: item.authorId, publishedAt: now }, select: { id: true } })).id;
      }
      const changed = await tx.notice.updateMany({ where: { id: item.targetId, archivedAt: null }, data: content });
      if (changed.count === 0) throw new AppError("conflict", GONE);
      return item.targetId;
    },
  },
  page_article: {
    permission: "pages:manage",
    searchKind: "article",
    maxBody: MAX_BODY_CHARS,
    published: (tx, id) => tx.pageArticle.findFirst({ where: { id, archivedAt: null }, select: { title: true, body: true, pinned: true } }),
    async publish(tx, item, now) {
      const content = { title: item.title, body: item.body, pinned: item.pinned };
      if (item.targetId === null) {
        const column =
          item.containerId === null ? null : await tx.pageColumn.findUnique({ where: { id: item.containerId }, select: { unitId: true, kind: true } });
        if (!column || column.unitId !== item.unitId || !columnHoldsArticles(column.kind as ColumnKind))
          throw new AppError("conflict", "该栏目已不存在，不能发布");
        return (
          await tx.pageArticle.create({ data: { ...content, columnId: item.containerId!, authorId: item.authorId, publishedAt: now }, select: { id: true } })
        ).id;
      }
      const changed = await tx.pageArticle.updateMany({ where: { id: item.targetId, archivedAt: null }, data: content });
      if (changed.count === 0) throw new AppError("conflict", GONE);
      return item.targetId;
    },
  },
  // The body is the studio's checked draft frozen as JSON at submission; `published` is the current
  // revision's snapshot (the reviewer's page compares the two course text by course text, lesson by lesson).
  course_revision: {
    permission: "courses:manage",
    maxBody: MAX_COURSE_REVISION_CHARS,
    async published(tx, id) {
      const course = await tx.course.findFirst({ where: { id, status: { not: "archived" } }, select: { title: true, revision: true } });
      if (!course || course.revision === 0) return null;
      const revision = await tx.courseRevision.findUnique({
        where: { courseId_number: { courseId: id, number: course.revision } },
        select: { snapshot: true },
      });
      return revision ? { title: course.title, body: revision.snapshot, pinned: false } : null;
    },
  },
  // The file itself is the proposal (`draftId`); the item's title is the document's, its body empty.
  document: {
    permission: "documents:manage",
    maxBody: 0,
    published: () => Promise.resolve(null),
  },
};
