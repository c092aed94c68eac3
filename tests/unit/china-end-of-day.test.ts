import { describe, expect, it } from "vitest";
import { endOfChinaDay } from "~/lib/dates";
import { DateOnlySchema } from "~/lib/date-fields";

describe("endOfChinaDay", () => {
  it("is the last second of the day in Beijing", () => {
    expect(endOfChinaDay(DateOnlySchema.parse("2027-03-31")).toISOString()).toBe("2027-03-31T15:59:59.000Z");
    expect(endOfChinaDay(DateOnlySchema.parse("2026-12-31")).toISOString()).toBe("2026-12-31T15:59:59.000Z");
  });
});
