import crypto from "node:crypto";
import { AppError } from "~/lib/app-error";
import { endpointProblem } from "~/lib/push-endpoint";
import { Prisma } from "../generated/prisma/client";
import { prisma } from "../db";
import { env } from "../env";
import { auditSubscription } from "./settings-audit";

// The browsers a person has subscribed to push (decisions 054 and 060). An endpoint is stored only
// on a known push service (or one the operator named), with the session that subscribed it, so that
// signing out removes it (the foreign key cascades from Session). At most MAX_PUSH_SUBSCRIPTIONS a
// person: the oldest goes when a new one comes, which is what someone re-installing the app expects.
// An endpoint already stored for someone else moves to the caller only with the same keys: the same
// browser profile, now signed in as the caller. Other keys mean someone who learnt the endpoint.

export const MAX_PUSH_SUBSCRIPTIONS = 10;

export type NewPushSubscription = { endpoint: string; p256dh: string; auth: string; userAgent: string | null };

/** Keeps a browser's subscription for the caller, tied to the session that made it. */
export async function savePushSubscription(personId: number, sessionId: string | null, sub: NewPushSubscription): Promise<void> {
  const problem = endpointProblem(sub.endpoint, env.pushHosts);
  if (problem) throw new AppError("invalid", problem, { field: "endpoint" });
  try {
    await prisma.$transaction(async (tx) => {
      const existing = await tx.pushSubscription.findUnique({
        where: { endpoint: sub.endpoint },
        select: { id: true, personId: true, p256dh: true, auth: true },
      });
      if (existing && existing.personId !== personId && !(sameKey(existing.p256dh, sub.p256dh) && sameKey(existing.auth, sub.auth))) {
        throw new AppError("conflict", "这个浏览器的推送已由另一个账号开启：请先在本浏览器中退出那个账号，或由其在通知设置中移除本设备，再开启推送", {
          field: "endpoint",
          reason: "other_owner",
        });
      }
      const data = { personId, sessionId, p256dh: sub.p256dh, auth: sub.auth, userAgent: sub.userAgent, createdAt: new Date() };
      if (existing) await tx.pushSubscription.update({ where: { id: existing.id }, data });
      else await tx.pushSubscription.create({ data: { ...data, endpoint: sub.endpoint } });
      const beyond = await tx.pushSubscription.findMany({
        where: { personId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip: MAX_PUSH_SUBSCRIPTIONS,
        select: { id: true },
      });
      if (beyond.length) await tx.pushSubscription.deleteMany({ where: { id: { in: beyond.map((b) => b.id) } } });
    });
    await auditSubscription(personId, "subscribe", sub.endpoint);
  } catch (e) {
    // Two requests storing the same new endpoint at once: the second finds it stored when tried again.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new AppError("conflict", "推送订阅正在保存，请稍后重试", { field: "endpoint" });
    throw e;
  }
}

/** Removes one of the caller's subscriptions; false when it is not theirs. */
export async function removePushSubscription(personId: number, id: number): Promise<boolean> {
  const sub = await prisma.pushSubscription.findFirst({ where: { id, personId }, select: { endpoint: true } });
  const removed = (await prisma.pushSubscription.deleteMany({ where: { id, personId } })).count === 1;
  if (removed && sub) await auditSubscription(personId, "unsubscribe", sub.endpoint);
  return removed;
}

/** The same key, however its base64url was padded; compared in constant time (auth is a secret). */
function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a, "base64url");
  const y = Buffer.from(b, "base64url");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
