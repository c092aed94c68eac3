import type Database from "better-sqlite3";
import { storedTimestamp } from "../lib/timestamp";

// The one way to write raw SQL (decision 037). A statement is built with the `sql` tagged template, so
// a value is always a bound parameter and never text in the statement; it is rendered for the engine
// that runs it (`?` placeholders, dates as the adapter's timestamp text and booleans as 1/0 on SQLite;
// `$1…$n`, `= ANY($n)` and native values on PostgreSQL), and run by one of two sets of functions:
//   - `all`, `get`, `run`: synchronously on a better-sqlite3 connection (`rawDb()`), statements
//     prepared once per text (the measured hot paths and the batch writers rely on it being synchronous);
//   - `query`, `execute`: through Prisma (`prisma` or a transaction's `tx`), awaited.
// The connection is the first argument and the row type is given once, where the statement runs:
// `all<Row>(rawDb(), sql`…`)`. This module opens nothing (scripts use it on a file of their own).
// Write SQL that both engines accept: double-quoted identifiers, no SQLite-only functions, `RETURNING`
// for new ids, lists through `inList`.

export type SqlValue = string | number | bigint | boolean | Date | Buffer | null;
export type Dialect = "sqlite" | "postgres";

type Chunk = { text: string } | { value: SqlValue } | { list: readonly SqlValue[]; negated: boolean } | { perDialect: Record<Dialect, string> };

/** A statement or a fragment of one: text and the values bound to it, in order. */
export class Sql {
  #chunks: readonly Chunk[] | undefined;
  /**
   * A template with plain values only (most statements) keeps its strings and values as they came:
   * its text on SQLite is then computed once per call site (the strings array is the same object
   * on every call) and its chunks only if it is nested in another statement.
   */
  readonly flat: { strings: readonly string[]; values: readonly SqlValue[] } | undefined;

  constructor(chunks: readonly Chunk[] | undefined, flat?: { strings: readonly string[]; values: readonly SqlValue[] }) {
    this.#chunks = chunks;
    this.flat = flat;
  }

  get chunks(): readonly Chunk[] {
    return (this.#chunks ??= this.flat!.strings.flatMap((text, i) => {
      const out: Chunk[] = text ? [{ text }] : [];
      if (i < this.flat!.values.length) out.push({ value: this.flat!.values[i] });
      return out;
    }));
  }
}

/** A list bound as `IN (…)` / `NOT IN (…)`: one parameter per value on SQLite (one JSON array when long), one array on PostgreSQL. */
class List {
  constructor(
    readonly values: readonly SqlValue[],
    readonly negated: boolean,
  ) {}
}

type Interpolated = SqlValue | Sql | List;

/** Builds a statement: `${value}` binds a parameter, `${fragment}` (another `sql`, `join`, `inList`) nests. */
export function sql(strings: TemplateStringsArray, ...values: Interpolated[]): Sql {
  if (values.every((v) => !(v instanceof Sql || v instanceof List))) return new Sql(undefined, { strings, values: values as SqlValue[] });
  const chunks: Chunk[] = [];
  strings.forEach((text, i) => {
    if (text) chunks.push({ text });
    if (i === values.length) return;
    const v = values[i];
    if (v instanceof Sql) chunks.push(...v.chunks);
    else if (v instanceof List) chunks.push({ list: v.values, negated: v.negated });
    else chunks.push({ value: v });
  });
  return new Sql(chunks);
}

/** SQL text written in the code (a column list, a table name from a constant): never a value from outside. */
export function raw(text: string): Sql {
  return new Sql([{ text }]);
}

/** Fragments (or values, bound each) joined by `separator`: `join(paths.map(…), " OR ")`, `(${join(ids)})`. */
export function join(parts: readonly (Sql | SqlValue)[], separator = ", "): Sql {
  const chunks: Chunk[] = [];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push({ text: separator });
    if (p instanceof Sql) chunks.push(...p.chunks);
    else chunks.push({ value: p });
  });
  return new Sql(chunks);
}

/** Conditions joined by OR, in parentheses; none is false (`1 = 0`, portable where `WHERE 0` is not). */
export function anyOf(conditions: readonly Sql[]): Sql {
  return conditions.length === 0 ? raw("(1 = 0)") : sql`(${join(conditions, " OR ")})`;
}

/**
 * `"x" ${inList(values)}`: true when x is one of the values. Renders `IN (?, ?, …)` on SQLite and
 * `= ANY($n)` on PostgreSQL; an empty list is false (`IN` an empty subquery), as SQL means it.
 */
