import type Database from "better-sqlite3";
import { type InboxMessage, inboxRowsInsert } from "../app/.server/notify/inbox-rows";
import { all, inList, run, sql } from "../app/.server/sql";
import { ACTIVITY_KIND_LABELS, type ActivityKind } from "../app/lib/activities";
import { leaveDecisionMessage, letterReplyMessage, mentionMessage, pinnedNoticeMessage } from "../app/lib/notification-messages";
import { reminderMessage } from "../app/lib/reminder-leads";
import { unitIdsOnPath } from "../app/lib/unit-path";

// The demo accounts' inboxes (decision 054), written after everything they speak of: what the app's
// own sources would have told each account by now, in their words (app/lib/notification-messages.ts)
// and through notify()'s own statement (inbox-rows.ts): the pinned notices of the units above her, the
// coming meeting she is expected at, the replies to her letters, the posts that mention her, and a 请假
// decided (a real leave on a real meeting). Inbox rows only: no outbox row is written, so nothing goes
// out at start to browsers or addresses nobody gave. What is older than two days has been read; the
// newest of each account is unread, so every account opens with a count in the header.

const DEMO_NUMBERS = ["admin", "trainer", "secretary", "branchsec", "member", "cadre", "target", "activist"];
const DAY = 86_400_000;
const HOUR = 3_600_000;

type Demo = { id: number; number: string; name: string; politicalStatus: string; unitId: number; path: string };
type Item = { personId: number; message: InboxMessage; at: Date };

