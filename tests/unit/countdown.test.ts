import { describe, expect, it } from "vitest";
import { countdownText, timeLeftMilestone } from "~/lib/countdown";

// The countdown reads in whole minutes while there is time, minutes and seconds in the last five, and
// seconds in the last one; a screen reader is told only at milestones.

describe("countdownText", () => {
  it("reads whole minutes (rounded up) from five minutes on", () => {
    expect(countdownText(30 * 60_000)).toBe("剩余 30 分钟");
    expect(countdownText(29 * 60_000 + 1)).toBe("剩余 30 分钟");
    expect(countdownText(5 * 60_000)).toBe("剩余 5 分钟");
  });
  it("reads minutes and seconds in the last five minutes, and seconds in the last one", () => {
    expect(countdownText(5 * 60_000 - 1)).toBe("剩余 5 分 00 秒");
    expect(countdownText(2 * 60_000 + 5_000)).toBe("剩余 2 分 05 秒");
    expect(countdownText(60_000)).toBe("剩余 1 分 00 秒");
    expect(countdownText(59_001)).toBe("剩余 1 分 00 秒");
    expect(countdownText(59_000)).toBe("剩余 59 秒");
    expect(countdownText(23_000)).toBe("剩余 23 秒");
    expect(countdownText(1)).toBe("剩余 1 秒");
    expect(countdownText(0)).toBe("作答时间已到");
  });
});

describe("timeLeftMilestone", () => {
  it("names the last milestone passed, none while five minutes or more are left", () => {
    expect(timeLeftMilestone(5 * 60_000)).toBeNull();
    expect(timeLeftMilestone(5 * 60_000 - 1)?.label).toBe("剩余不到 5 分钟");
    expect(timeLeftMilestone(61_000)?.label).toBe("剩余不到 5 分钟");
    expect(timeLeftMilestone(59_000)?.label).toBe("剩余不到 1 分钟");
    expect(timeLeftMilestone(29_000)?.label).toBe("剩余不到 30 秒");
    expect(timeLeftMilestone(9_000)?.label).toBe("剩余不到 10 秒");
    expect(timeLeftMilestone(0)?.label).toBe("作答时间已到");
  });
});
