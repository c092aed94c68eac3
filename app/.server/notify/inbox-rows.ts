import { NOTIFICATION_BODY_MAX, NOTIFICATION_TITLE_MAX, type NotificationKind } from "~/lib/notification-kinds";
import { type Sql, join, sql } from "../sql";

// The statement that writes inbox rows (decision 054), apart from notify() so a writer on a raw
// connection (the demo seed) writes exactly what notify() writes, without the outbox: unique on
// (person, dedupeKey), a row already there left alone, the new rows returned. Portable SQL.

export type InboxMessage = { kind: NotificationKind; title: string; body: string; url?: string | null; dedupeKey: string };

/** Persons per statement: 3,500 parameters, under SQLite's limit of 32,766. */
export const INBOX_CHUNK = 500;

/** One INSERT for up to INBOX_CHUNK persons; `readAt` set only for rows written already read (the seed's older ones). */
export function inboxRowsInsert(personIds: readonly number[], m: InboxMessage, at: Date, readAt: Date | null = null): Sql {
  const title = clip(m.title, NOTIFICATION_TITLE_MAX);
  const body = clip(m.body, NOTIFICATION_BODY_MAX);
  return sql`INSERT INTO "Notification" ("personId", "kind", "title", "body", "url", "dedupeKey", "createdAt", "readAt")
      VALUES ${join(personIds.map((p) => sql`(${p}, ${m.kind}, ${title}, ${body}, ${m.url ?? null}, ${m.dedupeKey}, ${at}, ${readAt})`))}
      ON CONFLICT ("personId", "dedupeKey") DO NOTHING
      RETURNING "id", "personId"`;
}

function clip(s: string, max: number): string {
  const t = s.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
