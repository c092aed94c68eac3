import { describe, expect, it } from "vitest";
import { createRandom, drawQuestions, fromPresented, hashSeed, optionOrder, shuffled, toPresented, type PoolQuestion } from "~/lib/quiz-shuffle";

const TWENTY = Array.from({ length: 20 }, (_, i) => `q${i + 1}`);

describe("hashSeed and createRandom", () => {
  // Stored attempts replay their paper from a seed: if these change, every stored paper changes.
  it("match the published FNV-1a and mulberry32 values", () => {
    expect(hashSeed("")).toBe(0x811c9dc5);
    expect(hashSeed("a")).toBe(0xe40c292c);
    expect(hashSeed("foobar")).toBe(0xbf9cf968);
    const random = createRandom(1);
    expect(random()).toBe(0.6270739405881613);
    expect(random()).toBe(0.002735721180215478);
    expect(random()).toBe(0.5274470399599522);
  });

  it("hashes a string seed, Chinese included", () => {
    expect(hashSeed("三会一课")).toBe(3920566192);
    expect(createRandom("foobar")()).toBe(createRandom(0xbf9cf968)());
  });

  it("stays in [0, 1)", () => {
    const random = createRandom("range");
    for (let i = 0; i < 10_000; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it("takes number seeds modulo 2^32", () => {
    expect(createRandom(2 ** 32 + 7)()).toBe(createRandom(7)());
    expect(createRandom(-1)()).toBe(createRandom(0xffffffff)());
  });
});

describe("shuffled", () => {
  it("pins the order for a known seed", () => {
    expect(shuffled([..."ABCDEFGHIJ"], 42).join("")).toBe("AHDFCBIJEG");
    expect(shuffled([..."ABCDEFGHIJ"], "attempt-1/order").join("")).toBe("ACHGBJDEIF");
  });

  it("gives the same order for the same seed and leaves the input alone", () => {
    const input = [...TWENTY];
    const a = shuffled(input, "attempt-7");
    const b = shuffled(input, "attempt-7");
    expect(a).toEqual(b);
    expect(input).toEqual(TWENTY);
    expect(a).not.toBe(input);
  });

  it("gives different orders for different seeds", () => {
    expect(shuffled(TWENTY, 1)).not.toEqual(shuffled(TWENTY, 2));
    expect(shuffled(TWENTY, "a")).not.toEqual(shuffled(TWENTY, "b"));
    const orders = new Set(Array.from({ length: 200 }, (_, seed) => shuffled(TWENTY, seed).join(",")));
    expect(orders.size).toBe(200);
    expect(orders.has(TWENTY.join(","))).toBe(false);
  });

  it("returns a permutation: the same multiset, duplicates included", () => {
    const items = ["a", "b", "b", "c", "c", "c", "d"];
    for (let seed = 0; seed < 50; seed++) {
      const out = shuffled(items, seed);
      expect(out).toHaveLength(items.length);
      expect([...out].sort()).toEqual([...items].sort());
    }
    expect(shuffled(TWENTY, 3).sort()).toEqual([...TWENTY].sort());
  });

  it("handles empty and one-item lists", () => {
    expect(shuffled([], 1)).toEqual([]);
    expect(shuffled(["x"], 1)).toEqual(["x"]);
  });

  // Deterministic seeds, so not flaky; the band is wide (about ±7 standard deviations) yet a
  // biased shuffle fails it.
  it("puts each item in each position about equally often", () => {
    const n = 5;
    const runs = 20_000;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const items = [0, 1, 2, 3, 4];
    for (let seed = 0; seed < runs; seed++) {
      shuffled(items, `uniform-${seed}`).forEach((item, position) => counts[item][position]++);
    }
    for (const row of counts) {
      for (const c of row) expect(Math.abs(c - runs / n)).toBeLessThan(400);
    }
  });

  it("produces every ordering of three items about equally often", () => {
    // The classic mistake (swap with any index, not one up to i) gives 4/27 and 5/27 here, not 1/6.
    const runs = 60_000;
    const counts = new Map<string, number>();
    for (let seed = 0; seed < runs; seed++) {
      const key = shuffled(["a", "b", "c"], seed).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(["abc", "acb", "bac", "bca", "cab", "cba"]);
    for (const c of counts.values()) expect(Math.abs(c - runs / 6)).toBeLessThan(500);
  });
});

describe("optionOrder and the letter mapping", () => {
  it("shuffles a question's letters deterministically", () => {
    expect(optionOrder(["A", "B", "C", "D"], "s/q1")).toEqual(["C", "B", "A", "D"]);
    expect(optionOrder(["A", "B", "C", "D"], "s/q1")).toEqual(optionOrder(["A", "B", "C", "D"], "s/q1"));
    expect([...optionOrder(["A", "B", "C", "D", "E", "F"], 9)].sort()).toEqual(["A", "B", "C", "D", "E", "F"]);
  });

  it("refuses letters outside A–F and repeated letters", () => {
    expect(() => optionOrder(["A", "B", "G"], 1)).toThrow(RangeError);
    expect(() => optionOrder(["A", "a"], 1)).toThrow(RangeError);
    expect(() => optionOrder(["A", "B", "A"], 1)).toThrow(RangeError);
  });

  it("maps between bank letters and the letters shown in presented order", () => {
    const order = ["C", "A", "D", "B"]; // shown A = bank C, shown B = bank A, …
    expect(toPresented(order, "C")).toBe("A");
    expect(toPresented(order, "A")).toBe("B");
    expect(toPresented(order, "B")).toBe("D");
    expect(fromPresented(order, "A")).toBe("C");
    expect(fromPresented(order, "D")).toBe("B");
    expect(fromPresented(order, ["B", "C"])).toEqual(["A", "D"]);
    expect(toPresented(order, ["D", "C"])).toEqual(["A", "C"]);
  });

  it("round-trips single and multiple responses for every seed tried", () => {
    const letters = ["A", "B", "C", "D", "E"];
    for (let seed = 0; seed < 100; seed++) {
      const order = optionOrder(letters, `rt-${seed}`);
      for (const bank of letters) {
        expect(fromPresented(order, toPresented(order, bank) as string)).toBe(bank);
      }
      expect(fromPresented(order, toPresented(order, ["A", "C", "E"]) as string[])).toEqual(["A", "C", "E"]);
      expect(toPresented(order, fromPresented(order, ["B", "D"]) as string[])).toEqual(["B", "D"]);
    }
  });

  it("answers with sorted, de-duplicated letters whatever the input order", () => {
    const order = ["D", "C", "B", "A"];
    expect(fromPresented(order, ["D", "A", "A"])).toEqual(["A", "D"]);
    expect(fromPresented(order, [])).toEqual([]);
  });

  it("gives null for letters that are not shown or not known, never throwing", () => {
    const order = ["B", "A", "C"];
    expect(fromPresented(order, "D")).toBeNull(); // only A–C are shown
    expect(fromPresented(order, "a")).toBeNull();
    expect(fromPresented(order, ["A", "Z"])).toBeNull();
    expect(fromPresented(order, ["A", 1])).toBeNull();
    expect(fromPresented(order, true)).toBeNull();
    expect(fromPresented(order, null)).toBeNull();
    expect(toPresented(order, "D")).toBeNull();
    expect(toPresented(order, ["A", "F"])).toBeNull();
  });
});

describe("drawQuestions", () => {
  const pool: PoolQuestion[] = [
    { id: "q01", tags: ["党章", "党史"], difficulty: 1 },
    { id: "q02", tags: ["党章"], difficulty: 2 },
    { id: "q03", tags: ["党章"], difficulty: 3 },
    { id: "q04", tags: ["党史"], difficulty: 1 },
    { id: "q05", tags: ["党史"], difficulty: 2 },
    { id: "q06", tags: ["党章", "党史"], difficulty: 2 },
    { id: "q07", tags: [], difficulty: 1 },
    { id: "q08", tags: ["党章"], difficulty: 1 },
    { id: "q09", tags: ["讲话"], difficulty: 3 },
    { id: "q10", tags: ["党章", "讲话"], difficulty: 2 },
  ];
  const byId = new Map(pool.map((q) => [q.id, q]));

  it("draws the asked number of distinct ids from the pool", () => {
    const { ids, shortfall } = drawQuestions(pool, { count: 6 }, "draw-1", new Set());
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) expect(byId.has(id)).toBe(true);
    expect(shortfall).toBe(0);
  });

  it("is deterministic and does not depend on the pool's order", () => {
    const a = drawQuestions(pool, { count: 5 }, "draw-2");
    const b = drawQuestions([...pool].reverse(), { count: 5 }, "draw-2");
    expect(b).toEqual(a);
    const others = Array.from({ length: 20 }, (_, i) => drawQuestions(pool, { count: 5 }, `other-${i}`).ids.join());
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it("keeps only questions carrying every tag asked for", () => {
    for (let seed = 0; seed < 30; seed++) {
      const { ids, shortfall } = drawQuestions(pool, { count: 2, tags: ["党章", "党史"] }, seed);
      expect([...ids].sort()).toEqual(["q01", "q06"]);
      expect(shortfall).toBe(0);
    }
    expect(drawQuestions(pool, { count: 10, tags: ["党章"] }, 1).ids.sort()).toEqual(["q01", "q02", "q03", "q06", "q08", "q10"]);
  });

  it("keeps only the difficulties asked for, one or several", () => {
    expect(drawQuestions(pool, { count: 10, difficulty: 3 }, 1).ids.sort()).toEqual(["q03", "q09"]);
    expect(drawQuestions(pool, { count: 10, difficulty: [1, 3] }, 1).ids.sort()).toEqual(["q01", "q03", "q04", "q07", "q08", "q09"]);
    expect(drawQuestions(pool, { count: 10, tags: ["党章"], difficulty: 2 }, 1).ids.sort()).toEqual(["q02", "q06", "q10"]);
  });

  it("never returns an excluded id", () => {
    const exclude = new Set(["q02", "q05", "q08"]);
    for (let seed = 0; seed < 50; seed++) {
      const { ids } = drawQuestions(pool, { count: 7 }, seed, exclude);
      expect(ids).toHaveLength(7);
      for (const id of ids) expect(exclude.has(id)).toBe(false);
    }
  });

  it("reports the shortfall and returns every match when the pool is too small", () => {
    const exclude = new Set(["q03"]);
    const { ids, shortfall } = drawQuestions(pool, { count: 5, tags: ["党章"], difficulty: [2, 3] }, 1, exclude);
    expect([...ids].sort()).toEqual(["q02", "q06", "q10"]);
    expect(shortfall).toBe(2);
    expect(drawQuestions(pool, { count: 3, tags: ["不存在的标签"] }, 1)).toEqual({ ids: [], shortfall: 3 });
    expect(drawQuestions([], { count: 1 }, 1)).toEqual({ ids: [], shortfall: 1 });
  });

  it("counts a question listed twice in the pool once", () => {
    const doubled = [...pool.slice(0, 2), ...pool.slice(0, 2)];
    expect(drawQuestions(doubled, { count: 3 }, 1)).toEqual({ ids: expect.arrayContaining(["q01", "q02"]), shortfall: 1 });
    expect(drawQuestions(doubled, { count: 3 }, 1).ids).toHaveLength(2);
  });

  it("draws nothing for a count of 0 and refuses a count that is not a non-negative integer", () => {
    expect(drawQuestions(pool, { count: 0 }, 1)).toEqual({ ids: [], shortfall: 0 });
    expect(() => drawQuestions(pool, { count: -1 }, 1)).toThrow(RangeError);
    expect(() => drawQuestions(pool, { count: 1.5 }, 1)).toThrow(RangeError);
  });
});
