import { ACTIVITY_KIND_LABELS, type ActivityKind } from "~/lib/activities";
import { formatChinaDateTime } from "~/lib/dates";
import { type TodoItem, pushItem } from "~/lib/todo";
import { unitIdsOnPath } from "~/lib/unit-path";
import { sqlDb } from "../db";
import { inList, sql } from "../sql";
import { type TodoPerson, asDate } from "./people";

// What takes place for the person in a window: the activities (三会一课, 主题党日…) of her units, and
// the face-to-face sessions of the classes she is enrolled in. Her own unit's activities are all hers;
// of the units above her, only those meant for everyone below (党课, 主题党日, 党校培训): a college's
// 支委会 is not a member's meeting. A class's session is for its members only, so activities that are
// a class's session are left out of the units' list. Cancelled ones are left out. A meeting is listed
// only to those its page admits (decision 056): the party members of its unit, and for a 支委会 the
// people that meeting's one rule names (`expectedAttendeeWhere` of activities/meetings.ts: its unit's
// committee members when it has any, else its party members), read for all the 支委会 in two statements;
// a meeting whose people were chosen by hand (decision 061) is listed to exactly those people.

const FOR_EVERYONE_BELOW: readonly string[] = ["party_lecture", "theme_day", "party_school"] satisfies ActivityKind[];

function when(startsAt: Date, endsAt: Date) {
  return `${formatChinaDateTime(startsAt)}–${formatChinaDateTime(endsAt).slice(11)}`;
}

/** Activities and class sessions taking place between `from` and `to` (ongoing ones included), by person. */
export async function eventsDue(people: readonly TodoPerson[], from: Date, to: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const unitIds = [...new Set(people.flatMap((p) => unitIdsOnPath(p.unitPath)))];
  const personIds = inList(people.map((p) => p.id));
  const db = sqlDb();
  const activities = (
    await db.all<{
      id: number;
      unitId: number;
      kind: string;
      title: string;
      startsAt: string;
      endsAt: string;
      place: string | null;
      unitName: string;
      unitPath: string;
    }>(
      sql`SELECT a."id", a."unitId", a."kind", a."title", a."startsAt", a."endsAt", a."place", u."name" AS "unitName", u."path" AS "unitPath"
      FROM "Activity" a JOIN "OrgUnit" u ON u."id" = a."unitId"
      WHERE a."unitId" ${inList(unitIds)} AND a."status" <> 'cancelled' AND a."endsAt" > ${from} AND a."startsAt" < ${to}
        AND NOT EXISTS (SELECT 1 FROM "ClassItem" ci WHERE ci."activityId" = a."id")
      ORDER BY a."startsAt", a."id"`,
    )
  ).map((a) => ({ ...a, startsAt: asDate(a.startsAt), endsAt: asDate(a.endsAt) }));
  const enrolled = await db.all<{ classId: number; personId: number }>(
    sql`SELECT "classId", "personId" FROM "ClassMember" WHERE "personId" ${personIds} AND "status" = 'enrolled'`,
  );
  // Most people are in no class: their sessions are not looked for.
  const sessions =
    enrolled.length === 0
      ? []
      : (
          await db.all<{ classId: number; classTitle: string; id: number; title: string; startsAt: string; endsAt: string }>(
            sql`SELECT ci."classId", c."title" AS "classTitle", a."id", a."title", a."startsAt", a."endsAt"
            FROM "ClassItem" ci JOIN "TrainingClass" c ON c."id" = ci."classId" JOIN "Activity" a ON a."id" = ci."activityId"
            WHERE ci."kind" = 'session' AND ci."classId" ${inList([...new Set(enrolled.map((m) => m.classId))])}
              AND a."status" <> 'cancelled' AND a."endsAt" > ${from} AND a."startsAt" < ${to}`,
          )
        ).map((a) => ({ ...a, startsAt: asDate(a.startsAt), endsAt: asDate(a.endsAt) }));
  // A meeting whose people were chosen by hand (decision 061) is listed to those people only.
  const chosen = await handPickedAttendees(
    activities.map((a) => a.id),
    personIds,
  );
  const committees = await committeeAttendees(
    activities.filter((a) => a.kind === "committee_meeting" && !chosen.has(a.id)),
    personIds,
  );
  for (const p of people) {
    const path = unitIdsOnPath(p.unitPath);
    const own = path[path.length - 1];
    const member = p.politicalStatus === "member" || p.politicalStatus === "probationary";
    for (const a of activities) {
      if (!path.includes(a.unitId)) continue;
      const picked = chosen.get(a.id);
      if (picked) {
        if (!picked.has(p.id)) continue;
      } else {
        if (a.unitId !== own && !FOR_EVERYONE_BELOW.includes(a.kind)) continue;
        if (a.kind === "committee_meeting" ? !committees.get(a.id)?.has(p.id) : !member) continue;
      }
      pushItem(result, p.id, {
        key: `meeting:${a.id}`,
        kind: "meeting",
        title: a.title,
        detail: `${ACTIVITY_KIND_LABELS[a.kind as ActivityKind] ?? "活动"} · ${a.unitName} · ${when(a.startsAt, a.endsAt)}${a.place ? ` · ${a.place}` : ""}`,
        href: `/meetings/${a.id}`,
        dueAt: a.startsAt,
        endsAt: a.endsAt,
        overdue: false,
      });
    }
  }
  for (const s of sessions) {
    for (const m of enrolled.filter((e) => e.classId === s.classId)) {
      pushItem(result, m.personId, {
        key: `session:${s.id}`,
        kind: "session",
        title: s.title,
        detail: `${s.classTitle} · ${when(s.startsAt, s.endsAt)}`,
        href: `/classes/${s.classId}`,
        dueAt: s.startsAt,
        endsAt: s.endsAt,
        overdue: false,
      });
    }
  }
  return result;
}

