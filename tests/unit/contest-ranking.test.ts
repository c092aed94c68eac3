import { describe, expect, it } from "vitest";
import { compareEntries, formatDuration, rankEntries, rankUnits } from "~/lib/contest-ranking";

describe("the individual ranking", () => {
  it("orders by score, then by time, and shares places on full ties (1, 2, 2, 4)", () => {
    const ranked = rankEntries([
      { id: "slow90", score: 9000, durationMs: 300_000 },
      { id: "fast80", score: 8000, durationMs: 60_000 },
      { id: "fast90a", score: 9000, durationMs: 120_000 },
      { id: "top", score: 10000, durationMs: 500_000 },
      { id: "fast90b", score: 9000, durationMs: 120_000 },
    ]);
    expect(ranked.map((r) => [r.id, r.place])).toEqual([
      ["top", 1],
      ["fast90a", 2],
      ["fast90b", 2],
      ["slow90", 4],
      ["fast80", 5],
    ]);
  });

  it("ranks an entry without a recorded time after those with one at the same score", () => {
    const ranked = rankEntries([
      { id: "untimed", score: 5000, durationMs: null },
      { id: "timed", score: 5000, durationMs: 999_999 },
      { id: "untimed2", score: 5000, durationMs: null },
    ]);
    expect(ranked.map((r) => [r.id, r.place])).toEqual([
      ["timed", 1],
      ["untimed", 2],
      ["untimed2", 2],
    ]);
    expect(compareEntries({ score: 1, durationMs: null }, { score: 1, durationMs: null })).toBe(0);
  });

  it("gives the same places to the best n as the full ranking does", () => {
    const entries = Array.from({ length: 30 }, (_, i) => ({ id: i, score: (i % 4) * 1000, durationMs: (i % 3) * 1000 }));
    const full = rankEntries(entries);
    const top = rankEntries(full.slice(0, 12));
    expect(top.map((r) => r.place)).toEqual(full.slice(0, 12).map((r) => r.place));
  });

  it("formats times", () => {
    expect(formatDuration(185_000)).toBe("3分05秒");
    expect(formatDuration(42_400)).toBe("42秒");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("the organisation table", () => {
  const unit = (unitId: number, eligible: number, participants: number, scoreSum: number) => ({
    unitId,
    name: `单位${unitId}`,
    eligible,
    participants,
    scoreSum,
  });

  it("ranks by participation rate, then average score, and flags the award at the threshold", () => {
    const table = rankUnits(
      [
        unit(1, 10, 8, 8 * 9000), // 80 %, average 90
        unit(2, 4, 4, 4 * 6000), // 100 %, average 60
        unit(3, 5, 4, 4 * 9500), // 80 %, average 95
        unit(4, 3, 2, 2 * 10000), // 66.7 %
        unit(5, 0, 0, 0), // nobody eligible: not listed
        unit(6, 7, 0, 0), // nobody took part
      ],
      80,
    );
    expect(table.map((u) => [u.unitId, u.place, u.rate, u.averageScore, u.awarded])).toEqual([
      [2, 1, 100, 60, true],
      [3, 2, 80, 95, true],
      [1, 3, 80, 90, true],
      [4, 4, 66.7, 100, false],
      [6, 5, 0, null, false],
    ]);
  });

  it("compares rates exactly: 2/3 ties 4/6, and 79.9 % misses an 80 % threshold", () => {
    const table = rankUnits([unit(1, 3, 2, 2 * 5000), unit(2, 6, 4, 4 * 5000), unit(3, 1000, 799, 0)], 80);
    expect(table.map((u) => [u.unitId, u.place])).toEqual([
      [3, 1],
      [1, 2],
      [2, 2],
    ]);
    expect(table.find((u) => u.unitId === 3)!.awarded).toBe(false);
    expect(rankUnits([unit(1, 1000, 800, 0)], 80)[0].awarded).toBe(true);
  });

  it("averages in points with two decimals", () => {
    expect(rankUnits([unit(1, 3, 3, 25000)], 80)[0].averageScore).toBe(83.33);
  });
});
