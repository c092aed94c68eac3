import type Database from "better-sqlite3";
import { type Sql, type SqlDb, type SqlTx, type TransactionOptions, asyncTransactionOpen, isSelect, preparedStatement, render } from "./sql";

// The better-sqlite3 backend of the async interface (decision 074). Each statement still runs
// synchronously once it is called; what awaits is the turn to run it. Two rules keep it as correct as
// the synchronous calls were, now that a transaction's body can await between its statements:
//   - one transaction at a time on the connection, and no statement from outside while one is open
//     (it would run inside it and share its fate): they wait until it has committed or rolled back;
//   - the other connection of the process (Prisma's) must be quiet when a transaction begins, and
//     stays held at its gate from the moment one waits to begin until it has ended: a write there
//     would otherwise wait for SQLite's lock with the event loop blocked, until busy_timeout, as the
//     open transaction cannot finish meanwhile. Holding it while waiting means a busy Prisma cannot
//     starve a transaction here. A write outside a transaction only needs no transaction open there.
// A transaction begins IMMEDIATE (the write lock at once, so several processes on the file cannot
// interleave a read-then-write: what `forUpdate()` does on PostgreSQL), and waits for another
// process's lock with the event loop free (`#beginImmediate`).

/** How this connection takes turns with the process's other one (Prisma's, through db.ts's gate). */
export type ConnectionTurns = {
  /** Resolves when the other connection may be quiet: no transaction open, no statement in flight. */
  quiet(): Promise<void>;
  /** Whether it is quiet now, checked in the same synchronous step as the BEGIN that follows. */
  isQuiet(): boolean;
  /** Resolves when the other connection may have no transaction open. */
  idle(): Promise<void>;
  /** Whether it has no transaction open now, checked in the same synchronous step as the write that follows. */
  isIdle(): boolean;
};

/**
 * Where each write transaction's wait in `#beginImmediate` goes (seconds, from its turn in the process to
 * holding the write lock, about 0 when nothing else was writing; or to giving up at busy_timeout): /metrics
 * sets `observe` (its `sqlite_write_lock_wait_seconds`), nothing else does. On globalThis: server.ts and the
 * Remix build each load this module, and the one raw connection may be either's.
 */
export const writeLockWaits: { observe: ((seconds: number) => void) | null } = ((
  globalThis as typeof globalThis & { __writeLockWaits?: { observe: ((seconds: number) => void) | null } }
).__writeLockWaits ??= { observe: null });

const ALWAYS_QUIET: ConnectionTurns = { quiet: () => Promise.resolve(), isQuiet: () => true, idle: () => Promise.resolve(), isIdle: () => true };

/** A transaction-control statement (BEGIN, SAVEPOINT sp1, …), prepared once like any other. */
function control(database: Database.Database, text: string) {
  preparedStatement(database, text).run();
}

function prepared(database: Database.Database, stmt: Sql) {
  const { text, values } = render(stmt);
  return { statement: preparedStatement(database, text), values };
}

function all<Row>(database: Database.Database, stmt: Sql): Row[] {
  const { statement, values } = prepared(database, stmt);
  return statement.all(...values) as Row[];
}

function get<Row>(database: Database.Database, stmt: Sql): Row | undefined {
  const { statement, values } = prepared(database, stmt);
  return statement.get(...values) as Row | undefined;
}

function run(database: Database.Database, stmt: Sql): number {
  const { statement, values } = prepared(database, stmt);
  return statement.run(...values).changes;
}

class SqliteTx implements SqlTx {
  readonly dialect = "sqlite" as const;
  #depth = 0;
  #ended = false;

  constructor(readonly database: Database.Database) {}

  #check() {
    if (this.#ended) throw new Error("A statement on a transaction that has ended: it would run outside it.");
  }

  async all<Row>(stmt: Sql): Promise<Row[]> {
    this.#check();
    return all<Row>(this.database, stmt);
  }

  async get<Row>(stmt: Sql): Promise<Row | undefined> {
    this.#check();
    return get<Row>(this.database, stmt);
  }

  async run(stmt: Sql): Promise<number> {
    this.#check();
    return run(this.database, stmt);
  }

