import { audit } from "../../audit";
import { prisma } from "../../db";
import { env } from "../../env";
import { activatedBySso } from "../activation";
import { endBrowserSession } from "../guard";
import { startSession } from "../session";

// What happens once a campus identity provider has vouched for someone: its user id is the 学号/工号
// (Person.number); an unknown or disabled person is refused with a message saying so, and every
// outcome is in the audit log beside the password sign-ins.

export type SsoVia = "cas" | "oidc";

export type SsoRefusalReason = "flow" | "cancelled" | "invalid" | "unavailable" | "no_id" | "unknown" | "disabled";

export type SsoOutcome = { ok: true; cookie: string } | { ok: false; reason: SsoRefusalReason; status: number; message: string };

export function refusal(reason: SsoRefusalReason, number?: string): Extract<SsoOutcome, { ok: false }> {
  const label = env.sso.label;
  switch (reason) {
    case "flow":
      return { ok: false, reason, status: 400, message: `登录请求已过期或不是从本浏览器发起的，请重新点击“${label}登录”。` };
    case "cancelled":
      return { ok: false, reason, status: 400, message: `${label}未完成登录，请重试。` };
    case "invalid":
      return { ok: false, reason, status: 400, message: `${label}未能确认您的身份（凭据无效或已使用），请重新登录。` };
    case "unavailable":
      return { ok: false, reason, status: 502, message: `${label}服务暂时无法访问，请稍后再试，或使用学号/工号和密码登录。` };
    case "no_id":
      return { ok: false, reason, status: 403, message: `${label}没有提供您的学号/工号，无法登录。请联系系统管理员。` };
    case "unknown":
      return {
        ok: false,
        reason,
        status: 403,
        message: `${label}已确认您的身份，但网上党校中没有学号/工号为 ${number ?? ""} 的账号。请联系所在党组织的管理员开通。`,
      };
    case "disabled":
      return { ok: false, reason, status: 403, message: "您的网上党校账号已停用，无法登录。如有疑问请联系所在党组织的管理员。" };
  }
}

/** Records a refusal before the provider named anyone (a stale link, a bad ticket, the provider down). */
export async function auditRefusal(via: SsoVia, reason: SsoRefusalReason, detail: Record<string, unknown> = {}) {
  await audit({ actorId: null, action: "login.failure", targetKind: "account", detail: { via, reason, ...detail } });
}

/**
 * Signs in the person the identity provider named. Signing in again (another account on a shared
 * phone) ends the session the browser had, as the password sign-in does.
 */
export async function signInWithIdentity(request: Request, providerId: string, via: SsoVia): Promise<SsoOutcome> {
  const number = providerId.trim();
  if (!number || number.length > 64) {
    await auditRefusal(via, "no_id");
    return refusal("no_id");
  }
  const person = await prisma.person.findUnique({ where: { number }, select: { id: true, disabledAt: true } });
  if (!person || person.disabledAt) {
    const reason = person ? "disabled" : "unknown";
    await audit({ actorId: person?.id ?? null, action: "login.failure", targetKind: "account", targetId: number, detail: { via, reason } });
    return refusal(reason, number);
  }
  await endBrowserSession(request);
  await activatedBySso(person.id);
  const cookie = await startSession(person.id);
  await audit({ actorId: person.id, action: "login.success", targetKind: "person", targetId: person.id, detail: { via } });
  return { ok: true, cookie };
}
