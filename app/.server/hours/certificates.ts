import { AppError } from "~/lib/app-error";
import { formatChinaDateTime } from "~/lib/dates";
import { HOURS_CATEGORIES, type HoursCategory } from "~/lib/hours-categories";
import { audit } from "../audit";
import { prisma } from "../db";
import { publicOrigin } from "../http/public-link";
import { certificateKey, signCertificateToken, verifyCertificateToken } from "./certificate-token";
import { requirementStatus } from "./requirements";

// 学时证明: a snapshot of a person's 学时 for a year, printed with a QR code that checks back
// (decision 023). Issuing stores the year's total as it stands, the requirement then in force, and
// the name and unit as printed; the ledger is append-only, so the split by category is recomputed
// from the entries recorded up to the moment of issue.

/** What the printed page and the verify page both show. */
export type CertificateView = {
  id: number;
  number: string;
  year: number;
  /** Hundredths of a 学时, as printed. */
  earned: number;
  required: number | null;
  /** Null when the ledger no longer adds up to the printed total (it always should). */
  byCategory: { category: HoursCategory; amount: number }[] | null;
  issuedOn: string;
  revoked: boolean;
  schoolName: string;
  person: { id: number; name: string; number: string; unitName: string };
};

/** 2026-000042: the year and the id, so a reader can quote it on the phone. */
export function certificateNumber(year: number, id: number): string {
  return `${year}-${String(id).padStart(6, "0")}`;
}

/** A person's hours for a year as recorded up to `at`, in hundredths, by category. */
async function hoursAsOf(personId: number, year: number, at: Date) {
  const groups = await prisma.hoursEntry.groupBy({
    by: ["category"],
    where: { personId, year, createdAt: { lte: at } },
    _sum: { amount: true },
  });
  const amounts = new Map(groups.map((g) => [g.category, g._sum.amount ?? 0]));
  const byCategory = HOURS_CATEGORIES.filter((c) => amounts.get(c)).map((c) => ({ category: c, amount: amounts.get(c)! }));
  return { total: groups.reduce((s, g) => s + (g._sum.amount ?? 0), 0), byCategory };
}

export async function issueCertificate(actorId: number, personId: number, year: number) {
  const person = await prisma.person.findUnique({ where: { id: personId }, select: { id: true, name: true, unit: { select: { name: true } } } });
  if (!person) throw new AppError("invalid", "人员不存在");
  const issuedAt = new Date();
  const { total } = await hoursAsOf(personId, year, issuedAt);
  const required = (await requirementStatus([personId], year)).get(personId)?.required ?? 0;
  const certificate = await prisma.hoursCertificate.create({
    data: {
      personId,
      year,
      earned: total,
      required: required > 0 ? required : null,
      personName: person.name,
      unitName: person.unit.name,
      issuedById: actorId,
      issuedAt,
    },
    select: { id: true },
  });
  await audit({ actorId, action: "certificate.issue", targetKind: "certificate", targetId: certificate.id, detail: { personId, year, earned: total } });
  return certificate;
}

export async function revokeCertificate(actorId: number, certificateId: number) {
  const { count } = await prisma.hoursCertificate.updateMany({ where: { id: certificateId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) throw new AppError("invalid", "该证明已撤销");
  await audit({ actorId, action: "certificate.revoke", targetKind: "certificate", targetId: certificateId });
}

/** Whose certificate it is and where they sit, for the access check; null when there is none. */
export async function certificateSubject(certificateId: number) {
  const row = await prisma.hoursCertificate.findUnique({ where: { id: certificateId }, select: { personId: true } });
  if (!row) return null;
  const person = await prisma.person.findUnique({ where: { id: row.personId }, select: { id: true, unitId: true, unit: { select: { path: true } } } });
  return person ? { personId: person.id, unitId: person.unitId, unitPath: person.unit.path } : null;
}

export async function getCertificate(certificateId: number): Promise<CertificateView | null> {
  const row = await prisma.hoursCertificate.findUnique({
    where: { id: certificateId },
    select: { id: true, personId: true, year: true, earned: true, required: true, personName: true, unitName: true, issuedAt: true, revokedAt: true },
  });
  if (!row) return null;
  const [person, root, split] = await Promise.all([
    // Name, number and unit only: never the phone or ID number.
    prisma.person.findUnique({ where: { id: row.personId }, select: { id: true, name: true, number: true, unit: { select: { name: true } } } }),
    prisma.orgUnit.findFirst({ where: { parentId: null }, orderBy: { id: "asc" }, select: { name: true } }),
    hoursAsOf(row.personId, row.year, row.issuedAt),
  ]);
  if (!person) return null;
  return {
    id: row.id,
    number: certificateNumber(row.year, row.id),
    year: row.year,
    earned: row.earned,
    required: row.required,
    byCategory: split.total === row.earned ? split.byCategory : null,
    issuedOn: formatChinaDateTime(row.issuedAt).slice(0, 10),
    revoked: row.revokedAt !== null,
    schoolName: root?.name ?? "",
    // As printed; certificates issued before the snapshot columns show the live values.
    person: { id: person.id, name: row.personName ?? person.name, number: person.number, unitName: row.unitName ?? person.unit.name },
  };
}

/** A person's certificates, newest first, for the lists on the hours and person pages. */
export async function certificatesOf(personId: number, year?: number) {
  const rows = await prisma.hoursCertificate.findMany({
    where: { personId, ...(year === undefined ? {} : { year }) },
    select: { id: true, year: true, earned: true, issuedAt: true, revokedAt: true },
    orderBy: { id: "desc" },
    take: 50,
  });
  return rows.map((r) => ({
    id: r.id,
    number: certificateNumber(r.year, r.id),
    year: r.year,
    earned: r.earned,
    issuedOn: formatChinaDateTime(r.issuedAt).slice(0, 10),
    revoked: r.revokedAt !== null,
  }));
}

/**
 * The certificate a token names, when the token is genuine and the certificate stands. The signature
 * is checked before the database is asked, so a forged token reveals nothing about which ids exist.
 */
export async function verifyCertificate(token: string): Promise<CertificateView | null> {
  const id = verifyCertificateToken(token, certificateKey());
  if (id === null) return null;
  const view = await getCertificate(id);
  return view && !view.revoked ? view : null;
}

/** The absolute address the QR code points to: the site's configured origin, never the request's Host header. */
export function verifyUrl(certificateId: number, requestUrl: string): string {
  return `${publicOrigin(requestUrl)}/hours/verify/${signCertificateToken(certificateId, certificateKey())}`;
}
