import { describe, expect, it } from "vitest";
import { repeatWhileWorking } from "~/.server/repeat-while-working";

// The sweeper's tick for expired papers (decision 090): batches of 500 until none is left, within its budget.

/** A backlog of `n` closed `limit` at a time, each batch taking `ms`; counts the batches run. */
function backlog(n: number, limit: number, ms = 0) {
  const state = { left: n, batches: 0 };
  const pass = async () => {
    state.batches++;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    const done = Math.min(limit, state.left);
    state.left -= done;
    return done;
  };
  return { state, pass };
}

describe("repeatWhileWorking", () => {
  it("runs batches until one finds nothing, and says how many it closed", async () => {
    const { state, pass } = backlog(1_234, 500);
    expect(await repeatWhileWorking(10_000, pass)()).toBe(1_234);
    expect(state).toEqual({ left: 0, batches: 4 });
  });

  it("runs one batch when there is nothing to do", async () => {
    const { state, pass } = backlog(0, 500);
    expect(await repeatWhileWorking(10_000, pass)()).toBe(0);
    expect(state.batches).toBe(1);
  });

  it("stops starting batches once its time is up, leaving the rest for the next tick", async () => {
    const { state, pass } = backlog(100_000, 500, 20);
    const closed = await repeatWhileWorking(100, pass)();
    expect(closed).toBe(100_000 - state.left);
    expect(state.left).toBeGreaterThan(0);
    // Every batch started before the time was up: a few of 20 ms each in 100 ms, not all 200.
    expect(state.batches).toBeLessThan(20);
  });
});
