import os from "node:os";
import { describe, expect, it } from "vitest";
import { PrimaryState } from "~/.server/primary-state";

// What the primary answers for every worker (decision 071): one sign-in throttle, and argon2 slots
// counted over all workers and given back when a worker dies.

const begin = (s: PrimaryState, worker: number, account = "A1", address = "10.0.0.1") =>
  s.answer(worker, "throttle:begin", { account, address }) as Promise<number | null>;

describe("the primary's shared state", () => {
  it("counts sign-in failures from every worker against one throttle", async () => {
    const s = new PrimaryState();
    for (let i = 0; i < 5; i++) {
      const id = await begin(s, 1 + (i % 2));
      expect(id).not.toBeNull();
      await s.answer(1 + (i % 2), "throttle:end", { id, succeeded: false });
    }
    expect(await begin(s, 1)).toBeNull();
    expect(await begin(s, 2)).toBeNull();
    // Another account from the same address is not locked by these five.
    expect(await begin(s, 1, "B2")).not.toBeNull();
  });

  it("ends only a worker's own claims, and counts a dead worker's claims as failed", async () => {
    const s = new PrimaryState();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await begin(s, 1));
    // Five in flight: a sixth waits for none of them, it is refused.
    expect(await begin(s, 2)).toBeNull();
    await s.answer(2, "throttle:end", { id: ids[0], succeeded: true }); // not worker 2's: ignored
    expect(await begin(s, 2)).toBeNull();
    s.forgetWorker(1);
    expect(await begin(s, 2)).toBeNull(); // five failures now: locked
  });

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
