import { Prisma } from "../generated/prisma/client";
import { AppError } from "~/lib/app-error";
import { MAX_TEXT_LENGTH, checkLength, handInTiming, readRubric } from "~/lib/assignments";
import { wordCount } from "~/lib/word-count";
import { audit } from "../audit";
import { prisma } from "../db";
import { queueSimilarityCheck } from "../similarity/reports";
import { type Caller, assignmentForMember } from "./access";
import { type StoredAttachment, removeStoredFile, storeAttachment } from "./attachment-file";

// A member's own work on a class assignment: a draft kept as they type (autosaved by the page), a
// hand-in that keeps its text and its attachment as a version, one attachment at a time. A submission is open to the author in
// the states draft and returned; submitted and graded are the tutor's. Decision 044.

const OPEN_STATES = ["draft", "returned"];

function checkText(text: string) {
  if (text.length > MAX_TEXT_LENGTH) throw new AppError("too_large", `正文过长：不能超过 ${MAX_TEXT_LENGTH.toLocaleString("en-US")} 个字符`, { field: "text" });
}

function lockedMessage(status: string) {
  return status === "graded" ? "作业已批阅，不能再修改" : "作业已提交，等待批阅；退回修改后才能再次编辑";
}

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";

/** The caller's submission, as their page shows it: text, state, grade or return, and the hand-ins so far. */
export async function mySubmission(caller: Caller, assignmentId: number) {
  const assignment = await assignmentForMember(caller, assignmentId);
  const submission = await prisma.submission.findUnique({
    where: { assignmentId_personId: { assignmentId, personId: caller.id } },
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
      gradedAt: true,
      returnReason: true,
      returnedAt: true,
      resubmitBy: true,
      updatedAt: true,
      versions: { select: { version: true, chars: true, submittedAt: true, attachmentName: true }, orderBy: { version: "asc" } },
    },
  });
  return { assignment: { ...assignment, rubric: readRubric(assignment.rubric) }, submission };
}

/** What a draft and a hand-in need of their assignment, once the caller's right to write it is checked. */
export type Writable = { id: number; classId: number | null; opensAt: Date; dueAt: Date; lateUntil: Date | null; minChars: number; maxChars: number };

/**
 * Keeps the text as typed (the autosave and the 保存草稿 button), in the open states only. Two saves
 * racing write one row (unique on assignment and person); a save after a hand-in is refused, never
 * written over the handed-in text.
 */
export async function saveDraft(caller: Caller, assignmentId: number, text: string, now = new Date()) {
  return saveDraftTo(caller, await assignmentForMember(caller, assignmentId), text, now);
}

export async function saveDraftTo(caller: Caller, a: Writable, text: string, now = new Date()) {
  checkText(text);
  if (now < a.opensAt) handInTiming(a, null, now);
  const assignmentId = a.id;
  const chars = wordCount(text);
  const key = { assignmentId, personId: caller.id };
  const { count } = await prisma.submission.updateMany({ where: { ...key, status: { in: OPEN_STATES } }, data: { text, chars } });
  if (count === 1) return { chars, savedAt: now };
  try {
    const created = await prisma.submission.create({ data: { ...key, status: "draft", text, chars }, select: { id: true } });
    await audit({ actorId: caller.id, action: "submission.draft", targetKind: "submission", targetId: created.id, detail: { assignmentId } });
    return { chars, savedAt: now };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // The row exists: either another save created it a moment ago (save again) or it is locked.
    const s = await prisma.submission.findUniqueOrThrow({ where: { assignmentId_personId: key }, select: { status: true } });
    if (!OPEN_STATES.includes(s.status)) throw new AppError("conflict", lockedMessage(s.status));
    await prisma.submission.updateMany({ where: { ...key, status: { in: OPEN_STATES } }, data: { text, chars } });
    return { chars, savedAt: now };
  }
}

/**
 * Hands the text in: counted as the page counts it, within the assignment's limits, within its dates
 * (late until lateUntil, refused after). Each hand-in stores its text as a version. The update is
 * conditional on the version read, so two hand-ins at once make one version, never two.
 */
export async function handIn(caller: Caller, assignmentId: number, text: string, now = new Date()) {
  return handInTo(caller, await assignmentForMember(caller, assignmentId), text, now);
}

