import { AppError } from "~/lib/app-error";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";
import { audit } from "../audit";
import { prisma } from "../db";
import { expectedAttendeeWhere, handPicked } from "./meetings";
import { compareNames } from "~/lib/name-order";

// Expected attendees chosen by hand (issue 19): a 支委会 is attended by the branch committee, and a
// secretary may name exactly who is expected at any meeting she plans (a 主题党日 with the branch's
// activists, a 党小组会 of one group). The list replaces decision 056's rule for that meeting only, and
// everything that asks "who is expected" (the member list, 请假, 补学, the record book, reminders, the
// to-do list) asks expectedAttendeeWhere, which reads it. Only people of the meeting's unit and below,
// not disabled, can be chosen; the list can be changed while the meeting is still open.

/** At most this many people are offered on the page (a branch has fewer; a college plans by branch). */
export const MAX_INVITEE_CHOICES = 400;
const MAX_INVITEES = 1000;

export async function inviteeChoices(activityId: number) {
  const activity = await prisma.activity.findUnique({ where: { id: activityId }, select: { id: true, kind: true, unit: { select: { path: true } } } });
  if (!activity) return null;
  const [expected, candidates, chosen] = await Promise.all([
    prisma.person.findMany({ where: await expectedAttendeeWhere(activity), select: { id: true } }),
    prisma.person.findMany({
      where: { unit: { path: { startsWith: activity.unit.path } }, disabledAt: null, politicalStatus: { not: "masses" } },
      select: { id: true, name: true, unitId: true, politicalStatus: true, isCommitteeMember: true, committeeRole: true, unit: { select: { name: true } } },
      orderBy: [{ isCommitteeMember: "desc" }, { unitId: "asc" }, { name: "asc" }, { id: "asc" }],
      take: MAX_INVITEE_CHOICES + 1,
    }),
    handPicked([activityId]),
  ]);
  const ids = new Set(expected.map((p) => p.id));
  // Committee first, then by unit and by name in pinyin order (decision 066).
  const shown = candidates
    .slice(0, MAX_INVITEE_CHOICES)
    .sort((a, b) => Number(b.isCommitteeMember) - Number(a.isCommitteeMember) || a.unitId - b.unitId || compareNames(a.name, b.name) || a.id - b.id);
  return {
    byHand: chosen.has(activityId),
    expectedCount: ids.size,
    truncated: candidates.length > MAX_INVITEE_CHOICES,
    candidates: shown.map((p) => ({
      id: p.id,
      name: p.name,
      unitName: p.unit.name,
      status: POLITICAL_STATUS_LABELS[p.politicalStatus as PoliticalStatus] ?? p.politicalStatus,
      role: p.isCommitteeMember ? (p.committeeRole ?? "支委") : null,
      expected: ids.has(p.id),
    })),
  };
}

async function openMeeting(activityId: number) {
  const a = await prisma.activity.findUnique({ where: { id: activityId }, select: { status: true, unit: { select: { path: true } } } });
  if (!a || a.status !== "open") throw new AppError("invalid", "会议已确认或已取消，不能再修改应到人员");
  return a;
}

/** Names exactly who is expected: people of the meeting's unit and below, active; replaces any earlier choice. */
export async function chooseInvitees(actorId: number, activityId: number, personIds: readonly number[]) {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) throw new AppError("invalid", "请至少选择一名应到人员", { field: "personId" });
  if (ids.length > MAX_INVITEES) throw new AppError("invalid", `应到人员最多 ${MAX_INVITEES} 人`, { field: "personId" });
  const a = await openMeeting(activityId);
  const inScope = await prisma.person.count({ where: { id: { in: ids }, disabledAt: null, unit: { path: { startsWith: a.unit.path } } } });
  if (inScope !== ids.length) throw new AppError("invalid", "应到人员须是本组织及下级组织的在册人员", { field: "personId" });
  await prisma.$transaction([
    prisma.activityInvitee.deleteMany({ where: { activityId } }),
    prisma.activityInvitee.createMany({ data: ids.map((personId) => ({ activityId, personId })) }),
  ]);
  await audit({ actorId, action: "activity.invitees", targetKind: "activity", targetId: activityId, detail: { count: ids.length, personIds: ids } });
}

/** Back to decision 056's rule for the meeting's kind. */
export async function resetInvitees(actorId: number, activityId: number) {
  await openMeeting(activityId);
  const { count } = await prisma.activityInvitee.deleteMany({ where: { activityId } });
  if (count > 0) await audit({ actorId, action: "activity.invitees", targetKind: "activity", targetId: activityId, detail: { reset: true } });
}
