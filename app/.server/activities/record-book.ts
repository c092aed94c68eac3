import { ActivityKindSchema } from "~/lib/activities";
import { CHINA_OFFSET_MS } from "~/lib/dates";
import { prisma } from "../db";
import { expectedAttendeeWhere } from "./meetings";
import { sortByName } from "~/lib/name-order";

// 组织生活记录本 (decision 056): a unit's meetings of one China-time year, each with its plan, who came,
// who had leave, who was absent, and the minutes. Cancelled meetings are left out; the expected people
// are the unit's as they are now (the attendance list is what was recorded at the time).

export async function recordBook(unitId: number, year: number) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { name: true, path: true } });
  if (!unit) return null;
  const rows = await prisma.activity.findMany({
    where: {
      unit: { path: { startsWith: unit.path } },
      status: { not: "cancelled" },
      kind: { not: "party_school" },
      startsAt: { gte: new Date(Date.UTC(year, 0, 1) - CHINA_OFFSET_MS), lt: new Date(Date.UTC(year + 1, 0, 1) - CHINA_OFFSET_MS) },
    },
    select: {
      id: true,
      title: true,
      kind: true,
      status: true,
      startsAt: true,
      endsAt: true,
      place: true,
      agenda: true,
      minutes: true,
      decisions: true,
      unit: { select: { name: true, path: true } },
      attendances: { where: { removedAt: null }, select: { personId: true, person: { select: { name: true } } }, orderBy: { at: "asc" } },
      leaves: { where: { status: "approved" }, select: { personId: true, person: { select: { name: true } } } },
      makeups: { where: { completedAt: { not: null } }, select: { personId: true } },
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: 500,
  });
  const meetings = [];
  for (const r of rows) {
    const expected = sortByName(
      await prisma.person.findMany({ where: await expectedAttendeeWhere(r), select: { id: true, name: true }, orderBy: { id: "asc" } }),
      (p) => p.name,
    );
    const present = new Set(r.attendances.map((a) => a.personId));
    const onLeave = new Set(r.leaves.map((l) => l.personId));
    const madeUp = new Set(r.makeups.map((m) => m.personId));
    meetings.push({
      ...r,
      kind: ActivityKindSchema.parse(r.kind),
      present: r.attendances.map((a) => a.person.name),
      leave: r.leaves.map((l) => l.person.name),
      absent: expected.filter((p) => !present.has(p.id) && !onLeave.has(p.id)).map((p) => p.name),
      madeUp: expected.filter((p) => madeUp.has(p.id)).map((p) => p.name),
      expected: expected.length,
    });
  }
  return { unit, meetings };
}
