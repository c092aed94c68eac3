// The learners' bottom tab bar on phones (decision 063): five places a thumb reaches, which page each
// opens, and which tab a page belongs to. Pure: the root layout renders it, unit tests read it.

export type LearnerTabId = "learn" | "quiz" | "contest" | "hours" | "me";

export type LearnerTab = {
  id: LearnerTabId;
  label: string;
  /** The page the tab opens. */
  to: string;
  /** The paths (prefixes at a "/" boundary) whose pages belong to this tab. */
  owns: readonly string[];
};

export const LEARNER_TABS: readonly LearnerTab[] = [
  // 学习 opens the home: the to-do list and the way to every place of study (catalogue, classes,
  // library, pages, discussion). The catalogue is one tap from there, and pinned required courses are
  // on the to-do list already.
  { id: "learn", label: "学习", to: "/", owns: ["/courses", "/classes", "/assignments", "/documents", "/org", "/discuss", "/search"] },
  { id: "quiz", label: "答题", to: "/quizzes", owns: ["/quizzes"] },
  { id: "contest", label: "竞赛", to: "/contests", owns: ["/contests"] },
  { id: "hours", label: "学时", to: "/hours", owns: ["/hours", "/account/claims"] },
  // 我的: the account page, which links the inbox, calendar, mailbox, meetings, certificates and sign-out.
  { id: "me", label: "我的", to: "/account", owns: ["/account", "/notifications", "/calendar", "/mailbox", "/meetings", "/checkin"] },
];

function within(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/** The tab a page belongs to; null for pages outside the learner's five places (management, sign-in). */
export function currentTab(pathname: string): LearnerTabId | null {
  if (pathname === "/") return "learn";
  // The longest owning prefix wins: /account/claims is 学时 although /account is 我的.
  let best: { id: LearnerTabId; length: number } | null = null;
  for (const tab of LEARNER_TABS) {
    for (const prefix of tab.owns) {
      if (within(pathname, prefix) && (!best || prefix.length > best.length)) best = { id: tab.id, length: prefix.length };
    }
  }
  return best?.id ?? null;
}

// Pages with no tab bar: management is worked from a desk, a live contest's host screen is projected,
// and a signed-out page has nowhere for the tabs to lead.
const NO_TAB_BAR = ["/manage", "/login", "/logout", "/activate", "/auth", "/offline"];

/** Whether a signed-in person's page shows the tab bar. */
export function showsTabBar(pathname: string): boolean {
  if (NO_TAB_BAR.some((p) => within(pathname, p))) return false;
  return !/^\/contests\/[^/]+\/host(\/|$)/.test(pathname);
}
