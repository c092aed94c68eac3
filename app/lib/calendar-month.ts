import { CHINA_OFFSET_MS, asChinaWallClock } from "./dates";

// The calendar's month, in China time: "2026-12" names the instants from 1 December 00:00 to 1 January
// 00:00 Beijing time. A page's ?month= is read by MonthSchema; the agenda groups items by China day.

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function currentMonth(now: Date): string {
  return asChinaWallClock(now).toISOString().slice(0, 7);
}

/** The instants a month covers, [from, to). */
export function monthRange(month: string): { from: Date; to: Date } {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return { from: new Date(Date.UTC(y, mo - 1, 1) - CHINA_OFFSET_MS), to: new Date(Date.UTC(y, mo, 1) - CHINA_OFFSET_MS) };
}

/** The month before or after. */
export function shiftMonth(month: string, by: number): string {
  const { from } = monthRange(month);
  const wall = asChinaWallClock(from);
  return new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + by, 1)).toISOString().slice(0, 7);
}

export function monthTitle(month: string): string {
  const [y, m] = month.split("-");
  return `${y} 年 ${Number(m)} 月`;
}

/** Rows grouped by the China day of their date string ("YYYY-MM-DD HH:MM"), days in order. */
export function byDay<T extends { due: string | null }>(rows: readonly T[]): { day: string; rows: T[] }[] {
  const days = new Map<string, T[]>();
  for (const r of rows) {
    if (!r.due) continue;
    const day = r.due.slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), r]);
  }
  return [...days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, rows]) => ({ day, rows }));
}
