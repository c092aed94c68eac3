import { describe, expect, it } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";
import { unitIdsOnPath } from "~/lib/unit-path";

describe("unitIdsOnPath", () => {
  it("names every unit from the root down to the unit itself", () => {
    expect(unitIdsOnPath("/1/4/9/")).toEqual([1, 4, 9]);
    expect(unitIdsOnPath("/1/")).toEqual([1]);
  });

  it("reads a path without its closing slash alike, and an empty path as no units", () => {
    expect(unitIdsOnPath("/1/4")).toEqual([1, 4]);
    expect(unitIdsOnPath("")).toEqual([]);
    expect(unitIdsOnPath("/")).toEqual([]);
  });
});

describe("storedTimestamp", () => {
  it("writes an instant as the Prisma adapter does: ISO 8601 in UTC with +00:00", () => {
    expect(storedTimestamp(new Date(Date.UTC(2026, 11, 1, 8, 30, 5, 12)))).toBe("2026-12-01T08:30:05.012+00:00");
  });

  it("sorts as the instants do", () => {
    const a = storedTimestamp(new Date("2026-01-02T00:00:00Z"));
    const b = storedTimestamp(new Date("2026-01-10T00:00:00Z"));
    expect([b, a].sort()).toEqual([a, b]);
  });
});
