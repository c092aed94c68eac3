// How a quiz's or contest's time left reads: whole minutes while there is time, minutes and seconds in
// the last minutes, seconds in the last one. Pure: the countdown component and its unit test share it.

/** Below this, the countdown shows seconds. */
export const SECONDS_SHOWN_BELOW_MS = 5 * 60_000;

/** The countdown's visible text for `ms` milliseconds left. */
export function countdownText(ms: number): string {
  if (ms <= 0) return "作答时间已到";
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `剩余 ${seconds} 秒`;
  if (ms >= SECONDS_SHOWN_BELOW_MS) return `剩余 ${Math.ceil(ms / 60_000)} 分钟`;
  return `剩余 ${Math.floor(seconds / 60)} 分 ${String(seconds % 60).padStart(2, "0")} 秒`;
}

// A screen reader is told the time at these points only (a live region read every second would drown
// the question being read).
const MILESTONES = [
  { belowMs: 1, label: "作答时间已到" },
  { belowMs: 10_000, label: "剩余不到 10 秒" },
  { belowMs: 30_000, label: "剩余不到 30 秒" },
  { belowMs: 60_000, label: "剩余不到 1 分钟" },
  { belowMs: SECONDS_SHOWN_BELOW_MS, label: "剩余不到 5 分钟" },
];

/** The last milestone `ms` has passed below, or null while more than five minutes are left. */
export function timeLeftMilestone(ms: number): { label: string } | null {
  return MILESTONES.find((m) => ms < m.belowMs) ?? null;
}
