import { AppError } from "~/lib/app-error";
import { ActivityKindSchema, type ActivitySettings } from "~/lib/activities";
import { hoursToHundredths } from "~/lib/hours";
import { audit } from "../audit";
import { prisma } from "../db";
import { newCodeSecret } from "./checkin-code";

// Offline activities of a unit (三会一课, 主题党日, 组织生活会, 党校): created, edited and cancelled by a
// secretary over the unit. Callers check the permission; these functions keep the states straight.
// Nothing is deleted: a cancelled activity stays, with whoever had checked in.

export async function activityUnitId(activityId: number): Promise<number | null> {
  const a = await prisma.activity.findUnique({ where: { id: activityId }, select: { unitId: true } });
  return a?.unitId ?? null;
}

/** The organising units of the classes whose schedule has this activity as a session (their organisers confirm it). */
export async function sessionClassUnitPaths(activityId: number): Promise<string[]> {
  const items = await prisma.classItem.findMany({
    where: { activityId, kind: "session" },
    select: { trainingClass: { select: { unit: { select: { path: true } } } } },
  });
  return items.map((i) => i.trainingClass.unit.path);
}

function columns(settings: ActivitySettings) {
  return {
    title: settings.title,
    kind: settings.kind,
    startsAt: settings.startsAt,
    endsAt: settings.endsAt,
    checkinOpensAt: settings.checkinOpensAt,
    checkinClosesAt: settings.checkinClosesAt,
    hours: hoursToHundredths(settings.hours),
    place: settings.place === undefined ? undefined : settings.place || null,
    agenda: settings.agenda === undefined ? undefined : settings.agenda || null,
  };
}

export async function createActivity(actorId: number, unitId: number, settings: ActivitySettings) {
  const activity = await prisma.activity.create({
    data: { unitId, ...columns(settings), codeSecret: newCodeSecret(), createdById: actorId },
    select: { id: true },
  });
  await audit({
    actorId,
    action: "activity.create",
    targetKind: "activity",
    targetId: activity.id,
    detail: { unitId, kind: settings.kind, title: settings.title },
  });
  return activity;
}

/** Settings change only before confirmation: the hours credited must be the hours shown. */
export async function updateActivity(actorId: number, activityId: number, settings: ActivitySettings) {
  const { count } = await prisma.activity.updateMany({ where: { id: activityId, status: "open" }, data: columns(settings) });
  if (count === 0) throw new AppError("invalid", "活动已确认或已取消，不能再修改");
  await audit({ actorId, action: "activity.update", targetKind: "activity", targetId: activityId, detail: { kind: settings.kind, title: settings.title } });
}

export async function cancelActivity(actorId: number, activityId: number, reason: string) {
  const { count } = await prisma.activity.updateMany({ where: { id: activityId, status: "open" }, data: { status: "cancelled", statusReason: reason } });
  if (count === 0) throw new AppError("invalid", "只能取消尚未确认的活动");
  await audit({ actorId, action: "activity.cancel", targetKind: "activity", targetId: activityId, detail: { reason } });
}

/** The activities of the units under some paths (starting within a range, when given), newest first, with their attendance counts. */
export async function activitiesOfUnits(paths: string[], startsWithin?: { gte: Date; lt: Date }) {
  if (paths.length === 0) return [];
  const rows = await prisma.activity.findMany({
    where: { unit: { OR: paths.map((p) => ({ path: { startsWith: p } })) }, ...(startsWithin ? { startsAt: startsWithin } : {}) },
    select: {
      id: true,
      title: true,
      kind: true,
      status: true,
      startsAt: true,
      place: true,
      hours: true,
      unit: { select: { name: true } },
      _count: { select: { attendances: { where: { removedAt: null } } } },
    },
    orderBy: [{ startsAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  return rows.map((r) => ({ ...r, kind: ActivityKindSchema.parse(r.kind), attendees: r._count.attendances }));
}

export async function activityDetail(activityId: number) {
  const a = await prisma.activity.findUnique({
    where: { id: activityId },
    select: {
      id: true,
      title: true,
      kind: true,
      status: true,
      startsAt: true,
      endsAt: true,
      checkinOpensAt: true,
      checkinClosesAt: true,
      hours: true,
      codeSecret: true,
      confirmedAt: true,
      place: true,
      agenda: true,
      statusReason: true,
      postponedFrom: true,
      minutes: true,
      decisions: true,
      minutesAt: true,
      unit: { select: { id: true, name: true, path: true } },
      attendances: {
        select: {
          personId: true,
          source: true,
          reason: true,
          at: true,
          removedAt: true,
          person: { select: { name: true, number: true, unit: { select: { name: true } } } },
        },
        orderBy: { at: "asc" },
      },
    },
  });
  return a ? { ...a, kind: ActivityKindSchema.parse(a.kind) } : null;
}
