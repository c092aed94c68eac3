import { describe, expect, it } from "vitest";
import { type ItemTally, discrimination, rateDiscrimination, scoreHistogram, scoreSummary } from "~/lib/quiz-stats";

/** Pearson's r computed directly from the raw pairs: the reference the tallies must reproduce. */
function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

function tally(pairs: { correct: boolean; rest: number }[]): ItemTally {
  return {
    n: pairs.length,
    correct: pairs.filter((p) => p.correct).length,
    sumRest: pairs.reduce((s, p) => s + p.rest, 0),
    sumRestSquared: pairs.reduce((s, p) => s + p.rest ** 2, 0),
    sumRestCorrect: pairs.filter((p) => p.correct).reduce((s, p) => s + p.rest, 0),
  };
}

describe("discrimination", () => {
  it("equals the Pearson correlation of correctness with the rest score", () => {
    const pairs = [0.9, 0.8, 0.85, 0.4, 0.3, 0.95, 0.5, 0.6, 0.2, 0.7, 0.65, 0.1].map((rest, i) => ({ rest, correct: rest > 0.45 || i === 8 }));
    const expected = pearson(
      pairs.map((p) => (p.correct ? 1 : 0)),
      pairs.map((p) => p.rest),
    );
    expect(discrimination(tally(pairs))).toBeCloseTo(expected, 10);
    expect(expected).toBeGreaterThan(0.5);
  });

  it("is negative when the stronger learners get the question wrong", () => {
    const pairs = Array.from({ length: 20 }, (_, i) => ({ rest: i / 20, correct: i < 8 }));
    const r = discrimination(tally(pairs));
    expect(r).toBeLessThan(0);
    expect(rateDiscrimination(r)).toBe("negative");
  });

  it("says nothing with too few attempts, or when everybody (or nobody) answered correctly", () => {
    const few = Array.from({ length: 9 }, (_, i) => ({ rest: i / 9, correct: i > 4 }));
    expect(discrimination(tally(few))).toBeNull();
    const all = Array.from({ length: 30 }, (_, i) => ({ rest: i / 30, correct: true }));
    expect(discrimination(tally(all))).toBeNull();
    const none = all.map((p) => ({ ...p, correct: false }));
    expect(discrimination(tally(none))).toBeNull();
    const flat = Array.from({ length: 30 }, (_, i) => ({ rest: 0.5, correct: i % 2 === 0 }));
    expect(discrimination(tally(flat))).toBeNull();
    expect(rateDiscrimination(null)).toBe("unknown");
  });

  it("rates by Ebel's bands", () => {
    expect(rateDiscrimination(0.45)).toBe("good");
    expect(rateDiscrimination(0.3)).toBe("good");
    expect(rateDiscrimination(0.25)).toBe("fair");
    expect(rateDiscrimination(0.05)).toBe("poor");
  });
});

describe("score distribution", () => {
  it("puts each grade in its ten-point bucket, a full score in the last", () => {
    const h = scoreHistogram([0, 95, 999, 1000, 800, 799, 595, 600]); // tenths of a percent
    expect(h.map((b) => b.count)).toEqual([2, 0, 0, 0, 0, 1, 1, 1, 1, 2]);
    expect(h[9].label).toBe("90–100");
    expect(h[0].label).toBe("0–9");
  });

  it("summarises mean, median and passes", () => {
    expect(scoreSummary([])).toEqual({ count: 0, mean: null, median: null, passed: 0 });
    const s = scoreSummary([
      { percent: 900, passed: true },
      { percent: 600, passed: false },
      { percent: 855, passed: true },
      { percent: 1000, passed: true },
    ]);
    expect(s).toEqual({ count: 4, mean: 83.9, median: 87.8, passed: 3 });
  });
});
