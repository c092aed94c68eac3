import { createHash } from "node:crypto";
import { z } from "zod";
import { generateActivationCode } from "~/lib/activation-code";
import { AppError, type AppErrorCode } from "~/lib/app-error";
import { formatChinaDateTime } from "~/lib/dates";
import { type Grant, grantsOutrank } from "~/lib/permissions";
import { type Role } from "~/lib/vocabulary";
import { audit } from "../audit";
import { prisma } from "../db";
import { env } from "../env";
import { type Prisma } from "../generated/prisma/client";
import { clientAddress } from "../http/context";
import { hashPassword } from "./password";
import { startSession } from "./session";
import { claimSignIn } from "./throttle";

// Account activation (decision 030): instead of a password shared by everyone of an import, each
// person gets a one-time code, printed on a slip or sent from a spreadsheet, with which they choose
// their own password. Only the code's SHA-256 is stored; the code itself exists in the response that
// issues it and nowhere else. A code expires, is consumed once by a conditional update, and issuing
// a new one revokes the older ones.

export type ActivationRefusal = "wrong" | "expired" | "used" | "revoked" | "disabled" | "throttled" | "active" | "none" | "too_many" | "empty";

// The finer refusal stays as the error's reason (the audit log and the activation page read it); the
// code carries the status the pages have always answered with.
const CODE: Record<ActivationRefusal, AppErrorCode> = {
  wrong: "bad_code",
  expired: "bad_code",
  used: "bad_code",
  revoked: "bad_code",
  disabled: "invalid",
  throttled: "throttled",
  active: "already_done",
  none: "conflict",
  too_many: "invalid",
  empty: "too_few",
};

function activationError(reason: ActivationRefusal, message: string): AppError {
  return new AppError(CODE[reason], message, { reason });
}

const WRONG_CODE_MESSAGE = "学号/工号或激活码不正确，请核对后再试。";
const THROTTLED_MESSAGE = "尝试过于频繁，请稍后再试。";

const DAY_MS = 24 * 60 * 60 * 1000;
/** People written per statement when a batch is issued (one createMany of 5,000 exceeded the parameter limit). */
const SLICE = 500;
// 5,000 people took 0.2–2.3 s on a busy 2-core machine: Prisma's default 5 s could roll back a whole
// batch under load, for an action a secretary takes a few times a term.
const BATCH_TRANSACTION = { timeout: 30_000 };

/** Codes are 60 random bits, so a plain SHA-256 is enough to keep them out of the database. */
function activationCodeHash(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

/** Not activated: no password yet, or one the person never chose (an old shared import password, a reset). */
// Someone who has signed in through campus single sign-on uses the account without a password of ours:
// it is active, and a code (on a slip anyone might pick up) would let its holder add a password to it.
const NOT_ACTIVATED: Prisma.PersonWhereInput = { ssoSignedInAt: null, OR: [{ password: { is: null } }, { password: { is: { mustChange: true } } }] };

const validCode = (now: Date): Prisma.ActivationCodeWhereInput => ({ usedAt: null, revokedAt: null, expiresAt: { gt: now } });

export type IssuedCode = { personId: number; name: string; number: string; unitName: string; unitPath: string; code: string };
export type IssuedBatch = { expiresAt: Date; codes: IssuedCode[]; revoked: number };

type Candidate = Omit<IssuedCode, "code">;

/**
 * Writes one new code per person, revoking their unused ones, and withdraws any temporary password
 * (with its sessions): a secret somebody else may know stops working the moment a code replaces it.
 */
async function issue(actorId: number, people: readonly Candidate[]): Promise<IssuedBatch> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + env.activationDays * DAY_MS);
  const codes = people.map((p) => ({ ...p, code: generateActivationCode() }));
  const revoked = await prisma.$transaction(async (tx) => {
    let count = 0;
    // In slices: one statement per slice keeps under the database's limit of bound parameters.
    for (let i = 0; i < codes.length; i += SLICE) {
      const slice = codes.slice(i, i + SLICE);
      const ids = slice.map((c) => c.personId);
      count += (await tx.activationCode.updateMany({ where: { personId: { in: ids }, usedAt: null, revokedAt: null }, data: { revokedAt: now } })).count;
      await tx.activationCode.createMany({
        data: slice.map((c) => ({ personId: c.personId, codeHash: activationCodeHash(c.code), expiresAt, issuedById: actorId, issuedAt: now })),
      });
      const temporary = (await tx.password.findMany({ where: { personId: { in: ids }, mustChange: true }, select: { personId: true } })).map((t) => t.personId);
      if (temporary.length) {
        await tx.password.deleteMany({ where: { personId: { in: temporary } } });
        await tx.session.deleteMany({ where: { personId: { in: temporary } } });
      }
    }
    return count;
  }, BATCH_TRANSACTION);
  return { expiresAt, codes, revoked };
}

