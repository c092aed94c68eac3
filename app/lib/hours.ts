import { z } from "zod";
import { asChinaWallClock } from "./dates";

// 学时 are stored as integers in hundredths; these turn them into what a person reads.

export function formatHours(hundredths: number): string {
  const v = hundredths / 100;
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, "");
}

/**
 * A number of 学时 as a form posts it: plain decimal digits only (full-width ones from a Chinese input
 * method are digits too). Number() and z.coerce would read "0x10" as 16, "1e1" as 10 and " 16 " as 16;
 * none of those is what a person means by 学时.
 */
export const DecimalText = z.preprocess(
  (v) => (typeof v === "string" ? v.normalize("NFKC") : v),
  z
    .string({ error: "请填写学时" })
    .regex(/^\d{1,6}(\.\d{1,2})?$/, "学时须为数字，如 2 或 0.5（最多两位小数）")
    .transform(Number),
);

/** 学时 in a form field, between 0.05 (or `min`) and `max`. */
export const HoursSchema = ({ min = 0.05, max }: { min?: number; max: number }) =>
  DecimalText.pipe(z.number().min(min, `学时至少 ${min}`).max(max, `学时最多 ${max}`));

/** The same, where an empty field means "no 学时". */
export const OptionalHoursSchema = (bounds: { min?: number; max: number }) =>
  z.preprocess((v) => (v === "" || v === undefined || v === null ? null : v), HoursSchema(bounds).nullable());

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