export function inList(values: readonly SqlValue[]): List {
  return new List(values, false);
}

/** `"x" ${notInList(values)}`: true when x is none of the values; an empty list is true. */
export function notInList(values: readonly SqlValue[]): List {
  return new List(values, true);
}

/**
 * ` FOR UPDATE` at the end of a SELECT that decides a write in a transaction: PostgreSQL locks the rows
 * read until the transaction ends; SQLite renders nothing, as its transactions (`SqlDb.transaction`)
 * begin IMMEDIATE and so already hold the one write lock (decision 074).
 */
export function forUpdate(): Sql {
  return new Sql([{ perDialect: { sqlite: "", postgres: " FOR UPDATE" } }]);
}

/**
 * ` FOR SHARE` in a SELECT (or an EXISTS subquery) whose rows must not change until the transaction
 * ends, while others may read them too: PostgreSQL takes a shared row lock, SQLite renders nothing.
 */
export function forShare(): Sql {
  return new Sql([{ perDialect: { sqlite: "", postgres: " FOR SHARE" } }]);
}

/**
 * A statement that takes a named lock for the rest of the transaction, for a decision no row lock can
 * guard (a check over many rows, or over rows not yet written): `await tx.get(transactionLock("unit-moves"))`
 * first thing in the transaction. PostgreSQL: `pg_advisory_xact_lock` on a 64-bit key from the name's
 * text (the same on every node), released at commit or rollback; a second transaction taking it waits.
 * SQLite: a statement that does nothing, as its transactions (`SqlDb.transaction`, and Prisma's in a
 * worker) already hold the one write lock, and in one process the transaction gate keeps them apart.
 */
export function transactionLock(name: string): Sql {
  return new Sql([
    { perDialect: { sqlite: 'SELECT 1 AS "held" WHERE ', postgres: 'SELECT 1 AS "held" FROM (SELECT pg_advisory_xact_lock(hashtextextended(' } },
    { value: `wsdx:${name}` },
    { perDialect: { sqlite: " IS NOT NULL", postgres: ', 0))) AS "l"' } },
  ]);
}

/** The PostgreSQL types a bound value may be given with `typed()`: the column types of the app's schema. */
export type PgType = "integer" | "bigint" | "double precision" | "text" | "boolean" | "timestamptz";

/**
 * A value bound with its type stated on PostgreSQL (`$1::integer`), as-is on SQLite (`?`). Needed where
 * PostgreSQL cannot infer a parameter's type from a column: in a SELECT's list, as in
 * `INSERT INTO "T" ("a", "b") SELECT ${typed(a, "integer")}, ${typed(b, "timestamptz")} WHERE …`, where an
 * untyped parameter would be text. Not `CAST(… AS …)`: SQLite's CAST to a timestamp type makes a number.
 */
export function typed(value: SqlValue, pgType: PgType): Sql {
  return new Sql([{ value }, { perDialect: { sqlite: "", postgres: `::${pgType}` } }]);
}

/** The empty list: a subquery without rows, which both engines accept (`IN ()` is SQLite's alone). */
const NO_ROWS = "(SELECT NULL WHERE 1 = 0)";

/**
 * Beyond this many values SQLite gets the list as one JSON array parameter, read back with json_each:
 * SQLite's counterpart of PostgreSQL's one array parameter. The text then stays the same whatever the
 * length (one prepared statement for the hours report's 12,000 ids, not one per length) and a province's
 * list cannot pass SQLite's limit on parameters. Only for lists of numbers or of strings, which JSON
 * carries unchanged.
 */
const LONG_LIST = 100;

function oneJsonType(list: readonly SqlValue[]): boolean {
  const t = typeof list[0];
  return (t === "number" || t === "string") && list.every((v) => typeof v === t && (t === "string" || Number.isFinite(v)));
}

