import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { type IsolationLevel, type SqlDriverAdapter, type SqlDriverAdapterFactory, type SqlQuery, type Transaction } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import { env } from "./env";
import { type ConnectionTurns, SqliteSqlDb } from "./sql-sqlite";
import { type SqlDb } from "./sql";
import type { PgSqlDb } from "./sql-pg";
import { PrismaClient } from "./generated/prisma/client";
import { isWorkerProcess } from "./processes";
import { BACKSTOP_PAGES } from "./wal-checkpoints";

// The one Prisma client of the process, plus one raw better-sqlite3 connection for the measured hot
// paths: batch writers (people and bank imports, course sync, the contest answer intake, live rounds),
// study heartbeats, the session and grants every request reads (decision 017) and the 学时 reports,
// where Prisma would be 50–100× slower per row or too slow per request. Both open the same file in WAL
// mode. Raw SQL on either is written with app/.server/sql.ts (decision 037). Only domain modules import
// this file; routes call them (decision 038).
//
// DATABASE_URL chooses the engine (decision 073): `file:` (or unset) SQLite as above; `postgres://` or
// `postgresql://` Prisma on PostgreSQL through `@prisma/adapter-pg` (./db-postgres.ts), where the
// SQLite-only parts here (the raw connection, PRAGMAs, the transaction gate, BEGIN IMMEDIATE) are off.

const BUSY_TIMEOUT_MS = 5000;

function createPrisma() {
  fs.mkdirSync(path.dirname(env.databaseFile), { recursive: true });
  let adapter: SqlDriverAdapterFactory = new PrismaBetterSQLite3({ url: env.databaseFile, timeout: BUSY_TIMEOUT_MS });
  if (isWorkerProcess()) adapter = withImmediateTransactions(adapter);
  return new PrismaClient({
    adapter: withTransactionGate(
      adapter,
      (turns) => (g.__prismaTurns = turns),
      () => (g.__sqlDb?.holdsOthers() ? g.__sqlDb.othersMayGo() : undefined),
    ),
  });
}

/**
 * Several processes on the one file (decision 071): a transaction that reads and then writes must take
 * SQLite's write lock when it begins (BEGIN IMMEDIATE, waiting up to busy_timeout for it). Begun
 * deferred, its read snapshot goes stale when another process commits meanwhile, and its first write
 * then fails at once with SQLITE_BUSY (busy_timeout does not help an upgrade). In one process the
 * transaction gate above and prismaIdle() already keep the two connections apart, so this is on only
 * in a worker. The adapter offers no option for it: its BEGIN is rewritten on its connection.
 */
function withImmediateTransactions(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      const client = (adapter as unknown as { client: Database.Database }).client;
      const prepare = client.prepare.bind(client);
      client.prepare = ((source: string) => prepare(source === "BEGIN" ? "BEGIN IMMEDIATE" : source)) as typeof client.prepare;
      return adapter;
    },
  };
}

/** better-sqlite3's `db.transaction(fn)()` likewise begins IMMEDIATE in a worker (`.deferred` stays for the rare read-only one). */
function immediateByDefault(raw: Database.Database) {
  const transaction = raw.transaction.bind(raw);
  raw.transaction = ((fn: (...args: never[]) => unknown) => {
    const t = transaction(fn);
    return Object.assign((...args: never[]) => t.immediate(...args), {
      default: t.immediate,
      deferred: t.deferred,
      immediate: t.immediate,
      exclusive: t.exclusive,
    });
  }) as typeof raw.transaction;
}

/**
 * Resolves when Prisma's connection has no interactive transaction open. A raw writer awaits it and
 * then writes synchronously: otherwise a transaction of Prisma's holding SQLite's write lock across
 * an await would make the raw write wait, with the event loop blocked, until busy_timeout (the
 * transaction cannot finish while the loop is blocked), and fail.
 */
export async function prismaIdle(): Promise<void> {
  // A synchronous raw writer must not start inside a transaction of the async interface either (sqlDb()).
  while (!(g.__prismaTurns?.isIdle() ?? true) || g.__sqlDb?.holdsOthers()) {
    await g.__prismaTurns?.idle();
    await g.__sqlDb?.othersMayGo();
  }
}

// On globalThis like the client: server.ts and the Remix build each load this module.
const gateState = ((globalThis as typeof globalThis & { __prismaGate?: { open: boolean; waiting: number } }).__prismaGate ??= { open: false, waiting: 0 });

