import { Link } from "@remix-run/react";
import { TODO_KIND_LABELS, type TodoRow } from "~/lib/todo";

// A to-do list as a phone shows it: one card per item, overdue ones marked, the date it is due by (or
// the time a meeting starts), a link to where it is done. The home page and the calendar's agenda both
// show items this way.

export function TodoList({ items, empty }: { items: readonly TodoRow[]; empty: string }) {
  if (items.length === 0) return <p className="rounded-lg bg-white p-4 text-sm text-stone-600 shadow">{empty}</p>;
  return (
    <ul className="space-y-2">
      {items.map((t) => (
        <li key={t.key} data-testid="todo-item" className={`rounded-lg bg-white p-3 shadow ${t.overdue ? "border-l-4 border-red-600" : ""}`}>
          <div className="flex flex-wrap items-center gap-2 text-xs text-stone-600">
            <span className="rounded bg-stone-100 px-1.5 py-0.5 text-stone-700">{TODO_KIND_LABELS[t.kind]}</span>
            {t.overdue ? <span className="rounded bg-red-600 px-1.5 py-0.5 text-white">已逾期</span> : null}
            {t.due ? <time>{t.kind === "meeting" || t.kind === "session" ? `${t.due} 开始` : `截止 ${t.due}`}</time> : null}
          </div>
          <p className="mt-1 font-semibold break-words">
            {t.href ? (
              <Link to={t.href} className="text-party underline-offset-2 hover:underline">
                {t.title}
              </Link>
            ) : (
              t.title
            )}
          </p>
          <p className="text-sm break-words text-stone-600">{t.detail}</p>
        </li>
      ))}
    </ul>
  );
}
