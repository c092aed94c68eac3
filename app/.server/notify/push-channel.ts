import type https from "node:https";
import webpush, { WebPushError } from "web-push";
import { prisma } from "../db";
import { type Channel } from "./channels";
import { type VapidKeys, vapidKeys } from "./vapid";

// Web Push (RFC 8030/8291/8292) through the `web-push` library, to every browser the person has
// subscribed. The payload is small JSON the service worker shows: { title, body, url, tag }, tag being
// the dedupeKey, so a delivery repeated after a crash replaces the shown notification instead of adding one.
// A subscription the push service no longer knows (404, 410) is removed.

/** How long one push request may take; far below the outbox lease. */
const PUSH_TIMEOUT_MS = 15_000;
/** How long the push service keeps a message for a phone that is off. */
const TTL_SECONDS = 24 * 3600;

export function createPushChannel(opts: { vapid?: () => VapidKeys; agent?: https.Agent } = {}): Channel {
  const keys = opts.vapid ?? vapidKeys;
  return {
    name: "push",
    configured: () => true,
    async send(message, person) {
      const subs = await prisma.pushSubscription.findMany({ where: { personId: person.id }, select: { id: true, endpoint: true, p256dh: true, auth: true } });
      if (!subs.length) return { outcome: "skipped", reason: "未在任何设备上开启推送" };
      const vapid = keys();
      const payload = JSON.stringify({ title: message.title, body: message.body, url: message.url ?? "/notifications", tag: message.dedupeKey });
      let sent = 0;
      let gone = 0;
      const errors: string[] = [];
      for (const s of subs) {
        try {
          await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, {
            vapidDetails: vapid,
            TTL: TTL_SECONDS,
            timeout: PUSH_TIMEOUT_MS,
            ...(opts.agent ? { agent: opts.agent } : {}),
          });
          sent++;
          await prisma.pushSubscription.updateMany({ where: { id: s.id }, data: { lastSuccessAt: new Date() } });
        } catch (e) {
          if (e instanceof WebPushError && (e.statusCode === 404 || e.statusCode === 410)) {
            gone++;
            await prisma.pushSubscription.deleteMany({ where: { id: s.id } });
          } else errors.push(e instanceof WebPushError ? `${e.statusCode} ${e.body || e.message}`.slice(0, 200) : String(e).slice(0, 200));
        }
      }
      if (sent) return { outcome: "sent" };
      if (gone === subs.length) return { outcome: "skipped", reason: "推送订阅已失效，已删除" };
      throw new Error(`推送失败：${errors.join("; ")}`);
    },
  };
}
