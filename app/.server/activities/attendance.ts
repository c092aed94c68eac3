import { AppError } from "~/lib/app-error";
import { activityCategory, ACTIVITY_KIND_LABELS, ActivityKindSchema } from "~/lib/activities";
import { audit } from "../audit";
import { insensitive, prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import { type CreditResult, REVERSAL_KIND, creditHours, reverseEntry } from "../hours/ledger";
import { sortByName } from "~/lib/name-order";

// The attendance list of an activity and its hours. A secretary adds people who were there without
// checking in (with a reason) and removes wrong rows; confirmation credits every attendee once through
// the ledger. After confirmation a removal reverses that person's entry and an addition credits them:
// corrections are entries of their own, and no row is ever deleted. Nobody credits 学时 to themselves
// (decision 028): a manager cannot add themselves, and a confirmer on the list waits for another
// manager of the unit to confirm their own attendance.

const SOURCE_KIND = "activity";

type ActivityForCredit = { id: number; kind: string; title: string; hours: number; startsAt: Date };

const activityForCredit = { id: true, kind: true, title: true, hours: true, startsAt: true, status: true, unit: { select: { path: true } } } as const;

async function loadActivity(activityId: number) {
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: activityForCredit });
  if (!activity) throw new AppError("invalid", "活动不存在");
  return activity;
}

/**
 * The ledger entries for this activity (one person's, or everyone's) and the reversals among them:
 * `${id}` first, `${id}#n` after a reversal (the ledger credits a source once, so a person removed and
 * added again needs a source of their own).
 */
async function activityEntries(activityId: number, personId?: number) {
  const entries = await prisma.hoursEntry.findMany({
    where: { personId, sourceKind: SOURCE_KIND, OR: [{ sourceId: String(activityId) }, { sourceId: { startsWith: `${activityId}#` } }] },
    select: { id: true, personId: true },
  });
  const reversals = await prisma.hoursEntry.findMany({
    where: { sourceKind: REVERSAL_KIND, sourceId: { in: entries.map((e) => String(e.id)) } },
    select: { sourceId: true, createdAt: true },
  });
  const gone = new Set(reversals.map((r) => r.sourceId));
  return { entries, reversals, unreversed: entries.filter((e) => !gone.has(String(e.id))) };
}

async function creditsOf(personId: number, activityId: number) {
  const { entries, reversals, unreversed } = await activityEntries(activityId, personId);
  const lastReversalAt = reversals.reduce<Date | null>((last, r) => (last && last > r.createdAt ? last : r.createdAt), null);
  return { count: entries.length, active: unreversed[0] ?? null, lastReversalAt };
}

/**
 * Credits one attendee on the list unless they hold an unreversed credit for this activity; null when
 * nothing was due. A reversal made after the person was (last) put on the list stands: only adding them
 * again earns a new credit. The one rule for confirmation, late check-ins, additions and the credit
 * repair (app/.server/credit-repair.ts).
 */
async function creditAttendee(actorId: number, activity: ActivityForCredit, personId: number): Promise<CreditResult | null> {
  // Never when the one approving is the attendee: that attendance waits for another manager.
  if (actorId === personId) return null;
  const attendance = await prisma.activityAttendance.findUnique({
    where: { activityId_personId: { activityId: activity.id, personId } },
    select: { at: true, removedAt: true },
  });
  if (!attendance || attendance.removedAt) return null;
  const { count, active, lastReversalAt } = await creditsOf(personId, activity.id);
  if (active || (lastReversalAt && lastReversalAt >= attendance.at)) return null;
  const kind = ActivityKindSchema.parse(activity.kind);
  return creditHours({
    personId,
    amount: activity.hours,
    category: activityCategory(kind),
    sourceKind: SOURCE_KIND,
    sourceId: count === 0 ? String(activity.id) : `${activity.id}#${count + 1}`,
    earnedAt: activity.startsAt,
    approvedById: actorId,
    note: `${ACTIVITY_KIND_LABELS[kind]}：${activity.title}`,
  });
}

/**
 * Confirms the list and credits each attendee except the confirmer. Confirming again is harmless: it
 * completes an interrupted run, and is how another manager credits the first confirmer's attendance.
 */
export async function confirmActivity(actorId: number, activityId: number) {
  const activity = await loadActivity(activityId);
  if (activity.status === "cancelled") throw new AppError("invalid", "活动已取消，不能确认");
  const { count } = await prisma.activity.updateMany({
    where: { id: activityId, status: "open" },
    data: { status: "confirmed", confirmedById: actorId, confirmedAt: new Date() },
  });
  const attendees = await prisma.activityAttendance.findMany({ where: { activityId, removedAt: null }, select: { personId: true } });
  let credited = 0;
  for (const a of attendees) if ((await creditAttendee(actorId, activity, a.personId))?.status === "credited") credited++;
  const selfPending = attendees.some((a) => a.personId === actorId) && (await creditsOf(actorId, activityId)).active === null;
  if (count === 1 || credited > 0) {
    await audit({
      actorId,
      action: "activity.confirm",
      targetKind: "activity",
      targetId: activityId,
      detail: { attendees: attendees.length, credited, ...(count === 1 ? {} : { again: true }), ...(selfPending ? { selfPending } : {}) },
    });
  }
  return { newlyConfirmed: count === 1, attendees: attendees.length, credited, selfPending };
}

