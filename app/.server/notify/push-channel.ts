import https from "node:https";
import webpush from "web-push";
import { endpointProblem } from "~/lib/push-endpoint";
import { prisma } from "../db";
import { env } from "../env";
import { type Channel } from "./channels";
import { pushAgent } from "./push-agent";
import { MAX_PUSH_SUBSCRIPTIONS } from "./push-subscriptions";
import { type VapidKeys, vapidKeys } from "./vapid";

// Web Push (RFC 8030/8291/8292): `web-push` builds the encrypted request, and it is sent here, to
// every browser the person has subscribed, all at once, under the outbox's AbortSignal: a push
// service that never answers cannot hold an outbox lane past the delivery's time limit (decision 060).
// The payload is small JSON the service worker shows: { title, body, url, tag }, tag being the
// dedupeKey, so a delivery repeated after a crash replaces the shown notification instead of adding one.
// An endpoint is checked again before each send (a row stored before decision 060 may point anywhere)
// and connected to through an agent that refuses non-public addresses. A subscription the push
// service no longer knows (404, 410) is removed.

/** How long one push request may take; far below the outbox lease. */
const PUSH_TIMEOUT_MS = 15_000;
/** How long the push service keeps a message for a phone that is off. */
const TTL_SECONDS = 24 * 3600;
/** How much of a push service's answer is kept (for lastError); the rest is not read into memory. */
const ANSWER_CHARS = 200;

type PushAnswer = { status: number; body: string };

export function createPushChannel(opts: { vapid?: () => VapidKeys; ca?: Buffer } = {}): Channel {
  const keys = opts.vapid ?? vapidKeys;
  let agent: https.Agent | undefined;
  return {
    name: "push",
    configured: () => true,
    async send(message, person, signal) {
      const subs = await prisma.pushSubscription.findMany({
        where: { personId: person.id },
        orderBy: { id: "desc" },
        take: MAX_PUSH_SUBSCRIPTIONS,
        select: { id: true, endpoint: true, p256dh: true, auth: true },
      });
      if (!subs.length) return { outcome: "skipped", reason: "未在任何设备上开启推送" };
      const allowed = subs.filter((s) => endpointProblem(s.endpoint, env.pushHosts) === null);
      if (!allowed.length) return { outcome: "skipped", reason: "推送地址不在允许的推送服务之列，未发送" };
      agent ??= pushAgent(env.pushHosts, opts.ca);
      const vapid = keys();
      const payload = JSON.stringify({ title: message.title, body: message.body, url: message.url ?? "/notifications", tag: message.dedupeKey });
      const results = await Promise.all(
        allowed.map(async (s) => {
          try {
            const details = webpush.generateRequestDetails({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, {
              vapidDetails: vapid,
              TTL: TTL_SECONDS,
            });
            const answer = await post(details, agent!, signal);
            if (answer.status >= 200 && answer.status < 300) {
              await prisma.pushSubscription.updateMany({ where: { id: s.id }, data: { lastSuccessAt: new Date() } });
              return "sent" as const;
            }
            if (answer.status === 404 || answer.status === 410) {
              await prisma.pushSubscription.deleteMany({ where: { id: s.id } });
              return "gone" as const;
            }
            return `${answer.status} ${answer.body}`.slice(0, ANSWER_CHARS);
          } catch (e) {
            return (e instanceof Error ? e.message : String(e)).slice(0, ANSWER_CHARS);
          }
        }),
      );
      if (results.includes("sent")) return { outcome: "sent" };
      if (results.every((r) => r === "gone")) return { outcome: "skipped", reason: "推送订阅已失效，已删除" };
      throw new Error(`推送失败：${results.filter((r) => r !== "gone").join("; ")}`);
    },
  };
}

/** One push request; aborted by `signal`, and by its own timeout when the service stops answering. */
function post(details: webpush.RequestDetails, agent: https.Agent, signal: AbortSignal | undefined): Promise<PushAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(details.endpoint, { method: details.method, headers: details.headers, agent, signal, timeout: PUSH_TIMEOUT_MS }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (body.length < ANSWER_CHARS) body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: body.slice(0, ANSWER_CHARS) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`推送服务 ${PUSH_TIMEOUT_MS / 1000} 秒无响应`)));
    req.on("error", (e) => reject(signal?.aborted ? new Error("发送超时，已中止") : e));
    req.end(details.body ?? undefined);
  });
}
