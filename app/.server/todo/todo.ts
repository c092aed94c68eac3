import { type TodoItem, byUrgency } from "~/lib/todo";
import { assignmentsDue } from "./assignments";
import { requiredCoursesDue } from "./courses";
import { eventsDue } from "./events";
import { hoursBehind } from "./hours";
import { contestsDue, quizzesDue } from "./papers";
import { type TodoPerson, daysAfter, todoPeople } from "./people";
import { pipelineDueFor } from "./pipeline";

// What each person has to do, by when: every source asked once for the whole batch (a handful of
// statements each, whatever the number of people), merged and sorted by urgency. The home page asks it
// for one person; a reminder scheduler asks the same sources for many people at once, one source per
// kind of reminder (each source is exported on its own).

/** How far ahead the list looks for meetings and sessions. */
export const EVENTS_AHEAD_DAYS = 14;

export const TODO_SOURCES = {
  course: requiredCoursesDue,
  quiz: quizzesDue,
  contest: contestsDue,
  assignment: assignmentsDue,
  events: (people: readonly TodoPerson[], now: Date) => eventsDue(people, now, daysAfter(now, EVENTS_AHEAD_DAYS)),
  pipeline: pipelineDueFor,
  hours: hoursBehind,
} satisfies Record<string, (people: readonly TodoPerson[], now: Date) => Promise<Map<number, TodoItem[]>>>;

/** The to-do list of each of the people (active ones), most urgent first. */
export async function todoListsOf(personIds: readonly number[], now = new Date()): Promise<Map<number, TodoItem[]>> {
  const people = await todoPeople(personIds);
  const lists = new Map<number, TodoItem[]>(people.map((p) => [p.id, []]));
  // One after another: SQLite answers one statement at a time anyway, and a crowd of home pages
  // should not each hold seven statements in flight.
  for (const source of Object.values(TODO_SOURCES)) {
    for (const [personId, items] of await source(people, now)) lists.get(personId)?.push(...items);
  }
  for (const list of lists.values()) list.sort(byUrgency);
  return lists;
}

/** One person's to-do list. */
export async function todoListOf(personId: number, now = new Date()): Promise<TodoItem[]> {
  return (await todoListsOf([personId], now)).get(personId) ?? [];
}
