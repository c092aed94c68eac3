import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROOT, TEMPLATE_DB } from "../support/paths";

// The sign-in throttle kept in the database (decisions 029, 076), on a real SQLite file: the limits,
// windows and locks of before (these cases were the in-memory throttle's unit tests), and claims from
// several processes at once counted against one set of limits (the "count, then write" race closed).

const { dbFile } = vi.hoisted(() => {
  const dbFile = `${process.cwd()}/tests/.tmp/throttle-${process.pid}-${Date.now()}.db`;
  process.env.DATABASE_URL = `file:${dbFile}`;
  return { dbFile };
});
let t: typeof import("../../app/.server/auth/throttle");
let db: Database.Database;

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  db = new Database(dbFile, { timeout: 5000 });
  db.pragma("journal_mode = WAL");
  t = await import("../../app/.server/auth/throttle");
});
afterAll(() => {
  db.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
});

let n = 0;
/** A key of its own per test: the tests share the file. */
const fresh = () => `k:${++n}`;
const policy = { maxFailures: 3, windowMs: 1_000, lockMs: 5_000 };

function throttleWithClock(p = policy, start = 10_000) {
  const clock = { t: start };
  const throttle = new t.SignInThrottle(db, () => clock.t);
  const key = { key: fresh(), policy: p };
  return {
    clock,
    throttle,
    key,
    /** One attempt that fails; false when it was refused. */
    fail: (k = key) => {
      const c = throttle.claim([k]);
      c?.end(["fail"]);
      return !!c;
    },
    locked: (k = key) => {
      const c = throttle.claim([k]);
      c?.end(["release"]);
      return !c;
    },
  };
}

describe("one limit", () => {
  it("locks a key when it reaches the limit, not before", () => {
    const { clock, fail, locked } = throttleWithClock();
    fail();
    clock.t += 100;
    fail();
    expect(locked()).toBe(false);
    clock.t += 100;
    fail();
    expect(locked()).toBe(true);
  });

  it("keeps keys apart", () => {
    const { fail, locked } = throttleWithClock();
    const other = { key: fresh(), policy };
    for (let i = 0; i < 3; i++) fail();
    expect(locked()).toBe(true);
    expect(locked(other)).toBe(false);
  });

  it("forgets failures older than the window", () => {
    const { clock, fail, locked } = throttleWithClock();
    fail(); // t = 10 000, out of the window by the third failure
    clock.t += 600;
    fail();
    clock.t += 500;
    fail();
    expect(locked()).toBe(false);
    clock.t += 100; // the failures at +600 and +1100 are still in the window
    fail();
    expect(locked()).toBe(true);
  });

  it("unlocks when the lock expires, and starts counting afresh", () => {
    const { clock, fail, locked } = throttleWithClock();
    for (let i = 0; i < 3; i++) fail();
    clock.t += policy.lockMs - 1;
    expect(locked()).toBe(true);
    clock.t += 1;
    expect(locked()).toBe(false);
    fail();
    expect(locked()).toBe(false);
  });

  it("does not count the failures that caused a lock again once it ends", () => {
    // A lock shorter than the window: the old failures are still inside it when the lock ends.
    const { clock, fail, locked } = throttleWithClock({ maxFailures: 3, windowMs: 60_000, lockMs: 1_000 }, 0);
    for (let i = 0; i < 3; i++) fail();
    clock.t += 1_000;
    expect(locked()).toBe(false);
    fail();
    expect(locked()).toBe(false);
  });

  it("counts attempts in flight, so parallel guesses get no extra tries", () => {
    const { throttle, key } = throttleWithClock({ maxFailures: 3, windowMs: 60_000, lockMs: 60_000 });
    const claims = [1, 2, 3, 4].map(() => throttle.claim([key]));
    expect(claims.map(Boolean)).toEqual([true, true, true, false]);
    claims[0]!.end(["release"]);
    expect(throttle.claim([key])).not.toBeNull();
  });

  it("locks after the failures of finished attempts, and ends a claim once", () => {
    const { clock, throttle, key, locked } = throttleWithClock({ maxFailures: 2, windowMs: 60_000, lockMs: 60_000 }, 0);
    const first = throttle.claim([key])!;
    first.end(["fail"]);
    first.end(["fail"]);
    expect(locked()).toBe(false);
    throttle.claim([key])!.end(["fail"]);
    expect(locked()).toBe(true);
    clock.t = 61_000;
    expect(locked()).toBe(false);
  });

  it("lets the sweeper delete rows older than every window and lock, and nothing younger", () => {
    const { clock, throttle, key, fail } = throttleWithClock(policy, Date.UTC(2026, 11, 1));
    fail();
    const rows = () => (db.prepare(`SELECT COUNT(*) AS "n" FROM "SignInAttempt" WHERE "key" = ?`).get(key.key) as { n: number }).n;
    expect(rows()).toBe(1);
    clock.t += t.ACCOUNT_POLICY.windowMs - 1;
    throttle.sweep();
    expect(rows()).toBe(1);
    clock.t += 2;
    throttle.sweep();
    expect(rows()).toBe(0);
  });
});

