import { z } from "zod";
import { endOfChinaDay, todayInChina } from "./dates";
import { lastOfWorkingDays } from "./pipeline/engine";

// The rules of the 书记信箱 (docs/decisions/047): what a letter's status means, when its first reply
// is due, and the figures a unit's statistics show. Pure: the server hands in the clock.

export const MAILBOX_KINDS = ["secretary", "dean"] as const;
export type MailboxKind = (typeof MAILBOX_KINDS)[number];
export const MAILBOX_KIND_LABELS: Record<MailboxKind, string> = { secretary: "书记信箱", dean: "院长信箱" };

export const LETTER_STATUSES = ["pending", "in_progress", "answered", "escalated", "closed"] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];
export const LETTER_STATUS_LABELS: Record<LetterStatus, string> = {
  pending: "待处理",
  in_progress: "处理中",
  answered: "已答复",
  escalated: "已转上级",
  closed: "已关闭",
};
/** Statuses in which a letter still waits for its handlers: an escalated letter waits in the parent's mailbox. */
export const OPEN_LETTER_STATUSES: readonly LetterStatus[] = ["pending", "in_progress", "escalated"];

export const LETTER_LIMITS = { subject: 60, body: 2000, reply: 2000 } as const;
export const SERVICE_DAYS = { min: 1, max: 30 } as const;

export function mailboxTitle(unitName: string, kind: string): string {
  return `${unitName}${MAILBOX_KIND_LABELS[kind as MailboxKind] ?? kind}`;
}

export function letterStatusLabel(status: string): string {
  return LETTER_STATUS_LABELS[status as LetterStatus] ?? status;
}

/**
 * When the first reply to a letter that arrived at `at` is due: the end (Beijing time) of the
 * `serviceDays`-th working day after the day it arrived. Working days are Monday to Friday; the
 * school's holiday calendar is not applied (a letter over 国庆 is due early, never late).
 */
export function letterDueAt(at: Date, serviceDays: number): Date {
  const day = new Date(`${todayInChina(at)}T00:00:00Z`);
  return endOfChinaDay(lastOfWorkingDays(day, serviceDays, { holidays: [], workdays: [] }));
}

/** Open, not yet answered, and past its due time. */
export function isOverdue(letter: { status: string; firstRepliedAt: Date | null; dueAt: Date }, now: Date): boolean {
  return OPEN_LETTER_STATUSES.includes(letter.status as LetterStatus) && letter.firstRepliedAt === null && letter.dueAt.getTime() < now.getTime();
}

export type LetterFigures = { status: string; createdAt: Date; dueAt: Date; firstRepliedAt: Date | null };
export type MailboxFigures = { received: number; answered: number; answeredOnTime: number; overdue: number; medianHoursToAnswer: number | null };

/** A mailbox's figures over its letters: received, answered, answered by the due time, overdue now, median hours to the first reply. */
export function mailboxFigures(letters: readonly LetterFigures[], now: Date): MailboxFigures {
  const hours = letters
    .filter((l) => l.firstRepliedAt !== null)
    .map((l) => (l.firstRepliedAt!.getTime() - l.createdAt.getTime()) / 3600_000)
    .sort((a, b) => a - b);
  const mid = hours.length >> 1;
  const median = hours.length === 0 ? null : hours.length % 2 ? hours[mid] : (hours[mid - 1] + hours[mid]) / 2;
  return {
    received: letters.length,
    answered: hours.length,
    answeredOnTime: letters.filter((l) => l.firstRepliedAt !== null && l.firstRepliedAt.getTime() <= l.dueAt.getTime()).length,
    overdue: letters.filter((l) => isOverdue(l, now)).length,
    medianHoursToAnswer: median === null ? null : Math.round(median * 10) / 10,
  };
}

// The forms' fields, shared by the pages and their tests. Letters are plain text: shown as text, never as HTML or Markdown.
const text = (what: string, max: number) =>
  z
    .string({ error: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .max(max, `${what}最多 ${max} 个字`);

export const LetterSchema = z.object({
  mailboxId: z.number({ error: "请选择信箱" }).int("请选择信箱").positive("请选择信箱"),
  subject: text("主题", LETTER_LIMITS.subject),
  body: text("内容", LETTER_LIMITS.body),
  anonymous: z.boolean().default(false),
});

export const replyText = (what: string) => text(what, LETTER_LIMITS.reply);