async function auditRevoked(actorId: number, revoked: number, targetKind: string, targetId: number, reason: string) {
  if (revoked > 0) await audit({ actorId, action: "activation.revoke", targetKind, targetId, detail: { codes: revoked, reason } });
}

// ---------- one person (the person's page) ----------

/**
 * A code for one person. Someone who already chose a password gets one only from a caller who may
 * reset passwords (`mayReplacePassword`): it is then the alternative to a temporary password.
 */
export async function issueForPerson(actorId: number, personId: number, { mayReplacePassword }: { mayReplacePassword: boolean }) {
  const person = await prisma.person.findUniqueOrThrow({
    where: { id: personId },
    select: {
      id: true,
      name: true,
      number: true,
      disabledAt: true,
      ssoSignedInAt: true,
      unit: { select: { name: true, path: true } },
      password: { select: { mustChange: true } },
    },
  });
  if (person.disabledAt) throw activationError("disabled", "该账号已停用，请先启用账号再发放激活码");
  if (person.ssoSignedInAt && !mayReplacePassword) {
    throw activationError("active", "该账号已通过统一身份认证登录使用，无需激活码；如本人需要密码，请联系管理员");
  }
  if (person.password && !person.password.mustChange && !mayReplacePassword) {
    throw activationError("active", "该账号已激活（本人已设置密码）；如本人忘记密码，请联系管理员重置");
  }
  const batch = await issue(actorId, [{ personId, name: person.name, number: person.number, unitName: person.unit.name, unitPath: person.unit.path }]);
  await audit({
    actorId,
    action: "activation.issue",
    targetKind: "person",
    targetId: personId,
    detail: { people: 1, expiresAt: batch.expiresAt.toISOString() },
  });
  await auditRevoked(actorId, batch.revoked, "person", personId, "reissued");
  return { code: batch.codes[0].code, expiresAt: batch.expiresAt };
}

/**
 * The person has just signed in through campus single sign-on: from now on the account counts as
 * activated, and codes issued before (still on their slips) are revoked.
 */
export async function activatedBySso(personId: number): Promise<void> {
  const now = new Date();
  await prisma.person.updateMany({ where: { id: personId, ssoSignedInAt: null }, data: { ssoSignedInAt: now } });
  const { count } = await prisma.activationCode.updateMany({ where: { personId, ...validCode(now) }, data: { revokedAt: now } });
  await auditRevoked(personId, count, "person", personId, "sso");
}

export async function revokeForPerson(actorId: number, personId: number): Promise<void> {
  const { count } = await prisma.activationCode.updateMany({ where: { personId, ...validCode(new Date()) }, data: { revokedAt: new Date() } });
  if (count === 0) throw activationError("none", "该人员没有有效的激活码");
  await auditRevoked(actorId, count, "person", personId, "revoked");
}

/** What the person's page says about the account. */
export async function activationStateOf(personId: number) {
  const now = new Date();
  const latest = await prisma.activationCode.findFirst({
    where: { personId },
    orderBy: { id: "desc" },
    select: { expiresAt: true, usedAt: true, revokedAt: true },
  });
  if (!latest) return null;
  const status = latest.usedAt ? "used" : latest.revokedAt ? "revoked" : latest.expiresAt <= now ? "expired" : "valid";
  return { status, expiresAt: formatChinaDateTime(latest.expiresAt), usedAt: formatChinaDateTime(latest.usedAt) } as const;
}

// ---------- a unit (sheets for a branch, the secretary's spreadsheet) ----------

export type BatchScope = "pending" | "all";

/** The form that issues a unit's codes, posted to the slips page and to the workbook alike. */
export const IssueBatchSchema = z.object({
  unitId: z.coerce.number({ error: "请选择党组织" }).int().positive("请选择党组织"),
  scope: z.enum(["pending", "all"], { error: "请选择发放范围" }),
});

export const BATCH_LIMITS = { print: 1000, xlsx: 5000 } as const;

export type Issuer = { id: number; grants: readonly Grant[] };

/**
 * The people of a unit's subtree who have not activated their account: enabled, not the issuer, and
 * holding no grant the issuer does not hold over them (as for a password reset). "pending" leaves
 * out whoever still holds a valid code.
 */
async function candidates(issuer: Issuer, unitPath: string, scope: BatchScope, now: Date) {
  const rows = await prisma.person.findMany({
    where: {
      AND: [
        { unit: { path: { startsWith: unitPath } }, disabledAt: null, id: { not: issuer.id } },
        NOT_ACTIVATED,
        ...(scope === "pending" ? [{ activations: { none: validCode(now) } }] : []),
      ],
    },
    select: {
      id: true,
      name: true,
      number: true,
      unit: { select: { name: true, path: true } },
      grants: { where: { unit: { archivedAt: null } }, select: { role: true, unitId: true, unit: { select: { path: true } } } },
      activations: { where: validCode(now), select: { expiresAt: true }, orderBy: { id: "desc" }, take: 1 },
    },
    orderBy: [{ unitId: "asc" }, { number: "asc" }],
  });
  return rows.filter((p) =>
    grantsOutrank(
      issuer.grants,
      p.grants.map((g) => ({ role: g.role as Role, unitId: g.unitId, unitPath: g.unit.path })),
    ),
  );
}

