import { askPrimary, isWorkerProcess, tellPrimary } from "../processes";

// Sign-in throttling, kept in this process's memory, or the primary's when several processes serve
// (decisions 004, 029 and 071). Every attempt is
// counted when it starts, so parallel requests get no more tries than a sequence would. Three limits:
// an account from one address (tight: it stops a guesser without locking the owner out from anywhere
// else), an account from everywhere (slower: one address alone can never reach it), and an address
// (a campus shares few public addresses behind NAT, so its budget is much larger than an account's).

type Bucket = { failures: number[]; lockedUntil: number; inFlight: number };

export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockMs: number };

/** One account from one address. */
export const ACCOUNT_ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** One account from all addresses together: 60 an hour, more than one address can reach under the limit above (20 an hour). */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 60, windowMs: 60 * 60_000, lockMs: 15 * 60_000 };
/** One client address, whichever accounts it tries. */
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

  /** Settles a claim: a failure counts; a success forgets the key's failures. */
  finish(key: string, failed: boolean) {
    this.release(key);
    if (failed) this.recordFailure(key);
    else this.bucket(key).failures = [];
  }

  /** Settles a claim without counting it or forgetting anything (a success that proves nothing about the key). */
  release(key: string) {
    const b = this.bucket(key);
    b.inFlight = Math.max(0, b.inFlight - 1);
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

/** A sign-in attempt under way, counted against every limit until it ends. */
export type LoginClaim = { end(succeeded: boolean): void };

export class LoginThrottle {
  readonly accountAddress: FailureThrottle;
  readonly account: FailureThrottle;
  readonly address: FailureThrottle;
  constructor(now: () => number = Date.now) {
    this.accountAddress = new FailureThrottle(ACCOUNT_ADDRESS_POLICY, now);
    this.account = new FailureThrottle(ACCOUNT_POLICY, now);
    this.address = new FailureThrottle(ADDRESS_POLICY, now);
  }

  /**
   * Claims one attempt for the account from the address, or null when any limit is reached (then
   * nothing is counted). End every claim: a failure counts against all three; a success forgets the
   * account's failures from that address only, so neither an address nor a guesser elsewhere is let off.
   */
  begin(account: string, address: string): LoginClaim | null {
    const pair = `${address}\u0000${account}`;
    if (!this.address.tryBegin(address)) return null;
    if (!this.account.tryBegin(account)) {
      this.address.release(address);
      return null;
    }
    if (!this.accountAddress.tryBegin(pair)) {
      this.address.release(address);
      this.account.release(account);
      return null;
    }
    let ended = false;
    return {
      end: (succeeded) => {
        if (ended) return;
        ended = true;
        this.accountAddress.finish(pair, !succeeded);
        for (const [throttle, key] of [
          [this.account, account],
          [this.address, address],
        ] as const) {
          if (succeeded) throttle.release(key);
          else throttle.finish(key, true);
        }
      },
    };
  }
}

const g = globalThis as typeof globalThis & { __loginThrottles?: LoginThrottle };
export const loginThrottle = (g.__loginThrottles ??= new LoginThrottle());

/**
 * Claims one sign-in attempt (see `LoginThrottle.begin`) against the one throttle of the server: this
 * process's, or the primary's when several processes serve (decision 071), so the limits hold however
 * the attempts are spread over the processes.
 */
export async function claimSignIn(account: string, address: string): Promise<LoginClaim | null> {
  if (!isWorkerProcess()) return loginThrottle.begin(account, address);
  const id = await askPrimary<number | null>("throttle:begin", { account, address });
  if (id === null) return null;
  let ended = false;
  return {
    end: (succeeded) => {
      if (ended) return;
      ended = true;
      tellPrimary("throttle:end", { id, succeeded });
    },
  };
}
