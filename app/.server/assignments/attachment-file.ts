import crypto from "node:crypto";
import { AppError } from "~/lib/app-error";
import { ATTACHMENT_FIELD, MAX_ATTACHMENT_BYTES } from "~/lib/assignments";
import { fileStorage } from "../storage/storage";
import { zipEntries } from "../http/xlsx-layout";
import { SNIFF_BYTES, sniffMedia } from "../media/probe";

// The one file a submission may carry (a scanned handwritten 心得, a Word or PDF copy): judged by its
// bytes, never its name or the browser's type, kept under DATA_DIR/assignments with a generated name,
// never at a public URL. A renamed program, an SVG (it can carry script) or an archive is refused.

const DIR = "assignments";

type Kind = { mime: string; ext: string };

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const IMAGE_EXT: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

/** PDF, Word (.docx, and the old .doc), or a PNG/JPEG/WebP image; null for anything else. */
export function attachmentKind(bytes: Uint8Array): Kind | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: "application/pdf", ext: "pdf" };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // A zip is a Word document only when its directory holds the document part.
    const names = zipEntries(bytes)?.map((e) => e.name.replace(/^\//, "")) ?? [];
    return names.includes("word/document.xml") ? { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: "docx" } : null;
  }
  // The compound file of Word 97–2003 (Excel and PowerPoint share it; a school accepts the risk of a
  // misnamed old spreadsheet rather than refusing every .doc a teacher keeps).
  if (startsWith(bytes, OLE)) return { mime: "application/msword", ext: "doc" };
  const media = sniffMedia(bytes.subarray(0, SNIFF_BYTES));
  const ext = media?.kind === "image" ? IMAGE_EXT[media.mime] : undefined;
  return media && ext ? { mime: media.mime, ext } : null;
}

export type StoredAttachment = { attachmentPath: string; attachmentMime: string; attachmentName: string };

/** Keeps the file when its bytes are an accepted kind; the stored path is relative to DATA_DIR. */
export async function storeAttachment(file: File): Promise<StoredAttachment> {
  const field = ATTACHMENT_FIELD;
  if (file.size === 0) throw new AppError("invalid", "请选择附件", { field });
  if (file.size > MAX_ATTACHMENT_BYTES) throw new AppError("too_large", `附件不能超过 ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, { field });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = attachmentKind(bytes);
  if (!kind) throw new AppError("unsupported_media", "附件须为 PDF、Word 文档或 JPEG、PNG、WebP 图片（按文件内容判断，与文件名无关）", { field });
  const attachmentPath = `${DIR}/${crypto.randomBytes(16).toString("hex")}.${kind.ext}`;
  await fileStorage().put(attachmentPath, bytes);
  // The name is shown and offered on download only; path separators and control characters go.
  const base = file.name.replace(/[\\/\p{Cc}]/gu, "").slice(-80) || "附件";
  const attachmentName = base.toLowerCase().endsWith(`.${kind.ext}`) ? base : `${base.replace(/\.[^.]*$/, "")}.${kind.ext}`;
  return { attachmentPath, attachmentMime: kind.mime, attachmentName };
}

export async function removeStoredFile(relative: string | null) {
  if (!relative) return;
  await fileStorage().delete(relative);
}

export function readStoredFile(relative: string): Promise<Buffer | null> {
  return fileStorage().get(relative);
}
