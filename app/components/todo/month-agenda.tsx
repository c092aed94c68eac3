import { Link } from "@remix-run/react";
import { type TodoRow } from "~/lib/todo";
import { TodoList } from "./todo-list";

// A month as an agenda: the month's name between links to the months before and after, then each day
// that has something, its items as the to-do list shows them. A person's calendar and a unit's share it.

export function MonthAgenda({
  title,
  prevHref,
  nextHref,
  days,
}: {
  title: string;
  prevHref: string;
  nextHref: string;
  days: readonly { day: string; rows: TodoRow[] }[];
}) {
  return (
    <>
      <nav className="flex items-center justify-between rounded-lg bg-white p-3 shadow" aria-label="月份">
        <Link to={prevHref} className="text-party underline">
          上个月
        </Link>
        <span className="font-semibold" data-testid="calendar-month">
          {title}
        </span>
        <Link to={nextHref} className="text-party underline">
          下个月
        </Link>
      </nav>
      {days.length === 0 ? <p className="rounded-lg bg-white p-4 text-sm text-stone-600 shadow">本月没有日程。</p> : null}
      {days.map((day) => (
        <section key={day.day} aria-label={day.day}>
          <h2 className="mb-1 text-sm font-bold text-stone-700">{day.day}</h2>
          <TodoList items={day.rows} empty="" />
        </section>
      ))}
    </>
  );
}
