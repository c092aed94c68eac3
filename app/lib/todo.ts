import { formatChinaDateTime } from "./dates";

// One to-do item, whatever it comes from (a required course, a quiz, a meeting, a 思想汇报…), and the
// one order of a to-do list: what is overdue first, then by the date it is due, undated last. The
// sources live in app/.server/todo/; the home page, the calendar and (later) the reminders read them.

export const TODO_KINDS = ["course", "quiz", "contest", "assignment", "session", "meeting", "pipeline", "hours"] as const;
export type TodoKind = (typeof TODO_KINDS)[number];

export const TODO_KIND_LABELS: Record<TodoKind, string> = {
  course: "必修课程",
  quiz: "在线测试",
  contest: "知识竞赛",
  assignment: "作业",
  session: "培训班",
  meeting: "组织生活",
  pipeline: "发展党员",
  hours: "学时",
};

export type TodoItem = {
  /** Stable per thing and person's view of it, e.g. "quiz:12": the calendar's UID and the reminders' dedupe key hang on it. */
  key: string;
  kind: TodoKind;
  title: string;
  /** What the person reads beside the title: "已学 2/6 课", "周二 14:00 · 302 室". */
  detail: string;
  href: string | null;
  /** When it is due (a deadline) or takes place (a meeting's start); null when no date is set. */
  dueAt: Date | null;
  /** A meeting's or session's end, for the calendar; null for a deadline. */
  endsAt: Date | null;
  overdue: boolean;
};

/** Overdue first, then soonest due, undated last; ties by key so the order is stable. */
export function byUrgency(a: TodoItem, b: TodoItem): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const da = a.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const db = b.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Adds items to a person's list in a map of lists. */
export function pushItem(map: Map<number, TodoItem[]>, personId: number, item: TodoItem) {
  const list = map.get(personId);
  if (list) list.push(item);
  else map.set(personId, [item]);
}

/** An item as a page receives it: its date written in China time on the server, the same before and after hydration. */
export type TodoRow = { key: string; kind: TodoKind; title: string; detail: string; href: string | null; due: string | null; overdue: boolean };

export function todoRows(items: readonly TodoItem[]): TodoRow[] {
  return items.map((t) => ({
    key: t.key,
    kind: t.kind,
    title: t.title,
    detail: t.detail,
    href: t.href,
    due: t.dueAt ? formatChinaDateTime(t.dueAt) : null,
    overdue: t.overdue,
  }));
}
