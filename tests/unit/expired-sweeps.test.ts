import { describe, expect, it, vi } from "vitest";
import { closeEach, repeatWhileWorking } from "~/.server/expired-sweeps";
import { allowConsoleError } from "../setup/console";

// Closing expired papers in bulk (decision 090): each of a batch in turn, a failing one logged and passed
// over; batches of 500 until none is left, within the tick's budget.

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

describe("closeEach", () => {
  it("closes every item after one whose closing throws, logs that one by id, and counts only those closed", async () => {
    allowConsoleError();
    const errors = vi.spyOn(console, "error");
    const tried: number[] = [];
    const closed = await closeEach(
      [1, 2, 3, 4].map((id) => ({ id })),
      async ({ id }) => {
        tried.push(id);
        if (id === 2) throw new Error("grading failed");
        return id !== 4; // 4: closed meanwhile by someone else
      },
      "quiz attempt",
    );
    expect(tried).toEqual([1, 2, 3, 4]);
    expect(closed).toBe(2);
    const logged = errors.mock.calls.map((c) => c.map(String).join(" ")).join("\n");
    expect(logged).toContain("closing an expired quiz attempt failed");
    expect(logged).toContain("grading failed");
    expect(logged).toContain(`"id":2`);
  });
});
