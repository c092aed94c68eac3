import { AppError } from "~/lib/app-error";
import { formatChinaDateTime } from "~/lib/dates";
import { audit } from "../audit";
import { prisma } from "../db";
import { certificateKey, signCertificateToken, verifyCertificateToken } from "../hours/certificate-token";
import { publicOrigin } from "../http/public-link";
import { type ClassRecord } from "./results-access";

// 结业证书: issued to a member the published 结业 list says graduated, printed with the same signed QR
// as the 学时证明 (one key, one verify route: the token's first byte says which kind it is). What it
// says is stored at issue — the class's title and term, the name and unit, 优秀学员 — so a later
// rename changes no paper. A re-publication that takes the 结业 or the 优秀 away revokes it.

export type ClassCertificateView = {
  id: number;
  number: string;
  classId: number;
  classTitle: string;
  term: number;
  personId: number;
  personName: string;
  unitName: string;
  excellent: boolean;
  total: number;
  issuedOn: string;
  revoked: boolean;
  schoolName: string;
};

/** JY2026-000042: 结业 and the year of issue, so a reader can tell it from a 学时证明 on the phone. */
export function classCertificateNumber(issuedAt: Date, id: number): string {
  return `JY${formatChinaDateTime(issuedAt).slice(0, 4)}-${String(id).padStart(6, "0")}`;
}

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === "P2002";

async function graduate(classId: number, personId: number) {
  return prisma.classMember.findFirst({
    where: { classId, personId, status: "enrolled", passed: true, graduatedAt: { not: null }, trainingClass: { resultsPublishedAt: { not: null } } },
    select: {
      excellent: true,
      total: true,
      person: { select: { name: true, unit: { select: { name: true } } } },
      trainingClass: { select: { title: true, term: true } },
    },
  });
}

/**
 * The member's standing certificate, issued now if they have none. Only a graduate of a published list
 * gets one. Two requests at once create one: the second meets the unique key and reads the first's.
 */
export async function issueClassCertificate(actorId: number, classId: number, personId: number, now = new Date()): Promise<{ id: number; created: boolean }> {
  const existing = await prisma.classCertificate.findFirst({ where: { classId, personId, current: true }, select: { id: true } });
  if (existing) return { id: existing.id, created: false };
  const g = await graduate(classId, personId);
  if (!g) throw new AppError("not_eligible", "只有结业名单上已结业的学员才能开具结业证书");
  try {
    // Written and checked again in one transaction: a correction of the list (or a withdrawal) that
    // committed after the read above is seen here, and the certificate is not left standing.
    const c = await prisma.$transaction(async (tx) => {
      const created = await tx.classCertificate.create({
        data: {
          classId,
          personId,
          classTitle: g.trainingClass.title,
          term: g.trainingClass.term,
          personName: g.person.name,
          unitName: g.person.unit.name,
          excellent: g.excellent,
          total: g.total ?? 0,
          issuedById: actorId,
          issuedAt: now,
        },
        select: { id: true },
      });
      const still = await tx.classMember.findFirst({
        where: { classId, personId, status: "enrolled", passed: true, excellent: g.excellent, total: g.total, graduatedAt: { not: null } },
        select: { personId: true },
      });
      if (!still) throw new AppError("conflict", "结业名单刚刚更正，请刷新页面后再开具结业证书");
      return created;
    });
    await audit({ actorId, action: "class_certificate.issue", targetKind: "class_certificate", targetId: c.id, detail: { classId, personId } });
    return { id: c.id, created: true };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const raced = await prisma.classCertificate.findFirst({ where: { classId, personId, current: true }, select: { id: true } });
    if (!raced) throw e;
    return { id: raced.id, created: false };
  }
}

/** The organiser's bulk issue: a certificate for every graduate who has none; returns how many were issued. */
export async function issueAllClassCertificates(actorId: number, cls: ClassRecord, now = new Date()): Promise<number> {
  if (!cls.resultsPublishedAt) throw new AppError("conflict", "结业名单发布后才能开具结业证书");
  const graduates = await prisma.classMember.findMany({
    where: { classId: cls.id, status: "enrolled", passed: true, graduatedAt: { not: null } },
    select: { personId: true },
    orderBy: { personId: "asc" },
  });
  let issued = 0;
  for (const g of graduates) if ((await issueClassCertificate(actorId, cls.id, g.personId, now)).created) issued++;
  return issued;
}

export async function revokeClassCertificate(actorId: number, certificateId: number) {
  const { count } = await prisma.classCertificate.updateMany({ where: { id: certificateId, current: true }, data: { current: null, revokedAt: new Date() } });
  if (count === 0) throw new AppError("invalid", "该证书已撤销");
  await audit({ actorId, action: "class_certificate.revoke", targetKind: "class_certificate", targetId: certificateId });
}

export async function getClassCertificate(id: number): Promise<ClassCertificateView | null> {
  const row = await prisma.classCertificate.findUnique({ where: { id } });
  if (!row) return null;
  const root = await prisma.orgUnit.findFirst({ where: { parentId: null }, orderBy: { id: "asc" }, select: { name: true } });
  return {
    id: row.id,
    number: classCertificateNumber(row.issuedAt, row.id),
    classId: row.classId,
    classTitle: row.classTitle,
    term: row.term,
    personId: row.personId,
    personName: row.personName,
    unitName: row.unitName,
    excellent: row.excellent,
    total: row.total,
    issuedOn: formatChinaDateTime(row.issuedAt).slice(0, 10),
    revoked: row.revokedAt !== null,
    schoolName: root?.name ?? "",
  };
}

/** A member's latest certificate of a class (standing or revoked), for their page. */
export async function classCertificateOf(classId: number, personId: number): Promise<ClassCertificateView | null> {
  const row = await prisma.classCertificate.findFirst({ where: { classId, personId }, select: { id: true }, orderBy: { id: "desc" } });
  return row ? getClassCertificate(row.id) : null;
}

/** Whether the person graduated from the class (the certificate page offers to issue one). */
export async function hasGraduated(classId: number, personId: number): Promise<boolean> {
  return (await graduate(classId, personId)) !== null;
}

/**
 * The certificate a token names when the token is a genuine 结业证书 token (checked before the database
 * is asked); a revoked one comes back marked revoked, so the verify page can say so.
 */
export async function verifyClassCertificate(token: string): Promise<ClassCertificateView | null> {
  const id = verifyCertificateToken(token, certificateKey(), "class");
  return id === null ? null : getClassCertificate(id);
}

/** The QR code's address: the one verify route of every certificate, on the configured origin. */
export function classVerifyUrl(certificateId: number, requestUrl: string): string {
  return `${publicOrigin(requestUrl)}/hours/verify/${signCertificateToken(certificateId, certificateKey(), "class")}`;
}
