import { AppError } from "~/lib/app-error";
import { KIND_STATUSES, type ClassKind, ClassKindSchema, type MemberStatus, MEMBER_STATUS_LABELS, inAudience, kindRefusal } from "~/lib/classes";
import { type Grant, grantsCover } from "~/lib/permissions";
import { formatDate } from "~/lib/dates";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";

// Who is in a class and how they got there: nominated by their branch and decided by the organiser,
// imported from a list (enrolment-import.ts), or enrolled by a rule over the audience. Rows are never
// deleted: a rejection or a withdrawal stays with its reason. The primary key (class, person) makes a
// person's second row impossible, so two nominations racing end with one row and a clear refusal.

const personSelect = {
  id: true,
  name: true,
  number: true,
  politicalStatus: true,
  statusSince: true,
  cadreLevel: true,
  isCommitteeMember: true,
  disabledAt: true,
  unit: { select: { name: true, path: true } },
} as const;

type ClassForEnrolment = { id: number; kind: ClassKind; status: string; audiencePaths: string[] };

async function classForEnrolment(classId: number): Promise<ClassForEnrolment> {
  const c = await prisma.trainingClass.findUniqueOrThrow({
    where: { id: classId },
    select: { id: true, kind: true, status: true, audience: { select: { unit: { select: { path: true } } } } },
  });
  return { id: c.id, kind: ClassKindSchema.parse(c.kind), status: c.status, audiencePaths: c.audience.map((a) => a.unit.path) };
}

function existingRowRefusal(name: string, row: { status: string; reason: string | null }): string {
  const status = row.status as MemberStatus;
  if (status === "enrolled") return `${name}已是本班学员`;
  if (status === "nominated") return `${name}已被推荐，待主办方审核`;
  return `${name}${MEMBER_STATUS_LABELS[status]}${row.reason ? `（原因：${row.reason}）` : ""}，如需重新加入请联系主办方`;
}

/** Why this person cannot join the class now (audience, kind, account), or null. */
function eligibilityRefusal(c: ClassForEnrolment, p: { name: string; disabledAt: Date | null; unit: { path: string } } & Parameters<typeof kindRefusal>[1]) {
  if (p.disabledAt) return `${p.name}的账号已停用`;
  if (!inAudience(p.unit.path, c.audiencePaths)) return `${p.name}不在本培训班面向的党组织内`;
  return kindRefusal(c.kind, p);
}

