import crypto from "node:crypto";
import { AppError } from "~/lib/app-error";
import { DOCUMENT_MIME, documentKind } from "../library/file-kind";
import { safeFileName } from "~/lib/library";
import { audit } from "../audit";
import { prisma } from "../db";
import { fileStorage } from "../storage/storage";
import { rfc5987 } from "../http/download";
import { SNIFF_BYTES, sniffMedia } from "../media/probe";
import { resizeImage } from "../pages/page-images";

// The minutes' attachments and photos (decision 056). What a file is comes from its bytes, with the
// library's check for PDF and Word (.docx) and the four-in-one pages' for images: a photo is decoded
// and re-encoded by sharp, no wider than the pages' width, upright and without its metadata (a phone
// photo's EXIF can say where the meeting was held). Stored under DATA_DIR/meetings.

export const MINUTES_FILE_FIELD = "file";
export const MAX_MINUTES_FILE_BYTES = 10 * 1024 * 1024;
const MAX_FILES_PER_MEETING = 20;
const DIR = "meetings";
const PHOTO_EXT = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" } as const;
type PhotoMime = keyof typeof PHOTO_EXT;

export async function addMinutesFile(actorId: number, activityId: number, file: File | null) {
  const field = MINUTES_FILE_FIELD;
  if (!file || file.size === 0) throw new AppError("invalid", "请选择文件", { field });
  if (file.size > MAX_MINUTES_FILE_BYTES) throw new AppError("too_large", `文件不能超过 ${MAX_MINUTES_FILE_BYTES / 1024 / 1024} MB`, { field });
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { status: true, _count: { select: { files: true } } } });
  if (!activity || activity.status === "cancelled") throw new AppError("invalid", "会议已取消，不能上传纪要附件", { field });
  if (activity._count.files >= MAX_FILES_PER_MEETING) throw new AppError("invalid", `每次会议最多 ${MAX_FILES_PER_MEETING} 个附件和照片`, { field });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sniffed = sniffMedia(bytes.subarray(0, SNIFF_BYTES));
  const photoMime = sniffed?.kind === "image" && sniffed.mime in PHOTO_EXT ? (sniffed.mime as PhotoMime) : null;
  const docKind = photoMime ? null : documentKind(bytes);
  if (!photoMime && docKind !== "pdf" && docKind !== "docx") {
    throw new AppError("unsupported_media", "只能上传照片（JPEG、PNG、WebP）或 PDF、Word（.docx）文件（按文件内容判断，与文件名无关）", { field });
  }
  const stored = photoMime
    ? { kind: "photo", mime: photoMime, ext: PHOTO_EXT[photoMime], data: (await resizeImage(bytes, photoMime)).data }
    : { kind: "attachment", mime: DOCUMENT_MIME[docKind!], ext: docKind!, data: bytes };
  // The library's name cleaning, with the photo's own extension (it names document kinds only).
  const name = photoMime ? safeFileName(file.name, "pdf").replace(/\.pdf$/, `.${stored.ext}`) : safeFileName(file.name, docKind!);
  const filePath = `${DIR}/${crypto.randomBytes(16).toString("hex")}.${stored.ext}`;
  await fileStorage().put(filePath, stored.data);
  try {
    const row = await prisma.activityFile.create({
      data: { activityId, kind: stored.kind, name, filePath, mime: stored.mime, size: stored.data.byteLength, createdById: actorId },
      select: { id: true, kind: true },
    });
    await audit({
      actorId,
      action: "activity.file_add",
      targetKind: "activity",
      targetId: activityId,
      detail: { fileId: row.id, kind: row.kind, size: stored.data.byteLength },
    });
    return row;
  } catch (e) {
    await fileStorage().delete(filePath);
    throw e;
  }
}

/**
 * Removes a photo or attachment uploaded by mistake, for those who may write the minutes, with the
 * reason in the audit (the log keeps what the file was: its kind, name and size). The row goes first and
 * the stored file after: a crash between the two leaves an unreferenced file on disk, never a listed
 * file that cannot be opened.
 */
export async function removeMinutesFile(actorId: number, activityId: number, fileId: number, reason: string) {
  const file = await prisma.activityFile.findFirst({ where: { id: fileId, activityId }, select: { kind: true, name: true, size: true, filePath: true } });
  if (!file) throw new AppError("not_found", "该附件不存在或已删除");
  const { count } = await prisma.activityFile.deleteMany({ where: { id: fileId, activityId } });
  if (count === 0) throw new AppError("not_found", "该附件不存在或已删除");
  await audit({
    actorId,
    action: "activity.file_remove",
    targetKind: "activity",
    targetId: activityId,
    detail: { fileId, kind: file.kind, name: file.name, size: file.size, reason },
  });
  await fileStorage().delete(file.filePath);
  return file;
}

/** A file of a meeting, for a reader already admitted by `canReadMeeting`; a file of another meeting is not found. */
export async function minutesFileResponse(activityId: number, fileId: number): Promise<Response> {
  const file = await prisma.activityFile.findFirst({ where: { id: fileId, activityId }, select: { name: true, filePath: true, mime: true, kind: true } });
  if (!file) return new Response("文件不存在", { status: 404 });
  const body = await fileStorage().get(file.filePath);
  if (!body) return new Response("文件不存在", { status: 404 });
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": file.mime,
      "Content-Length": String(body.length),
      "Content-Disposition": `${file.kind === "photo" ? "inline" : "attachment"}; filename="meeting-file-${fileId}"; filename*=UTF-8''${rfc5987(file.name)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'",
    },
  });
}
