import pg from "pg";
import { storedTimestamp } from "../lib/timestamp";
import { pgPoolConfig, pgTypes, parseTimestampAsUtc } from "./pg-types";
import { type Sql, type SqlDb, type SqlTx, type TransactionOptions, render } from "./sql";

// The `pg` backend of the async interface (decision 074): a pool, each statement on any free client,
// each transaction on one client of its own from BEGIN to COMMIT or ROLLBACK. No gate and no queue,
// as SQLite's backend needs: PostgreSQL keeps concurrent transactions apart itself, and where a
// decision reads then writes the statement says so (`forUpdate()`, `forShare()`). Loaded by db.ts only
// when DATABASE_URL is postgres(ql)://, so the SQLite setup never loads `pg`.

const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const defaultTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ, "text") as (text: string) => Date;

/**
 * Rows as the contract says (sql.ts): pg-types' parsers (counts and sums as numbers), and a timestamp,
 * with or without time zone, as the text `storedTimestamp` writes, in UTC, as SQLite's rows hold it.
 */
const PARSERS: Record<number, (text: string) => unknown> = {
  [TIMESTAMP]: (text) => storedTimestamp(parseTimestampAsUtc(text)),
  [TIMESTAMPTZ]: (text) => storedTimestamp(defaultTimestamptz(text)),
};

export const sqlDbTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format: "text" | "binary" = "text") =>
    format === "text" && PARSERS[oid]
      ? PARSERS[oid]
      : (pgTypes.getTypeParser as (oid: number, format: string) => unknown)(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * A value as PostgreSQL gets it. A Date goes as its ISO text in UTC: `pg` would send it in the
 * process's zone with an offset, which a `timestamp without time zone` silently drops.
 */
function bind(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(bind);
  return v;
}

function prepared(stmt: Sql): { text: string; values: unknown[] } {
  const { text, values } = render(stmt, "postgres");
  return { text, values: values.map(bind) };
}

/** A pool (any free client) or one client (a transaction's). */
type Queryable = { query(text: string, values: unknown[]): Promise<pg.QueryResult> };

async function rows<Row>(on: Queryable, stmt: Sql): Promise<Row[]> {
  const { text, values } = prepared(stmt);
  return (await on.query(text, values)).rows as Row[];
}

async function changed(on: Queryable, stmt: Sql): Promise<number> {
  const { text, values } = prepared(stmt);
  return (await on.query(text, values)).rowCount ?? 0;
}

class PgTx implements SqlTx {
  readonly dialect = "postgres" as const;
  #depth = 0;
  #ended = false;

  constructor(private readonly client: pg.PoolClient) {}

  #check() {
    if (this.#ended) throw new Error("A statement on a transaction that has ended: it would run outside it.");
  }

  async all<Row>(stmt: Sql): Promise<Row[]> {
    this.#check();
    return rows<Row>(this.client, stmt);
  }

  async get<Row>(stmt: Sql): Promise<Row | undefined> {
    this.#check();
    return (await rows<Row>(this.client, stmt))[0];
  }

  async run(stmt: Sql): Promise<number> {
    this.#check();
    return changed(this.client, stmt);
  }

  async savepoint<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    this.#check();
    const name = `sp${++this.#depth}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (e) {
      // After a failed statement PostgreSQL refuses every other until this rollback.
      await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      throw e;
    } finally {
      this.#depth--;
    }
  }

  end() {
    this.#ended = true;
  }
}

export class PgSqlDb implements SqlDb {
  readonly dialect = "postgres" as const;

  constructor(readonly pool: pg.Pool) {}

  all<Row>(stmt: Sql): Promise<Row[]> {
    return rows<Row>(this.pool, stmt);
  }

  async get<Row>(stmt: Sql): Promise<Row | undefined> {
    return (await rows<Row>(this.pool, stmt))[0];
  }

  run(stmt: Sql): Promise<number> {
    return changed(this.pool, stmt);
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const client = await this.pool.connect();
    // A client whose ROLLBACK failed (its connection lost) is closed rather than handed out again.
    let broken: Error | undefined;
    try {
      // Read committed by default: a row lock waited for then reads the row as committed (decision 074).
      await client.query(options?.readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN");
      const tx = new PgTx(client);
      try {
        const result = await fn(tx);
        tx.end();
        await client.query("COMMIT");
        return result;
      } catch (e) {
        tx.end();
        await client.query("ROLLBACK").catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw e;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Closes the pool's connections (tests, and a process that stops). */
  end(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * The app's backend on PostgreSQL: a pool for DATABASE_URL with the contract's parsers and a UTC
 * session; `options` set its size and the like (the similarity check's thread keeps to one connection).
 */
export function createPgSqlDb(url: string, options: Pick<pg.PoolConfig, "max" | "idleTimeoutMillis"> = {}): PgSqlDb {
  const pool = new pg.Pool({ ...pgPoolConfig(url, options), types: sqlDbTypes });
  // An idle client whose connection the server closed: the pool drops it and opens another when needed.
  pool.on("error", (e) => console.warn(`PostgreSQL: an idle connection of sqlDb()'s pool failed: ${e.message}`));
  return new PgSqlDb(pool);
}
