import { describe, expect, it } from "vitest";
import { NOTIFICATION_KINDS, channelEnabled } from "~/lib/notification-kinds";
import { DEFAULT_QUIET_HOURS, MAX_DELIVERY_ATTEMPTS, afterQuietHours, clockToMinutes, minutesToClock, retryDelayMs } from "~/lib/notification-schedule";

// When a notification may leave (quiet hours in Beijing time, retry backoff) and on which channels.

const at = (iso: string) => new Date(iso);

describe("afterQuietHours", () => {
  it("holds a time inside a window that wraps midnight until its end, the next morning or the same one", () => {
    expect(afterQuietHours(at("2026-12-01T14:30:00Z"), DEFAULT_QUIET_HOURS).toISOString()).toBe("2026-12-01T23:00:00.000Z"); // 22:30 → 07:00 next day
    expect(afterQuietHours(at("2026-12-01T14:00:00Z"), DEFAULT_QUIET_HOURS).toISOString()).toBe("2026-12-01T23:00:00.000Z"); // 22:00 exactly is quiet
    expect(afterQuietHours(at("2026-12-01T18:00:00Z"), DEFAULT_QUIET_HOURS).toISOString()).toBe("2026-12-01T23:00:00.000Z"); // 02:00 → 07:00 same day
  });

  it("leaves a time outside the window, or with no window, as it is", () => {
    const noon = at("2026-12-01T04:00:00Z");
    expect(afterQuietHours(noon, DEFAULT_QUIET_HOURS)).toBe(noon);
    expect(afterQuietHours(at("2026-12-01T23:00:00Z"), DEFAULT_QUIET_HOURS).toISOString()).toBe("2026-12-01T23:00:00.000Z"); // 07:00 is past the end
    expect(afterQuietHours(at("2026-12-01T15:00:00Z"), null).toISOString()).toBe("2026-12-01T15:00:00.000Z");
  });

  it("handles a window within one day (12:00–14:00)", () => {
    const lunch = { start: 12 * 60, end: 14 * 60 };
    expect(afterQuietHours(at("2026-12-01T04:30:00Z"), lunch).toISOString()).toBe("2026-12-01T06:00:00.000Z");
    expect(afterQuietHours(at("2026-12-01T06:00:00Z"), lunch).toISOString()).toBe("2026-12-01T06:00:00.000Z");
  });
});

describe("clock times", () => {
  it("reads HH:MM and refuses anything else", () => {
    expect(clockToMinutes("07:05")).toBe(425);
    expect(minutesToClock(1320)).toBe("22:00");
    for (const bad of ["24:00", "7:00", "07:60", "", "07:00:00"]) expect(clockToMinutes(bad)).toBeNull();
  });
});

describe("retryDelayMs", () => {
  it("grows fourfold from a minute and stops growing at six hours", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([60_000, 240_000, 960_000, 3_840_000]);
    expect(retryDelayMs(MAX_DELIVERY_ATTEMPTS + 10)).toBe(6 * 3600_000);
  });
});

describe("channelEnabled", () => {
  it("uses the kind's default channels unless the person chose otherwise", () => {
    expect(NOTIFICATION_KINDS.mention.channels).toEqual(["push"]);
    expect(channelEnabled("mention", "push", new Map())).toBe(true);
    expect(channelEnabled("mention", "email", new Map())).toBe(false);
    const chosen = new Map([
      ["mention:push", false],
      ["mention:email", true],
    ]);
    expect(channelEnabled("mention", "push", chosen)).toBe(false);
    expect(channelEnabled("mention", "email", chosen)).toBe(true);
  });
});
