import { describe, expect, it } from "vitest";
import { formatLivePoints, rankScores, speedPoints } from "~/lib/live-scoring";

describe("speedPoints", () => {
  it("gives everything at once, half at the deadline, and scales linearly between", () => {
    expect(speedPoints(1000, 0, 20_000)).toBe(1000);
    expect(speedPoints(1000, 10_000, 20_000)).toBe(750);
    expect(speedPoints(1000, 20_000, 20_000)).toBe(500);
    expect(speedPoints(1000, 5_000, 20_000)).toBe(875);
  });

  it("clamps an elapsed time outside the allowed window", () => {
    expect(speedPoints(1000, -50, 20_000)).toBe(1000);
    expect(speedPoints(1000, 25_000, 20_000)).toBe(500);
  });

  it("rounds to a hundredth and refuses nonsense", () => {
    expect(speedPoints(333, 1, 3)).toBe(278);
    expect(() => speedPoints(-1, 0, 1000)).toThrow(RangeError);
    expect(() => speedPoints(100, 0, 0)).toThrow(RangeError);
  });
});

describe("rankScores", () => {
  it("shares places between equal scores and skips the next", () => {
    const ranked = rankScores([
      { personId: 3, score: 500 },
      { personId: 1, score: 900 },
      { personId: 2, score: 500 },
      { personId: 4, score: 0 },
    ]);
    expect(ranked.map((r) => [r.personId, r.place])).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 4],
    ]);
  });
});

it("formats hundredths", () => {
  expect(formatLivePoints(1250)).toBe("12.5");
  expect(formatLivePoints(1000)).toBe("10");
});