/** The gate's state for /metrics (decision 075): a transaction open, and how many queries wait behind it. */
export function prismaGate(): { readonly open: boolean; readonly waiting: number } {
  return gateState;
}

/**
 * The adapter runs every query on one connection, and queues interactive transactions among
 * themselves, but not the other queries: one arriving while a transaction is open would run inside
 * it and be rolled back with it (an acknowledged write silently lost). This gate makes queries outside
 * a transaction wait until the open one has committed or rolled back. Each query runs synchronously
 * once it is called (better-sqlite3), so "nothing open, run" cannot be split by another request.
 * Code inside a transaction callback must use its `tx`, never `prisma`, or it waits for itself
 * until the transaction times out.
 *
 * The gate also takes turns with the raw connection's async transactions (sql-sqlite.ts, decision
 * 074): `outside()` resolves when none is open there, and the turns passed to `onGate` tell that
 * connection when this one is quiet (no transaction open, no query in flight) so it may begin one.
 */
export function withTransactionGate(
  factory: SqlDriverAdapterFactory,
  onGate?: (turns: ConnectionTurns) => void,
  outside: () => Promise<void> | undefined = () => undefined,
): SqlDriverAdapterFactory {
  const gate = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    // Transactions open (counted: two may have passed the gate together, the adapter then queues the
    // second), and the promise the waiters share until none is.
    let open = 0;
    let closed: Promise<void> | null = null;
    let onClosed: (() => void) | null = null;
    const allClosed = () => (closed ??= new Promise<void>((r) => (onClosed = r)));
    let inFlight = 0;
    let drained: Promise<void> | null = null;
    let onDrained: (() => void) | null = null;
    const ownIdle = async () => {
      while (open > 0) await allClosed();
    };
    // Whether a query or a transaction may pass the gate now. Each caller checks it and counts itself
    // in one synchronous step: awaiting even a settled promise lets other continuations run first, and
    // a raw transaction begun in that moment would hold the write lock while this connection's write
    // waited for it inside SQLite, the event loop stopped, until busy_timeout failed it.
    const free = () => open === 0 && !outside();
    const idle = async () => {
      if (free()) return;
      gateState.waiting++;
      try {
        for (;;) {
          if (open > 0) await allClosed();
          else {
            const other = outside();
            if (!other) return;
            await other;
          }
        }
      } finally {
        gateState.waiting--;
      }
    };
    // A query counts as in flight from the moment it passes the gate until it settles.
    const counted = async <T>(work: () => Promise<T>): Promise<T> => {
      while (!free()) await idle();
      inFlight++;
      try {
        return await work();
      } finally {
        if (--inFlight === 0 && onDrained) {
          onDrained();
          onDrained = drained = null;
        }
      }
    };
    const isQuiet = () => open === 0 && inFlight === 0;
    const quiet = async () => {
      while (!isQuiet()) {
        if (open > 0) await allClosed();
        else await (drained ??= new Promise<void>((r) => (onDrained = r)));
      }
    };
    const queryRaw = adapter.queryRaw.bind(adapter);
    const executeRaw = adapter.executeRaw.bind(adapter);
    const executeScript = adapter.executeScript.bind(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    onGate?.({ idle: ownIdle, isIdle: () => open === 0, quiet, isQuiet });
    return Object.assign(adapter, {
      queryRaw: (q: SqlQuery) => counted(() => queryRaw(q)),
      executeRaw: (q: SqlQuery) => counted(() => executeRaw(q)),
      executeScript: (script: string) => counted(() => executeScript(script)),
      startTransaction: async (isolationLevel?: IsolationLevel) => {
        while (!free()) await idle();
        open++;
        gateState.open = true;
        let ended = false;
        const done = () => {
          if (ended) return;
          ended = true;
          if (--open === 0) {
            gateState.open = false;
            if (onClosed) {
              onClosed();
              onClosed = closed = null;
            }
          }
        };
        let tx: Transaction;
        try {
          tx = await startTransaction(isolationLevel);
        } catch (e) {
          done();
          throw e;
        }
        const commit = tx.commit.bind(tx);
        const rollback = tx.rollback.bind(tx);
        return Object.assign(tx, {
          commit: () => commit().finally(done),
          rollback: () => rollback().finally(done),
        });
      },
    });
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => gate(await factory.connect()),
  };
}

