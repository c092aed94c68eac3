import { z } from "zod";
import { POLITICAL_STATUSES, type PoliticalStatus } from "./vocabulary";
import { PoliticalStatusSchema } from "./vocabulary-fields";

// The document library's rules (decision 050): who a document is for, and what its name may be.

export const AUDIENCES = ["public", "subtree", "status"] as const;
export type Audience = (typeof AUDIENCES)[number];
export const AUDIENCE_LABELS: Record<Audience, string> = {
  public: "所有登录用户",
  subtree: "本组织及下级组织的人员",
  status: "本组织及下级组织中指定政治面貌的人员",
};

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const DOCUMENT_FIELD = "file";
export const KIND_LABELS = { pdf: "PDF", docx: "Word", xlsx: "Excel" } as const;
export type DocumentKind = keyof typeof KIND_LABELS;

/** Statuses are stored ",member,probationary," so one LIKE '%,member,%' finds them on any engine. */
export const statusesText = (statuses: readonly PoliticalStatus[]) => (statuses.length ? `,${[...new Set(statuses)].sort().join(",")},` : null);
export const statusesOf = (text: string | null): PoliticalStatus[] =>
  (text ?? "").split(",").filter((s): s is PoliticalStatus => (POLITICAL_STATUSES as readonly string[]).includes(s));

export type DocumentAudience = { unitPath: string; audience: string; statuses: string | null };
export type Reader = { unitPath: string; politicalStatus: string };

/**
 * Whether a person may read a document by its audience: anyone signed in for a public one; for the
 * others, a person of the document's unit or a unit under it, and for "status" one whose political
 * status is listed. (A manager of the unit reads everything there; the caller checks that.)
 */
export function audienceAdmits(reader: Reader, doc: DocumentAudience): boolean {
  if (doc.audience === "public") return true;
  if (!reader.unitPath.startsWith(doc.unitPath)) return false;
  if (doc.audience === "subtree") return true;
  return doc.audience === "status" && (doc.statuses ?? "").includes(`,${reader.politicalStatus},`);
}

/**
 * A file name as offered for download: no path (the last segment), no control or bidi-override
 * characters, no characters Windows refuses, at most 120 characters; the extension follows the bytes.
 */
export function safeFileName(name: string, kind: DocumentKind): string {
  const base = (name.split(/[\\/]/).pop() ?? "")
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}<>:"|?*]/gu, "")
    .replace(/^[.\s]+|[.\s]+$/g, "")
    .slice(-120);
  const stem = base.replace(/\.[^.]*$/, "") || "文件";
  return `${stem}.${kind}`;
}

const title = z.string({ error: "请填写标题" }).trim().min(1, "请填写标题").max(120, "标题不能超过 120 个字");

export const UploadSchema = z
  .object({
    intent: z.literal("upload"),
    title: title.optional(),
    folderId: z.coerce.number().int().positive().optional(),
    audience: z.enum(AUDIENCES, { error: "请选择可见范围" }),
    statuses: z.array(PoliticalStatusSchema).default([]),
  })
  .refine((v) => v.audience !== "status" || v.statuses.length > 0, { message: "请至少选择一种政治面貌", path: ["statuses"] });

export const FolderSchema = z.object({
  intent: z.literal("folder"),
  name: z.string({ error: "请填写文件夹名称" }).trim().min(1, "请填写文件夹名称").max(40, "文件夹名称不能超过 40 个字"),
});

export const DeleteSchema = z.object({ intent: z.literal("delete"), documentId: z.coerce.number().int().positive() });

export const LibraryFormSchema = z.discriminatedUnion("intent", [UploadSchema, FolderSchema, DeleteSchema]);
