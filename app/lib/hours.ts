import { asChinaWallClock } from "./dates";

// 学时 are stored as integers in hundredths; these turn them into what a person reads.

export function formatHours(hundredths: number): string {
  const v = hundredths / 100;
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, "");
}

export function hoursToHundredths(hours: number): number {
  return Math.round(hours * 100);
}

/** The calendar year in China (UTC+8) of an instant: the year a ledger entry counts for. */
export function ledgerYear(at: Date): number {
  return asChinaWallClock(at).getUTCFullYear();
}

/** The month (1–12) in China of an instant: the month of the year a ledger entry is shown under in the trend. */
export function ledgerMonth(at: Date): number {
  return asChinaWallClock(at).getUTCMonth() + 1;
}
