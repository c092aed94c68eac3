import crypto from "node:crypto";
import { AppError } from "~/lib/app-error";
import { type Audience, type DocumentKind, DOCUMENT_FIELD, MAX_DOCUMENT_BYTES, audienceAdmits, safeFileName, statusesOf, statusesText } from "~/lib/library";
import { type Grant, grantsCover } from "~/lib/permissions";
import { termWeights } from "~/lib/search-terms";
import { type PoliticalStatus } from "~/lib/vocabulary";
import { audit } from "../audit";
import { prisma, sqlDb } from "../db";
import { fileStorage } from "../storage/storage";
import { rfc5987 } from "../http/download";
import { ancestorPaths, removeEntryOn, searchEntries, searchViewer } from "../search/search-index";
import {
  type Reviewer,
  claimForApproval,
  finishApproval,
  openSubmissionsOf,
  releaseClaim,
  reviewItemFor,
  reviewableItem,
  reviewRequiredFor,
  submitForReview,
} from "../review/review";
import { sql } from "../sql";
import { extractRunner } from "./extract-runner";
import { DOCUMENT_MIME, documentKind } from "./file-kind";
import { reindexOn } from "./library-index";

// A unit's document library (decision 050): folders and files, each file visible to the audience its
// uploader chose. Managing needs `documents:manage` over the unit (the route checks it); reading goes
// through `readableDocument`, which answers a document outside the reader's audience exactly as one
// that does not exist, whatever the id. Files are judged by their bytes and kept under DATA_DIR/library
// with a generated name, never at a public URL. Where the unit requires review (decision 053) an upload
// is kept unpublished: no reader's query returns it and it is not indexed until a reviewer approves it.

const DIR = "library";
const MANAGE = "documents:manage";

export type LibraryUser = { id: number; unitId: number; politicalStatus: string; grants: Grant[] };

const notFound = () => new AppError("not_found", "文件不存在或您无权查看");

async function unitPathOf(unitId: number): Promise<string> {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { path: true } });
  return unit?.path ?? "/";
}

/** The reader as the audience rules see them. */
async function readerOf(user: LibraryUser) {
  return { unitPath: await unitPathOf(user.unitId), politicalStatus: user.politicalStatus, grants: user.grants };
}

type DocRow = { id: number; audience: string; statuses: string | null; unit: { path: string } };
const mayRead = (reader: { unitPath: string; politicalStatus: string; grants: Grant[] }, doc: DocRow) =>
  grantsCover(reader.grants, MANAGE, doc.unit.path) || audienceAdmits(reader, { unitPath: doc.unit.path, audience: doc.audience, statuses: doc.statuses });

const DOC_SELECT = {
  id: true,
  title: true,
  fileName: true,
  kind: true,
  size: true,
  audience: true,
  statuses: true,
  textState: true,
  createdAt: true,
  folderId: true,
  unit: { select: { id: true, name: true, path: true } },
  uploader: { select: { name: true } },
} as const;

