import { type NotificationKind } from "~/lib/notification-kinds";
import { type ReminderItem, type ReminderLeads, leadDueNow, reminderLeadsFrom, reminderMessage } from "~/lib/reminder-leads";
import { type TodoKind } from "~/lib/todo";
import { expectedAttendeeWhere } from "../activities/meetings";
import { prisma } from "../db";
import { packInForce } from "../hours/rule-packs";
import { notify } from "../notify/notify";
import { todoPeople } from "../todo/people";
import { TODO_SOURCES } from "../todo/todo";

// Reminders scheduled from due dates (decision 058): the to-do sources (app/.server/todo/, the one
// reading of what is due) asked for a batch of people at once, each item's lead (app/lib/reminder-leads.ts,
// the rule pack's values over the defaults) checked against the clock, and notify() called once per
// reminder with everyone it is for. notify()'s unique (person, dedupeKey) makes a reminder once per
// person however often this runs and in however many processes; notify() also applies each person's
// switches and quiet hours. The due time is part of the key, so a meeting moved to another day is
// reminded again, at its new time.

/** People per batch: each to-do source answers a batch in a handful of statements. */
export const REMINDER_BATCH = 500;

/** Which kinds of item each source yields, so sources whose kinds have no leads are not asked. */
const SOURCE_KINDS: Record<keyof typeof TODO_SOURCES, readonly TodoKind[]> = {
  course: ["course"],
  quiz: ["quiz"],
  contest: ["contest"],
  assignment: ["assignment"],
  events: ["meeting", "session"],
  pipeline: ["pipeline"],
  hours: ["hours"],
};

/** The leads in force: the rule pack's `reminders:` over the defaults. */
export async function reminderLeadsInForce(): Promise<ReminderLeads> {
  return reminderLeadsFrom((await packInForce()).pack.reminders);
}

/** "202703101400": the due time in Beijing, part of a reminder's dedupe key. */
function dueStamp(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace(/\D/g, "");
}

/** Reminds the people (active ones) of whatever has a lead due at `now`; returns the inbox rows written. */
export async function remindPeople(personIds: readonly number[], leads: ReminderLeads, now: Date): Promise<number> {
  const people = await todoPeople(personIds);
  if (!people.length) return 0;
  const groups = new Map<
    string,
    { kind: NotificationKind; title: string; body: string; url: string | null; dedupeKey: string; personIds: number[]; item: ReminderItem }
  >();
  for (const [name, source] of Object.entries(TODO_SOURCES) as [keyof typeof TODO_SOURCES, (typeof TODO_SOURCES)[keyof typeof TODO_SOURCES]][]) {
    if (!SOURCE_KINDS[name].some((k) => leads[k].length > 0)) continue;
    for (const [personId, items] of await source(people, now)) {
      for (const item of items) {
        // Overdue items are not reminded: the home list shows them first, and a reminder repeated
        // every pass would teach people to ignore reminders.
        if (!item.dueAt || item.overdue) continue;
        const lead = leadDueNow(leads[item.kind], item.dueAt, now);
        if (!lead) continue;
        const reminded: ReminderItem = { kind: item.kind, title: item.title, detail: item.detail, dueAt: item.dueAt };
        const message = reminderMessage(reminded, now);
        const dedupeKey = `remind:${item.key}:${lead.name}:${dueStamp(item.dueAt)}`;
        const group = `${dedupeKey}\n${message.title}\n${message.body}\n${item.href ?? ""}`;
        const g = groups.get(group);
        if (g) g.personIds.push(personId);
        else groups.set(group, { ...message, url: item.href, dedupeKey, personIds: [personId], item: reminded });
      }
    }
  }
  let written = 0;
  for (const g of groups.values()) {
    if (!g.dedupeKey.startsWith("remind:meeting:")) {
      written += (await notify(undefined, g)).length;
      continue;
    }
    const meeting = await meetingFor(Number(g.dedupeKey.split(":")[2]), g.personIds);
    if (!meeting) continue;
    const body = meeting.place ? reminderMessage({ ...g.item, place: meeting.place }, now).body : g.body;
    written += (await notify(undefined, { ...g, body, personIds: meeting.expected })).length;
  }
  return written;
}

/**
 * A meeting is reminded to its expected people only (decision 056: the party members of its unit and
 * below, the committee for a 支委会), who may open its page. The to-do source already lists a meeting
 * to those people only; asking the meeting's rule again here keeps a reminder from ever linking to a
 * page that answers 404 should the two drift. Its place goes into the reminder's own wording.
 */
async function meetingFor(activityId: number, personIds: number[]): Promise<{ expected: number[]; place: string | null } | null> {
  const activity = await prisma.activity.findUnique({
    where: { id: activityId },
    select: { id: true, kind: true, place: true, unit: { select: { path: true } } },
  });
  if (!activity) return null;
  const rows = await prisma.person.findMany({ where: { AND: [{ id: { in: personIds } }, await expectedAttendeeWhere(activity)] }, select: { id: true } });
  return { expected: rows.map((r) => r.id), place: activity.place?.trim() || null };
}

export type ReminderPass = { people: number; written: number; finished: boolean };

/**
 * Walks the active people in id order, a batch at a time, yielding to the event loop between batches;
 * stops when `budgetMs` is spent and goes on from there on the next call, so a pass over a large
 * school is spread over several ticks and never holds the process.
 */
export class ReminderSweep {
  private cursor = 0;

  async run(budgetMs: number, clock: () => Date = () => new Date(), batch = REMINDER_BATCH): Promise<ReminderPass> {
    const started = Date.now();
    const leads = await reminderLeadsInForce();
    const pass: ReminderPass = { people: 0, written: 0, finished: false };
    for (;;) {
      const ids = (
        await prisma.person.findMany({ where: { disabledAt: null, id: { gt: this.cursor } }, select: { id: true }, orderBy: { id: "asc" }, take: batch })
      ).map((p) => p.id);
      if (!ids.length) {
        this.cursor = 0;
        pass.finished = true;
        return pass;
      }
      pass.written += await remindPeople(ids, leads, clock());
      pass.people += ids.length;
      this.cursor = ids[ids.length - 1];
      if (Date.now() - started >= budgetMs) return pass;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
