import { Link } from "@remix-run/react";

// The way up from a page deeper than a tab (decision 063): course → catalogue, lesson → course,
// quiz → quizzes… A plain link (it works before hydration) with a target a thumb can hit (≥ 44 px high).

export function BackLink({ to, children }: { to: string; children: string }) {
  return (
    <Link
      to={to}
      className="-ml-2 inline-flex min-h-11 items-center gap-1 rounded px-2 text-sm text-party hover:underline focus-visible:outline-2 focus-visible:outline-party"
      data-testid="back-link"
    >
      <svg
        viewBox="0 0 24 24"
        width="18"
        height="18"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        aria-hidden="true"
        focusable="false"
      >
        <path d="m15 5-7 7 7 7" />
      </svg>
      {children}
    </Link>
  );
}
