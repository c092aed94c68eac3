import os from "node:os";
import { describe, expect, it } from "vitest";
import { PrimaryState } from "~/.server/primary-state";

// What the primary answers for every worker (decision 071): argon2 slots counted over all workers and
// given back when a worker dies. (The sign-in throttle is in the database: decision 076.)

describe("the primary's shared state", () => {
  it("hands out at most cores − 1 argon2 slots over all workers and frees a dead worker's", async () => {
    const max = Math.max(1, os.availableParallelism() - 1);
    const s = new PrimaryState();
    for (let i = 0; i < max; i++) await s.answer(1, "argon2:acquire", {});
    let granted = false;
    const waiting = s.answer(2, "argon2:acquire", {}).then(() => (granted = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(granted).toBe(false);
    s.forgetWorker(1);
    await waiting;
    expect(granted).toBe(true);
    // Worker 2 now holds one: releasing it frees the slot for the next.
    await s.answer(2, "argon2:release", {});
    await s.answer(3, "argon2:acquire", {});
  });
});
