import { Link } from "@remix-run/react";

// The list of quizzes or contests on their management page: each one's name (to its builder), a
// summary line, and its report once somebody has taken part.

export type PaperRow = { id: number; title: string; href: string; summary: string; report: { href: string; label: string } | null };

export function PaperList({ rows, empty, testId }: { rows: PaperRow[]; empty: string; testId: string }) {
  return (
    <ul className="space-y-2">
      {rows.length === 0 ? <li className="text-sm text-stone-500">{empty}</li> : null}
      {rows.map((r) => (
        <li key={r.id} className="rounded-lg bg-white p-3 shadow" data-testid={testId}>
          <Link to={r.href} className="font-semibold text-party hover:underline">
            {r.title}
          </Link>
          <p className="text-xs text-stone-500">
            {r.summary}
            {r.report ? (
              <>
                {" · "}
                <Link to={r.report.href} className="text-party hover:underline">
                  {r.report.label}
                </Link>
              </>
            ) : null}
          </p>
        </li>
      ))}
    </ul>
  );
}
