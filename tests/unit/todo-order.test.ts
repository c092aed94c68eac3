import { describe, expect, it } from "vitest";
import { byDay, monthRange, shiftMonth } from "~/lib/calendar-month";
import { type TodoItem, byUrgency } from "~/lib/todo";

// The one order of a to-do list, and the calendar's month in China time.

const item = (key: string, dueAt: string | null, overdue = false): TodoItem => ({
  key,
  kind: "quiz",
  title: key,
  detail: "",
  href: null,
  dueAt: dueAt ? new Date(dueAt) : null,
  endsAt: null,
  overdue,
});

describe("a to-do list's order", () => {
  it("puts overdue first, then the soonest due, undated last", () => {
    const list = [
      item("later", "2026-12-20T00:00:00Z"),
      item("undated", null),
      item("overdue", "2026-11-01T00:00:00Z", true),
      item("soon", "2026-12-03T00:00:00Z"),
    ];
    expect(list.sort(byUrgency).map((i) => i.key)).toEqual(["overdue", "soon", "later", "undated"]);
  });
});

describe("the calendar's month", () => {
  it("covers a month of Beijing time", () => {
    const { from, to } = monthRange("2026-12");
    expect(from.toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(to.toISOString()).toBe("2026-12-31T16:00:00.000Z");
    expect(shiftMonth("2026-12", 1)).toBe("2027-01");
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
  });

  it("groups rows by their China day, in order", () => {
    const days = byDay([{ due: "2026-12-08 14:00" }, { due: "2026-12-02 09:00" }, { due: "2026-12-08 08:00" }, { due: null }]);
    expect(days.map((d) => [d.day, d.rows.length])).toEqual([
      ["2026-12-02", 1],
      ["2026-12-08", 2],
    ]);
  });
});

describe("the demo's coming 主题党日", () => {
  it("falls on the next Tuesday at 14:00 Beijing time, at least two days ahead", async () => {
    const { nextTuesdayAfternoon } = await import("../../prisma/seed-todo");
    // Wednesday 2 December 2026, 13:00 Beijing time: the Tuesday after is 8 December.
    expect(nextTuesdayAfternoon(new Date("2026-12-02T05:00:00Z")).toISOString()).toBe("2026-12-08T06:00:00.000Z");
    // Sunday 6 December: Tuesday the 8th is only two days ahead, still taken.
    expect(nextTuesdayAfternoon(new Date("2026-12-06T02:00:00Z")).toISOString()).toBe("2026-12-08T06:00:00.000Z");
    // Monday 7 December: the 8th is too close, so the 15th.
    expect(nextTuesdayAfternoon(new Date("2026-12-07T02:00:00Z")).toISOString()).toBe("2026-12-15T06:00:00.000Z");
  });
});
