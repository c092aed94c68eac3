import { AppError } from "~/lib/app-error";
import crypto from "node:crypto";
import { type ClaimInput } from "~/lib/claims";
import { HoursCategorySchema } from "~/lib/hours-categories";
import { hoursToHundredths } from "~/lib/hours";
import { type Grant, grantsCover } from "~/lib/permissions";
import { audit } from "../audit";
import { prisma } from "../db";
import { creditHours } from "../hours/ledger";
import { SNIFF_BYTES, sniffMedia } from "../media/probe";
import { mediaResponse } from "../media/range";
import { fileStorage } from "../storage/storage";

// Manual credit for external training: a member submits it with a certificate image (checked by its
// bytes, kept under DATA_DIR/claims with a generated name, never at a public URL); a secretary over
// the member's unit approves it (hours credited once through the ledger) or rejects it with a reason.

export const MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024;
const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

/** Keeps a certificate image when its bytes say PNG, JPEG or WebP; the stored path relative to DATA_DIR. */
async function storeCertificate(file: File): Promise<{ filePath: string; fileMime: string }> {
  const field = "certificate";
  if (file.size === 0) throw new AppError("invalid", "请选择证书图片", { field });
  if (file.size > MAX_CERTIFICATE_BYTES) throw new AppError("invalid", `图片不能超过 ${MAX_CERTIFICATE_BYTES / 1024 / 1024} MB`, { field });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sniffed = sniffMedia(bytes.subarray(0, SNIFF_BYTES));
  const ext = sniffed?.kind === "image" ? EXTENSIONS[sniffed.mime] : undefined;
  if (!sniffed || !ext) throw new AppError("invalid", "证书须为 JPEG、PNG 或 WebP 格式的图片（按文件内容判断，与文件名无关）", { field });
  const filePath = `claims/${crypto.randomBytes(16).toString("hex")}.${ext}`;
  await fileStorage().put(filePath, bytes);
  return { filePath, fileMime: sniffed.mime };
}

export async function submitClaim(personId: number, input: ClaimInput, certificate: File) {
  const stored = await storeCertificate(certificate);
  const claim = await prisma.creditClaim.create({
    data: {
      personId,
      title: input.title,
      organizer: input.organizer ?? null,
      category: input.category,
      hours: hoursToHundredths(input.hours),
      earnedOn: input.earnedOn,
      ...stored,
    },
    select: { id: true },
  });
  await audit({ actorId: personId, action: "claim.submit", targetKind: "claim", targetId: claim.id, detail: { hours: hoursToHundredths(input.hours) } });
  return claim;
}

const claimColumns = {
  id: true,
  title: true,
  organizer: true,
  category: true,
  hours: true,
  earnedOn: true,
  status: true,
  decisionReason: true,
  decidedAt: true,
  createdAt: true,
} as const;

export async function claimsOf(personId: number) {
  return prisma.creditClaim.findMany({ where: { personId }, select: claimColumns, orderBy: { id: "desc" }, take: 100 });
}

/** Claims of people in the reviewer's units: every pending one (oldest first), then the latest decisions. */
export async function claimsForReview(paths: string[]) {
  if (paths.length === 0) return { pending: [], decided: [] };
  const inScope = { person: { unit: { OR: paths.map((p) => ({ path: { startsWith: p } })) } } };
  const select = { ...claimColumns, person: { select: { id: true, name: true, unit: { select: { name: true } } } } };
  const [pending, decided] = await Promise.all([
    prisma.creditClaim.findMany({ where: { ...inScope, status: "pending" }, select, orderBy: { id: "asc" }, take: 200 }),
    prisma.creditClaim.findMany({ where: { ...inScope, status: { not: "pending" } }, select, orderBy: { decidedAt: "desc" }, take: 50 }),
  ]);
  return { pending, decided };
}

/** The unit of the person who made a claim: whoever reviews over it may decide it. */
export async function claimUnitId(claimId: number): Promise<number | null> {
  const c = await prisma.creditClaim.findUnique({ where: { id: claimId }, select: { person: { select: { unitId: true } } } });
  return c?.person.unitId ?? null;
}

