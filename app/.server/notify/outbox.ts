import crypto from "node:crypto";
import os from "node:os";
import { prisma } from "../db";
import { env } from "../env";
import { execute, query, sql } from "../sql";
import { DEFAULT_QUIET_HOURS, MAX_DELIVERY_ATTEMPTS, afterQuietHours, retryDelayMs } from "~/lib/notification-schedule";
import { type Channel, channels as defaultChannels } from "./channels";

// The outbox's sender (decision 054). A due row is claimed with one conditional update: state
// pending → sending, with this process's name and a lease, and only if it is still due (or its
// lease ran out): of two processes, exactly one changes the row and sends it. The result is written
// only while the row is still this process's claim. A process that dies mid-send leaves the row in
// `sending`; when its lease ends another process claims it again (so a restart loses nothing). Each
// claim counts an attempt, so a row that kills its sender is given up after MAX_DELIVERY_ATTEMPTS.

/** How long a claim holds: far longer than a send may take (each channel has its own time limit below it). */
export const LEASE_MS = 5 * 60_000;
/**
 * A send that has not finished by its time limit (NOTIFY_SEND_LIMIT_MS, a minute) is aborted through its
 * AbortSignal and counted as failed; a channel that ignores the signal is given up on a moment later.
 */
const ABORT_GRACE_MS = 2_000;

/** This process, as the outbox knows it. */
export const WORKER = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;

export type DeliveryTally = { sent: number; skipped: number; retried: number; failed: number };

/** Sends what is due, up to `limit` rows, `concurrency` at a time; returns what happened. */
export async function deliverDue(
  opts: { now?: Date; worker?: string; limit?: number; concurrency?: number; channels?: Channel[] } = {},
): Promise<DeliveryTally> {
  const now = opts.now ?? new Date();
  const worker = opts.worker ?? WORKER;
  const byName = new Map((opts.channels ?? defaultChannels()).map((c) => [c.name as string, c]));
  const due = await query<{ id: number | bigint }>(
    prisma,
    sql`SELECT "id" FROM "NotificationDelivery"
        WHERE ("state" = 'pending' AND "nextAttemptAt" <= ${now}) OR ("state" = 'sending' AND "leaseUntil" <= ${now})
        ORDER BY "nextAttemptAt", "id" LIMIT ${opts.limit ?? 200}`,
  );
  const tally: DeliveryTally = { sent: 0, skipped: 0, retried: 0, failed: 0 };
  const ids = due.map((r) => Number(r.id));
  const lanes = Array.from({ length: Math.min(opts.concurrency ?? 4, ids.length) }, async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
      const result = await deliverOne(id, now, worker, byName);
      if (result) tally[result]++;
    }
  });
  await Promise.all(lanes);
  return tally;
}

/** Claims one row; false when another process has it (or it is no longer due). */
export async function claimDelivery(id: number, now: Date, worker: string): Promise<boolean> {
  const changed = await execute(
    prisma,
    sql`UPDATE "NotificationDelivery" SET "state" = 'sending', "claimedBy" = ${worker}, "leaseUntil" = ${new Date(now.getTime() + LEASE_MS)}, "attempts" = "attempts" + 1
        WHERE "id" = ${id} AND (("state" = 'pending' AND "nextAttemptAt" <= ${now}) OR ("state" = 'sending' AND "leaseUntil" <= ${now}))`,
  );
  return changed === 1;
}

async function deliverOne(id: number, now: Date, worker: string, byName: Map<string, Channel>): Promise<keyof DeliveryTally | null> {
  if (!(await claimDelivery(id, now, worker))) return null;
  const row = await prisma.notificationDelivery.findUnique({
    where: { id },
    select: {
      channel: true,
      attempts: true,
      notification: {
        select: {
          kind: true,
          title: true,
          body: true,
          url: true,
          dedupeKey: true,
          person: { select: { id: true, name: true, disabledAt: true, notificationSettings: { select: { email: true, quietStart: true, quietEnd: true } } } },
        },
      },
    },
  });
  if (!row) return null;
  const n = row.notification;
  const settings = n.person.notificationSettings;
  const finish = (state: "sent" | "skipped" | "failed" | "pending", extra: { lastError?: string | null; nextAttemptAt?: Date } = {}) =>
    execute(
      prisma,
      sql`UPDATE "NotificationDelivery" SET "state" = ${state}, "claimedBy" = NULL, "leaseUntil" = NULL, "lastError" = ${extra.lastError ?? null},
            "sentAt" = ${state === "sent" ? new Date() : null}, "nextAttemptAt" = ${extra.nextAttemptAt ?? now}
          WHERE "id" = ${id} AND "state" = 'sending' AND "claimedBy" = ${worker}`,
    );
  if (row.attempts > MAX_DELIVERY_ATTEMPTS) {
    await finish("failed", { lastError: "多次尝试均未完成发送" });
    return "failed";
  }
  const channel = byName.get(row.channel);
  if (!channel || !channel.configured()) {
    await finish("skipped", { lastError: "服务器未配置此渠道" });
    return "skipped";
  }
  if (n.person.disabledAt) {
    await finish("skipped", { lastError: "账号已停用" });
    return "skipped";
  }
  try {
    const result = await withTimeLimit((signal) =>
      channel.send(
        { deliveryId: id, kind: n.kind, title: n.title, body: n.body, url: n.url, dedupeKey: n.dedupeKey },
        { id: n.person.id, name: n.person.name, email: settings?.email ?? null },
        signal,
      ),
    );
    if (result.outcome === "sent") await finish("sent");
    else await finish("skipped", { lastError: result.reason });
    return result.outcome;
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    if (row.attempts >= MAX_DELIVERY_ATTEMPTS) {
      await finish("failed", { lastError: error });
      return "failed";
    }
    const quiet = settings
      ? settings.quietStart !== null && settings.quietEnd !== null
        ? { start: settings.quietStart, end: settings.quietEnd }
        : null
      : DEFAULT_QUIET_HOURS;
    await finish("pending", { lastError: error, nextAttemptAt: afterQuietHours(new Date(now.getTime() + retryDelayMs(row.attempts)), quiet) });
    return "retried";
  }
}

/**
 * Runs a send under an AbortSignal that fires at the time limit; what the channel returns after aborting
 * (a push that reached one browser of several) counts. A channel that does not stop is left behind after a grace.
 */
function withTimeLimit<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limitMs = env.notifySendLimitMs;
  const controller = new AbortController();
  const abort = setTimeout(() => controller.abort(), limitMs);
  let giveUp: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    giveUp = setTimeout(() => reject(new Error(`发送超时（${limitMs / 1000} 秒）`)), limitMs + ABORT_GRACE_MS);
  });
  return Promise.race([work(controller.signal), late]).finally(() => {
    clearTimeout(abort);
    clearTimeout(giveUp);
  });
}
