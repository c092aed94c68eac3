import { formatChinaDateTime } from "~/lib/dates";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import { creditIfConfirmed } from "./attendance";
import { isCurrentCode, parseCheckinToken } from "./checkin-code";

// A person checks in by opening the URL of the code on the projector. Checking in is one way to be
// recorded, never the only one (the secretary adds whoever was there without a phone), so every
// refusal says plainly why and what to do instead.

export type CheckinOutcome = { status: "checked-in" | "already"; title: string; unitName: string } | { status: "refused"; message: string; title?: string };

const INVALID = "二维码无效，请扫描投影屏幕上的签到二维码";
const OUTSIDER = "本次活动仅限所属党组织的人员签到，您不在该组织内。如确实参加了活动，请联系组织活动的书记补登。";
const EXPIRED = "二维码已过期（每 30 秒更新一次），请重新扫描投影屏幕上的二维码";

export async function checkIn(person: { id: number }, token: string, now = new Date()): Promise<CheckinOutcome> {
  const parsed = parseCheckinToken(token);
  if (!parsed) return { status: "refused", message: INVALID };
  const activity = await prisma.activity.findUnique({
    where: { id: parsed.activityId },
    select: {
      id: true,
      title: true,
      status: true,
      codeSecret: true,
      checkinOpensAt: true,
      checkinClosesAt: true,
      unit: { select: { name: true, path: true } },
    },
  });
  if (!activity) return { status: "refused", message: INVALID };
  // Before anything else is said about the activity (its title, an expired code, its status or
  // times): someone outside its unit learns nothing from a code they were sent or photographed.
  const me = await prisma.person.findUnique({ where: { id: person.id }, select: { unit: { select: { path: true } } } });
  if (!me || !me.unit.path.startsWith(activity.unit.path)) return { status: "refused", message: OUTSIDER };
  if (!isCurrentCode(activity.codeSecret, parsed.code, now)) return { status: "refused", message: EXPIRED, title: activity.title };
  const title = activity.title;
  if (activity.status === "cancelled") return { status: "refused", message: "该活动已取消", title };

  const existing = await prisma.activityAttendance.findUnique({
    where: { activityId_personId: { activityId: activity.id, personId: person.id } },
    select: { removedAt: true },
  });
  if (existing && !existing.removedAt) return { status: "already", title, unitName: activity.unit.name };
  if (existing) return { status: "refused", message: "书记已将您移出本次活动的签到名单，如有疑问请联系书记", title };

  if (activity.status !== "open") return { status: "refused", message: "签到名单已确认，如需补登请联系书记", title };
  if (now < activity.checkinOpensAt) return { status: "refused", message: `签到尚未开始，开始时间：${formatChinaDateTime(activity.checkinOpensAt)}`, title };
  if (now > activity.checkinClosesAt) return { status: "refused", message: "签到已结束，如需补登请联系书记", title };

  try {
    await prisma.activityAttendance.create({ data: { activityId: activity.id, personId: person.id, source: "checkin", at: now } });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return { status: "already", title, unitName: activity.unit.name };
    throw e;
  }
  await creditIfConfirmed(activity.id, person.id);
  return { status: "checked-in", title, unitName: activity.unit.name };
}
