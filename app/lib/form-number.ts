import { z } from "zod";

// A number a person types into a form (minutes, a pass mark, a count, points). Number() and
// z.coerce read "0x10" as 16, "1e1" as 10, "Infinity" as a number and an empty field as 0; none of
// those is what anyone means. Plain decimal digits only, and full-width digits from a Chinese input
// method (１６) are the digits they look like.

const PLAIN_DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/** The number a field's text means; undefined when empty, NaN when it is not a plain decimal. */
function readNumberText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.normalize("NFKC").trim();
  if (text === "") return undefined;
  if (!PLAIN_DECIMAL.test(text)) return Number.NaN;
  const n = Number(text);
  return Object.is(n, -0) ? 0 : n;
}

/** A required number field named `label` in its messages; `rules` adds the bounds (int, min, max). */
export function numberField(label: string, rules: (n: z.ZodNumber) => z.ZodNumber = (n) => n) {
  const base = z.number({ error: (issue) => (issue.input === undefined ? `请填写${label}` : `${label}须为数字（只写阿拉伯数字，如 60 或 0.5）`) });
  return z.preprocess(readNumberText, rules(base));
}

/** The same, where an empty field means "not set" (null). */
export function optionalNumberField(label: string, rules: (n: z.ZodNumber) => z.ZodNumber = (n) => n) {
  return z.preprocess((v) => (v === undefined || v === null || (typeof v === "string" && v.trim() === "") ? null : v), numberField(label, rules).nullable());
}
