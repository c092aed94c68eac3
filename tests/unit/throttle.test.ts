import { describe, expect, it } from "vitest";
import { ACCOUNT_ADDRESS_POLICY, ACCOUNT_POLICY, ADDRESS_POLICY, FailureThrottle, type LoginClaim, LoginThrottle } from "~/.server/auth/throttle";

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
    expect(ADDRESS_POLICY.maxFailures).toBeGreaterThanOrEqual(ACCOUNT_ADDRESS_POLICY.maxFailures * 5);
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

describe("LoginThrottle", () => {
  function withClock() {
    const clock = { t: 1_000_000 };
    return { clock, throttle: new LoginThrottle(() => clock.t) };
  }
  const fail = (claim: LoginClaim | null) => {
    expect(claim).not.toBeNull();
    claim!.end(false);
  };

  it("counts attempts when they start: parallel guesses at one account from one address get five tries", () => {
    const { throttle } = withClock();
    const claims = Array.from({ length: 20 }, () => throttle.begin("2024001", "198.51.100.9"));
    expect(claims.filter(Boolean)).toHaveLength(ACCOUNT_ADDRESS_POLICY.maxFailures);
    for (const c of claims) c?.end(false);
    expect(throttle.begin("2024001", "198.51.100.9")).toBeNull();
  });

  it("counts attempts when they start per address: parallel requests for many accounts get the address's budget, no more", () => {
    const { throttle } = withClock();
    const claims = Array.from({ length: 120 }, (_, i) => throttle.begin(`acct-${i}`, "198.51.100.9"));
    expect(claims.filter(Boolean)).toHaveLength(ADDRESS_POLICY.maxFailures);
    // Refused attempts counted nothing: once the claims succeed, the address is free again.
    for (const c of claims) c?.end(true);
    expect(throttle.begin("acct-0", "198.51.100.9")).not.toBeNull();
  });

  it("does not lock the owner out when someone else guesses at their account from another address", () => {
    const { clock, throttle } = withClock();
    // The attacker keeps going at the pace the limit allows, for two hours.
    for (let quarter = 0; quarter < 8; quarter++) {
      for (let i = 0; i < ACCOUNT_ADDRESS_POLICY.maxFailures; i++) fail(throttle.begin("2024001", "203.0.113.66"));
      expect(throttle.begin("2024001", "203.0.113.66")).toBeNull();
      const owner = throttle.begin("2024001", "198.51.100.9");
      expect(owner, `quarter ${quarter}`).not.toBeNull();
      owner!.end(true);
      clock.t += ACCOUNT_ADDRESS_POLICY.lockMs;
    }
  });

  it("locks the account everywhere once many addresses together reach the slower account limit", () => {
    const { throttle } = withClock();
    const perAddress = ACCOUNT_ADDRESS_POLICY.maxFailures;
    const addresses = Math.ceil(ACCOUNT_POLICY.maxFailures / perAddress);
    expect(addresses).toBeGreaterThan(1);
    for (let a = 0; a < addresses; a++) for (let i = 0; i < perAddress; i++) fail(throttle.begin("2024001", `203.0.113.${a}`));
    expect(throttle.begin("2024001", "198.51.100.9")).toBeNull();
    expect(throttle.begin("2024002", "198.51.100.9")).not.toBeNull();
  });

  it("forgets an account's failures from an address on success there, but not the address's or the account's elsewhere", () => {
    const { throttle } = withClock();
    for (let i = 0; i < 4; i++) fail(throttle.begin("2024001", "198.51.100.9"));
    throttle.begin("2024001", "198.51.100.9")!.end(true);
    for (let i = 0; i < 4; i++) fail(throttle.begin("2024001", "198.51.100.9"));
    expect(throttle.begin("2024001", "198.51.100.9")).not.toBeNull();
    expect(throttle.account.isLocked("2024001")).toBe(false);
    // A valid account of one's own does not reset an address that guesses at others.
    const { throttle: t2 } = withClock();
    for (let i = 0; i < ADDRESS_POLICY.maxFailures - 1; i++) fail(t2.begin(`acct-${i}`, "198.51.100.9"));
    t2.begin("mine", "198.51.100.9")!.end(true);
    fail(t2.begin("acct-x", "198.51.100.9"));
    expect(t2.begin("mine", "198.51.100.9")).toBeNull();
  });

  it("ends a claim once, however often end is called", () => {
    const { throttle } = withClock();
    const claim = throttle.begin("2024001", "198.51.100.9")!;
    claim.end(false);
    claim.end(false);
    claim.end(false);
    for (let i = 0; i < ACCOUNT_ADDRESS_POLICY.maxFailures - 1; i++) expect(throttle.begin("2024001", "198.51.100.9")).not.toBeNull();
  });
});
