import { createHash, randomBytes } from "node:crypto";
import { type CalendarEvent } from "~/lib/icalendar";
import { type TodoItem, TODO_KIND_LABELS, byUrgency } from "~/lib/todo";
import { audit } from "../audit";
import { prisma } from "../db";
import { eventsDue } from "./events";
import { type TodoPerson, daysAfter, todoPeople } from "./people";
import { TODO_SOURCES } from "./todo";

// The calendar: a person's meetings and class sessions in a window, with the dated items of her to-do
// list (quizzes, contests, assignments, required courses and her own development steps, by the day
// they are due). What she has done drops off, as it does from the to-do list: both read the same
// sources. The feed (an iCalendar file at a secret URL) carries the same items, for her phone's calendar.

/** How far the feed looks back and ahead, and how many events it carries at most. */
export const FEED_DAYS_BACK = 30;
export const FEED_DAYS_AHEAD = 180;
export const FEED_MAX_EVENTS = 500;

/** The dated items of the people between `from` and `to`, by person: events in the window, deadlines falling in it. */
export async function calendarItemsOf(people: readonly TodoPerson[], from: Date, to: Date, now: Date): Promise<Map<number, TodoItem[]>> {
  const lists = new Map<number, TodoItem[]>(people.map((p) => [p.id, []]));
  const sources = [
    (ps: readonly TodoPerson[]) => eventsDue(ps, from, to),
    ...[TODO_SOURCES.course, TODO_SOURCES.quiz, TODO_SOURCES.contest, TODO_SOURCES.assignment, TODO_SOURCES.pipeline].map(
      (s) => (ps: readonly TodoPerson[]) => s(ps, now),
    ),
  ];
  for (const source of sources) {
    for (const [personId, items] of await source(people)) {
      lists.get(personId)?.push(...items.filter((i) => i.dueAt !== null && (i.endsAt ?? i.dueAt) >= from && i.dueAt < to));
    }
  }
  for (const list of lists.values()) list.sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime() || byUrgency(a, b));
  return lists;
}

/** One person's calendar between two instants. */
export async function calendarOf(personId: number, from: Date, to: Date, now = new Date()): Promise<TodoItem[]> {
  return (await calendarItemsOf(await todoPeople([personId]), from, to, now)).get(personId) ?? [];
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Whether the person has a feed URL (the URL itself is not kept and cannot be shown again). */
export async function feedCreatedAt(personId: number): Promise<Date | null> {
  return (await prisma.calendarFeed.findUnique({ where: { personId }, select: { createdAt: true } }))?.createdAt ?? null;
}

/** Makes a new secret feed token for the person, replacing (so revoking) any earlier one; returns it once. */
export async function createFeedToken(personId: number): Promise<string> {
  const token = randomBytes(24).toString("base64url");
  const tokenHash = hashToken(token);
  await prisma.calendarFeed.upsert({ where: { personId }, create: { personId, tokenHash }, update: { tokenHash, createdAt: new Date() } });
  await audit({ actorId: personId, action: "calendar.feed_create", targetKind: "person", targetId: personId });
  return token;
}

/** The token's shape: what createFeedToken makes. Anything else is not looked up. */
export const FEED_TOKEN = /^[A-Za-z0-9_-]{32}$/;

/**
 * The feed of the token's owner as calendar events, or null for an unknown or revoked token (and for
 * a person disabled since). Only her own items: the same sources as her calendar page.
 */
export async function feedEvents(token: string, origin: string, now = new Date()): Promise<{ name: string; events: CalendarEvent[] } | null> {
  if (!FEED_TOKEN.test(token)) return null;
  const feed = await prisma.calendarFeed.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { person: { select: { id: true, name: true, disabledAt: true } } },
  });
  if (!feed || feed.person.disabledAt) return null;
  const items = (await calendarOf(feed.person.id, daysAfter(now, -FEED_DAYS_BACK), daysAfter(now, FEED_DAYS_AHEAD), now)).slice(0, FEED_MAX_EVENTS);
  return {
    name: `${feed.person.name}的党校日程`,
    events: items.map((i) => ({
      uid: `${i.key}@wsdx-${feed.person.id}`,
      summary: i.endsAt ? i.title : `【截止】${i.title}`,
      description: `${TODO_KIND_LABELS[i.kind]} · ${i.detail}`,
      url: i.href ? new URL(i.href, origin).toString() : undefined,
      start: i.dueAt!,
      end: i.endsAt,
    })),
  };
}

/**
 * A unit's calendar for its secretary: the activities of the units under `path` taking place in the
 * window, and the quizzes and contests those units run closing in it, with the classes' assignments
 * due. The route checks her grant over the unit first.
 */
export async function unitCalendar(path: string, from: Date, to: Date): Promise<TodoItem[]> {
  const under = { path: { startsWith: path } };
  const [activities, quizzes, contests, assignments] = await Promise.all([
    prisma.activity.findMany({
      where: { unit: under, status: { not: "cancelled" }, endsAt: { gt: from }, startsAt: { lt: to } },
      select: { id: true, title: true, kind: true, startsAt: true, endsAt: true, unit: { select: { name: true } } },
    }),
    prisma.quiz.findMany({ where: { unit: under, status: "published", closesAt: { gte: from, lt: to } }, select: { id: true, title: true, closesAt: true } }),
    prisma.contest.findMany({
      where: { unit: under, status: "published", closesAt: { gte: from, lt: to } },
      select: { id: true, title: true, closesAt: true },
    }),
    prisma.assignment.findMany({
      where: { trainingClass: { unit: under }, dueAt: { gte: from, lt: to } },
      select: { id: true, title: true, dueAt: true, classId: true, trainingClass: { select: { title: true } } },
    }),
  ]);
  const deadline = (key: string, kind: TodoItem["kind"], title: string, detail: string, href: string, dueAt: Date): TodoItem => ({
    key,
    kind,
    title,
    detail,
    href,
    dueAt,
    endsAt: null,
    overdue: false,
  });
  const items: TodoItem[] = [
    ...activities.map((a): TodoItem => ({
      key: `meeting:${a.id}`,
      kind: "meeting",
      title: a.title,
      detail: a.unit.name,
      href: `/manage/activities/${a.id}`,
      dueAt: a.startsAt,
      endsAt: a.endsAt,
      overdue: false,
    })),
    ...quizzes.map((q) => deadline(`quiz:${q.id}`, "quiz", q.title, "测试截止", `/manage/quizzes/${q.id}`, q.closesAt!)),
    ...contests.map((c) => deadline(`contest:${c.id}`, "contest", c.title, "竞赛截止", `/manage/contests/${c.id}`, c.closesAt)),
    ...assignments.map((a) => deadline(`assignment:${a.id}`, "assignment", a.title, a.trainingClass?.title ?? "", `/manage/assignments/${a.id}`, a.dueAt)),
  ];
  return items.sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime() || byUrgency(a, b));
}