/** A unit's library as the reader may see it, with the links to the libraries of the units above the reader. */
export async function libraryPage(user: LibraryUser, unitId: number) {
  const unit = await prisma.orgUnit.findFirst({ where: { id: unitId, archivedAt: null }, select: { id: true, name: true, path: true } });
  if (!unit) throw new AppError("not_found", "组织不存在");
  const reader = await readerOf(user);
  const canManage = grantsCover(user.grants, MANAGE, unit.path);
  const [folders, docs, levels, submissions] = await Promise.all([
    prisma.docFolder.findMany({ where: { unitId }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    prisma.libraryDocument.findMany({ where: { unitId, deletedAt: null, unpublished: false }, orderBy: { id: "desc" }, select: DOC_SELECT, take: 500 }),
    prisma.orgUnit.findMany({
      where: { path: { in: ancestorPaths(reader.unitPath) }, archivedAt: null },
      orderBy: { depth: "asc" },
      select: { id: true, name: true },
    }),
    // The uploader's files waiting for review here, or returned with the reason (decision 053).
    canManage ? openSubmissionsOf(user.id, "document", unitId) : [],
  ]);
  const documents = docs.filter((d) => canManage || mayRead(reader, d)).map(present);
  // A folder's name can say what is in it: a reader sees only the folders holding something they may read.
  const shown = canManage ? folders : folders.filter((f) => documents.some((d) => d.folderId === f.id));
  const pending = submissions.map((i) => ({ id: i.id, title: i.title, state: i.state, reason: i.reason }));
  return { unit: { id: unit.id, name: unit.name }, canManage, folders: shown, levels, documents, pending };
}

function present(d: Awaited<ReturnType<typeof prisma.libraryDocument.findFirstOrThrow<{ select: typeof DOC_SELECT }>>>) {
  return {
    id: d.id,
    title: d.title,
    fileName: d.fileName,
    kind: d.kind as DocumentKind,
    size: d.size,
    audience: d.audience as Audience,
    statuses: statusesOf(d.statuses),
    textState: d.textState,
    createdAt: d.createdAt.toISOString(),
    folderId: d.folderId,
    unitId: d.unit.id,
    unitName: d.unit.name,
    uploaderName: d.uploader.name,
  };
}

export async function createFolder(user: LibraryUser, unitId: number, name: string) {
  const exists = await prisma.docFolder.findUnique({ where: { unitId_name: { unitId, name } }, select: { id: true } });
  if (exists) throw new AppError("conflict", "已有同名文件夹", { field: "name" });
  const folder = await prisma.docFolder.create({ data: { unitId, name }, select: { id: true } });
  await audit({ actorId: user.id, action: "library.folder", targetKind: "unit", targetId: unitId, detail: { folderId: folder.id, name } });
  return folder;
}

export type UploadInput = { title?: string; folderId?: number; audience: Audience; statuses: PoliticalStatus[] };

/** Keeps a file whose bytes are a PDF, a Word .docx or an Excel .xlsx, and indexes its title at once (its text follows from the runner). */
export async function uploadDocument(user: LibraryUser, unitId: number, input: UploadInput, file: File | null) {
  const field = DOCUMENT_FIELD;
  if (!file || file.size === 0) throw new AppError("invalid", "请选择要上传的文件", { field });
  if (file.size > MAX_DOCUMENT_BYTES) throw new AppError("too_large", `文件不能超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`, { field });
  if (input.folderId !== undefined) {
    const folder = await prisma.docFolder.findFirst({ where: { id: input.folderId, unitId }, select: { id: true } });
    if (!folder) throw new AppError("invalid", "文件夹不存在", { field: "folderId" });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = documentKind(bytes);
  if (!kind) throw new AppError("unsupported_media", "只能上传 PDF、Word（.docx）或 Excel（.xlsx）文件（按文件内容判断，与文件名无关）", { field });
  const fileName = safeFileName(file.name, kind);
  const title = (input.title ?? fileName.replace(/\.[^.]*$/, "")).slice(0, 120);
  const storedPath = `${DIR}/${crypto.randomBytes(16).toString("hex")}.${kind}`;
  await fileStorage().put(storedPath, bytes);
  const statuses = input.audience === "status" ? statusesText(input.statuses) : null;
  const underReview = await reviewRequiredFor(unitId);
  const now = new Date();
  let id: number;
  try {
    id = await sqlDb().transaction(async (tx) => {
      const row = (await tx.get<{ id: number }>(
        sql`INSERT INTO "LibraryDocument" ("unitId", "folderId", "title", "fileName", "kind", "mime", "size", "storedPath", "audience", "statuses", "uploaderId", "textState",
              "createdAt", "unpublished")
            VALUES (${unitId}, ${input.folderId ?? null}, ${title}, ${fileName}, ${kind}, ${DOCUMENT_MIME[kind]}, ${bytes.length}, ${storedPath}, ${input.audience}, ${statuses},
              ${user.id}, ${kind === "xlsx" ? "none" : "pending"}, ${now}, ${underReview})
            RETURNING "id"`,
      ))!;
      if (!underReview) await reindexOn(tx, row.id, termWeights(title, ""), "", now);
      return row.id;
    });
  } catch (e) {
    await fileStorage().delete(storedPath);
    throw e;
  }
  await audit({
    actorId: user.id,
    action: "library.upload",
    targetKind: "document",
    targetId: id,
    detail: { unitId, kind, size: bytes.length, audience: input.audience, underReview },
  });
  if (underReview) {
    const item = await submitForReview(user.id, { kind: "document", unitId, draftId: id, title, body: "", pinned: false });
    return { id, reviewItemId: item.id };
  }
  if (kind !== "xlsx") extractRunner().wake();
  return { id, reviewItemId: null };
}

/**
 * Approves an uploaded document (decision 053): the item is claimed, then the file is made visible and
 * its title indexed in one transaction (its text follows from the extraction runner, which skips
 * unpublished files); if the file was deleted meanwhile, the claim is released and nothing changes.
 */
export async function approveDocument(reviewer: Reviewer, itemId: number) {
  const item = await reviewableItem(reviewer, itemId, "document");
  const documentId = item.draftId!;
  await claimForApproval(reviewer, itemId);
  try {
    await sqlDb().transaction(async (tx) => {
      const now = new Date();
      const n = await tx.run(
        sql`UPDATE "LibraryDocument" SET "unpublished" = ${false} WHERE "id" = ${documentId} AND "unpublished" = ${true} AND "deletedAt" IS NULL`,
      );
      if (n !== 1) throw new AppError("conflict", "该文件已被删除，不能发布");
      const doc = (await tx.get<{ title: string }>(sql`SELECT "title" FROM "LibraryDocument" WHERE "id" = ${documentId}`))!;
      await reindexOn(tx, documentId, termWeights(doc.title, ""), "", now);
    });
  } catch (e) {
    await releaseClaim(reviewer.id, itemId);
    throw e;
  }
  await finishApproval(reviewer.id, itemId, { kind: "document", publishedId: documentId, targetId: null, authorId: item.authorId });
  extractRunner().wake();
  return { documentId };
}

/** Takes a document out of the library and the index; the file is kept for the audit trail's sake until an operator purges it. */
export async function deleteDocument(user: LibraryUser, unitId: number, documentId: number) {
  const changed = await sqlDb().transaction(async (tx) => {
    const n = await tx.run(
      sql`UPDATE "LibraryDocument" SET "deletedAt" = ${new Date()} WHERE "id" = ${documentId} AND "unitId" = ${unitId} AND "deletedAt" IS NULL`,
    );
    if (n === 1) await removeEntryOn(tx, "document", documentId);
    return n;
  });
  if (changed !== 1) throw notFound();
  await audit({ actorId: user.id, action: "library.delete", targetKind: "document", targetId: documentId, detail: { unitId } });
}

/** A document the reader may see, or the not-found of one that does not exist. */
export async function readableDocument(user: LibraryUser, documentId: number) {
  const doc = await prisma.libraryDocument.findFirst({
    where: { id: documentId, deletedAt: null, unpublished: false },
    select: { ...DOC_SELECT, storedPath: true },
  });
  if (!doc || !mayRead(await readerOf(user), doc)) throw notFound();
  return { ...present(doc), storedPath: doc.storedPath };
}

/**
 * The file, as an attachment (`download`) or, for a PDF, inline for the page's own viewer (`preview`).
 * Every read of a document whose audience is not public is audited.
 */
export async function documentFile(user: LibraryUser, documentId: number, mode: "download" | "preview"): Promise<Response> {
  const doc = await readableDocument(user, documentId);
  const detail = { unitId: doc.unitId, audience: doc.audience };
  return fileResponse(doc, mode, doc.audience === "public" ? null : { actorId: user.id, detail });
}

/**
 * The file an item under review proposes, for its reviewer in scope (or its uploader): the same
 * answers by id as the review page (404 outside scope), every read audited whatever the audience.
 */
export async function reviewedDocumentFile(person: Reviewer, itemId: number, mode: "download" | "preview"): Promise<Response> {
  const { item } = await reviewItemFor(person, itemId);
  if (item.kind !== "document" || item.draftId === null) throw notFound();
  const doc = await prisma.libraryDocument.findFirst({ where: { id: item.draftId, deletedAt: null }, select: { ...DOC_SELECT, storedPath: true } });
  if (!doc) throw notFound();
  return fileResponse({ ...present(doc), storedPath: doc.storedPath }, mode, {
    actorId: person.id,
    detail: { unitId: doc.unit.id, audience: doc.audience, itemId },
  });
}

type ServedDocument = ReturnType<typeof present> & { storedPath: string };

/** The file's bytes as a response; `audited` names who reads it when the read is to be audited. */
async function fileResponse(
  doc: ServedDocument,
  mode: "download" | "preview",
  audited: { actorId: number; detail: Record<string, unknown> } | null,
): Promise<Response> {
  if (mode === "preview" && doc.kind !== "pdf") throw notFound();
  const body = await fileStorage().get(doc.storedPath);
  if (!body) throw notFound();
  if (audited) {
    await audit({
      actorId: audited.actorId,
      action: mode === "download" ? "library.download" : "library.preview",
      targetKind: "document",
      targetId: doc.id,
      detail: audited.detail,
    });
  }
  const disposition = mode === "download" ? "attachment" : "inline";
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": DOCUMENT_MIME[doc.kind],
      "Content-Length": String(body.length),
      "Content-Disposition": `${disposition}; filename="document-${doc.id}.${doc.kind}"; filename*=UTF-8''${rfc5987(doc.fileName)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      // Opened directly, the file runs nothing of ours and nothing of its own.
      "Content-Security-Policy": "sandbox; default-src 'none'",
    },
  });
}

/** Library documents matching a query that the person may see, best first; `unitId` narrows to a unit's subtree. */
export async function searchLibrary(user: LibraryUser, query: string, unitId?: number) {
  const reader = await readerOf(user);
  const under = unitId === undefined ? undefined : await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { path: true } });
  if (unitId !== undefined && !under) throw new AppError("not_found", "组织不存在");
  const hits = await searchEntries(sqlDb(), searchViewer(reader, MANAGE), query, { kind: "document", underPath: under?.path });
  const docs = await prisma.libraryDocument.findMany({
    where: { id: { in: hits.map((h) => h.refId) }, deletedAt: null, unpublished: false },
    select: DOC_SELECT,
  });
  const byId = new Map(docs.map((d) => [d.id, d]));
  // The index decides; the document's own audience is checked again so a stale entry never shows more.
  return hits.flatMap((h) => {
    const d = byId.get(h.refId);
    return d && mayRead(reader, d) ? [{ ...present(d), excerpt: h.excerpt, score: h.score }] : [];
  });
}