/** Attendees of a confirmed activity still without their 学时 (a confirmer on their own list), for the page. */
export async function uncreditedAttendees(activityId: number): Promise<number[]> {
  const [present, { unreversed }] = await Promise.all([
    prisma.activityAttendance.findMany({ where: { activityId, removedAt: null }, select: { personId: true } }),
    activityEntries(activityId),
  ]);
  const credited = new Set(unreversed.map((e) => e.personId));
  return present.map((a) => a.personId).filter((id) => !credited.has(id));
}

/**
 * Credits an attendee of a confirmed activity, by the confirming secretary; null when nothing was due.
 * A check-in that landed while the list was being confirmed (confirmation changes the status before it
 * reads the list) is credited here, and so is an attendee whose credit never ran (the credit repair).
 */
export async function creditIfConfirmed(activityId: number, personId: number): Promise<CreditResult | null> {
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { ...activityForCredit, confirmedById: true } });
  if (activity?.status !== "confirmed" || activity.confirmedById === null) return null;
  return creditAttendee(activity.confirmedById, activity, personId);
}

/**
 * Credits a completed 补学 (decision 056) with the meeting's hours, under the same source keys as an
 * attendance: the ledger's unique (person, source) key then makes "attended and 补学", two tabs and
 * two requests collapse into one entry, on any database. Null when the person already holds an
 * unreversed credit for the meeting. The approver is the secretary who assigned the 补学.
 */
export async function creditMakeup(approverId: number, activityId: number, personId: number): Promise<CreditResult | null> {
  if (approverId === personId) return null;
  const activity = await loadActivity(activityId);
  const { count, active } = await creditsOf(personId, activityId);
  if (active) return null;
  const kind = ActivityKindSchema.parse(activity.kind);
  return creditHours({
    personId,
    amount: activity.hours,
    category: activityCategory(kind),
    sourceKind: SOURCE_KIND,
    sourceId: count === 0 ? String(activity.id) : `${activity.id}#${count + 1}`,
    earnedAt: activity.startsAt,
    approvedById: approverId,
    note: `补学 · ${ACTIVITY_KIND_LABELS[kind]}：${activity.title}`,
  });
}

/** Adds someone of the activity's unit who was there, with the reason; credits them at once after confirmation. */
export async function addAttendee(actorId: number, activityId: number, personId: number, reason: string) {
  const activity = await loadActivity(activityId);
  if (activity.status === "cancelled") throw new AppError("invalid", "活动已取消，不能补登");
  if (!reason.trim()) throw new AppError("invalid", "请填写补登原因");
  if (personId === actorId) throw new AppError("invalid", "不能为自己补登签到，请由本组织的其他管理员补登");
  const person = await prisma.person.findUnique({ where: { id: personId }, select: { disabledAt: true, unit: { select: { path: true } } } });
  if (!person || person.disabledAt || !person.unit.path.startsWith(activity.unit.path)) throw new AppError("invalid", "只能补登本组织的人员");
  const existing = await prisma.activityAttendance.findUnique({ where: { activityId_personId: { activityId, personId } }, select: { removedAt: true } });
  if (existing && !existing.removedAt) throw new AppError("invalid", "此人已在签到名单中");
  const row = { source: "added", reason: reason.trim(), at: new Date(), addedById: actorId, removedAt: null, removedById: null };
  if (existing) {
    await prisma.activityAttendance.update({ where: { activityId_personId: { activityId, personId } }, data: row });
  } else {
    try {
      await prisma.activityAttendance.create({ data: { activityId, personId, ...row } });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new AppError("invalid", "此人已在签到名单中");
      throw e;
    }
  }
  const credited = activity.status === "confirmed" && (await creditAttendee(actorId, activity, personId))?.status === "credited";
  await audit({
    actorId,
    action: "activity.add_attendee",
    targetKind: "activity",
    targetId: activityId,
    detail: { personId, reason: reason.trim(), credited },
  });
  return { credited };
}

/**
 * Takes someone off the list (the row stays, marked removed). After confirmation this is a correction:
 * a reason is required and their entry is reversed in the ledger.
 */
export async function removeAttendee(actorId: number, activityId: number, personId: number, reason: string) {
  const activity = await loadActivity(activityId);
  if (activity.status === "cancelled") throw new AppError("invalid", "活动已取消");
  if (activity.status === "confirmed" && !reason.trim()) throw new AppError("invalid", "活动已确认，更正名单须填写原因");
  const { count } = await prisma.activityAttendance.updateMany({
    where: { activityId, personId, removedAt: null },
    data: { removedAt: new Date(), removedById: actorId },
  });
  if (count === 0) throw new AppError("invalid", "此人不在签到名单中");
  let reversed = false;
  if (activity.status === "confirmed") {
    const { active } = await creditsOf(personId, activityId);
    if (active) {
      await reverseEntry(actorId, active.id, `更正签到名单：${reason.trim()}`);
      reversed = true;
    }
  }
  await audit({
    actorId,
    action: "activity.remove_attendee",
    targetKind: "activity",
    targetId: activityId,
    detail: { personId, reason: reason.trim() || null, reversed },
  });
  return { reversed };
}

/** People of the activity's unit (and below) by name or number, for adding to the list. */
export async function searchUnitPeople(unitPath: string, query: string) {
  const q = query.trim();
  if (!q) return [];
  const found = await prisma.person.findMany({
    where: {
      unit: { path: { startsWith: unitPath } },
      disabledAt: null,
      OR: [{ name: insensitive({ contains: q }) }, { number: insensitive({ startsWith: q }) }],
    },
    select: { id: true, name: true, number: true, unit: { select: { name: true } } },
    orderBy: { name: "asc" },
    take: 20,
  });
  // Shown in pinyin order (decision 066); which 20 of a very broad search come is SQL's choice.
  return sortByName(found, (p) => p.name);
}
