// Sign-in failure throttling, per account and per client address, kept in this process's memory
// (docs/decisions/004-login-throttle.md). A campus shares few public addresses behind NAT, so the
// per-address budget is much larger than the per-account one.

type Bucket = { failures: number[]; lockedUntil: number; inFlight: number };

export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockMs: number };

export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 50, windowMs: 10 * 60_000, lockMs: 10 * 60_000 };

export class FailureThrottle {
  private buckets = new Map<string, Bucket>();
  constructor(
    private policy: ThrottlePolicy,
    private now: () => number = Date.now,
  ) {}

  isLocked(key: string): boolean {
    const b = this.buckets.get(key);
    return !!b && b.lockedUntil > this.now();
  }

  /**
   * Claims one attempt, counting attempts still being verified as if they had failed, so a burst of
   * parallel guesses gets no more tries than a sequence would. Settle every claim with `finish`.
   */
  tryBegin(key: string): boolean {
    const t = this.now();
    const b = this.bucket(key);
    if (b.lockedUntil > t) return false;
    const recent = b.failures.filter((f) => f > t - this.policy.windowMs).length;
    if (recent + b.inFlight >= this.policy.maxFailures) return false;
    b.inFlight++;
    return true;
  }

  finish(key: string, failed: boolean) {
    const b = this.bucket(key);
    b.inFlight = Math.max(0, b.inFlight - 1);
    if (failed) this.recordFailure(key);
    else b.failures = [];
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { failures: [], lockedUntil: 0, inFlight: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  recordFailure(key: string) {
    const t = this.now();
    const b = this.bucket(key);
    b.failures = b.failures.filter((f) => f > t - this.policy.windowMs);
    b.failures.push(t);
    if (b.failures.length >= this.policy.maxFailures) {
      b.lockedUntil = t + this.policy.lockMs;
      b.failures = [];
    }
    if (this.buckets.size > 100_000) this.prune();
  }

  reset(key: string) {
    this.buckets.delete(key);
  }

  private prune() {
    const t = this.now();
    for (const [k, b] of this.buckets) {
      if (b.inFlight === 0 && b.lockedUntil <= t && b.failures.every((f) => f <= t - this.policy.windowMs)) this.buckets.delete(k);
    }
  }
}

const g = globalThis as typeof globalThis & { __loginThrottle?: { account: FailureThrottle; address: FailureThrottle } };
export const loginThrottle = (g.__loginThrottle ??= {
  account: new FailureThrottle(ACCOUNT_POLICY),
  address: new FailureThrottle(ADDRESS_POLICY),
});
