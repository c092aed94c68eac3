import { describe, expect, it } from "vitest";
import { ACCOUNT_POLICY, ADDRESS_POLICY, FailureThrottle } from "~/.server/auth/throttle";

const policy = { maxFailures: 3, windowMs: 1_000, lockMs: 5_000 };

function throttleWithClock(start = 10_000) {
  const clock = { t: start };
  return { clock, throttle: new FailureThrottle(policy, () => clock.t) };
}

describe("FailureThrottle", () => {
  it("locks a key when it reaches the limit, not before", () => {
    const { clock, throttle } = throttleWithClock();
    throttle.recordFailure("a");
    clock.t += 100;
    throttle.recordFailure("a");
    expect(throttle.isLocked("a")).toBe(false);
    clock.t += 100;
    throttle.recordFailure("a");
    expect(throttle.isLocked("a")).toBe(true);
  });

  it("keeps keys apart", () => {
    const { throttle } = throttleWithClock();
    for (let i = 0; i < 3; i++) throttle.recordFailure("a");
    expect(throttle.isLocked("a")).toBe(true);
    expect(throttle.isLocked("b")).toBe(false);
  });

  it("forgets failures older than the window", () => {
    const { clock, throttle } = throttleWithClock();
    throttle.recordFailure("a"); // t = 10 000, out of the window by the third failure
    clock.t += 600;
    throttle.recordFailure("a");
    clock.t += 500;
    throttle.recordFailure("a");
    expect(throttle.isLocked("a")).toBe(false);
    clock.t += 100; // the failures at +600 and +1100 are still in the window
    throttle.recordFailure("a");
    expect(throttle.isLocked("a")).toBe(true);
  });

  it("unlocks when the lock expires, and starts counting afresh", () => {
    const { clock, throttle } = throttleWithClock();
    for (let i = 0; i < 3; i++) throttle.recordFailure("a");
    clock.t += policy.lockMs - 1;
    expect(throttle.isLocked("a")).toBe(true);
    clock.t += 1;
    expect(throttle.isLocked("a")).toBe(false);
    throttle.recordFailure("a");
    expect(throttle.isLocked("a")).toBe(false);
  });

  it("does not count the failures that caused a lock again once it ends", () => {
    // A lock shorter than the window: the old failures are still inside it when the lock ends.
    const clock = { t: 0 };
    const throttle = new FailureThrottle({ maxFailures: 3, windowMs: 60_000, lockMs: 1_000 }, () => clock.t);
    for (let i = 0; i < 3; i++) throttle.recordFailure("a");
    clock.t += 1_000;
    expect(throttle.isLocked("a")).toBe(false);
    throttle.recordFailure("a");
    expect(throttle.isLocked("a")).toBe(false);
  });

  it("reset clears both the lock and the failures counted so far", () => {
    const { throttle } = throttleWithClock();
    for (let i = 0; i < 3; i++) throttle.recordFailure("a");
    throttle.reset("a");
    expect(throttle.isLocked("a")).toBe(false);
    throttle.recordFailure("b");
    throttle.recordFailure("b");
    throttle.reset("b");
    throttle.recordFailure("b");
    expect(throttle.isLocked("b")).toBe(false);
  });

  it("gives a shared campus address a much larger budget than one account", () => {
    expect(ADDRESS_POLICY.maxFailures).toBeGreaterThanOrEqual(ACCOUNT_POLICY.maxFailures * 5);
  });
});

describe("FailureThrottle.tryBegin", () => {
  it("counts attempts in flight, so parallel guesses get no extra tries", () => {
    const t = new FailureThrottle({ maxFailures: 3, windowMs: 60_000, lockMs: 60_000 }, () => 1_000);
    expect([t.tryBegin("a"), t.tryBegin("a"), t.tryBegin("a"), t.tryBegin("a")]).toEqual([true, true, true, false]);
    t.finish("a", false);
    expect(t.tryBegin("a")).toBe(true);
  });
  it("locks after the failures of finished attempts", () => {
    let now = 0;
    const t = new FailureThrottle({ maxFailures: 2, windowMs: 60_000, lockMs: 60_000 }, () => now);
    for (let i = 0; i < 2; i++) {
      expect(t.tryBegin("a")).toBe(true);
      t.finish("a", true);
    }
    expect(t.isLocked("a")).toBe(true);
    expect(t.tryBegin("a")).toBe(false);
    now = 61_000;
    expect(t.tryBegin("a")).toBe(true);
  });
});
