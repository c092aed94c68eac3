import { prisma } from "../db";
import { NOTIFICATION_CHANNELS, NOTIFICATION_KIND_KEYS, type NotificationChannel, type NotificationKind, channelEnabled } from "~/lib/notification-kinds";
import { DEFAULT_QUIET_HOURS, type QuietHours } from "~/lib/notification-schedule";
import { configuredChannelNames } from "./channels";
import { auditSettingsChange, settingsSnapshot } from "./settings-audit";
import { vapidKeys } from "./vapid";

// A person's notification settings page: switches per kind and channel, quiet hours, the email
// address, and the browsers subscribed to push. Everything is read and written for the caller only.

export async function notificationSettings(personId: number) {
  const [prefs, settings, subscriptions] = await Promise.all([
    prisma.notificationPreference.findMany({ where: { personId }, select: { kind: true, channel: true, enabled: true } }),
    prisma.notificationSettings.findUnique({ where: { personId }, select: { quietStart: true, quietEnd: true, email: true } }),
    prisma.pushSubscription.findMany({
      where: { personId },
      orderBy: { id: "asc" },
      select: { id: true, endpoint: true, userAgent: true, createdAt: true, lastSuccessAt: true },
    }),
  ]);
  const overrides = new Map(prefs.map((p) => [`${p.kind}:${p.channel}`, p.enabled]));
  const quiet: QuietHours = settings
    ? settings.quietStart !== null && settings.quietEnd !== null
      ? { start: settings.quietStart, end: settings.quietEnd }
      : null
    : DEFAULT_QUIET_HOURS;
  return {
    switches: NOTIFICATION_KIND_KEYS.map((kind) => ({
      kind,
      channels: NOTIFICATION_CHANNELS.map((channel) => ({ channel, enabled: channelEnabled(kind, channel, overrides) })),
    })),
    configuredChannels: configuredChannelNames(),
    quiet,
    email: settings?.email ?? null,
    // The push service's host only: the rest of an endpoint is a capability and never shown.
    subscriptions: subscriptions.map((s) => ({ ...s, endpoint: new URL(s.endpoint).host })),
    vapidPublicKey: vapidKeys().publicKey,
  };
}

/** Stores every switch as chosen (one row per kind and channel), the quiet hours and the email, in one transaction. */
export async function saveNotificationSettings(
  personId: number,
  input: { enabled: ReadonlySet<string>; quiet: QuietHours; email: string | null },
): Promise<void> {
  const rows = NOTIFICATION_KIND_KEYS.flatMap((kind: NotificationKind) =>
    NOTIFICATION_CHANNELS.map((channel: NotificationChannel) => ({ personId, kind, channel, enabled: input.enabled.has(`${kind}:${channel}`) })),
  );
  const settings = { quietStart: input.quiet?.start ?? null, quietEnd: input.quiet?.end ?? null, email: input.email };
  const before = await settingsSnapshot(personId);
  await prisma.$transaction([
    prisma.notificationPreference.deleteMany({ where: { personId } }),
    prisma.notificationPreference.createMany({ data: rows }),
    prisma.notificationSettings.upsert({ where: { personId }, create: { personId, ...settings }, update: settings }),
  ]);
  await auditSettingsChange(personId, before, await settingsSnapshot(personId));
}

/** What the notification tables hold about a person, for their personal-data page (decision 033). */
export async function notificationDataOf(personId: number, limit: number) {
  const [settings, subscriptions, notifications] = await Promise.all([
    prisma.notificationSettings.findUnique({ where: { personId }, select: { quietStart: true, quietEnd: true, email: true } }),
    prisma.pushSubscription.findMany({
      where: { personId },
      orderBy: { id: "asc" },
      select: { endpoint: true, userAgent: true, createdAt: true, lastSuccessAt: true },
    }),
    prisma.notification.findMany({
      where: { personId },
      orderBy: { id: "desc" },
      take: limit,
      select: { kind: true, title: true, body: true, createdAt: true, readAt: true },
    }),
  ]);
  return { settings, subscriptions: subscriptions.map((s) => ({ ...s, endpoint: new URL(s.endpoint).host })), notifications };
}
