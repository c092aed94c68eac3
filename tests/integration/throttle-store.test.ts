import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SqlDb, sql } from "../../app/.server/sql";
import { createPgSqlDb } from "../../app/.server/sql-pg";
import { ROOT } from "../support/paths";
import { freshPostgresDatabase } from "../support/postgres";

// The sign-in throttle kept in the database (decisions 029, 076), on a real database (SQLite, or
// PostgreSQL in the integration-pg run) through the app's own connection: the limits, windows and locks
// of before (these cases were the in-memory throttle's unit tests), and claims from several processes at
// once counted against one set of limits (the "count, then write" race closed).

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("throttle") };
});
let t: typeof import("../../app/.server/auth/throttle");
let sqlDb: SqlDb;

beforeAll(async () => {
  sqlDb = (await import("../../app/.server/db")).sqlDb();
  t = await import("../../app/.server/auth/throttle");
});
afterAll(async () => {
  await testDb.remove();
});

let n = 0;
/** A key of its own per test: the tests share the file. */
const fresh = () => `k:${++n}`;
const policy = { maxFailures: 3, windowMs: 1_000, lockMs: 5_000 };

function throttleWithClock(p = policy, start = 10_000) {
  const clock = { t: start };
  const throttle = new t.SignInThrottle(sqlDb, () => clock.t);
  const key = { key: fresh(), policy: p };
  return {
    clock,
    throttle,
    key,
    /** One attempt that fails; false when it was refused. */
    fail: async (k = key) => {
      const c = await throttle.claim([k]);
      await c?.end(["fail"]);
      return !!c;
    },
    locked: async (k = key) => {
      const c = await throttle.claim([k]);
      await c?.end(["release"]);
      return !c;
    },
  };
}

describe("one limit", () => {
  it("locks a key when it reaches the limit, not before", async () => {
    const { clock, fail, locked } = throttleWithClock();
    await fail();
    clock.t += 100;
    await fail();
    expect(await locked()).toBe(false);
    clock.t += 100;
    await fail();
    expect(await locked()).toBe(true);
  });

  it("keeps keys apart", async () => {
    const { fail, locked } = throttleWithClock();
    const other = { key: fresh(), policy };
    for (let i = 0; i < 3; i++) await fail();
    expect(await locked()).toBe(true);
    expect(await locked(other)).toBe(false);
  });

  it("forgets failures older than the window", async () => {
    const { clock, fail, locked } = throttleWithClock();
    await fail(); // t = 10 000, out of the window by the third failure
    clock.t += 600;
    await fail();
    clock.t += 500;
    await fail();
    expect(await locked()).toBe(false);
    clock.t += 100; // the failures at +600 and +1100 are still in the window
    await fail();
    expect(await locked()).toBe(true);
  });

  it("unlocks when the lock expires, and starts counting afresh", async () => {
    const { clock, fail, locked } = throttleWithClock();
    for (let i = 0; i < 3; i++) await fail();
    clock.t += policy.lockMs - 1;
    expect(await locked()).toBe(true);
    clock.t += 1;
    expect(await locked()).toBe(false);
    await fail();
    expect(await locked()).toBe(false);
  });

  it("does not count the failures that caused a lock again once it ends", async () => {
    // A lock shorter than the window: the old failures are still inside it when the lock ends.
    const { clock, fail, locked } = throttleWithClock({ maxFailures: 3, windowMs: 60_000, lockMs: 1_000 }, 0);
    for (let i = 0; i < 3; i++) await fail();
    clock.t += 1_000;
    expect(await locked()).toBe(false);
    await fail();
    expect(await locked()).toBe(false);
  });

  it("counts attempts in flight, so parallel guesses get no extra tries", async () => {
    const { throttle, key } = throttleWithClock({ maxFailures: 3, windowMs: 60_000, lockMs: 60_000 });
    // Claimed together, not one after another: the transactions take turns, each counts the others' rows.
    const claims = await Promise.all([1, 2, 3, 4].map(() => throttle.claim([key])));
    expect(claims.filter(Boolean)).toHaveLength(3);
    await claims.find(Boolean)!.end(["release"]);
    expect(await throttle.claim([key])).not.toBeNull();
  });

  it("locks after the failures of finished attempts, and ends a claim once", async () => {
    const { clock, throttle, key, locked } = throttleWithClock({ maxFailures: 2, windowMs: 60_000, lockMs: 60_000 }, 0);
    const first = (await throttle.claim([key]))!;
    await first.end(["fail"]);
    await first.end(["fail"]);
    expect(await locked()).toBe(false);
    await (await throttle.claim([key]))!.end(["fail"]);
    expect(await locked()).toBe(true);
    clock.t = 61_000;
    expect(await locked()).toBe(false);
  });

  it("lets the sweeper delete rows older than every window and lock, and nothing younger", async () => {
    const { clock, throttle, key, fail } = throttleWithClock(policy, Date.UTC(2026, 11, 1));
    await fail();
    const rows = () => (testDb.db.prepare(`SELECT COUNT(*) AS "n" FROM "SignInAttempt" WHERE "key" = ?`).get(key.key) as { n: number }).n;
    expect(rows()).toBe(1);
    clock.t += t.ACCOUNT_POLICY.windowMs - 1;
    await throttle.sweep();
    expect(rows()).toBe(1);
    clock.t += 2;
    await throttle.sweep();
    expect(rows()).toBe(0);
  });
});

