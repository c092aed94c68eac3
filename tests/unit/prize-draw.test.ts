import { describe, expect, it } from "vitest";
import { drawPrizeWinners, verifyPrizeDraw } from "~/lib/prize-draw";

// The draw is published as "FNV-1a of `${seed}/prize` seeds mulberry32, Fisher–Yates over the pool in
// ascending order, the first N win". An outsider re-running it from that description must get the same
// winners: this test re-implements it from the description alone.

function outsiderDraw(pool: number[], prizes: number, seed: string): number[] {
  const key = `${seed}/prize`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...pool].sort((x, y) => x - y);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, prizes);
}

const POOL = Array.from({ length: 40 }, (_, i) => 1000 + i * 7);

describe("the prize draw", () => {
  it("gives what the published algorithm gives, for many seeds", () => {
    for (const seed of ["a3f1c2", "0123456789abcdef0123456789abcdef", "种子", ""]) {
      expect(drawPrizeWinners(POOL, 5, seed)).toEqual(outsiderDraw(POOL, 5, seed));
    }
  });

  it("is reproducible from the seed and does not depend on the pool's order", () => {
    const seed = "5d41402abc4b2a76b9719d911017c592";
    const once = drawPrizeWinners(POOL, 6, seed);
    expect(drawPrizeWinners(POOL, 6, seed)).toEqual(once);
    expect(drawPrizeWinners([...POOL].reverse(), 6, seed)).toEqual(once);
    expect(new Set(once).size).toBe(6);
    for (const w of once) expect(POOL).toContain(w);
  });

  it("keeps earlier winners in front when more prizes are drawn from the same seed", () => {
    const seed = "feedface";
    expect(drawPrizeWinners(POOL, 10, seed).slice(0, 3)).toEqual(drawPrizeWinners(POOL, 3, seed));
  });

  it("changes with the seed", () => {
    const draws = new Set(["s1", "s2", "s3", "s4", "s5"].map((s) => drawPrizeWinners(POOL, 3, s).join(",")));
    expect(draws.size).toBeGreaterThan(1);
  });

  it("gives every entry when the prizes outnumber the pool, and nothing from an empty pool", () => {
    expect(drawPrizeWinners([3, 1, 2], 10, "x").sort()).toEqual([1, 2, 3]);
    expect(drawPrizeWinners([], 3, "x")).toEqual([]);
    expect(() => drawPrizeWinners(POOL, -1, "x")).toThrow(RangeError);
  });

  it("verifies a stored draw and catches one that was tampered with", () => {
    const seed = "c0ffee";
    const winners = drawPrizeWinners(POOL, 4, seed);
    expect(verifyPrizeDraw({ seed, pool: POOL, winners })).toBe(true);
    expect(verifyPrizeDraw({ seed, pool: POOL, winners: [winners[1], winners[0], ...winners.slice(2)] })).toBe(false);
    const outsider = POOL.find((id) => !winners.includes(id))!;
    expect(verifyPrizeDraw({ seed, pool: POOL, winners: [...winners.slice(0, 3), outsider] })).toBe(false);
    expect(verifyPrizeDraw({ seed: "c0ffef", pool: POOL, winners })).toBe(false);
  });
});