describe("the three sign-in limits", () => {
  function withClock() {
    const clock = { t: 1_000_000 };
    return { clock, throttle: new t.LoginThrottle(db, () => clock.t) };
  }
  const fail = (claim: { end(s: boolean): void } | null) => {
    expect(claim).not.toBeNull();
    claim!.end(false);
  };
  let acct = 0;
  const account = () => `ACCT${++acct}`;
  let net = 0;
  const address = () => `198.51.${++net}.9`;

  it("counts attempts when they start: parallel guesses at one account from one address get five tries", () => {
    const { throttle } = withClock();
    const [a, from] = [account(), address()];
    const claims = Array.from({ length: 20 }, () => throttle.begin(a, from));
    expect(claims.filter(Boolean)).toHaveLength(t.ACCOUNT_ADDRESS_POLICY.maxFailures);
    for (const c of claims) c?.end(false);
    expect(throttle.begin(a, from)).toBeNull();
  });

  it("counts attempts when they start per address: parallel requests for many accounts get the address's budget, no more", () => {
    const { throttle } = withClock();
    const from = address();
    const claims = Array.from({ length: 120 }, () => throttle.begin(account(), from));
    expect(claims.filter(Boolean)).toHaveLength(t.ADDRESS_POLICY.maxFailures);
    // Refused attempts counted nothing: once the claims succeed, the address is free again.
    for (const c of claims) c?.end(true);
    expect(throttle.begin(account(), from)).not.toBeNull();
  });

  it("does not lock the owner out when someone else guesses at their account from another address", () => {
    const { clock, throttle } = withClock();
    const [victim, attacker, owner] = [account(), address(), address()];
    // The attacker keeps going at the pace the limit allows, for two hours.
    for (let quarter = 0; quarter < 8; quarter++) {
      for (let i = 0; i < t.ACCOUNT_ADDRESS_POLICY.maxFailures; i++) fail(throttle.begin(victim, attacker));
      expect(throttle.begin(victim, attacker)).toBeNull();
      const claim = throttle.begin(victim, owner);
      expect(claim, `quarter ${quarter}`).not.toBeNull();
      claim!.end(true);
      clock.t += t.ACCOUNT_ADDRESS_POLICY.lockMs;
    }
  });

  it("locks the account everywhere once many addresses together reach the slower account limit", () => {
    const { throttle } = withClock();
    const victim = account();
    const perAddress = t.ACCOUNT_ADDRESS_POLICY.maxFailures;
    const addresses = Math.ceil(t.ACCOUNT_POLICY.maxFailures / perAddress);
    expect(addresses).toBeGreaterThan(1);
    for (let a = 0; a < addresses; a++) {
      const from = address();
      for (let i = 0; i < perAddress; i++) fail(throttle.begin(victim, from));
    }
    const owner = address();
    expect(throttle.begin(victim, owner)).toBeNull();
    expect(throttle.begin(account(), owner)).not.toBeNull();
  });

  it("forgets an account's failures from an address on success there, but not the address's or the account's elsewhere", () => {
    const { throttle } = withClock();
    const [a, from] = [account(), address()];
    for (let i = 0; i < 4; i++) fail(throttle.begin(a, from));
    throttle.begin(a, from)!.end(true);
    for (let i = 0; i < 4; i++) fail(throttle.begin(a, from));
    expect(throttle.begin(a, from)).not.toBeNull();
    // A valid account of one's own does not reset an address that guesses at others.
    const [mine, from2] = [account(), address()];
    for (let i = 0; i < t.ADDRESS_POLICY.maxFailures - 1; i++) fail(throttle.begin(account(), from2));
    throttle.begin(mine, from2)!.end(true);
    fail(throttle.begin(account(), from2));
    expect(throttle.begin(mine, from2)).toBeNull();
  });

  it("ends a claim once, however often end is called", () => {
    const { throttle } = withClock();
    const [a, from] = [account(), address()];
    const claim = throttle.begin(a, from)!;
    claim.end(false);
    claim.end(false);
    claim.end(false);
    for (let i = 0; i < t.ACCOUNT_ADDRESS_POLICY.maxFailures - 1; i++) expect(throttle.begin(a, from)).not.toBeNull();
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
          env: { ...process.env, DATABASE_URL: `file:${dbFile}`, CLAIM_AT: String(startAt), CLAIMS: String(EACH) },
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
