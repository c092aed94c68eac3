import { z } from "zod";

// 学时 as forms post them. Kept apart from hours.ts's formatting so that a page that only shows 学时
// does not load zod (decision 062).

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