describe("the three sign-in limits", () => {
  function withClock() {
    const clock = { t: 1_000_000 };
    return { clock, throttle: new t.LoginThrottle(sqlDb, () => clock.t) };
  }
  const fail = async (claim: Promise<{ end(s: boolean): Promise<void> } | null>) => {
    const c = await claim;
    expect(c).not.toBeNull();
    await c!.end(false);
  };
  let acct = 0;
  const account = () => `ACCT${++acct}`;
  let net = 0;
  const address = () => `198.51.${++net}.9`;

  it("counts attempts when they start: parallel guesses at one account from one address get five tries", async () => {
    const { throttle } = withClock();
    const [a, from] = [account(), address()];
    const claims = await Promise.all(Array.from({ length: 20 }, () => throttle.begin(a, from)));
    expect(claims.filter(Boolean)).toHaveLength(t.ACCOUNT_ADDRESS_POLICY.maxFailures);
    await Promise.all(claims.map((c) => c?.end(false)));
    expect(await throttle.begin(a, from)).toBeNull();
  });

  it("counts attempts when they start per address: parallel requests for many accounts get the address's budget, no more", async () => {
    const { throttle } = withClock();
    const from = address();
    const claims = await Promise.all(Array.from({ length: 120 }, () => throttle.begin(account(), from)));
    expect(claims.filter(Boolean)).toHaveLength(t.ADDRESS_POLICY.maxFailures);
    // Refused attempts counted nothing: once the claims succeed, the address is free again.
    await Promise.all(claims.map((c) => c?.end(true)));
    expect(await throttle.begin(account(), from)).not.toBeNull();
  });

  it("does not lock the owner out when someone else guesses at their account from another address", async () => {
    const { clock, throttle } = withClock();
    const [victim, attacker, owner] = [account(), address(), address()];
    // The attacker keeps going at the pace the limit allows, for two hours.
    for (let quarter = 0; quarter < 8; quarter++) {
      for (let i = 0; i < t.ACCOUNT_ADDRESS_POLICY.maxFailures; i++) await fail(throttle.begin(victim, attacker));
      expect(await throttle.begin(victim, attacker)).toBeNull();
      const claim = await throttle.begin(victim, owner);
      expect(claim, `quarter ${quarter}`).not.toBeNull();
      await claim!.end(true);
      clock.t += t.ACCOUNT_ADDRESS_POLICY.lockMs;
    }
  });

  it("locks the account everywhere once many addresses together reach the slower account limit", async () => {
    const { throttle } = withClock();
    const victim = account();
    const perAddress = t.ACCOUNT_ADDRESS_POLICY.maxFailures;
    const addresses = Math.ceil(t.ACCOUNT_POLICY.maxFailures / perAddress);
    expect(addresses).toBeGreaterThan(1);
    for (let a = 0; a < addresses; a++) {
      const from = address();
      for (let i = 0; i < perAddress; i++) await fail(throttle.begin(victim, from));
    }
    const owner = address();
    expect(await throttle.begin(victim, owner)).toBeNull();
    expect(await throttle.begin(account(), owner)).not.toBeNull();
  });

  it("forgets an account's failures from an address on success there, but not the address's or the account's elsewhere", async () => {
    const { throttle } = withClock();
    const [a, from] = [account(), address()];
    for (let i = 0; i < 4; i++) await fail(throttle.begin(a, from));
    await (await throttle.begin(a, from))!.end(true);
    for (let i = 0; i < 4; i++) await fail(throttle.begin(a, from));
    expect(await throttle.begin(a, from)).not.toBeNull();
    // A valid account of one's own does not reset an address that guesses at others.
    const [mine, from2] = [account(), address()];
    for (let i = 0; i < t.ADDRESS_POLICY.maxFailures - 1; i++) await fail(throttle.begin(account(), from2));
    await (await throttle.begin(mine, from2))!.end(true);
    await fail(throttle.begin(account(), from2));
    expect(await throttle.begin(mine, from2)).toBeNull();
  });

  it("ends a claim once, however often end is called", async () => {
    const { throttle } = withClock();
    const [a, from] = [account(), address()];
    const claim = (await throttle.begin(a, from))!;
    await Promise.all([claim.end(false), claim.end(false)]);
    await claim.end(false);
    for (let i = 0; i < t.ACCOUNT_ADDRESS_POLICY.maxFailures - 1; i++) expect(await throttle.begin(a, from)).not.toBeNull();
  });
});

