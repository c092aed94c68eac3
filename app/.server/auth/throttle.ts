import type Database from "better-sqlite3";
import { all, get, inList, run, sql } from "../sql";
import { prismaIdle, rawDb } from "../db";

// Sign-in throttling (decisions 004, 029), kept in the database (decision 076) so every process and
// every node counts against the same limits, and a restart forgets nothing. Every attempt is counted
// when it starts, so parallel requests get no more tries than a sequence would. Three limits: an
// account from one address (tight: it stops a guesser without locking the owner out from anywhere
// else), an account from everywhere (slower: one address alone can never reach it), and an address
// (a campus shares few public addresses behind NAT, so its budget is much larger than an account's).
//
// One row of "SignInAttempt" per limit and attempt: "open" while the password is being checked,
// "failed" once it failed, and a "lock" row when a key reaches its limit (its failures are deleted
// then, so they do not count again once the lock ends). A claim counts the open and failed rows of
// each key inside the key's window and inserts its own open rows in one transaction that holds the
// write lock from its start (BEGIN IMMEDIATE): two claims on two processes cannot both count before
// either writes. On PostgreSQL the same statements close the race when the transaction first takes
// `pg_advisory_xact_lock` on each key (in a fixed order), or run at SERIALIZABLE and retry (076).
// A claim whose process dies before it ends stays "open" and counts as an attempt until it leaves the
// window; the sweeper deletes rows older than every window and lock.

export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockMs: number };

/** One account from one address. */
export const ACCOUNT_ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** One account from all addresses together: 60 an hour, more than one address can reach under the limit above (20 an hour). */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 60, windowMs: 60 * 60_000, lockMs: 15 * 60_000 };
/** One client address, whichever accounts it tries. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 50, windowMs: 10 * 60_000, lockMs: 10 * 60_000 };

/** Rows older than this are outside every window and lock above: the sweeper deletes them. */
const KEEP_MS = Math.max(...[ACCOUNT_ADDRESS_POLICY, ACCOUNT_POLICY, ADDRESS_POLICY].flatMap((p) => [p.windowMs, p.lockMs]));

/** A limit on one key ("a:" an address, "n:" an account, "p:" an account from an address). */
export type ThrottleKey = { key: string; policy: ThrottlePolicy };

/** How one limit ends with its attempt: "fail" counts it, "forget" also forgets the key's failures, "release" only ends it. */
export type ThrottleOutcome = "fail" | "forget" | "release";

/** An attempt claimed against several limits at once. `end` settles it once; later calls do nothing. */
export type ThrottleClaim = { end(outcomes: readonly ThrottleOutcome[]): void };

export class SignInThrottle {
  constructor(
    private db: Database.Database,
    private now: () => number = Date.now,
  ) {}

  /**
   * Claims one attempt against every limit, counting attempts still being checked as if they had
   * failed, or returns null (counting nothing) when any key is locked or at its limit.
   */
  claim(keys: readonly ThrottleKey[]): ThrottleClaim | null {
    const t = this.now();
    const at = new Date(t);
    const ids = this.db
      .transaction(() => {
        for (const { key, policy } of keys) {
          const row = get<{ locked: number; recent: number }>(
            this.db,
            sql`SELECT
                  (SELECT COUNT(*) FROM "SignInAttempt" WHERE "key" = ${key} AND "state" = 'lock' AND "at" > ${new Date(t - policy.lockMs)}) AS "locked",
                  (SELECT COUNT(*) FROM "SignInAttempt" WHERE "key" = ${key} AND "state" <> 'lock' AND "at" > ${new Date(t - policy.windowMs)}) AS "recent"`,
          )!;
          if (row.locked > 0 || row.recent >= policy.maxFailures) return null;
        }
        return keys.map(
          ({ key }) => get<{ id: number }>(this.db, sql`INSERT INTO "SignInAttempt" ("key", "state", "at") VALUES (${key}, 'open', ${at}) RETURNING "id"`)!.id,
        );
      })
      .immediate();
    if (!ids) return null;
    let ended = false;
    return {
      end: (outcomes) => {
        if (ended) return;
        ended = true;
        this.end(
          keys.map((k, i) => ({ ...k, id: ids[i], outcome: outcomes[i] })),
          this.now(),
        );
      },
    };
  }

