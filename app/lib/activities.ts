import { z } from "zod";
import { HoursSchema } from "./hours-fields";
import { type HoursCategory } from "./hours-categories";
import { RequiredDateTime } from "./contest-settings";
import { bothFieldsRead } from "./dates";
import { multiLineText, singleLineText } from "./form-text";

// Offline organisation life (三会一课, 主题党日, 组织生活会, 党校): the kinds, what they credit, and the
// form a secretary fills in. Pure: shared by the activity pages, the domain module and its tests.

export const ACTIVITY_KINDS = ["branch_meeting", "committee_meeting", "group_meeting", "party_lecture", "theme_day", "life_meeting", "party_school"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ActivityKindSchema = z.enum(ACTIVITY_KINDS);
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
  branch_meeting: "支部党员大会",
  committee_meeting: "支部委员会",
  group_meeting: "党小组会",
  party_lecture: "党课",
  theme_day: "主题党日",
  life_meeting: "组织生活会",
  party_school: "党校培训",
};

export const ACTIVITY_STATUS_LABELS: Record<string, string> = { open: "待确认", confirmed: "已确认", cancelled: "已取消" };

/** Face-to-face 党校 sessions count as party-school training; everything else as organisation life. */
export function activityCategory(kind: ActivityKind): HoursCategory {
  return kind === "party_school" ? "party_school" : "offline";
}

export const ActivitySettingsSchema = z
  .object({
    title: singleLineText({ label: "活动名称", required: true, max: 100 }),
    kind: z.enum(ACTIVITY_KINDS, { error: "请选择活动类型" }),
    startsAt: RequiredDateTime("请填写开始时间"),
    endsAt: RequiredDateTime("请填写结束时间"),
    checkinOpensAt: RequiredDateTime("请填写签到开始时间"),
    checkinClosesAt: RequiredDateTime("请填写签到截止时间"),
    hours: HoursSchema({ max: 100 }),
    // The plan (decision 056): where, and the agenda as plain-text items, one a line.
    place: singleLineText({ label: "地点", max: 100 }).default(""),
    agenda: multiLineText({ label: "议程", max: 2000 }).default(""),
  })
  // Checked whenever both times were read, even when another field is missing: all errors show at once.
  .refine((v) => v.startsAt < v.endsAt, { path: ["endsAt"], message: "结束时间须晚于开始时间", when: bothFieldsRead("startsAt", "endsAt") })
  .refine((v) => v.checkinOpensAt < v.checkinClosesAt, {
    path: ["checkinClosesAt"],
    message: "签到截止时间须晚于签到开始时间",
    when: bothFieldsRead("checkinOpensAt", "checkinClosesAt"),
  });
/** The place and agenda are optional for callers other than the form (a class's session): absent leaves them as they are. */
export type ActivitySettings = Omit<z.infer<typeof ActivitySettingsSchema>, "place" | "agenda"> & { place?: string; agenda?: string };

/** Plain-text items, one a line (an agenda, the decisions): blank lines dropped, list markers kept as typed. */
export function textItems(text: string | null | undefined): string[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}
