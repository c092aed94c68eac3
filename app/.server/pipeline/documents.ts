import crypto from "node:crypto";
import { AppError } from "~/lib/app-error";
import { stepOf } from "~/lib/pipeline/pack";
import { audit } from "../audit";
import { prisma } from "../db";
import { fileStorage } from "../storage/storage";
import { SNIFF_BYTES, sniffMedia } from "../media/probe";
import { downloadResponse } from "../http/download";
import { type Actor, requireRecorder } from "./file";
import { pipelinePack } from "./packs";

// The documents of a step (入党申请书, 谈话记录…): a scan or photo (JPEG, PNG, WebP) or a PDF, told by
// its bytes, never by its name; kept under DATA_DIR/pipeline with a generated name, like a credit
// claim's certificate, and served only through the file page's scope check.

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const IMAGE_EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

function kindOf(head: Uint8Array): { mime: string; ext: string } | null {
  if (head.length >= 5 && String.fromCharCode(...head.subarray(0, 5)) === "%PDF-") return { mime: "application/pdf", ext: "pdf" };
  const sniffed = sniffMedia(head);
  const ext = sniffed?.kind === "image" ? IMAGE_EXTENSIONS[sniffed.mime] : undefined;
  return sniffed && ext ? { mime: sniffed.mime, ext } : null;
}

/** Keeps a document of a recorded step, when its bytes say JPEG, PNG, WebP or PDF and the actor may record that step. */
export async function uploadDocument(actor: Actor, personId: number, recordId: number, name: string, file: File) {
  const record = await prisma.pipelineRecord.findFirst({
    where: { id: recordId, personId, supersededAt: null },
    select: { step: true, person: { select: { unit: { select: { path: true } } } } },
  });
  if (!record) throw new AppError("invalid", "该记录不存在或已被更正", { field: "recordId" });
  const step = stepOf(pipelinePack(), record.step);
  if (!step) throw new AppError("invalid", "该步骤不在现行档案规则包中");
  await requireRecorder(actor, { id: personId, unit: record.person.unit }, step);
  if (!step.documents.includes(name))
    throw new AppError("invalid", `「${step.title}」的材料只能是：${step.documents.join("、") || "（无）"}`, { field: "name" });
  const field = "file";
  if (file.size === 0) throw new AppError("invalid", "请选择文件", { field });
  if (file.size > MAX_DOCUMENT_BYTES) throw new AppError("too_large", `文件不能超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`, { field });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = kindOf(bytes.subarray(0, SNIFF_BYTES));
  if (!kind) throw new AppError("invalid", "材料须为 PDF 或 JPEG、PNG、WebP 格式的图片（按文件内容判断，与文件名无关）", { field });
  const filePath = `pipeline/${crypto.randomBytes(16).toString("hex")}.${kind.ext}`;
  await fileStorage().put(filePath, bytes);
  const doc = await prisma.pipelineDocument.create({
    data: { recordId, name, fileName: file.name.slice(0, 200) || "材料", filePath, fileMime: kind.mime, size: bytes.byteLength, uploadedById: actor.id },
    select: { id: true },
  });
  await audit({
    actorId: actor.id,
    action: "pipeline.document",
    targetKind: "person",
    targetId: personId,
    detail: { recordId, documentId: doc.id, name, size: bytes.byteLength },
  });
  return doc;
}

/** A document of a person's file, for a caller the route has already scoped to that person. */
export async function documentOf(personId: number, documentId: number): Promise<{ filePath: string; mime: string; fileName: string } | null> {
  const doc = await prisma.pipelineDocument.findFirst({
    where: { id: documentId, record: { personId } },
    select: { filePath: true, fileMime: true, fileName: true },
  });
  if (!doc) return null;
  return { filePath: doc.filePath, mime: doc.fileMime, fileName: doc.fileName };
}

/**
 * A document as a download (never shown inline, never cached), audited like every read of a
 * development file; 404 for one that is not this person's.
 */
export async function documentResponse(actorId: number, personId: number, documentId: number): Promise<Response> {
  const doc = await documentOf(personId, documentId);
  const body = doc && (await fileStorage().get(doc.filePath));
  if (!doc || !body) return new Response("文件不存在", { status: 404 });
  await audit({ actorId, action: "pipeline.document_download", targetKind: "person", targetId: personId, detail: { documentId } });
  const ext = doc.filePath.slice(doc.filePath.lastIndexOf(".") + 1);
  return downloadResponse({ body, fileName: doc.fileName, contentType: doc.mime }, `document.${ext}`);
}
