import { AppError } from "~/lib/app-error";
import { ActivityKindSchema } from "~/lib/activities";
import { grantsCover, type Grant } from "~/lib/permissions";
import { unitIdsOnPath } from "~/lib/unit-path";
import { leaveDecisionMessage } from "~/lib/notification-messages";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import { notify } from "../notify/notify";
import { compareNames } from "~/lib/name-order";

// A meeting as its members see it (decision 056): who is expected, what a member may read, her 请假,
// and the secretary's side of the plan (postponing) and the minutes. An Activity is the meeting: the
// plan, the attendance and the minutes are one record.

/**
 * Who is expected: the people its secretary chose by hand when she chose (ActivityInvitee), else the
 * party members of the unit and below; for a 支委会, the committee members of the unit when the data names any.
 */
export async function expectedAttendeeWhere(activity: { id: number; kind: string; unit: { path: string } }): Promise<Prisma.PersonWhereInput> {
  if ((await prisma.activityInvitee.count({ where: { activityId: activity.id } })) > 0) {
    return { disabledAt: null, activityInvitations: { some: { activityId: activity.id } } };
  }
  const base: Prisma.PersonWhereInput = {
    unit: { path: { startsWith: activity.unit.path } },
    disabledAt: null,
    politicalStatus: { in: ["probationary", "member"] },
  };
  if (activity.kind !== "committee_meeting") return base;
  const committee = { ...base, isCommitteeMember: true };
  return (await prisma.person.count({ where: committee })) > 0 ? committee : base;
}

export async function expectedAttendees(activityId: number) {
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { id: true, kind: true, unit: { select: { path: true } } } });
  if (!activity) return [];
  const people = await prisma.person.findMany({
    where: await expectedAttendeeWhere(activity),
    select: { id: true, name: true, unitId: true, unit: { select: { name: true } } },
    orderBy: [{ unitId: "asc" }, { id: "asc" }],
  });
  // By unit, then by name in pinyin order (decision 066).
  return people.sort((a, b) => a.unitId - b.unitId || compareNames(a.name, b.name));
}

async function isExpected(personId: number, activity: { id: number; kind: string; unit: { path: string } }) {
  return (await prisma.person.count({ where: { AND: [{ id: personId }, await expectedAttendeeWhere(activity)] } })) > 0;
}

/**
 * May this person read the meeting (its agenda, minutes and photos)? Its expected people, anyone on
 * its attendance, leave or 补学 lists, and the managers of activities over its unit. Anyone else is
 * refused exactly as for a meeting that does not exist, so ids cannot be probed.
 */
export async function canReadMeeting(person: { id: number; grants: readonly Grant[] }, activityId: number): Promise<boolean> {
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { id: true, kind: true, unit: { select: { path: true } } } });
  if (!activity) return false;
  if (grantsCover(person.grants, "activities:manage", activity.unit.path)) return true;
  const key = { activityId, personId: person.id };
  const [attended, leave, makeup] = await Promise.all([
    prisma.activityAttendance.count({ where: key }),
    prisma.activityLeave.count({ where: key }),
    prisma.activityMakeup.count({ where: key }),
  ]);
  return attended + leave + makeup > 0 || isExpected(person.id, activity);
}

export type MyMeetingState = {
  leave: { status: string; reason: string; decisionReason: string | null } | null;
  checkedIn: boolean;
  absent: boolean;
  makeup: { due: boolean; done: boolean; lessonId: number | null; completedAt: Date | null } | null;
};

const meetingSelect = {
  id: true,
  title: true,
  kind: true,
  status: true,
  startsAt: true,
  endsAt: true,
  place: true,
  agenda: true,
  statusReason: true,
  postponedFrom: true,
  hours: true,
  unit: { select: { name: true, path: true } },
} as const;

type OwnRows = {
  attendance: { removedAt: Date | null } | null;
  leave: { status: string; reason: string; decisionReason: string | null } | null;
  makeup: { lessonId: number | null; completedAt: Date | null } | null;
};

function stateFrom(rows: OwnRows, activity: { status: string; endsAt: Date }, now: Date): MyMeetingState {
  const { attendance, leave, makeup } = rows;
  const checkedIn = !!attendance && !attendance.removedAt;
  return {
    leave,
    checkedIn,
    absent: !checkedIn && activity.status !== "cancelled" && now > activity.endsAt,
    makeup: makeup && { due: !makeup.completedAt, done: !!makeup.completedAt, lessonId: makeup.lessonId, completedAt: makeup.completedAt },
  };
}

