import { type Prisma } from "../generated/prisma/client";
import { type prisma, sqlDb } from "../db";
import { type Sql, inList, join, query, sql } from "../sql";
import { type NotificationChannel, type NotificationKind, channelEnabled } from "~/lib/notification-kinds";
import { DEFAULT_QUIET_HOURS, type QuietHours, afterQuietHours } from "~/lib/notification-schedule";
import { configuredChannelNames } from "./channels";
import { INBOX_CHUNK, inboxRowsInsert } from "./inbox-rows";

// The one way anything notifies a person (decision 054): an inbox row per person, at once, unique on
// (person, dedupeKey) so a second call for the same thing writes nothing (INSERT … ON CONFLICT DO
// NOTHING, on SQLite and PostgreSQL alike, which also holds when two processes race); and an outbox
// row per channel the person has on for this kind, due at `notBefore` (or now), moved past the
// person's quiet hours. The outbox runner sends them later, off the request. Pass the caller's `tx`
// so the notification commits with what caused it, or rolls back with it. Without one, the statements
// run on the async data layer, `sqlDb()` (decision 074): a pinned notice to 12,000 people is then 24
// short statements, not seconds of Prisma's per-row work.
// Inside a transaction callback always pass its `tx`: on SQLite a write of `sqlDb()` waits for
// Prisma's open transaction to end (decision 074), which would be its own.

export type NotifyInput = {
  personIds: readonly number[];
  kind: NotificationKind;
  title: string;
  body: string;
  /** A same-site path the notification opens ("/discuss/…"). */
  url?: string | null;
  /** What this is about, stable across calls: "mention:post:12", "notice:7", "meeting:3:eve". */
  dedupeKey: string;
  /** When the outside channels may send (a reminder scheduled ahead); the inbox row is written now. */
  notBefore?: Date;
};

type Client = Prisma.TransactionClient | typeof prisma;
type Run = <Row>(stmt: Sql) => Promise<Row[]>;

/** Notifies; returns the ids of the persons newly notified (those already notified under the key are left alone). */
export async function notify(tx: Client | undefined, input: NotifyInput): Promise<number[]> {
  const run: Run = tx ? (stmt) => query(tx, stmt) : <Row>(stmt: Sql) => sqlDb().all<Row>(stmt);
  const personIds = [...new Set(input.personIds)];
  if (!personIds.length) return [];
  const now = new Date();
  const due = input.notBefore && input.notBefore > now ? input.notBefore : now;
  const channels = configuredChannelNames();
  const created: number[] = [];
  for (let i = 0; i < personIds.length; i += INBOX_CHUNK) {
    const chunk = personIds.slice(i, i + INBOX_CHUNK);
    const rows = await run<{ id: number | bigint; personId: number | bigint }>(inboxRowsInsert(chunk, input, now));
    const fresh = rows.map((r) => ({ id: Number(r.id), personId: Number(r.personId) }));
    created.push(...fresh.map((r) => r.personId));
    if (!fresh.length || !channels.length) continue;
    const choices = await personChoices(
      run,
      input.kind,
      fresh.map((r) => r.personId),
    );
    const deliveries = fresh.flatMap((r) => {
      const c = choices.get(r.personId);
      const at = afterQuietHours(due, c ? c.quiet : DEFAULT_QUIET_HOURS);
      return channels
        .filter((ch) => channelEnabled(input.kind, ch, c?.overrides ?? NO_OVERRIDES))
        .map((ch) => sql`(${r.id}, ${ch}, 'pending', 0, ${at}, ${now})`);
    });
    if (deliveries.length) {
      await run(
        sql`INSERT INTO "NotificationDelivery" ("notificationId", "channel", "state", "attempts", "nextAttemptAt", "createdAt")
            VALUES ${join(deliveries)} ON CONFLICT ("notificationId", "channel") DO NOTHING RETURNING "id"`,
      );
    }
  }
  return created;
}

const NO_OVERRIDES: ReadonlyMap<string, boolean> = new Map();

/** Each person's own switches for this kind, and quiet hours (the default for those without settings). */
async function personChoices(run: Run, kind: NotificationKind, personIds: number[]) {
  const prefs = await run<{ personId: number | bigint; channel: string; enabled: number | bigint | boolean }>(
    sql`SELECT "personId", "channel", "enabled" FROM "NotificationPreference" WHERE "kind" = ${kind} AND "personId" ${inList(personIds)}`,
  );
  const settings = await run<{ personId: number | bigint; quietStart: number | bigint | null; quietEnd: number | bigint | null }>(
    sql`SELECT "personId", "quietStart", "quietEnd" FROM "NotificationSettings" WHERE "personId" ${inList(personIds)}`,
  );
  const out = new Map<number, { quiet: QuietHours; overrides: Map<string, boolean> }>();
  const entry = (personId: number | bigint) => {
    let e = out.get(Number(personId));
    if (!e) out.set(Number(personId), (e = { quiet: DEFAULT_QUIET_HOURS, overrides: new Map() }));
    return e;
  };
  for (const s of settings)
    entry(s.personId).quiet = s.quietStart !== null && s.quietEnd !== null ? { start: Number(s.quietStart), end: Number(s.quietEnd) } : null;
  for (const p of prefs) entry(p.personId).overrides.set(`${kind}:${p.channel as NotificationChannel}`, Boolean(Number(p.enabled)));
  return out;
}
