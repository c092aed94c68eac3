import { AppError } from "~/lib/app-error";
import { thawRevision } from "~/lib/course-review";
import { prisma, sqlDb } from "../db";
import { type Reviewer, claimForApproval, finishApproval, releaseClaim, reviewableItem } from "../review/review";
import { forUpdate, sql } from "../sql";
import { applyCourse } from "./course-sync";
import { checkDraft } from "./studio";

// Approving a course revision (decision 053). `applyCourse` publishes on the raw connection in its own
// transaction, so it cannot share the review queue's Prisma transaction: the frozen draft is checked
// again, then the item is claimed (the conditional update from 待审核, as for every kind) and the draft
// applied; if applying fails the claim is released, so the item waits again and nothing was published.
// Living here (content/ imports review/, never the reverse) keeps the folder graph acyclic.

const GONE = "课程已归档或不存在，不能发布这次提交";
const WROTE_IT = "不能审核自己提交的内容：您修改过这次提交的课程草稿，请由另一位有权限的同志审核";

/**
 * Whether the reviewer wrote part of the submitted draft: created the course or saved its draft after
 * what learners see now came from it (its last direct publication, or the submission of its last
 * approved revision) and before this submission. The item has one author, the person who pressed 发布;
 * a colleague pressing it for her does not let the writer approve her own text. The audit log is the
 * record of who saved the draft, and its ids give the order.
 */
async function wroteSubmittedDraft(reviewerId: number, courseId: number, itemId: number): Promise<boolean> {
  const course = { targetKind: "course", targetId: String(courseId) };
  const submit = { action: "review.submit", targetKind: "review_item" };
  const [submitted, approved] = await Promise.all([
    prisma.auditLog.findFirst({ where: { ...submit, targetId: String(itemId) }, select: { id: true } }),
    prisma.reviewItem.findMany({ where: { kind: "course_revision", targetId: courseId, state: "approved", id: { not: itemId } }, select: { id: true } }),
  ]);
  const before = submitted ? { lt: submitted.id } : {};
  const published = await prisma.auditLog.findFirst({
    where: { id: before, OR: [{ ...course, action: "course.publish" }, { ...submit, targetId: { in: approved.map((i) => String(i.id)) } }] },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  const wrote = await prisma.auditLog.findFirst({
    where: { ...course, actorId: reviewerId, action: { in: ["course.create", "course.update"] }, id: { ...before, gt: published?.id ?? 0 } },
    select: { id: true },
  });
  return wrote !== null;
}

export async function approveCourseRevision(reviewer: Reviewer, itemId: number) {
  const item = await reviewableItem(reviewer, itemId, "course_revision");
  const courseId = item.targetId!;
  if (await wroteSubmittedDraft(reviewer.id, courseId, itemId)) throw new AppError("forbidden", WROTE_IT);
  const { note, draft } = thawRevision(item.body);
  // Whether it was archived meanwhile is checked where it counts: inside the applying transaction.
  const course = await prisma.course.findUnique({ where: { id: courseId }, select: { unitId: true } });
  if (!course) throw new AppError("conflict", GONE);
  // Checked again before the claim (media may have been removed since submission): the draft is held to the rules it would meet now.
  const { checked, problems } = await checkDraft(courseId, draft, reviewer.id);
  if (!checked) throw new AppError("conflict", `提交的课程现在不能发布：${problems.map((p) => `${p.file}：${p.message}`).join("；")}`);
  const frozen = JSON.stringify(draft);
  await claimForApproval(reviewer, itemId);
  let revision: number;
  try {
    revision = await sqlDb().transaction(async (tx) => {
      // Checked again inside the transaction: the course archived (or its slug reused) meanwhile is not revived.
      const live = await tx.get<{ slug: string; status: string; draft: string | null }>(
        sql`SELECT "slug", "status", "draft" FROM "Course" WHERE "id" = ${courseId}${forUpdate()}`,
      );
      if (!live || live.status === "archived" || live.slug !== checked.slug) throw new AppError("conflict", GONE);
      const published = await applyCourse(tx, checked, { source: "studio", unitId: course.unitId, note, actorId: item.authorId });
      // Edits made in the studio after submission did not ride along; they stay the studio's draft.
      if (live.draft !== null && live.draft !== frozen) await tx.run(sql`UPDATE "Course" SET "draft" = ${live.draft} WHERE "id" = ${courseId}`);
      return published;
    });
  } catch (e) {
    await releaseClaim(reviewer.id, itemId);
    throw e;
  }
  await finishApproval(reviewer.id, itemId, { kind: "course_revision", publishedId: courseId, targetId: courseId, authorId: item.authorId, revision });
  return { revision };
}
