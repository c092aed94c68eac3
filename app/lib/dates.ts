// Calendar dates (an effective date, a birthday) are kept as UTC midnight of that day and shown as
// YYYY-MM-DD, so no time zone ever moves them by a day.

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return "";
  return (typeof d === "string" ? new Date(d) : d).toISOString().slice(0, 10);
}

/** China keeps one time zone, UTC+8, without daylight saving. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** An instant moved by China's offset, so that its UTC fields read as Beijing wall-clock time. */
export function asChinaWallClock(d: Date | string): Date {
  return new Date(new Date(d).getTime() + CHINA_OFFSET_MS);
}

/** The last second of a calendar day (a date-only value, UTC midnight) in China: a due date's deadline. */
export function endOfChinaDay(day: Date): Date {
  return new Date(day.getTime() + 24 * 3600_000 - CHINA_OFFSET_MS - 1000);
}

/** Today's date in China as YYYY-MM-DD. */
export function todayInChina(now = new Date()): string {
  return asChinaWallClock(now).toISOString().slice(0, 10);
}

/** An instant as Beijing wall-clock time, "YYYY-MM-DD HH:MM": the same on the server and in any browser. */
export function formatChinaDateTime(d: Date | string | null | undefined): string {
  if (!d) return "";
  const s = asChinaWallClock(d).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

/**
 * A refinement's `when` that runs a check of two fields (an end after its start) whenever both were
 * read, even when another field of the form is missing: a person sees every message at once.
 */
export const bothFieldsRead =
  (a: string, b: string) =>
  ({ value, issues }: { value: unknown; issues: readonly { path?: readonly PropertyKey[] }[] }) =>
    !issues.some((i) => i.path?.[0] === a || i.path?.[0] === b) && typeof value === "object" && value !== null && a in value && b in value;