  private end(claims: readonly (ThrottleKey & { id: number; outcome: ThrottleOutcome })[], t: number) {
    const at = new Date(t);
    this.db
      .transaction(() => {
        const failed = claims.filter((c) => c.outcome === "fail");
        const settled = claims.filter((c) => c.outcome !== "fail");
        if (settled.length) run(this.db, sql`DELETE FROM "SignInAttempt" WHERE "id" ${inList(settled.map((c) => c.id))}`);
        for (const c of settled) if (c.outcome === "forget") run(this.db, sql`DELETE FROM "SignInAttempt" WHERE "key" = ${c.key} AND "state" = 'failed'`);
        if (!failed.length) return;
        run(this.db, sql`UPDATE "SignInAttempt" SET "state" = 'failed', "at" = ${at} WHERE "id" ${inList(failed.map((c) => c.id))}`);
        for (const { key, policy } of failed) {
          const [{ n }] = all<{ n: number }>(
            this.db,
            sql`SELECT COUNT(*) AS "n" FROM "SignInAttempt" WHERE "key" = ${key} AND "state" = 'failed' AND "at" > ${new Date(t - policy.windowMs)}`,
          );
          if (n < policy.maxFailures) continue;
          // Locked from now; the failures that caused it are spent.
          run(this.db, sql`DELETE FROM "SignInAttempt" WHERE "key" = ${key} AND "state" = 'failed'`);
          run(this.db, sql`INSERT INTO "SignInAttempt" ("key", "state", "at") VALUES (${key}, 'lock', ${at})`);
        }
      })
      .immediate();
  }

  /** Deletes the rows older than every window and lock; returns how many. */
  sweep(): number {
    return run(this.db, sql`DELETE FROM "SignInAttempt" WHERE "at" < ${new Date(this.now() - KEEP_MS)}`);
  }
}

/** A sign-in attempt under way, counted against every limit until it ends. */
export type LoginClaim = { end(succeeded: boolean): void };

export class LoginThrottle {
  private throttle: SignInThrottle;
  constructor(db: Database.Database, now: () => number = Date.now) {
    this.throttle = new SignInThrottle(db, now);
  }

  /**
   * Claims one attempt for the account from the address, or null when any limit is reached (then
   * nothing is counted). End every claim: a failure counts against all three; a success forgets the
   * account's failures from that address only, so neither an address nor a guesser elsewhere is let off.
   */
  begin(account: string, address: string): LoginClaim | null {
    const claim = this.throttle.claim([
      { key: `a:${address}`, policy: ADDRESS_POLICY },
      { key: `n:${account}`, policy: ACCOUNT_POLICY },
      { key: `p:${address}\u0000${account}`, policy: ACCOUNT_ADDRESS_POLICY },
    ]);
    if (!claim) return null;
    return { end: (succeeded) => claim.end(succeeded ? ["release", "release", "forget"] : ["fail", "fail", "fail"]) };
  }

  sweep(): number {
    return this.throttle.sweep();
  }
}

const g = globalThis as typeof globalThis & { __loginThrottle?: LoginThrottle };
const loginThrottle = () => (g.__loginThrottle ??= new LoginThrottle(rawDb()));

/** A claim of the server's throttle, ended with an await (it writes to the database). */
export type SignInClaim = { end(succeeded: boolean): Promise<void> };

/**
 * Claims one sign-in attempt (see `LoginThrottle.begin`) against the server's one throttle, the
 * database's, so the limits hold however the attempts are spread over processes and nodes. The raw
 * connection writes only once Prisma's has no transaction open in this process (`prismaIdle`).
 */
export async function claimSignIn(account: string, address: string): Promise<SignInClaim | null> {
  await prismaIdle();
  const claim = loginThrottle().begin(account, address);
  if (!claim) return null;
  return {
    end: async (succeeded) => {
      await prismaIdle();
      claim.end(succeeded);
    },
  };
}

/** The sweeper's part: forgets attempts older than every window and lock. */
export async function sweepSignInAttempts(): Promise<number> {
  await prismaIdle();
  return loginThrottle().sweep();
}