type Decided = { personId: number; hours: number; category: string; earnedOn: Date; title: string };

/** Decides a pending claim, once: two reviewers deciding at the same moment cannot both win. */
async function decide(actorId: number, claimId: number, status: "approved" | "rejected", reason: string | null): Promise<Decided> {
  const claim = await prisma.creditClaim.findUnique({
    where: { id: claimId },
    select: { personId: true, status: true, hours: true, category: true, earnedOn: true, title: true },
  });
  if (!claim) throw new AppError("invalid", "申请不存在");
  if (claim.personId === actorId) throw new AppError("invalid", "不能审核自己的申请");
  const { count } = await prisma.creditClaim.updateMany({
    where: { id: claimId, status: "pending" },
    data: { status, decidedById: actorId, decidedAt: new Date(), decisionReason: reason },
  });
  if (count === 0) {
    // An approval whose credit never ran (the process stopped in between) is completed by asking
    // again: the ledger credits a claim once, so this changes nothing when the hours are there.
    if (status === "approved" && claim.status === "approved") await creditClaim(claimId, claim, actorId);
    throw new AppError("invalid", "该申请已审核");
  }
  return claim;
}

function creditClaim(claimId: number, claim: Decided, approvedById: number) {
  return creditHours({
    personId: claim.personId,
    amount: claim.hours,
    category: HoursCategorySchema.parse(claim.category),
    sourceKind: "claim",
    sourceId: String(claimId),
    earnedAt: claim.earnedOn,
    approvedById,
    note: `校外培训：${claim.title}`,
  });
}

/**
 * Credits an approved claim whose credit never ran (the process stopped between the decision and the
 * credit), by its approver: the credit repair (app/.server/credit-repair.ts) asks it. Once, by
 * the ledger's source key.
 */
export async function creditApprovedClaim(claimId: number) {
  const claim = await prisma.creditClaim.findUnique({
    where: { id: claimId },
    select: { personId: true, status: true, hours: true, category: true, earnedOn: true, title: true, decidedById: true },
  });
  if (claim?.status !== "approved" || claim.decidedById === null) return null;
  return creditClaim(claimId, claim, claim.decidedById);
}

export async function approveClaim(actorId: number, claimId: number) {
  const claim = await decide(actorId, claimId, "approved", null);
  const credited = await creditClaim(claimId, claim, actorId);
  await audit({
    actorId,
    action: "claim.approve",
    targetKind: "claim",
    targetId: claimId,
    detail: { personId: claim.personId, hours: claim.hours, entryId: credited.entryId },
  });
}

export async function rejectClaim(actorId: number, claimId: number, reason: string) {
  if (!reason.trim()) throw new AppError("invalid", "请填写不通过的原因");
  await decide(actorId, claimId, "rejected", reason.trim());
  await audit({ actorId, action: "claim.reject", targetKind: "claim", targetId: claimId, detail: { reason: reason.trim() } });
}

/** The certificate image for its owner or a reviewer over the owner's unit; the same 404 for anyone else. */
export async function certificateResponse(viewer: { id: number; grants: readonly Grant[] }, claimId: number): Promise<Response> {
  const notFound = new Response("文件不存在", { status: 404 });
  if (!Number.isSafeInteger(claimId) || claimId <= 0) return notFound;
  const claim = await prisma.creditClaim.findUnique({
    where: { id: claimId },
    select: { personId: true, filePath: true, fileMime: true, person: { select: { unit: { select: { path: true } } } } },
  });
  if (!claim || (claim.personId !== viewer.id && !grantsCover(viewer.grants, "claims:review", claim.person.unit.path))) return notFound;
  // Streamed, not read whole: the review page shows every pending claim's image at once.
  return mediaResponse(fileStorage(), claim.filePath, { mime: claim.fileMime, range: null, cacheControl: "private, no-store" });
}
