import { maskEmail } from "~/lib/mask";
import { NOTIFICATION_CHANNELS, NOTIFICATION_KIND_KEYS, channelEnabled } from "~/lib/notification-kinds";
import { type QuietHours, DEFAULT_QUIET_HOURS } from "~/lib/notification-schedule";
import { audit } from "../audit";
import { prisma } from "../db";

// The audit of a person's notification settings (issue 19): what a save changed (switches turned on or
// off, quiet hours, the email address, masked), and each browser subscribed or removed (its push
// service's host only: the endpoint is a capability). Kept apart from preferences.ts so the settings'
// own logic and its record stay two small pieces. A save that changes nothing writes nothing.

export type SettingsSnapshot = { switches: Map<string, boolean>; quiet: QuietHours; email: string | null };

/** What a person's settings are now: every switch as in force (a kind without a row has its default). */
export async function settingsSnapshot(personId: number): Promise<SettingsSnapshot> {
  const [prefs, settings] = await Promise.all([
    prisma.notificationPreference.findMany({ where: { personId }, select: { kind: true, channel: true, enabled: true } }),
    prisma.notificationSettings.findUnique({ where: { personId }, select: { quietStart: true, quietEnd: true, email: true } }),
  ]);
  const overrides = new Map(prefs.map((p) => [`${p.kind}:${p.channel}`, p.enabled]));
  return {
    switches: new Map(
      NOTIFICATION_KIND_KEYS.flatMap((kind) => NOTIFICATION_CHANNELS.map((ch) => [`${kind}:${ch}`, channelEnabled(kind, ch, overrides)] as const)),
    ),
    quiet: settings
      ? settings.quietStart !== null && settings.quietEnd !== null
        ? { start: settings.quietStart, end: settings.quietEnd }
        : null
      : DEFAULT_QUIET_HOURS,
    email: settings?.email ?? null,
  };
}

const clock = (q: QuietHours) =>
  q ? [q.start, q.end].map((m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`).join("–") : "关闭";

/** Audits the difference between two snapshots of one person's settings, when there is one. */
export async function auditSettingsChange(personId: number, before: SettingsSnapshot, after: SettingsSnapshot): Promise<void> {
  const detail: Record<string, unknown> = {};
  const turnedOn: string[] = [];
  const turnedOff: string[] = [];
  for (const [key, enabled] of after.switches) {
    if (before.switches.get(key) === enabled) continue;
    (enabled ? turnedOn : turnedOff).push(key);
  }
  if (turnedOn.length) detail.on = turnedOn;
  if (turnedOff.length) detail.off = turnedOff;
  if (clock(before.quiet) !== clock(after.quiet)) detail.quiet = { from: clock(before.quiet), to: clock(after.quiet) };
  if (before.email !== after.email) detail.email = { from: before.email && maskEmail(before.email), to: after.email && maskEmail(after.email) };
  if (!Object.keys(detail).length) return;
  await audit({ actorId: personId, action: "notification.settings", targetKind: "person", targetId: personId, detail });
}

/** Audits a browser subscribed to push for the person, or one of hers removed: only the push service's host is recorded. */
export async function auditSubscription(personId: number, change: "subscribe" | "unsubscribe", endpoint: string): Promise<void> {
  await audit({ actorId: personId, action: `notification.${change}`, targetKind: "person", targetId: personId, detail: { host: new URL(endpoint).host } });
}