function bindSqlite(v: SqlValue): unknown {
  if (v instanceof Date) return storedTimestamp(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

/** The text of each flat template per engine, by its strings array (one per call site). */
const flatTexts: Record<Dialect, WeakMap<readonly string[], string>> = { sqlite: new WeakMap(), postgres: new WeakMap() };

function flatText(strings: readonly string[], dialect: Dialect): string {
  return dialect === "sqlite" ? strings.join("?") : strings.reduce((text, s, i) => `${text}$${i}${s}`);
}

/** The statement's text and parameters for an engine. */
export function render(stmt: Sql, dialect: Dialect = "sqlite"): { text: string; values: unknown[] } {
  if (stmt.flat) {
    const { strings, values } = stmt.flat;
    const texts = flatTexts[dialect];
    let text = texts.get(strings);
    if (text === undefined) texts.set(strings, (text = flatText(strings, dialect)));
    return { text, values: dialect === "sqlite" ? values.map(bindSqlite) : [...values] };
  }
  let text = "";
  const values: unknown[] = [];
  const placeholder = () => (dialect === "sqlite" ? "?" : `$${values.length}`);
  for (const c of stmt.chunks) {
    if ("text" in c) text += c.text;
    else if ("perDialect" in c) text += c.perDialect[dialect];
    else if ("value" in c) {
      values.push(dialect === "sqlite" ? bindSqlite(c.value) : c.value);
      text += placeholder();
    } else if (dialect === "postgres") {
      values.push([...c.list]);
      text += c.negated ? `<> ALL(${placeholder()})` : `= ANY(${placeholder()})`;
    } else if (c.list.length === 0) {
      text += `${c.negated ? "NOT IN" : "IN"} ${NO_ROWS}`;
    } else if (c.list.length > LONG_LIST && oneJsonType(c.list)) {
      values.push(JSON.stringify(c.list));
      text += `${c.negated ? "NOT IN" : "IN"} (SELECT "value" FROM json_each(?))`;
    } else {
      text += `${c.negated ? "NOT IN" : "IN"} (${c.list.map((v) => (values.push(bindSqlite(v)), "?")).join(", ")})`;
    }
  }
  return { text, values };
}

// ---------- the raw better-sqlite3 connection, synchronous ----------

/** Prepared statements per connection and text; bounded, since a list's length changes the text. */
const MAX_PREPARED = 500;
const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A connection's prepared statement for a text, prepared once: for the backends of `SqlDb` (sql-sqlite.ts). */
export function preparedStatement(db: Database.Database, text: string): Database.Statement {
  let statements = prepared.get(db);
  if (!statements) prepared.set(db, (statements = new Map()));
  let s = statements.get(text);
  if (!s) {
    if (statements.size >= MAX_PREPARED) statements.delete(statements.keys().next().value!);
    statements.set(text, (s = db.prepare(text)));
  }
  return s;
}

const SELECT = /^\s*select\b/i;

/** Whether a statement only reads (begins with SELECT): the SQLite backend lets reads skip some waits. */
export function isSelect(stmt: Sql): boolean {
  const head = stmt.flat ? stmt.flat.strings[0] : stmt.chunks[0];
  return typeof head === "string" ? SELECT.test(head) : head !== undefined && "text" in head && SELECT.test(head.text);
}

/**
 * Connections on which a transaction of the async interface is open (sql-sqlite.ts). A synchronous
 * write there would run inside that transaction and share its fate (rolled back with it): the
 * synchronous functions refuse it, loudly, rather than lose it silently. Only a call site not yet
 * converted can meet this, in the moment between its `await prismaIdle()` and its statement. A
 * synchronous read there reads that transaction's rows, as a read on the connection always did.
 */
export const asyncTransactionOpen = new WeakSet<Database.Database>();

function syncStatement(db: Database.Database, stmt: Sql) {
  if (asyncTransactionOpen.has(db) && !isSelect(stmt)) {
    throw new Error("A synchronous write while a transaction of sqlDb() is open on the connection: await sqlDb() instead.");
  }
  const { text, values } = render(stmt);
  return { statement: preparedStatement(db, text), values };
}

/** Every row of a query. */
export function all<Row>(db: Database.Database, stmt: Sql): Row[] {
  const { statement, values } = syncStatement(db, stmt);
  return statement.all(...values) as Row[];
}

/** The first row of a query (or an `INSERT … RETURNING`), or undefined. */
export function get<Row>(db: Database.Database, stmt: Sql): Row | undefined {
  const { statement, values } = syncStatement(db, stmt);
  return statement.get(...values) as Row | undefined;
}

/** Runs a write; returns the number of rows it changed. */
export function run(db: Database.Database, stmt: Sql): number {
  const { statement, values } = syncStatement(db, stmt);
  return statement.run(...values).changes;
}

// ---------- through Prisma (the client or a transaction's `tx`), awaited ----------

/** What `prisma` and an interactive transaction's `tx` both offer. */
export type RawClient = {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
};

/**
 * The engine behind a Prisma client, or behind a transaction's `tx` (which reads through to its
 * client): the provider its generated client was made for. db.ts creates the SQLite client or, when
 * DATABASE_URL is PostgreSQL, the one generated from prisma/postgresql (decision 073); a statement is
 * rendered for the one it is given. Prisma keeps the provider on the client as `_activeProvider`, its
 * only record of it at run time; anything else there is refused rather than guessed.
 */
export function prismaDialect(client: RawClient): Dialect {
  const provider = (client as { _activeProvider?: unknown })._activeProvider;
  if (provider === "sqlite") return "sqlite";
  if (provider === "postgresql") return "postgres";
  throw new Error(`A Prisma client of an unknown engine (${String(provider)}): query() and execute() render for sqlite or postgresql only`);
}

/**
 * Every row of a query run through Prisma. Through Prisma, integers may come back as bigint (SQLite's
 * counts, sums and ids; PostgreSQL's COUNT): type them `number | bigint` and convert with Number().
 */
export function query<Row>(client: RawClient, stmt: Sql): Promise<Row[]> {
  const { text, values } = render(stmt, prismaDialect(client));
  return client.$queryRawUnsafe<Row[]>(text, ...values);
}

/** Runs a write through Prisma; returns the number of rows it changed. */
export function execute(client: RawClient, stmt: Sql): Promise<number> {
  const { text, values } = render(stmt, prismaDialect(client));
  return client.$executeRawUnsafe(text, ...values);
}

// ---------- the async interface both engines implement (decision 074) ----------

/**
 * A database that runs `sql` statements and awaits them: the better-sqlite3 backend now
 * (`sql-sqlite.ts`), a `pg` pool next. Rows look the same on both engines, so a call site has no
 * per-engine code (the contract, tested for every backend by tests/support/sql-db-conformance.ts):
 *   - integers, counts and sums are numbers (PostgreSQL's int8 and numeric parsed to numbers);
 *   - a timestamp is the text `storedTimestamp` writes ("2026-12-01T08:00:00.000+00:00"), read with
 *     `new Date(text)` and comparable as text; the `pg` backend formats its timestamps so;
 *   - a boolean is 1/0 on SQLite and true/false on PostgreSQL: type it `number | boolean`, read it with
 *     `Boolean()` (decision 037).
 * One accessor gives the app's: `sqlDb()` in db.ts.
 */
export interface SqlRunner {
  readonly dialect: Dialect;
  /** Every row of a query. */
  all<Row>(stmt: Sql): Promise<Row[]>;
  /** The first row of a query (or an `INSERT … RETURNING`), or undefined. */
  get<Row>(stmt: Sql): Promise<Row | undefined>;
  /** Runs a write; resolves with the number of rows it changed. */
  run(stmt: Sql): Promise<number>;
}

export type TransactionOptions = {
  /**
   * Reads only, from one snapshot (reads that must agree with each other): on SQLite it begins
   * deferred instead of IMMEDIATE, taking no write lock and leaving Prisma's connection free; on
   * PostgreSQL `BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ`. Nothing may be written in it.
   */
  readOnly?: boolean;
};

/** A transaction's own handle: statements on it run inside it; `savepoint` nests. */
export interface SqlTx extends SqlRunner {
  /** Runs `fn` in a savepoint: a throw rolls back what `fn` wrote and rethrows; the transaction goes on. */
  savepoint<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
}

export interface SqlDb extends SqlRunner {
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. Inside, use
   * only `tx` (never `sqlDb()` nor `prisma`): statements outside wait until the transaction has ended,
   * so one from inside would wait for itself. A read that decides a write ends with `${forUpdate()}`.
   */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** A unique or primary key refused a row (SQLite's constraint codes, PostgreSQL's 23505). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}

/** PostgreSQL's verdicts that mean "run the whole transaction again": serialization failure, deadlock. */
export function isTransientConflict(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "40001" || code === "40P01";
}

/**
 * Runs `attempt` (a whole transaction) again when it lost a race another node's transaction won: a
 * unique key taken between a read and an insert, a serialization failure, a deadlock. On SQLite it
 * runs once: transactions there begin IMMEDIATE, one at a time, so such a race cannot arise and a
 * unique violation is a real refusal for the caller to handle.
 */
export async function withRetry<T>(db: { dialect: Dialect }, attempt: () => Promise<T>, attempts = 3): Promise<T> {
  if (db.dialect === "sqlite") return attempt();
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= attempts || !(isUniqueViolation(e) || isTransientConflict(e))) throw e;
    }
  }
}