export function seedDemoNotifications(db: Database.Database, now: Date): { notifications: number } {
  const demo = all<Demo>(
    db,
    sql`SELECT p."id", p."number", p."name", p."politicalStatus", p."unitId", u."path" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
        WHERE p."number" ${inList(DEMO_NUMBERS)}`,
  );
  if (!demo.length) return { notifications: 0 };
  const by = new Map(demo.map((d) => [d.number, d]));
  const items: Item[] = [];
  const tell = (personId: number, message: InboxMessage, at: Date) => items.push({ personId, message, at: at > now ? now : at });
  const partyMember = (d: Demo) => d.politicalStatus === "member" || d.politicalStatus === "probationary";

  // Pinned notices of her unit and the units above it, the author excepted (pinned-notice.ts).
  const notices = all<{ id: number; title: string; authorId: number; publishedAt: string; unitName: string; path: string }>(
    db,
    sql`SELECT n."id", n."title", n."authorId", n."publishedAt", u."name" AS "unitName", u."path" FROM "Notice" n JOIN "OrgUnit" u ON u."id" = n."unitId"
        WHERE n."pinned" = ${true} AND n."archivedAt" IS NULL`,
  );
  for (const n of notices)
    for (const d of demo) if (d.path.startsWith(n.path) && d.id !== n.authorId) tell(d.id, pinnedNoticeMessage(n), new Date(n.publishedAt));

  // The coming meetings of her units she is expected at (a party member; 支委会 are not seeded ahead), as
  // the scheduler words a reminder; sent when the meeting was planned (a lead of its own, so the evening-before reminder still comes).
  const meetings = all<{
    id: number;
    title: string;
    kind: string;
    startsAt: string;
    place: string | null;
    unitId: number;
    unitName: string;
    createdAt: string;
  }>(
    db,
    sql`SELECT a."id", a."title", a."kind", a."startsAt", a."place", a."unitId", u."name" AS "unitName", a."createdAt" FROM "Activity" a
        JOIN "OrgUnit" u ON u."id" = a."unitId" WHERE a."status" = 'open' AND a."startsAt" > ${now} AND a."kind" <> 'committee_meeting' ORDER BY a."startsAt"`,
  );
  for (const m of meetings) {
    const startsAt = new Date(m.startsAt);
    const stamp = new Date(startsAt.getTime() + 8 * HOUR).toISOString().slice(0, 16).replace(/\D/g, "");
    const words = reminderMessage(
      { kind: "meeting", title: m.title, detail: `${ACTIVITY_KIND_LABELS[m.kind as ActivityKind] ?? "活动"} · ${m.unitName}`, dueAt: startsAt, place: m.place },
      now,
    );
    for (const d of demo) {
      if (!partyMember(d) || !unitIdsOnPath(d.path).includes(m.unitId)) continue;
      tell(d.id, { ...words, url: `/meetings/${m.id}`, dedupeKey: `remind:meeting:${m.id}:planned:${stamp}` }, new Date(now.getTime() - 3 * HOUR));
    }
  }

  // Replies to her own letters (letters.ts tells the author, anonymous or not).
  const replies = all<{ letterId: number; subject: string; entryId: number; authorId: number; createdAt: string }>(
    db,
    sql`SELECT l."id" AS "letterId", l."subject", e."id" AS "entryId", l."authorId", e."createdAt" FROM "LetterEntry" e JOIN "Letter" l ON l."id" = e."letterId"
        WHERE e."kind" = 'reply' AND l."authorId" ${inList(demo.map((d) => d.id))}`,
  );
  for (const r of replies) tell(r.authorId, letterReplyMessage({ id: r.letterId, subject: r.subject }, r.entryId), new Date(r.createdAt));

  // Posts that mention her, published (mention-notices.ts), marked told as the app marks them.
  const mentions = all<{ postId: number; personId: number; authorName: string; topicId: number; topicTitle: string; createdAt: string }>(
    db,
    sql`SELECT p."id" AS "postId", m."personId", a."name" AS "authorName", t."id" AS "topicId", t."title" AS "topicTitle", p."createdAt"
        FROM "DiscussionMention" m JOIN "DiscussionPost" p ON p."id" = m."postId" JOIN "Person" a ON a."id" = p."authorId"
        JOIN "DiscussionTopic" t ON t."id" = p."topicId" WHERE p."state" = 'published' AND t."lessonId" IS NULL AND m."personId" ${inList(demo.map((d) => d.id))}`,
  );
  for (const m of mentions) {
    tell(
      m.personId,
      mentionMessage({ id: m.postId, authorName: m.authorName, topicId: m.topicId, topicTitle: m.topicTitle, lessonPath: null }),
      new Date(m.createdAt),
    );
    run(db, sql`UPDATE "DiscussionMention" SET "notifiedAt" = ${new Date(m.createdAt)} WHERE "postId" = ${m.postId} AND "personId" = ${m.personId}`);
  }

  // A 请假 decided: the member asked leave of the college's 党课 (she will be away) and the college's
  // secretary approved it; written as the app writes it (meetings.ts), audited on both sides.
  const member = by.get("member");
  const secretary = by.get("secretary");
  const lecture = meetings.find((m) => m.kind === "party_lecture" && !!member && unitIdsOnPath(member.path).includes(m.unitId));
  if (member && secretary && lecture) {
    const asked = new Date(now.getTime() - 26 * HOUR);
    const decidedAt = new Date(now.getTime() - 20 * HOUR);
    const reason = "当天赴外地参加学术会议";
    run(
      db,
      sql`INSERT INTO "ActivityLeave" ("activityId", "personId", "reason", "status", "decidedById", "decidedAt", "decisionReason", "createdAt")
          VALUES (${lecture.id}, ${member.id}, ${reason}, 'approved', ${secretary.id}, ${decidedAt}, NULL, ${asked})`,
    );
    const auditRow = (at: Date, actorId: number, action: string, detail: unknown) =>
      run(
        db,
        sql`INSERT INTO "AuditLog" ("at", "actorId", "action", "targetKind", "targetId", "ip", "detail")
            VALUES (${at}, ${actorId}, ${action}, 'activity', ${String(lecture.id)}, NULL, ${JSON.stringify(detail)})`,
      );
    auditRow(asked, member.id, "activity.leave_request", { reason });
    auditRow(decidedAt, secretary.id, "activity.leave_decide", { personId: member.id, approved: true, reason: null });
    tell(
      member.id,
      leaveDecisionMessage({ activityId: lecture.id, activityTitle: lecture.title, approved: true, reason: null, decidedAt }, member.id),
      decidedAt,
    );
  }

  // Older than two days: read (a day after it came). The newest of each account stays unread.
  const newest = new Map<number, number>();
  for (const it of items) newest.set(it.personId, Math.max(newest.get(it.personId) ?? 0, it.at.getTime()));
  let written = 0;
  // Oldest first, so the inbox (newest id first) lists them as they came.
  for (const it of items.sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const read = it.at.getTime() < now.getTime() - 2 * DAY && it.at.getTime() !== newest.get(it.personId);
    written += all(db, inboxRowsInsert([it.personId], it.message, it.at, read ? new Date(it.at.getTime() + DAY) : null)).length;
  }
  return { notifications: written };
}