/** The not-yet-activated people of a unit, for the page where a secretary issues their codes. */
export async function unitActivationList(issuer: Issuer, unitPath: string) {
  const now = new Date();
  const people = await candidates(issuer, unitPath, "all", now);
  return people.map((p) => ({
    id: p.id,
    name: p.name,
    number: p.number,
    unitName: p.unit.name,
    validUntil: p.activations[0] ? formatChinaDateTime(p.activations[0].expiresAt) : null,
  }));
}

/** Codes for the not-yet-activated people of a unit's subtree, at most `limit` of them in one go. */
export async function issueForUnit(issuer: Issuer, unit: { id: number; path: string }, scope: BatchScope, limit: number): Promise<IssuedBatch> {
  const people = await candidates(issuer, unit.path, scope, new Date());
  if (people.length === 0) {
    throw activationError("empty", scope === "pending" ? "没有需要发放激活码的人员：未激活的人员都已持有有效的激活码" : "该组织没有未激活的人员");
  }
  if (people.length > limit) {
    throw activationError("too_many", `共有 ${people.length} 人，超过一次最多 ${limit} 人的上限，请选择下级党组织分别生成`);
  }
  const batch = await issue(
    issuer.id,
    people.map((p) => ({ personId: p.id, name: p.name, number: p.number, unitName: p.unit.name, unitPath: p.unit.path })),
  );
  await audit({
    actorId: issuer.id,
    action: "activation.issue",
    targetKind: "unit",
    targetId: unit.id,
    detail: { people: batch.codes.length, scope, expiresAt: batch.expiresAt.toISOString() },
  });
  await auditRevoked(issuer.id, batch.revoked, "unit", unit.id, "reissued");
  return batch;
}

// ---------- using a code (signed out) ----------

async function refuse(code: ActivationRefusal, message: string, accountKey: string, personId: number | null): Promise<never> {
  await audit({ actorId: personId, action: "activation.failure", targetKind: "account", targetId: accountKey, detail: { reason: code } });
  throw activationError(code, message);
}

/**
 * Sets the person's own password with a code and signs them in. Attempts count against the sign-in
 * throttle of the account and of the address, like passwords. Of two requests racing with one code,
 * the conditional update lets exactly one through, on SQLite and PostgreSQL alike.
 */
export async function activateAccount(number: string, code: string, newPassword: string): Promise<{ personId: number; cookie: string }> {
  const accountKey = number.trim();
  const address = clientAddress();
  // Counted when it starts, like a password attempt (decision 029): the account from this address, the
  // account from everywhere, and the address.
  const claim = await claimSignIn(accountKey, address);
  if (!claim) return refuse("throttled", THROTTLED_MESSAGE, accountKey, null);
  let failed = true;
  try {
    const row = await prisma.activationCode.findUnique({
      where: { codeHash: activationCodeHash(code) },
      select: { id: true, expiresAt: true, usedAt: true, revokedAt: true, person: { select: { id: true, number: true, disabledAt: true } } },
    });
    // A code of somebody else reads as a wrong code: it tells nothing about whose it is.
    if (!row || row.person.number !== accountKey) {
      return await refuse("wrong", WRONG_CODE_MESSAGE, accountKey, null);
    }
    const personId = row.person.id;
    if (row.usedAt) return await refuse("used", "该激活码已经使用过，不能再次使用。如已设置密码，请直接登录。", accountKey, personId);
    if (row.revokedAt) return await refuse("revoked", "该激活码已作废（已为您重新发放），请使用最新收到的激活码。", accountKey, personId);
    if (row.expiresAt <= new Date()) {
      return await refuse("expired", `该激活码已于 ${formatChinaDateTime(row.expiresAt)} 过期，请联系所在党组织书记重新发放。`, accountKey, personId);
    }
    if (row.person.disabledAt) return await refuse("disabled", "该账号已停用，请联系所在党组织。", accountKey, personId);

    const hash = await hashPassword(newPassword);
    const consumed = await prisma.$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.activationCode.updateMany({ where: { id: row.id, ...validCode(now) }, data: { usedAt: now } });
      if (count !== 1) return false;
      await tx.password.upsert({ where: { personId }, create: { personId, hash, mustChange: false }, update: { hash, mustChange: false } });
      await tx.session.deleteMany({ where: { personId } });
      return true;
    });
    if (!consumed) return await refuse("used", "该激活码已经使用过，不能再次使用。如已设置密码，请直接登录。", accountKey, personId);
    failed = false;
    const cookie = await startSession(personId);
    await audit({ actorId: personId, action: "activation.use", targetKind: "person", targetId: personId });
    return { personId, cookie };
  } finally {
    await claim.end(!failed);
  }
}