describe("claims from several processes at once", () => {
  it("grants one account from one address five attempts in all, however many processes claim together", async () => {
    const PROCESSES = 4;
    const EACH = 20;
    const startAt = Date.now() + 3_000;
    const granted = await Promise.all(
      Array.from({ length: PROCESSES }, () => {
        const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests", "support", "throttle-claimer.ts")], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: testDb.url, CLAIM_AT: String(startAt), CLAIMS: String(EACH) },
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (b: Buffer) => (out += b.toString()));
        return new Promise<number>((resolve, reject) => {
          child.on("error", reject);
          child.on("exit", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`claimer exited with ${code}`))));
        });
      }),
    );
    expect(granted.reduce((a, b) => a + b, 0)).toBe(t.ACCOUNT_ADDRESS_POLICY.maxFailures);
  }, 60_000);
});

describe("claims from several connections at once on PostgreSQL", () => {
  // Read committed lets two transactions count the same rows before either inserts: without the
  // per-key advisory locks (decision 076) the four connections below were granted more than five.
  it("grants one account from one address five attempts in all, and locks it once", async () => {
    const database = await freshPostgresDatabase();
    const dbs = Array.from({ length: 4 }, () => createPgSqlDb(database.url));
    try {
      const now = () => 5_000_000;
      const throttles = dbs.map((d) => new t.LoginThrottle(d, now));
      const claims = (await Promise.all(throttles.flatMap((th) => Array.from({ length: 10 }, () => th.begin("RACED", "203.0.113.7"))))).filter(
        (c) => c !== null,
      );
      expect(claims).toHaveLength(t.ACCOUNT_ADDRESS_POLICY.maxFailures);
      // Their failures, ended at once on four connections, lock the account from the address once.
      await Promise.all(claims.map((c) => c.end(false)));
      const rows = await dbs[0].all<{ state: string; n: number }>(
        sql`SELECT "state", COUNT(*) AS "n" FROM "SignInAttempt" WHERE "key" = ${JSON.stringify(["p", "203.0.113.7", "RACED"])} GROUP BY "state"`,
      );
      expect(rows).toEqual([{ state: "lock", n: 1 }]);
      expect(await throttles[1].begin("RACED", "203.0.113.7")).toBeNull();
    } finally {
      await Promise.all(dbs.map((d) => d.end()));
      await database.drop();
    }
  }, 60_000);
});