function createRaw() {
  fs.mkdirSync(path.dirname(env.databaseFile), { recursive: true });
  const raw = new Database(env.databaseFile, { timeout: BUSY_TIMEOUT_MS });
  applyPragmas(raw);
  if (isWorkerProcess()) immediateByDefault(raw);
  return raw;
}

// SQLite only: the PRAGMAs here and in prismaReady have no PostgreSQL counterpart and are the only
// SQL of the app outside sql.ts (decision 037).
export function applyPragmas(raw: Database.Database) {
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  raw.pragma("foreign_keys = ON");
}

type Globals = {
  __prisma?: PrismaClient;
  __raw?: Database.Database;
  __prismaReady?: Promise<void>;
  __prismaTurns?: ConnectionTurns;
  __sqlDb?: SqliteSqlDb;
  __pgSqlDb?: PgSqlDb;
};
const g = globalThis as typeof globalThis & Globals;

const onPostgres = env.databaseEngine === "postgres";

export const prisma: PrismaClient = (g.__prisma ??= onPostgres ? (await import("./db-postgres")).createPostgresPrisma(env.databaseUrl) : createPrisma());

/** sqlDb()'s PostgreSQL backend, loaded only on PostgreSQL (the SQLite setup never loads `pg`). */
const sqlPg = onPostgres ? await import("./sql-pg") : undefined;

/**
 * The raw connection for batched writes and hot paths. Statements on it go through `sql.ts` (`all`,
 * `get`, `run`), which prepares each text once per connection and binds dates as Prisma writes them.
 */
export function rawDb(): Database.Database {
  if (onPostgres) {
    throw new Error(
      "rawDb() is SQLite's synchronous connection and has no PostgreSQL counterpart: this code path needs the async data layer (issue 16) before it runs on PostgreSQL",
    );
  }
  return (g.__raw ??= createRaw());
}

/**
 * The async interface for raw SQL (decision 074): `await sqlDb().get<Row>(sql`…`)`,
 * `sqlDb().transaction(async (tx) => …)`. On SQLite it runs on the raw connection, taking turns with
 * Prisma's; on PostgreSQL on a `pg` pool of its own (sql-pg.ts).
 */
export function sqlDb(): SqlDb {
  if (sqlPg) return (g.__pgSqlDb ??= sqlPg.createPgSqlDb(env.databaseUrl));
  return (g.__sqlDb ??= new SqliteSqlDb(rawDb(), {
    quiet: () => g.__prismaTurns?.quiet() ?? Promise.resolve(),
    isQuiet: () => g.__prismaTurns?.isQuiet() ?? true,
    idle: () => g.__prismaTurns?.idle() ?? Promise.resolve(),
    isIdle: () => g.__prismaTurns?.isIdle() ?? true,
  }));
}

/**
 * Closes this process's connections to the database (Prisma's, the raw one, sqlDb()'s pool): for a test
 * that ran the app's modules in its own process, before it deletes its database. Nothing may use the
 * database after.
 */
export async function closeDatabase(): Promise<void> {
  await prisma.$disconnect();
  g.__raw?.close();
  await g.__pgSqlDb?.end();
}

/**
 * A string filter that ignores case on both engines: SQLite's LIKE already does (for ASCII), PostgreSQL's
 * does not, and only the PostgreSQL client takes `mode`. On SQLite the filter is returned as it came.
 * Use it for what a person types into a search box: `name: insensitive({ contains: q })`.
 */
export function insensitive<F extends { contains: string } | { startsWith: string } | { endsWith: string }>(filter: F): F {
  return onPostgres ? { ...filter, mode: "insensitive" } : filter;
}

/**
 * A serving process's connections (the raw one and Prisma's) checkpoint the WAL only past the backstop:
 * the checkpoint thread does it off the event loop (decision 092, wal-checkpoints.ts). SQLite only.
 */
export async function checkpointOnlyAsBackstop(): Promise<void> {
  if (onPostgres) return;
  rawDb().pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  await prisma.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
}

/** Sets the per-connection PRAGMAs on Prisma's connection (SQLite; on PostgreSQL it only connects); awaited before the server listens. */
export function prismaReady(): Promise<void> {
  return (g.__prismaReady ??= (async () => {
    if (onPostgres) {
      // Connects now, so a wrong URL or a database that is down stops the start instead of the first request.
      await prisma.$queryRawUnsafe("SELECT 1");
      return;
    }
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  })());
}
