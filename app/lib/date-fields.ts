import { z } from "zod";
import { CHINA_OFFSET_MS } from "./dates";

// Dates and times as forms post them, read into what dates.ts describes. Kept apart from dates.ts's
// formatting so that a page that only shows dates does not load zod (decision 062).

export const DateOnlySchema = z
  .string({ error: "请填写日期" })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD")
  .transform((s, ctx) => {
    const d = new Date(`${s}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
      ctx.addIssue({ code: "custom", message: "日期不存在" });
      return z.NEVER;
    }
    return d;
  });

/**
 * "2026-11-30T18:00" from <input type="datetime-local">, read as Beijing time; empty is null.
 * A day or time that does not exist (2026-02-30, 24:00) is refused rather than rolled forward.
 */
export const DateTimeLocalSchema = z.preprocess(
  (v) => (v === "" || v === undefined ? null : v),
  z
    .string({ error: "请填写时间" })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "时间格式应为 YYYY-MM-DD HH:MM")
    .transform((s, ctx) => {
      const wall = new Date(`${s}:00Z`);
      if (Number.isNaN(wall.getTime()) || wall.toISOString().slice(0, 16) !== s) {
        ctx.addIssue({ code: "custom", message: "日期或时间不存在" });
        return z.NEVER;
      }
      return new Date(wall.getTime() - CHINA_OFFSET_MS);
    })
    .nullable(),
);