function isUniqueViolation(e: unknown) {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

/**
 * A secretary nominates one of their people: within their `classes:nominate` scope, in the class's
 * audience, of the kind the class takes, while the class is enrolling.
 */
export async function nominate(actor: { id: number; grants: readonly Grant[] }, classId: number, personId: number) {
  if (personId === actor.id) throw new AppError("forbidden", "不能推荐本人：请由上级组织推荐", { field: "personId" });
  const c = await classForEnrolment(classId);
  if (c.status !== "enrolling") throw new AppError("conflict", "培训班不在报名阶段，不能推荐");
  const person = await prisma.person.findUnique({ where: { id: personId }, select: personSelect });
  if (!person || !grantsCover(actor.grants, "classes:nominate", person.unit.path)) {
    throw new AppError("forbidden", "只能推荐本组织及下级组织的人员", { field: "personId" });
  }
  const refusal = eligibilityRefusal(c, person);
  if (refusal) throw new AppError("not_eligible", refusal, { field: "personId" });
  const existing = await prisma.classMember.findUnique({ where: { classId_personId: { classId, personId } }, select: { status: true, reason: true } });
  if (existing) throw new AppError("already_done", existingRowRefusal(person.name, existing), { field: "personId" });
  try {
    await prisma.classMember.create({ data: { classId, personId, status: "nominated", source: "nomination", nominatedById: actor.id } });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("already_done", `${person.name}已被推荐`, { field: "personId" });
    throw e;
  }
  await audit({ actorId: actor.id, action: "class.nominate", targetKind: "class", targetId: classId, detail: { personId } });
  return { name: person.name };
}

/** The organiser approves or rejects a nomination (a rejection says why); only a waiting nomination is decided, once. */
export async function decideNomination(actorId: number, classId: number, personId: number, decision: "approve" | "reject", reason?: string) {
  const c = await classForEnrolment(classId);
  if (c.status === "finished") throw new AppError("conflict", "培训班已结束");
  if (decision === "reject" && !reason) throw new AppError("invalid", "退回推荐须填写原因", { field: "reason" });
  if (personId === actorId) throw new AppError("forbidden", "不能审核对本人的推荐：请由其他主办人员审核");
  const { count } = await prisma.classMember.updateMany({
    where: { classId, personId, status: "nominated" },
    data: {
      status: decision === "approve" ? "enrolled" : "rejected",
      decidedById: actorId,
      decidedAt: new Date(),
      reason: decision === "reject" ? reason : null,
    },
  });
  if (count === 0) throw new AppError("conflict", "该推荐已处理或不存在");
  await audit({
    actorId,
    action: decision === "approve" ? "class.approve" : "class.reject",
    targetKind: "class",
    targetId: classId,
    detail: { personId, reason },
  });
}

/** A member leaves the class with a reason; the row stays (withdrawn), so the class's history is whole. */
export async function withdrawMember(actorId: number, classId: number, personId: number, reason: string, now = new Date()) {
  const c = await classForEnrolment(classId);
  if (c.status === "finished") throw new AppError("conflict", "培训班已结束，不能再办理退出");
  // A member who leaves after the 结业 list was published no longer graduates: the result and any
  // 结业证书 go with the withdrawal, in the same transaction, so no paper outlives it.
  const count = await prisma.$transaction(async (tx) => {
    const { count } = await tx.classMember.updateMany({
      where: { classId, personId, status: "enrolled" },
      data: { status: "withdrawn", reason, decidedById: actorId, decidedAt: now, groupId: null, passed: null, excellent: false, graduatedAt: null },
    });
    if (count > 0) await tx.classCertificate.updateMany({ where: { classId, personId, current: true }, data: { current: null, revokedAt: now } });
    return count;
  });
  if (count === 0) throw new AppError("conflict", "该人员不是本班在读学员");
  await audit({ actorId, action: "class.withdraw", targetKind: "class", targetId: classId, detail: { personId, reason } });
}

/** The class's rows, newest first, with the person as the viewer may see them (the number masked without `people:sensitive`). */
export async function classMembers(classId: number, options: { within?: readonly string[] } = {}) {
  const rows = await prisma.classMember.findMany({
    where: { classId, ...(options.within ? { person: { unit: { OR: options.within.map((p) => ({ path: { startsWith: p } })) } } } : {}) },
    select: {
      personId: true,
      status: true,
      source: true,
      reason: true,
      groupId: true,
      createdAt: true,
      decidedAt: true,
      person: { select: { name: true, number: true, unit: { select: { name: true, path: true } } } },
    },
    orderBy: [{ createdAt: "asc" }, { personId: "asc" }],
  });
  return rows;
}

// ---------- enrolment by rule ----------

/** The people a class of this kind takes, as a query (the same rule as `kindRefusal`). */
function kindWhere(kind: ClassKind): Prisma.PersonWhereInput {
  const statuses = KIND_STATUSES[kind];
  return statuses ? { politicalStatus: { in: [...statuses] } } : { OR: [{ cadreLevel: { not: "none" } }, { isCommitteeMember: true }] };
}

export type EnrolRule = { statusSinceBefore: Date | null };

/** The people a rule selects: in the audience, of the class's kind, active, with no row in the class yet; never the organiser applying it. */
async function ruleCandidates(c: ClassForEnrolment, actorId: number, rule: EnrolRule, client: Prisma.TransactionClient = prisma) {
  return client.person.findMany({
    where: {
      id: { not: actorId },
      disabledAt: null,
      unit: { OR: c.audiencePaths.map((p) => ({ path: { startsWith: p } })) },
      ...kindWhere(c.kind),
      ...(rule.statusSinceBefore ? { statusSince: { lt: rule.statusSinceBefore } } : {}),
      classMembers: { none: { classId: c.id } },
    },
    select: { id: true, name: true, number: true, statusSince: true, unit: { select: { name: true, path: true } } },
    orderBy: [{ unitId: "asc" }, { number: "asc" }],
  });
}

/** What the rule would enrol: the count and the first rows, nothing written. */
export async function previewRule(actorId: number, classId: number, rule: EnrolRule, shown = 200) {
  const c = await classForEnrolment(classId);
  const people = await ruleCandidates(c, actorId, rule);
  return { count: people.length, people: people.slice(0, shown).map((p) => ({ ...p, statusSince: formatDate(p.statusSince) })) };
}

/**
 * Enrols everyone the rule selects, in one transaction: the selection is made again inside it, and
 * the primary key refuses a row someone added meanwhile, so the whole step is written or none of it.
 * `expected` is the count the organiser saw: a different count means the audience changed since.
 */
export async function enrolByRule(actorId: number, classId: number, rule: EnrolRule, expected: number) {
  const c = await classForEnrolment(classId);
  if (c.status === "finished") throw new AppError("conflict", "培训班已结束");
  try {
    const count = await prisma.$transaction(async (tx) => {
      const people = await ruleCandidates(c, actorId, rule, tx);
      if (people.length !== expected) {
        throw new AppError("conflict", `符合条件的人数已变为 ${people.length} 人（预览时为 ${expected} 人），请重新预览后再录取`);
      }
      if (people.length === 0) throw new AppError("too_few", "没有符合条件且尚未加入本班的人员");
      const now = new Date();
      await tx.classMember.createMany({
        data: people.map((p) => ({ classId, personId: p.id, status: "enrolled", source: "rule", decidedById: actorId, decidedAt: now })),
      });
      return people.length;
    });
    await audit({
      actorId,
      action: "class.enrol",
      targetKind: "class",
      targetId: classId,
      detail: { source: "rule", count, statusSinceBefore: rule.statusSinceBefore ? formatDate(rule.statusSinceBefore) : null },
    });
    return count;
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "名单在录取时发生变化，请重新预览后再录取");
    throw e;
  }
}

// ---------- candidates for a nominating secretary ----------

/** People a nominator may put forward: in their reach within the audience, of the class's kind, with no row yet. */
export async function nominationCandidates(classId: number, reachPaths: readonly string[], limit = 300) {
  if (!reachPaths.length) return [];
  const c = await classForEnrolment(classId);
  return prisma.person.findMany({
    where: {
      disabledAt: null,
      unit: { OR: reachPaths.map((p) => ({ path: { startsWith: p } })) },
      ...kindWhere(c.kind),
      classMembers: { none: { classId } },
    },
    select: { id: true, name: true, number: true, unit: { select: { name: true, path: true } } },
    orderBy: [{ unitId: "asc" }, { number: "asc" }],
    take: limit,
  });
}