  async savepoint<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    this.#check();
    const name = `sp${++this.#depth}`;
    control(this.database, `SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      control(this.database, `RELEASE ${name}`);
      return result;
    } catch (e) {
      control(this.database, `ROLLBACK TO ${name}`);
      control(this.database, `RELEASE ${name}`);
      throw e;
    } finally {
      this.#depth--;
    }
  }

  end() {
    this.#ended = true;
  }
}

export class SqliteSqlDb implements SqlDb {
  readonly dialect = "sqlite" as const;
  /** Settles when the open transaction has ended; null when none is open. */
  #open: Promise<void> | null = null;
  /** The same, from the moment a transaction's turn comes (before it waits for the other connection). */
  #claimed: Promise<void> | null = null;
  /** The queue of transactions: each waits for the one before. */
  #queue: Promise<void> = Promise.resolve();

  /** How long a transaction waits for another process's write lock: the connection's busy_timeout, read once. */
  readonly #busyMs: number;

  constructor(
    readonly database: Database.Database,
    private readonly turns: ConnectionTurns = ALWAYS_QUIET,
  ) {
    this.#busyMs = Number(database.pragma("busy_timeout", { simple: true }));
  }

  /**
   * BEGIN IMMEDIATE, waiting for another process's write lock without blocking the event loop. SQLite's
   * own wait (busy_timeout) sleeps inside the call, so while another process on the file committed,
   * this one served nothing; with several processes (WEB_CONCURRENCY, decision 071) that was the
   * cost of every overlap. Here the BEGIN does not wait (busy_timeout 0 for that one statement): when
   * the lock is taken it is tried again after a short pause, the requests in between served, until
   * the connection's busy_timeout has passed; then it fails with SQLITE_BUSY as before.
   */
  async #beginImmediate(): Promise<void> {
    const asked = performance.now();
    const deadline = asked + this.#busyMs;
    // The wait, for /metrics: once the lock is held, or when the wait gives up (busy_timeout passed).
    const waited = () => writeLockWaits.observe?.((performance.now() - asked) / 1000);
    for (let attempt = 0; ; attempt++) {
      // The last check and the BEGIN are one synchronous step.
      while (!this.turns.isQuiet()) await this.turns.quiet();
      let began = false;
      try {
        preparedStatement(this.database, "PRAGMA busy_timeout = 0").get();
        try {
          control(this.database, "BEGIN IMMEDIATE");
          began = true;
        } finally {
          preparedStatement(this.database, `PRAGMA busy_timeout = ${this.#busyMs}`).get();
        }
      } catch (e) {
        // SQLITE_BUSY, or an extended busy code (SQLITE_BUSY_RECOVERY: another process recovering the WAL).
        const code = String((e as { code?: unknown }).code ?? "");
        if (!(code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_"))) throw e;
        if (performance.now() >= deadline) {
          waited();
          throw e;
        }
      }
      if (began) {
        waited();
        return;
      }
      // 1, 2, 4 ms, then 5 ms apart, with jitter so that two waiting processes do not try in step.
      const pause = Math.min(2 ** attempt, 5) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, deadline - performance.now()))));
    }
  }

  /**
   * Whether the other connection must hold its statements: a transaction here is open or waits for it
   * to be quiet (db.ts's gate, and `prismaIdle()` of the synchronous writers, ask this).
   */
  holdsOthers(): boolean {
    return this.#claimed !== null;
  }

  /** Resolves when the other connection may go on: no transaction here is open or waiting to begin. */
  async othersMayGo(): Promise<void> {
    while (this.#claimed) await this.#claimed;
  }

  /**
   * A statement outside a transaction: after the open one, and a write only when Prisma's connection
   * has no transaction open. `act` runs in the same synchronous step as the check that let it: awaiting
   * anything in between would let a transaction begin first (db.ts's gate, decision 094).
   */
  async #outside<T>(stmt: Sql, act: () => T): Promise<T> {
    const write = !isSelect(stmt);
    for (;;) {
      if (this.#open) await this.#open;
      else if (write && !this.turns.isIdle()) await this.turns.idle();
      else return act();
    }
  }

  all<Row>(stmt: Sql): Promise<Row[]> {
    return this.#outside(stmt, () => all<Row>(this.database, stmt));
  }

  get<Row>(stmt: Sql): Promise<Row | undefined> {
    return this.#outside(stmt, () => get<Row>(this.database, stmt));
  }

  run(stmt: Sql): Promise<number> {
    return this.#outside(stmt, () => run(this.database, stmt));
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = this.#queue;
    this.#queue = before.then(() => mine);
    await before;
    // A read-only transaction takes no write lock, so Prisma's connection need not wait for it.
    const writes = !options?.readOnly;
    if (writes) this.#claimed = mine;
    try {
      if (writes) await this.#beginImmediate();
      else control(this.database, "BEGIN");
      this.#open = mine;
      asyncTransactionOpen.add(this.database);
    } catch (e) {
      this.#open = this.#claimed = null;
      release();
      throw e;
    }
    const tx = new SqliteTx(this.database);
    try {
      const result = await fn(tx);
      tx.end();
      control(this.database, "COMMIT");
      return result;
    } catch (e) {
      tx.end();
      if (this.database.inTransaction) control(this.database, "ROLLBACK");
      throw e;
    } finally {
      asyncTransactionOpen.delete(this.database);
      this.#open = this.#claimed = null;
      release();
    }
  }
}
