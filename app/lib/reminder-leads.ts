import { z } from "zod";
import { CHINA_OFFSET_MS, asChinaWallClock } from "./dates";
import { type NotificationKind } from "./notification-kinds";
import { TODO_KIND_LABELS, type TodoKind } from "./todo";

// When a reminder goes out before a to-do item is due, per kind of item, as data (decision 058). The
// defaults below are what a school gets; a rule pack may list `reminders:` to change any kind's leads
// (a kind it lists replaces the default; an empty list turns that kind's reminders off). A lead is
// either a number of hours before the due time, or "the evening before" at a Beijing clock time.
// Pure: the scheduler (app/.server/reminders/) asks which lead is due and what the message says.

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const leadSchema = z
  .strictObject({
    name: z.string({ error: "name 必须是文字" }).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "提醒名称只能由小写字母、数字和连字符组成"),
    hoursBefore: z.number({ error: "hoursBefore 必须是数字" }).positive("hoursBefore 必须大于 0").max(2400, "hoursBefore 过大").optional(),
    eveningBefore: z
      .string({ error: "eveningBefore 必须是文字" })
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "eveningBefore 须为 HH:MM（北京时间）")
      .optional(),
  })
  .refine((l) => (l.hoursBefore === undefined) !== (l.eveningBefore === undefined), "每个提醒须且只能写 hoursBefore 或 eveningBefore 之一");

export type ReminderLead = z.infer<typeof leadSchema>;

const leadList = z
  .array(leadSchema)
  .max(5, "每类事项最多 5 个提醒")
  .refine((ls) => new Set(ls.map((l) => l.name)).size === ls.length, "同一类事项的提醒名称不能重复");

/** The `reminders:` section of a rule pack: any of the to-do kinds, each a list of leads. */
export const reminderLeadsSchema = z.strictObject(
  Object.fromEntries(Object.keys(TODO_KIND_LABELS).map((k) => [k, leadList.optional()])) as Record<TodoKind, z.ZodOptional<typeof leadList>>,
  { error: (issue) => (issue.code === "unrecognized_keys" ? `不认识的事项类别：${issue.keys.join("、")}` : undefined) },
);

export type ReminderLeads = Record<TodoKind, readonly ReminderLead[]>;

export const DEFAULT_REMINDER_LEADS: ReminderLeads = {
  // The evening before at 20:00; a meeting planned later than that is still reminded until it starts.
  meeting: [{ name: "eve", eveningBefore: "20:00" }],
  session: [{ name: "eve", eveningBefore: "20:00" }],
  quiz: [
    { name: "24h", hoursBefore: 24 },
    { name: "2h", hoursBefore: 2 },
  ],
  contest: [
    { name: "24h", hoursBefore: 24 },
    { name: "2h", hoursBefore: 2 },
  ],
  assignment: [{ name: "48h", hoursBefore: 48 }],
  course: [{ name: "3d", hoursBefore: 72 }],
  pipeline: [{ name: "7d", hoursBefore: 168 }],
  // 学时 behind is a standing, not a deadline.
  hours: [],
};

/** The defaults with a pack's `reminders:` laid over them, kind by kind. */
export function reminderLeadsFrom(section: Partial<Record<TodoKind, readonly ReminderLead[] | undefined>> | undefined): ReminderLeads {
  const out = { ...DEFAULT_REMINDER_LEADS };
  for (const kind of Object.keys(out) as TodoKind[]) {
    const own = section?.[kind];
    if (own) out[kind] = own;
  }
  return out;
}

/** The instant a lead's reminder is due for something due at `dueAt`. */
export function reminderMoment(lead: ReminderLead, dueAt: Date): Date {
  if (lead.hoursBefore !== undefined) return new Date(dueAt.getTime() - lead.hoursBefore * HOUR);
  const [h, m] = lead.eveningBefore!.split(":").map(Number);
  const wall = asChinaWallClock(dueAt).getTime();
  const dayStart = wall - (wall % DAY);
  return new Date(dayStart - DAY + (h * 60 + m) * 60_000 - CHINA_OFFSET_MS);
}

/**
 * The lead whose reminder is due now for an item due at `dueAt`: the latest moment already come, while
 * the item is still ahead. One at a time: a quiz found 90 minutes before it closes gets its "2h"
 * reminder, not the missed "24h" one as well. Null when nothing is due (not yet, or already past).
 */
export function leadDueNow(leads: readonly ReminderLead[], dueAt: Date, now: Date): ReminderLead | null {
  if (dueAt <= now) return null;
  let best: { lead: ReminderLead; at: number } | null = null;
  for (const lead of leads) {
    const at = reminderMoment(lead, dueAt).getTime();
    if (at <= now.getTime() && (!best || at > best.at)) best = { lead, at };
  }
  return best?.lead ?? null;
}

/** "今晚 22:00", "明天 14:00", "后天 09:00", "12月5日 14:00": the due time as a person reads it today, in Beijing time. */
export function whenWords(dueAt: Date, now: Date): string {
  const due = asChinaWallClock(dueAt);
  const days = Math.round((Date.parse(due.toISOString().slice(0, 10)) - Date.parse(asChinaWallClock(now).toISOString().slice(0, 10))) / DAY);
  const clock = due.toISOString().slice(11, 16);
  const hour = due.getUTCHours();
  if (days === 0) return `${hour >= 18 ? "今晚" : "今天"} ${clock}`;
  if (days === 1) return `${hour >= 18 ? "明晚" : "明天"} ${clock}`;
  if (days === 2) return `后天 ${clock}`;
  return `${due.getUTCMonth() + 1}月${due.getUTCDate()}日 ${clock}`;
}

export type ReminderItem = { kind: TodoKind; title: string; detail: string; dueAt: Date; /** A meeting's place, when planned. */ place?: string | null };

/** What a reminder says and under which notification kind it goes (a person can turn each kind off). */
export function reminderMessage(item: ReminderItem, now: Date): { kind: NotificationKind; title: string; body: string } {
  const when = whenWords(item.dueAt, now);
  if (item.kind === "meeting" || item.kind === "session") {
    return { kind: "meeting", title: `${when} ${item.title}`, body: item.place ? `地点：${item.place} · ${item.detail}` : item.detail };
  }
  return { kind: "deadline", title: `「${item.title}」${when} 截止`, body: `${TODO_KIND_LABELS[item.kind]} · ${item.detail}` };
}
