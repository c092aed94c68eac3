import { AppError } from "~/lib/app-error";
import { type SubmissionStatus, readRubric, scoreByRubric } from "~/lib/assignments";
import { audit } from "../audit";
import { prisma } from "../db";
import { downloadResponse } from "../http/download";
import { type AssignmentAccess, type Caller, assignmentAccess, assignmentForGrader, mayGrade } from "./access";
import { readStoredFile } from "./attachment-file";

// Grading a class assignment: the queue of the submissions the caller may grade (their groups for a
// tutor, the whole class for the organiser), a grade by the rubric or a return for revision, each kept
// in SubmissionReview with the version it judged, and the attachment download. Nobody grades their
// own work. Decision 044.

const NOT_GRADABLE = "没有找到这份提交，或您不是其所在小组的辅导员";

/** The people whose work the caller may grade: null for everyone of the class (the organiser). */
function gradableWhere(access: AssignmentAccess, callerId: number) {
  const notSelf = { personId: { not: callerId } };
  if (access.organiser) return notSelf;
  return { ...notSelf, person: { classMembers: { some: { classId: access.assignment.classId!, groupId: { in: access.tutorGroupIds } } } } };
}

/** The submissions the caller may grade, in the order they came in (drafts are not shown: nothing to grade yet). */
export async function gradingQueue(caller: Caller, assignmentId: number, status: SubmissionStatus | null) {
  const access = await assignmentForGrader(caller, assignmentId);
  const where = { assignmentId, ...gradableWhere(access, caller.id), status: status ?? { not: "draft" } };
  const submissions = await prisma.submission.findMany({
    where,
    select: {
      id: true,
      status: true,
      chars: true,
      version: true,
      submittedAt: true,
      late: true,
      score: true,
      person: { select: { name: true, unit: { select: { name: true } } } },
    },
    orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
    take: 1000,
  });
  return { access, rubric: readRubric(access.assignment.rubric), submissions };
}

/** One submission of the queue with everything its grading form shows: text, earlier versions, history. */
export async function submissionForGrading(caller: Caller, access: AssignmentAccess, submissionId: number) {
  const s = await prisma.submission.findFirst({
    where: { id: submissionId, assignmentId: access.assignment.id, ...gradableWhere(access, caller.id), status: { not: "draft" } },
    select: {
      id: true,
      status: true,
      text: true,
      chars: true,
      version: true,
      submittedAt: true,
      late: true,
      attachmentName: true,
      rubricScores: true,
      score: true,
      comment: true,
      returnReason: true,
      resubmitBy: true,
      person: { select: { name: true, unit: { select: { name: true } } } },
      versions: { select: { version: true, text: true, chars: true, submittedAt: true, attachmentName: true }, orderBy: { version: "desc" } },
      reviews: { select: { version: true, action: true, score: true, comment: true, reason: true, at: true }, orderBy: { id: "asc" } },
    },
  });
  if (!s) throw new AppError("not_found", NOT_GRADABLE);
  return s;
}

/** The submission, if the caller may grade it; the same refusal whether it exists or not. */
async function gradable(caller: Caller, submissionId: number) {
  const s = await prisma.submission.findUnique({
    where: { id: submissionId },
    select: { id: true, assignmentId: true, personId: true, status: true, version: true },
  });
  if (!s) throw new AppError("not_found", NOT_GRADABLE);
  const access = await assignmentAccess(caller, s.assignmentId);
  if (s.personId === caller.id) throw new AppError("forbidden", "不能批阅自己的作业");
  if (!(await mayGrade(access, caller.id, s.personId))) throw new AppError("not_found", NOT_GRADABLE);
  return { s, access };
}

/**
 * Grades the version handed in: each criterion within its maximum, the total their sum. A graded
 * submission may be graded again (a correction), kept as another review. Conditional on the version
 * read: a hand-in arriving meanwhile is not graded unseen.
 */