export async function handInTo(caller: Caller, a: Writable, text: string, now = new Date()) {
  checkText(text);
  const assignmentId = a.id;
  const key = { assignmentId, personId: caller.id };
  const [existing, extension] = await Promise.all([
    prisma.submission.findUnique({ where: { assignmentId_personId: key }, select: { status: true, resubmitBy: true } }),
    prisma.assignmentExtension.findUnique({ where: { assignmentId_personId: key }, select: { dueAt: true } }),
  ]);
  if (existing && !OPEN_STATES.includes(existing.status)) throw new AppError("conflict", lockedMessage(existing.status));
  // Keep the text first, so a refusal below (late, too short) loses nothing.
  await saveDraftTo(caller, a, text, now);
  const { late } = handInTiming(a, existing, now, extension?.dueAt ?? null);
  const chars = wordCount(text);
  checkLength(chars, a);
  const result = await prisma.$transaction(async (tx) => {
    const s = await tx.submission.findUniqueOrThrow({
      where: { assignmentId_personId: key },
      select: { id: true, version: true, status: true, attachmentPath: true, attachmentName: true, attachmentMime: true },
    });
    const version = s.version + 1;
    // Conditional on the attachment read too: a file replaced meanwhile is never recorded as handed in.
    const { count } = await tx.submission.updateMany({
      where: { id: s.id, version: s.version, status: { in: OPEN_STATES }, attachmentPath: s.attachmentPath },
      data: { status: "submitted", text, chars, version, submittedAt: now, late },
    });
    if (count === 0) throw new AppError("conflict", lockedMessage("submitted"));
    const attachment = { attachmentPath: s.attachmentPath, attachmentName: s.attachmentName, attachmentMime: s.attachmentMime };
    await tx.submissionVersion.create({ data: { submissionId: s.id, version, text, chars, submittedAt: now, ...attachment } });
    return { submissionId: s.id, version };
  });
  await audit({
    actorId: caller.id,
    action: "submission.submit",
    targetKind: "submission",
    targetId: result.submissionId,
    detail: { assignmentId, version: result.version, chars, late },
  });
  // A class's written work is checked for similarity (decision 045), off the request path: queuing it
  // is one row. A 思想汇报 (no class) is personal reporting read by the person's contacts, not checked.
  if (a.classId !== null) await queueSimilarityCheck(result.submissionId);
  return { ...result, chars, late };
}

/**
 * Drops the file a submission no longer carries, unless a hand-in kept it: a version's attachment
 * is what its tutor saw and stays reachable on that version.
 */
async function releaseFile(submissionId: number, relative: string | null) {
  if (!relative) return;
  const kept = await prisma.submissionVersion.findFirst({ where: { submissionId, attachmentPath: relative }, select: { version: true } });
  if (!kept) await removeStoredFile(relative);
}

/** Attaches the one file (replacing an earlier one), while the submission is open to its author. */
export async function attachFile(caller: Caller, assignmentId: number, file: File) {
  const a = await assignmentForMember(caller, assignmentId);
  if (!a.allowAttachments) throw new AppError("invalid", "本作业不接受附件", { field: "attachment" });
  const key = { assignmentId, personId: caller.id };
  const existing = await prisma.submission.findUnique({ where: { assignmentId_personId: key }, select: { status: true } });
  if (existing && !OPEN_STATES.includes(existing.status)) throw new AppError("conflict", lockedMessage(existing.status), { field: "attachment" });
  const stored: StoredAttachment = await storeAttachment(file);
  try {
    if (!existing) await saveDraft(caller, assignmentId, "");
    const before = await prisma.submission.findUniqueOrThrow({ where: { assignmentId_personId: key }, select: { id: true, attachmentPath: true } });
    const { count } = await prisma.submission.updateMany({ where: { id: before.id, status: { in: OPEN_STATES } }, data: stored });
    if (count === 0) throw new AppError("conflict", lockedMessage("submitted"), { field: "attachment" });
    await releaseFile(before.id, before.attachmentPath);
    await audit({
      actorId: caller.id,
      action: "submission.attach",
      targetKind: "submission",
      targetId: before.id,
      detail: { assignmentId, mime: stored.attachmentMime, bytes: file.size },
    });
  } catch (e) {
    await removeStoredFile(stored.attachmentPath);
    throw e;
  }
}

export async function removeAttachment(caller: Caller, assignmentId: number) {
  await assignmentForMember(caller, assignmentId);
  const s = await prisma.submission.findUnique({
    where: { assignmentId_personId: { assignmentId, personId: caller.id } },
    select: { id: true, status: true, attachmentPath: true },
  });
  if (!s?.attachmentPath) throw new AppError("invalid", "没有可删除的附件");
  const { count } = await prisma.submission.updateMany({
    where: { id: s.id, status: { in: OPEN_STATES }, attachmentPath: s.attachmentPath },
    data: { attachmentPath: null, attachmentName: null, attachmentMime: null },
  });
  if (count === 0) throw new AppError("conflict", lockedMessage(s.status));
  await releaseFile(s.id, s.attachmentPath);
  await audit({ actorId: caller.id, action: "submission.detach", targetKind: "submission", targetId: s.id, detail: { assignmentId } });
}