/** A person's own attendance, leave and 补学 rows for some meetings: three queries, whatever the number of meetings. */
async function ownRows(personId: number, activityIds: number[]): Promise<(activityId: number) => OwnRows> {
  const where = { personId, activityId: { in: activityIds } };
  const [attendances, leaves, makeups] = await Promise.all([
    prisma.activityAttendance.findMany({ where, select: { activityId: true, removedAt: true } }),
    prisma.activityLeave.findMany({ where, select: { activityId: true, status: true, reason: true, decisionReason: true } }),
    prisma.activityMakeup.findMany({ where, select: { activityId: true, lessonId: true, completedAt: true } }),
  ]);
  const byId = <T extends { activityId: number }>(rows: T[]) => new Map(rows.map((r) => [r.activityId, r]));
  const [a, l, m] = [byId(attendances), byId(leaves), byId(makeups)];
  return (id) => ({ attendance: a.get(id) ?? null, leave: l.get(id) ?? null, makeup: m.get(id) ?? null });
}

/**
 * The meetings of a person's units (her unit and those above it) that she may read (`canReadMeeting`:
 * expected at, or recorded in), upcoming first, with her state in each.
 */
export async function meetingsOfPerson(personId: number, now = new Date()) {
  const me = await prisma.person.findUnique({ where: { id: personId }, select: { politicalStatus: true, disabledAt: true, unit: { select: { path: true } } } });
  if (!me) return { upcoming: [], past: [] };
  const rows = await prisma.activity.findMany({
    where: { unitId: { in: unitIdsOnPath(me.unit.path) }, kind: { not: "party_school" } },
    select: meetingSelect,
    orderBy: [{ startsAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  const own = await ownRows(
    personId,
    rows.map((r) => r.id),
  );
  const member = !me.disabledAt && (me.politicalStatus === "member" || me.politicalStatus === "probationary");
  const chosen = await handPicked(rows.map((r) => r.id));
  const visible = [];
  for (const r of rows) {
    const mine = own(r.id);
    const recorded = mine.attendance || mine.leave || mine.makeup;
    // A 支委会, or a meeting whose people were chosen by hand, is asked of the one rule (a few a year);
    // the rest are for the unit's members.
    const asked = r.kind === "committee_meeting" || chosen.has(r.id);
    const readable = recorded || (asked ? await canReadMeeting({ id: personId, grants: [] }, r.id) : member);
    if (readable) visible.push({ ...r, kind: ActivityKindSchema.parse(r.kind), state: stateFrom(mine, r, now) });
  }
  // A meeting whose list is confirmed is over, even before its planned end.
  const ahead = (m: { endsAt: Date; status: string }) => m.endsAt >= now && m.status !== "confirmed";
  return {
    upcoming: visible.filter(ahead).reverse(),
    past: visible.filter((m) => !ahead(m)),
  };
}

/** Which of these meetings have their expected people chosen by hand: one query. */
export async function handPicked(activityIds: readonly number[]): Promise<Set<number>> {
  if (!activityIds.length) return new Set();
  const rows = await prisma.activityInvitee.findMany({
    where: { activityId: { in: [...activityIds] } },
    select: { activityId: true },
    distinct: ["activityId"],
  });
  return new Set(rows.map((r) => r.activityId));
}

/** One meeting for a reader already admitted by `canReadMeeting`: the plan, the minutes, the files and her own state. */
export async function meetingForReader(personId: number, activityId: number, now = new Date()) {
  const a = await prisma.activity.findUnique({
    where: { id: activityId },
    select: {
      ...meetingSelect,
      minutes: true,
      decisions: true,
      minutesAt: true,
      files: { select: { id: true, kind: true, name: true, size: true }, orderBy: { id: "asc" } },
    },
  });
  if (!a) return null;
  return { ...a, kind: ActivityKindSchema.parse(a.kind), state: stateFrom((await ownRows(personId, [a.id]))(a.id), a, now) };
}

/** The minutes' photos and attachments, oldest first. */
export async function meetingFiles(activityId: number) {
  return prisma.activityFile.findMany({ where: { activityId }, select: { id: true, kind: true, name: true, size: true }, orderBy: { id: "asc" } });
}

/** 请假: by someone expected, with a reason, before the meeting starts; asking again replaces a pending or refused request. */
export async function requestLeave(personId: number, activityId: number, reason: string, now = new Date()) {
  const activity = await prisma.activity.findUnique({
    where: { id: activityId },
    select: { id: true, kind: true, status: true, startsAt: true, unit: { select: { path: true } } },
  });
  if (!activity || !(await isExpected(personId, activity))) throw new AppError("forbidden", "您不在本次会议的应到人员中");
  if (activity.status !== "open") throw new AppError("invalid", "会议已确认或已取消，不能请假");
  if (now >= activity.startsAt) throw new AppError("invalid", "会议已开始，不能再请假；如确有原因请联系书记");
  const present = await prisma.activityAttendance.count({ where: { activityId, personId, removedAt: null } });
  if (present > 0) throw new AppError("invalid", "您已签到，不需要请假");
  const key = { activityId_personId: { activityId, personId } };
  const existing = await prisma.activityLeave.findUnique({ where: key, select: { status: true } });
  if (existing?.status === "approved") throw new AppError("invalid", "您的请假已批准");
  const row = { reason, status: "pending", decidedById: null, decidedAt: null, decisionReason: null, createdAt: now };
  try {
    await prisma.activityLeave.upsert({ where: key, create: { activityId, personId, ...row }, update: row });
  } catch (e) {
    // Two submissions at once: the second insert meets the first row; it holds the same request.
    if (!(e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")) throw e;
  }
  await audit({ actorId: personId, action: "activity.leave_request", targetKind: "activity", targetId: activityId, detail: { reason } });
}

/** Approves or refuses a pending request (a refusal gives its reason); a request decided already stays as decided. */
export async function decideLeave(actorId: number, activityId: number, personId: number, approve: boolean, reason: string) {
  // Nobody decides her own leave: the record book would list her as 请假 on her word alone.
  if (actorId === personId) throw new AppError("forbidden", "不能审批自己的请假，请由另一位有权限的同志审批");
  if (!approve && !reason.trim()) throw new AppError("invalid", "不批准请假须填写原因", { field: "reason" });
  const decidedAt = new Date();
  const { count } = await prisma.activityLeave.updateMany({
    where: { activityId, personId, status: "pending" },
    data: { status: approve ? "approved" : "rejected", decidedById: actorId, decidedAt, decisionReason: reason.trim() || null },
  });
  if (count === 0) throw new AppError("invalid", "该请假已处理或已撤回");
  await audit({
    actorId,
    action: "activity.leave_decide",
    targetKind: "activity",
    targetId: activityId,
    detail: { personId, approved: approve, reason: reason.trim() || null },
  });
  // The asker learns the decision in her inbox (and by her channels for meetings), once per decision.
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { title: true } });
  const message = leaveDecisionMessage(
    { activityId, activityTitle: activity?.title ?? "会议", approved: approve, reason: reason.trim() || null, decidedAt },
    personId,
  );
  await notify(undefined, { personIds: [personId], ...message });
}

export async function leavesOf(activityId: number) {
  return prisma.activityLeave.findMany({
    where: { activityId },
    select: { personId: true, reason: true, status: true, decisionReason: true, createdAt: true, person: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
}

/** Moves a meeting not yet held to a new start, keeping its length and check-in window; the first planned start is kept. */
export async function postponeActivity(actorId: number, activityId: number, startsAt: Date, reason: string) {
  const a = await prisma.activity.findUnique({
    where: { id: activityId },
    select: { status: true, startsAt: true, endsAt: true, checkinOpensAt: true, checkinClosesAt: true, postponedFrom: true },
  });
  if (!a || a.status !== "open") throw new AppError("invalid", "只能改期尚未确认的会议");
  const shift = startsAt.getTime() - a.startsAt.getTime();
  if (shift <= 0) throw new AppError("invalid", "新的开始时间须晚于原定时间", { field: "startsAt" });
  const moved = (d: Date) => new Date(d.getTime() + shift);
  const { count } = await prisma.activity.updateMany({
    where: { id: activityId, status: "open", startsAt: a.startsAt },
    data: {
      startsAt,
      endsAt: moved(a.endsAt),
      checkinOpensAt: moved(a.checkinOpensAt),
      checkinClosesAt: moved(a.checkinClosesAt),
      postponedFrom: a.postponedFrom ?? a.startsAt,
      statusReason: reason,
    },
  });
  if (count === 0) throw new AppError("invalid", "会议刚刚被修改，请刷新后重试");
  await audit({
    actorId,
    action: "activity.postpone",
    targetKind: "activity",
    targetId: activityId,
    detail: { from: a.startsAt.toISOString(), to: startsAt.toISOString(), reason },
  });
}

/** The minutes (纪要) and decisions, written once the meeting has started; every save is audited with what it replaced. */
export async function saveMinutes(actorId: number, activityId: number, minutes: string, decisions: string, now = new Date()) {
  const a = await prisma.activity.findUnique({ where: { id: activityId }, select: { status: true, startsAt: true, minutes: true, decisions: true } });
  if (!a || a.status === "cancelled") throw new AppError("invalid", "会议已取消，不能填写纪要");
  if (now < a.startsAt) throw new AppError("invalid", "会议尚未开始，不能填写纪要");
  await prisma.activity.update({ where: { id: activityId }, data: { minutes, decisions: decisions || null, minutesById: actorId, minutesAt: now } });
  await audit({
    actorId,
    action: "activity.minutes",
    targetKind: "activity",
    targetId: activityId,
    detail: { edited: a.minutes !== null, previous: a.minutes === null ? null : { minutes: a.minutes, decisions: a.decisions } },
  });
}