export async function gradeSubmission(caller: Caller, submissionId: number, input: { points: number[]; comment: string | null }) {
  const { s, access } = await gradable(caller, submissionId);
  if (s.status !== "submitted" && s.status !== "graded")
    throw new AppError("conflict", s.status === "returned" ? "作业已退回修改，请等待重新提交" : "作业尚未提交");
  const { scores, total } = scoreByRubric(readRubric(access.assignment.rubric), input.points);
  const now = new Date();
  const rubricScores = JSON.stringify(scores);
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.submission.updateMany({
      where: { id: s.id, version: s.version, status: { in: ["submitted", "graded"] } },
      data: { status: "graded", rubricScores, score: total, comment: input.comment, gradedById: caller.id, gradedAt: now },
    });
    if (count === 0) throw new AppError("conflict", "作业刚刚有了变化，请刷新后再批阅");
    await tx.submissionReview.create({
      data: { submissionId: s.id, version: s.version, action: "graded", rubricScores, score: total, comment: input.comment, byId: caller.id, at: now },
    });
  });
  await audit({
    actorId: caller.id,
    action: "submission.grade",
    targetKind: "submission",
    targetId: s.id,
    detail: { assignmentId: s.assignmentId, personId: s.personId, version: s.version, score: total },
  });
  return { score: total };
}

/** Returns the version handed in for revision, with a reason and optionally a date to hand in again by. */
export async function returnSubmission(caller: Caller, submissionId: number, input: { reason: string; resubmitBy: Date | null }, now = new Date()) {
  const { s } = await gradable(caller, submissionId);
  if (s.status !== "submitted" && s.status !== "graded") throw new AppError("conflict", s.status === "returned" ? "作业已退回修改" : "作业尚未提交");
  if (input.resubmitBy && input.resubmitBy <= now) throw new AppError("invalid", "重新提交的截止时间应晚于现在", { field: "resubmitBy" });
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.submission.updateMany({
      where: { id: s.id, version: s.version, status: { in: ["submitted", "graded"] } },
      data: { status: "returned", returnReason: input.reason, returnedAt: now, resubmitBy: input.resubmitBy },
    });
    if (count === 0) throw new AppError("conflict", "作业刚刚有了变化，请刷新后再处理");
    await tx.submissionReview.create({
      data: { submissionId: s.id, version: s.version, action: "returned", reason: input.reason, resubmitBy: input.resubmitBy, byId: caller.id, at: now },
    });
  });
  await audit({
    actorId: caller.id,
    action: "submission.return",
    targetKind: "submission",
    targetId: s.id,
    detail: { assignmentId: s.assignmentId, personId: s.personId, version: s.version },
  });
}

/**
 * The attachment, the current one or (given a version) the one handed in with that version, for its
 * author, the tutors of the author's group and the organiser; 404 for anyone else. Audited.
 */
export async function attachmentDownload(caller: Caller, submissionId: number, version: number | null = null): Promise<Response> {
  const notFound = new AppError("not_found", "文件不存在");
  const s = await prisma.submission.findUnique({
    where: { id: submissionId },
    select: {
      id: true,
      assignmentId: true,
      personId: true,
      attachmentPath: true,
      attachmentName: true,
      attachmentMime: true,
      versions: { where: { version: version ?? -1 }, select: { attachmentPath: true, attachmentName: true, attachmentMime: true } },
    },
  });
  if (!s) throw notFound;
  const file = version === null ? s : s.versions[0];
  if (!file?.attachmentPath) throw notFound;
  if (s.personId !== caller.id) {
    const access = await assignmentAccess(caller, s.assignmentId).catch(() => null);
    if (!access || !(await mayGrade(access, caller.id, s.personId))) throw notFound;
  }
  const body = await readStoredFile(file.attachmentPath);
  if (!body) throw notFound;
  await audit({
    actorId: caller.id,
    action: "submission.download",
    targetKind: "submission",
    targetId: s.id,
    detail: { assignmentId: s.assignmentId, personId: s.personId, ...(version === null ? {} : { version }) },
  });
  const ext = file.attachmentPath.slice(file.attachmentPath.lastIndexOf(".") + 1);
  return downloadResponse(
    { body, fileName: file.attachmentName ?? `附件.${ext}`, contentType: file.attachmentMime ?? "application/octet-stream" },
    `attachment.${ext}`,
  );
}
