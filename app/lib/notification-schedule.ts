import { CHINA_OFFSET_MS } from "./dates";

// When a delivery may go out: quiet hours (a person's, in Beijing time) hold it until they end, and a
// failed attempt is retried later and later until it gives up (decision 054). Pure, so unit-tested.

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/** Minutes after midnight, Beijing time; a window may wrap past midnight (22:00–07:00). Null: none. */
export type QuietHours = { start: number; end: number } | null;

export const DEFAULT_QUIET_HOURS: QuietHours = { start: 22 * 60, end: 7 * 60 };

/** `at`, or the end of the quiet hours `at` falls in. */
export function afterQuietHours(at: Date, quiet: QuietHours): Date {
  if (!quiet || quiet.start === quiet.end) return at;
  const wall = at.getTime() + CHINA_OFFSET_MS;
  const dayStart = Math.floor(wall / (DAY_MINUTES * MINUTE)) * DAY_MINUTES * MINUTE;
  const minute = (wall - dayStart) / MINUTE;
  const { start, end } = quiet;
  const wraps = start > end;
  const inside = wraps ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return at;
  // The end is today, or tomorrow when the window wrapped and we are before midnight.
  const endWall = dayStart + end * MINUTE + (wraps && minute >= start ? DAY_MINUTES * MINUTE : 0);
  return new Date(endWall - CHINA_OFFSET_MS);
}

/** "22:00" ↔ minutes. */
export function minutesToClock(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}
export function clockToMinutes(s: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Attempts before a delivery is marked failed. */
export const MAX_DELIVERY_ATTEMPTS = 6;

/** Wait after the `attempts`-th failed attempt: 1, 4, 16, 64 minutes…, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(4 ** Math.max(0, attempts - 1) * MINUTE, 6 * 60 * MINUTE);
}
