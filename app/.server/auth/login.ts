import { audit } from "../audit";
import { prisma } from "../db";
import { clientAddress } from "../http/context";
import { burnVerifyTime, hashPassword, verifyPassword } from "./password";
import { invalidateAllSessions, startSession } from "./session";
import { claimSignIn } from "./throttle";

/** The one message for every failed sign-in, so a failure tells nothing about the account. */
export const LOGIN_FAILED_MESSAGE = "账号或密码不正确，或尝试过于频繁，请稍后再试。";

export type LoginResult = { ok: true; cookie: string; mustChangePassword: boolean } | { ok: false };

export async function signIn(number: string, password: string): Promise<LoginResult> {
  // The key is the number as typed (trimmed): the lookup is exact, so "A1" and "a1" are different accounts.
  const accountKey = number.trim();
  const address = clientAddress();
  // Counted when it starts, against the account from this address, the account and the address (decision 029).
  const claim = await claimSignIn(accountKey, address);
  if (!claim) {
    await audit({ actorId: null, action: "login.failure", targetKind: "account", targetId: accountKey, detail: { reason: "throttled" } });
    return { ok: false };
  }

  let ok = false;
  try {
    const person = await prisma.person.findUnique({
      where: { number: accountKey },
      select: { id: true, disabledAt: true, password: { select: { hash: true, mustChange: true } } },
    });
    const valid = person?.password ? await verifyPassword(person.password.hash, password) : (await burnVerifyTime(password), false);
    if (!person || !valid || person.disabledAt) {
      await audit({
        actorId: person?.id ?? null,
        action: "login.failure",
        targetKind: "account",
        targetId: accountKey,
        detail: { reason: !person ? "unknown" : person.disabledAt && valid ? "disabled" : "password" },
      });
      return { ok: false };
    }
    ok = true;
    const cookie = await startSession(person.id);
    await audit({ actorId: person.id, action: "login.success", targetKind: "person", targetId: person.id });
    return { ok: true, cookie, mustChangePassword: person.password!.mustChange };
  } finally {
    await claim.end(ok);
  }
}

export type PasswordChangeResult = { ok: true; cookie: string } | { ok: false; field: "currentPassword"; message: string };

/**
 * Changes one's own password, ends every session of the account (this one included) and returns the
 * cookie of a fresh session. Wrong current passwords count against the sign-in throttle.
 */
export async function changeOwnPassword(personId: number, number: string, current: string, next: string): Promise<PasswordChangeResult> {
  const claim = await claimSignIn(number, clientAddress());
  if (!claim) {
    return { ok: false, field: "currentPassword", message: "尝试过于频繁，请稍后再试" };
  }
  let ok = false;
  try {
    const row = await prisma.password.findUnique({ where: { personId }, select: { hash: true } });
    if (!row || !(await verifyPassword(row.hash, current))) {
      return { ok: false, field: "currentPassword", message: "当前密码不正确" };
    }
    ok = true;
  } finally {
    await claim.end(ok);
  }
  const hash = await hashPassword(next);
  await prisma.password.update({ where: { personId }, data: { hash, mustChange: false } });
  await invalidateAllSessions(personId);
  const cookie = await startSession(personId);
  await audit({ actorId: personId, action: "password.change", targetKind: "person", targetId: personId });
  return { ok: true, cookie };
}

/** An administrator sets a temporary password; the person must change it at the next sign-in. */
export async function resetPassword(actorId: number, personId: number, temporary: string) {
  const hash = await hashPassword(temporary);
  await prisma.password.upsert({
    where: { personId },
    create: { personId, hash, mustChange: true },
    update: { hash, mustChange: true },
  });
  await invalidateAllSessions(personId);
  await audit({ actorId, action: "password.reset", targetKind: "person", targetId: personId });
}