const PARTY_MEMBERS = ["probationary", "member"];

/**
 * Of the meetings, those whose expected people were chosen by hand (ActivityInvitee, decision 061),
 * each with which of these people it names (not disabled): `expectedAttendeeWhere`'s first rule for
 * many meetings in two statements.
 */
async function handPickedAttendees(activityIds: readonly number[], personIds: ReturnType<typeof inList>): Promise<Map<number, Set<number>>> {
  const picked = new Map<number, Set<number>>();
  if (activityIds.length === 0) return picked;
  const db = sqlDb();
  const ids = (await db.all<{ activityId: number }>(sql`SELECT DISTINCT "activityId" FROM "ActivityInvitee" WHERE "activityId" ${inList(activityIds)}`)).map(
    (r) => r.activityId,
  );
  if (ids.length === 0) return picked;
  for (const id of ids) picked.set(id, new Set());
  const rows = await db.all<{ activityId: number; personId: number }>(
    sql`SELECT i."activityId", i."personId" FROM "ActivityInvitee" i JOIN "Person" p ON p."id" = i."personId"
      WHERE i."activityId" ${inList(ids)} AND i."personId" ${personIds} AND p."disabledAt" IS NULL`,
  );
  for (const r of rows) picked.get(r.activityId)!.add(r.personId);
  return picked;
}

/**
 * Of the people, who is expected at each 支委会: `expectedAttendeeWhere` (activities/meetings.ts) for
 * many meetings at once. A 支委会 is for the active party members of its unit's subtree; when that
 * subtree has committee members (`isCommitteeMember`), for them only. Two statements whatever the
 * number of meetings: which of their units have committee members, and the facts of the people.
 */
async function committeeAttendees(
  meetings: readonly { id: number; unitId: number; unitPath: string }[],
  personIds: ReturnType<typeof inList>,
): Promise<Map<number, Set<number>>> {
  const expected = new Map<number, Set<number>>();
  if (meetings.length === 0) return expected;
  const db = sqlDb();
  const withCommittee = new Set(
    (
      await db.all<{ id: number }>(
        sql`SELECT u."id" FROM "OrgUnit" u WHERE u."id" ${inList([...new Set(meetings.map((m) => m.unitId))])} AND EXISTS (
        SELECT 1 FROM "Person" p JOIN "OrgUnit" pu ON pu."id" = p."unitId"
        WHERE pu."path" LIKE (u."path" || '%') AND p."disabledAt" IS NULL AND p."isCommitteeMember" = ${true} AND p."politicalStatus" ${inList(PARTY_MEMBERS)})`,
      )
    ).map((u) => u.id),
  );
  const candidates = await db.all<{ id: number; unitPath: string; isCommitteeMember: number | boolean }>(
    sql`SELECT p."id", u."path" AS "unitPath", p."isCommitteeMember" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE p."id" ${personIds} AND p."disabledAt" IS NULL AND p."politicalStatus" ${inList(PARTY_MEMBERS)}`,
  );
  for (const m of meetings) {
    const committeeOnly = withCommittee.has(m.unitId);
    expected.set(
      m.id,
      new Set(candidates.filter((c) => c.unitPath.startsWith(m.unitPath) && (!committeeOnly || Boolean(c.isCommitteeMember))).map((c) => c.id)),
    );
  }
  return expected;
}
