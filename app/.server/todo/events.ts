import { ACTIVITY_KIND_LABELS, type ActivityKind } from "~/lib/activities";
import { formatChinaDateTime } from "~/lib/dates";
import { type TodoItem, pushItem } from "~/lib/todo";
import { unitIdsOnPath } from "~/lib/unit-path";
import { expectedAttendeeWhere, handPicked } from "../activities/meetings";
import { prisma } from "../db";
import { type TodoPerson } from "./people";

// What takes place for the person in a window: the activities (三会一课, 主题党日…) of her units, and
// the face-to-face sessions of the classes she is enrolled in. Her own unit's activities are all hers;
// of the units above her, only those meant for everyone below (党课, 主题党日, 党校培训): a college's
// 支委会 is not a member's meeting. A class's session is for its members only, so activities that are
// a class's session are left out of the units' list. Cancelled ones are left out. A meeting is listed
// only to those its page admits (decision 056): the party members of its unit, and for a 支委会 the
// people that meeting's one rule names (`expectedAttendeeWhere`, asked once per 支委会 in the window).

const FOR_EVERYONE_BELOW: readonly string[] = ["party_lecture", "theme_day", "party_school"] satisfies ActivityKind[];

function when(startsAt: Date, endsAt: Date) {
  return `${formatChinaDateTime(startsAt)}–${formatChinaDateTime(endsAt).slice(11)}`;
}

/** Activities and class sessions taking place between `from` and `to` (ongoing ones included), by person. */
export async function eventsDue(people: readonly TodoPerson[], from: Date, to: Date): Promise<Map<number, TodoItem[]>> {
  const result = new Map<number, TodoItem[]>();
  if (people.length === 0) return result;
  const unitIds = [...new Set(people.flatMap((p) => unitIdsOnPath(p.unitPath)))];
  const window = { status: { not: "cancelled" }, endsAt: { gt: from }, startsAt: { lt: to } };
  const [activities, enrolled] = await Promise.all([
    prisma.activity.findMany({
      where: { ...window, unitId: { in: unitIds }, classItems: { none: {} } },
      select: { id: true, unitId: true, kind: true, title: true, startsAt: true, endsAt: true, place: true, unit: { select: { name: true, path: true } } },
      orderBy: { startsAt: "asc" },
    }),
    prisma.classMember.findMany({ where: { personId: { in: people.map((p) => p.id) }, status: "enrolled" }, select: { classId: true, personId: true } }),
  ]);
  // Most people are in no class: their sessions are not looked for.
  const sessions =
    enrolled.length === 0
      ? []
      : await prisma.classItem.findMany({
          where: { kind: "session", activity: window, classId: { in: [...new Set(enrolled.map((m) => m.classId))] } },
          select: { classId: true, trainingClass: { select: { title: true } }, activity: { select: { id: true, title: true, startsAt: true, endsAt: true } } },
        });
  // A 支委会 and a meeting whose people were chosen by hand are listed to those its rule names.
  const chosen = await handPicked(activities.map((a) => a.id));
  const committees = new Map<number, Set<number>>();
  for (const a of activities.filter((x) => x.kind === "committee_meeting" || chosen.has(x.id))) {
    const where = await expectedAttendeeWhere({ id: a.id, kind: a.kind, unit: { path: a.unit.path } });
    const expected = await prisma.person.findMany({ where: { AND: [{ id: { in: people.map((p) => p.id) } }, where] }, select: { id: true } });
    committees.set(a.id, new Set(expected.map((e) => e.id)));
  }
  for (const p of people) {
    const path = unitIdsOnPath(p.unitPath);
    const own = path[path.length - 1];
    const member = p.politicalStatus === "member" || p.politicalStatus === "probationary";
    for (const a of activities) {
      if (!path.includes(a.unitId)) continue;
      if (chosen.has(a.id) ? !committees.get(a.id)?.has(p.id) : a.unitId !== own && !FOR_EVERYONE_BELOW.includes(a.kind)) continue;
      if (!chosen.has(a.id) && (a.kind === "committee_meeting" ? !committees.get(a.id)?.has(p.id) : !member)) continue;
      pushItem(result, p.id, {
        key: `meeting:${a.id}`,
        kind: "meeting",
        title: a.title,
        detail: `${ACTIVITY_KIND_LABELS[a.kind as ActivityKind] ?? "活动"} · ${a.unit.name} · ${when(a.startsAt, a.endsAt)}${a.place ? ` · ${a.place}` : ""}`,
        href: `/meetings/${a.id}`,
        dueAt: a.startsAt,
        endsAt: a.endsAt,
        overdue: false,
      });
    }
  }
  for (const s of sessions) {
    if (!s.activity) continue;
    for (const m of enrolled.filter((e) => e.classId === s.classId)) {
      pushItem(result, m.personId, {
        key: `session:${s.activity.id}`,
        kind: "session",
        title: s.activity.title,
        detail: `${s.trainingClass.title} · ${when(s.activity.startsAt, s.activity.endsAt)}`,
        href: `/classes/${s.classId}`,
        dueAt: s.activity.startsAt,
        endsAt: s.activity.endsAt,
        overdue: false,
      });
    }
  }
  return result;
}
