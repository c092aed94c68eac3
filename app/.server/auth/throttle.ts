import { type SqlDb, type SqlTx, inList, sql, withRetry } from "../sql";
import { sqlDb } from "../db";

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
// each key inside the key's window and inserts its own open rows in one transaction (decision 074's
// async layer). On SQLite it holds the write lock from its start (BEGIN IMMEDIATE): two claims on two
// processes cannot both count before either writes. On PostgreSQL the transaction first takes
// `pg_advisory_xact_lock` on each of its keys, in a fixed order (decision 076): two claims on one key
// count one after the other, claims on other keys do not wait, and two claims cannot deadlock.
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

/**
 * A limit on one key: an address, an account, or an account from an address, each written as a JSON
 * array (`["p","198.51.100.9","2024070001"]`): what a person types can hold any character, and the
 * JSON text holds none that PostgreSQL's text refuses (NUL) nor any that makes two keys read alike.
 */
export type ThrottleKey = { key: string; policy: ThrottlePolicy };

/** How one limit ends with its attempt: "fail" counts it, "forget" also forgets the key's failures, "release" only ends it. */
export type ThrottleOutcome = "fail" | "forget" | "release";

/** An attempt claimed against several limits at once. `end` settles it once; later calls do nothing. */
export type ThrottleClaim = { end(outcomes: readonly ThrottleOutcome[]): Promise<void> };

/**
 * On PostgreSQL, holds each key until the transaction ends (the keys sorted, so two transactions
 * taking overlapping keys take them in one order). SQLite's transaction already holds the one write lock.
 */
async function lockKeys(tx: SqlTx, keys: readonly string[]) {
  if (tx.dialect !== "postgres") return;
  for (const key of [...new Set(keys)].sort()) await tx.all(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

export class SignInThrottle {
  constructor(
    private db: SqlDb,
    private now: () => number = Date.now,
  ) {}

  /**
   * Claims one attempt against every limit, counting attempts still being checked as if they had
   * failed, or resolves with null (counting nothing) when any key is locked or at its limit.
   */
  async claim(keys: readonly ThrottleKey[]): Promise<ThrottleClaim | null> {
    const t = this.now();
    const at = new Date(t);
    const ids = await withRetry(this.db, () =>
      this.db.transaction(async (tx) => {
        await lockKeys(
          tx,
          keys.map((k) => k.key),
        );
        for (const { key, policy } of keys) {
          const row = (await tx.get<{ locked: number; recent: number }>(
            sql`SELECT
                  (SELECT COUNT(*) FROM "SignInAttempt" WHERE "key" = ${key} AND "state" = 'lock' AND "at" > ${new Date(t - policy.lockMs)}) AS "locked",
                  (SELECT COUNT(*) FROM "SignInAttempt" WHERE "key" = ${key} AND "state" <> 'lock' AND "at" > ${new Date(t - policy.windowMs)}) AS "recent"`,
          ))!;
          if (row.locked > 0 || row.recent >= policy.maxFailures) return null;
        }
        const ids: number[] = [];
        for (const { key } of keys) {
          ids.push((await tx.get<{ id: number }>(sql`INSERT INTO "SignInAttempt" ("key", "state", "at") VALUES (${key}, 'open', ${at}) RETURNING "id"`))!.id);
        }
        return ids;
      }),
    );
    if (!ids) return null;
    let ended = false;
    return {
      end: async (outcomes) => {
        if (ended) return;
        ended = true;
        await this.end(
          keys.map((k, i) => ({ ...k, id: ids[i], outcome: outcomes[i] })),
          this.now(),
        );
      },
    };
  }

  private async end(claims: readonly (ThrottleKey & { id: number; outcome: ThrottleOutcome })[], t: number) {
    const at = new Date(t);
    await withRetry(this.db, () =>
      this.db.transaction(async (tx) => {
        const failed = claims.filter((c) => c.outcome === "fail");
        const settled = claims.filter((c) => c.outcome !== "fail");
        if (settled.length) await tx.run(sql`DELETE FROM "SignInAttempt" WHERE "id" ${inList(settled.map((c) => c.id))}`);
        for (const c of settled) if (c.outcome === "forget") await tx.run(sql`DELETE FROM "SignInAttempt" WHERE "key" = ${c.key} AND "state" = 'failed'`);
        if (!failed.length) return;
        // Two failures of one key ending at once count one after the other: one lock, not two.
        await lockKeys(
          tx,
          failed.map((c) => c.key),
        );
        await tx.run(sql`UPDATE "SignInAttempt" SET "state" = 'failed', "at" = ${at} WHERE "id" ${inList(failed.map((c) => c.id))}`);
        for (const { key, policy } of failed) {
          const { n } = (await tx.get<{ n: number }>(
            sql`SELECT COUNT(*) AS "n" FROM "SignInAttempt" WHERE "key" = ${key} AND "state" = 'failed' AND "at" > ${new Date(t - policy.windowMs)}`,
          ))!;
          if (n < policy.maxFailures) continue;
          // Locked from now; the failures that caused it are spent.
          await tx.run(sql`DELETE FROM "SignInAttempt" WHERE "key" = ${key} AND "state" = 'failed'`);
          await tx.run(sql`INSERT INTO "SignInAttempt" ("key", "state", "at") VALUES (${key}, 'lock', ${at})`);
        }
      }),
    );
  }

  /** Deletes the rows older than every window and lock; resolves with how many. */
  sweep(): Promise<number> {
    return this.db.run(sql`DELETE FROM "SignInAttempt" WHERE "at" < ${new Date(this.now() - KEEP_MS)}`);
  }
}

/** A sign-in attempt under way, counted against every limit until it ends. */
export type LoginClaim = { end(succeeded: boolean): Promise<void> };

export class LoginThrottle {
  private throttle: SignInThrottle;
  constructor(db: SqlDb, now: () => number = Date.now) {
    this.throttle = new SignInThrottle(db, now);
  }

  /**
   * Claims one attempt for the account from the address, or null when any limit is reached (then
   * nothing is counted). End every claim: a failure counts against all three; a success forgets the
   * account's failures from that address only, so neither an address nor a guesser elsewhere is let off.
   */
  async begin(account: string, address: string): Promise<LoginClaim | null> {
    const claim = await this.throttle.claim([
      { key: JSON.stringify(["a", address]), policy: ADDRESS_POLICY },
      { key: JSON.stringify(["n", account]), policy: ACCOUNT_POLICY },
      { key: JSON.stringify(["p", address, account]), policy: ACCOUNT_ADDRESS_POLICY },
    ]);
    if (!claim) return null;
    return { end: (succeeded) => claim.end(succeeded ? ["release", "release", "forget"] : ["fail", "fail", "fail"]) };
  }

  sweep(): Promise<number> {
    return this.throttle.sweep();
  }
}

const g = globalThis as typeof globalThis & { __loginThrottle?: LoginThrottle };
const loginThrottle = () => (g.__loginThrottle ??= new LoginThrottle(sqlDb()));

/** A claim of the server's throttle, ended with an await (it writes to the database). */
export type SignInClaim = { end(succeeded: boolean): Promise<void> };

/**
 * Claims one sign-in attempt (see `LoginThrottle.begin`) against the server's one throttle, the
 * database's, so the limits hold however the attempts are spread over processes and nodes.
 */
export async function claimSignIn(account: string, address: string): Promise<SignInClaim | null> {
  return loginThrottle().begin(account, address);
}

/** The sweeper's part: forgets attempts older than every window and lock. */
export function sweepSignInAttempts(): Promise<number> {
  return loginThrottle().sweep();
}
