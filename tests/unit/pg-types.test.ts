import { describe, expect, it } from "vitest";
import { parseBigCount, parseNumeric, parseTimestampAsUtc, pgTypes } from "../../app/.server/pg-types";

// How PostgreSQL's text becomes JavaScript values on the app's `pg` connections (decision 073).

describe("pg type parsers", () => {
  it("give counts and sums as numbers, and refuse what a number cannot hold exactly", () => {
    expect(parseBigCount("0")).toBe(0);
    expect(parseBigCount("123456789012")).toBe(123456789012);
    expect(() => parseBigCount("9007199254740993")).toThrow(RangeError);
    expect(parseNumeric("12.50")).toBe(12.5);
    expect(() => parseNumeric("NaN")).toThrow(RangeError);
  });

  it("read a timestamp without time zone as UTC, whatever TZ is", () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ["UTC", "Asia/Shanghai", "America/Los_Angeles"]) {
        process.env.TZ = tz;
        expect(parseTimestampAsUtc("2026-12-02 18:00:00.123").toISOString()).toBe("2026-12-02T18:00:00.123Z");
        expect(parseTimestampAsUtc("2026-03-08 02:30:00").toISOString()).toBe("2026-03-08T02:30:00.000Z");
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(parseTimestampAsUtc("0099-01-01 00:00:00").getUTCFullYear()).toBe(99);
    expect(parseTimestampAsUtc("2026-01-01 00:00:00.123456").getUTCMilliseconds()).toBe(123);
    expect(() => parseTimestampAsUtc("2026-01-01T00:00:00Z")).toThrow(RangeError);
  });

  it("are what a client's `types` option hands out, text format only; other types keep pg's parsers", () => {
    const get = pgTypes.getTypeParser as (oid: number, format?: string) => (text: string) => unknown;
    expect(get(20)("42")).toBe(42);
    expect(get(1700)("1.5")).toBe(1.5);
    expect((get(1114)("2026-12-02 18:00:00") as Date).toISOString()).toBe("2026-12-02T18:00:00.000Z");
    expect(get(23)("7")).toBe(7); // int4: pg's own
    expect(get(25)("text")).toBe("text");
  });
});
