import { Link } from "@remix-run/react";
import { type ReactNode } from "react";
import { LEARNER_TABS, type LearnerTabId } from "~/lib/learner-tabs";

// The learners' bottom tab bar on phones (decision 063): plain links, so it works before the page's
// scripts load; hidden from `sm` up, where the header's links show; above the home indicator by the
// safe-area inset. Icons are inline SVG drawn with the text colour: no icon font to download.

const ICONS: Record<LearnerTabId, ReactNode> = {
  // An open book.
  learn: <path d="M12 6.5C10.2 5.2 7.6 4.5 4 4.5v13c3.6 0 6.2.7 8 2 1.8-1.3 4.4-2 8-2v-13c-3.6 0-6.2.7-8 2Zm0 0v13" />,
  // A sheet with a tick.
  quiz: (
    <>
      <path d="M7 3.5h10a1.5 1.5 0 0 1 1.5 1.5v14a1.5 1.5 0 0 1-1.5 1.5H7A1.5 1.5 0 0 1 5.5 19V5A1.5 1.5 0 0 1 7 3.5Z" />
      <path d="m8.5 12 2.5 2.5 4.5-5" />
    </>
  ),
  // A trophy.
  contest: (
    <>
      <path d="M8 4h8v5a4 4 0 0 1-8 0V4Z" />
      <path d="M8 6H5v1.5A3 3 0 0 0 8 10.5M16 6h3v1.5a3 3 0 0 1-3 3M12 13v4M8.5 20h7M10 17h4" />
    </>
  ),
  // A clock.
  hours: (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5V12l3 2" />
    </>
  ),
  // A person.
  me: (
    <>
      <circle cx="12" cy="8" r="3.75" />
      <path d="M4.5 20c.8-3.7 3.8-6 7.5-6s6.7 2.3 7.5 6" />
    </>
  ),
};

export function LearnerTabBar({ current, unread }: { current: LearnerTabId | null; unread: number }) {
  return (
    <nav
      aria-label="主导航"
      data-testid="tab-bar"
      className="fixed inset-x-0 bottom-0 z-40 border-t border-stone-200 bg-white pb-[env(safe-area-inset-bottom)] shadow-[0_-1px_4px_rgba(0,0,0,0.06)] sm:hidden print:hidden"
    >
      <ul className="mx-auto flex h-14 max-w-lg">
        {LEARNER_TABS.map((t) => {
          const active = t.id === current;
          const badge = t.id === "me" && unread > 0;
          return (
            <li key={t.id} className="flex-1">
              <Link
                to={t.to}
                aria-current={active ? "page" : undefined}
                aria-label={badge ? `${t.label}，${unread} 条未读消息` : undefined}
                className={`flex h-full min-h-11 flex-col items-center justify-center gap-0.5 text-xs focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-party ${
                  active ? "font-bold text-party" : "text-stone-600"
                }`}
              >
                <span className="relative">
                  <svg
                    viewBox="0 0 24 24"
                    width="24"
                    height="24"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth={active ? 2 : 1.6}
                    strokeLinecap="round"
                    strokeLinejoin="round"
                    aria-hidden="true"
                    focusable="false"
                  >
                    {ICONS[t.id]}
                  </svg>
                  {badge ? <span className="absolute -top-0.5 -right-1 h-2.5 w-2.5 rounded-full bg-party ring-2 ring-white" aria-hidden="true" /> : null}
                </span>
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
