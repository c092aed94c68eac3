import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import type Database from "better-sqlite3";
import pg from "pg";
import { parseTimestampAsUtc } from "../../app/.server/pg-types";
import { storedTimestamp } from "../../app/lib/timestamp";

// A synchronous handle on a PostgreSQL database with the part of better-sqlite3's API the tests and the
// record writer use (`prepare(text).run/get/all`, `pluck`, `raw`, `exec`, `transaction`, `close`), so the
// integration suite builds and checks its data the same way on both engines (decision 080). Each
// statement runs on one `pg` client in a worker thread (pg-sync-worker.mjs) while this thread waits on
// a shared flag (Atomics.wait), as synckit does. Statements are SQLite's as the tests write them:
//   - `?` placeholders become `$1…$n`; values go untyped, so PostgreSQL reads each by its place (a 1/0
//     into a boolean column is true/false, a timestamp's text into a timestamptz);
//   - rows come back as SQLite gives them: a boolean 1/0, int8 and numeric as numbers, a timestamp as
//     the text `storedTimestamp` writes (in UTC), json as its text, bytea as a Buffer;
//   - `run()` gives `changes` and `lastInsertRowid` (an INSERT without RETURNING returns its rows' "id");
//     an INSERT that gives its own "id" moves the table's sequence past it, as SQLite's rowid moves.

const BOOL = 16;
const BYTEA = 17;
const NUMBERS = new Set([20, 21, 23, 26, 700, 701, 1700]);
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ, "text") as (text: string) => Date;
const parseBytea = pg.types.getTypeParser(BYTEA, "text") as (text: string) => Buffer;
/** How long one statement may take before the handle gives up (a lock held by the server, say). */
const WAIT_MS = 60_000;

function fromText(oid: number, text: string | null): unknown {
  if (text === null) return null;
  if (oid === BOOL) return text === "t" ? 1 : 0;
  if (NUMBERS.has(oid)) return Number(text);
  if (oid === TIMESTAMP) return storedTimestamp(parseTimestampAsUtc(text));
  if (oid === TIMESTAMPTZ) return storedTimestamp(parseTimestamptz(text));
  if (oid === BYTEA) return parseBytea(text);
  // Arrays and the rest: pg's own parser (json and jsonb stay text, as SQLite holds them).
  if (oid === 114 || oid === 3802) return text;
  return (pg.types.getTypeParser(oid, "text") as (t: string) => unknown)(text);
}

/**
 * A statement as the tests write it for SQLite, as PostgreSQL reads it the same way: `?` placeholders
 * become `$1…$n`; a bare identifier in mixed case (`Session`, `personId`, an alias `AS unitName`) is
 * quoted, as SQLite matches it regardless of case and PostgreSQL would fold it to lower case; a
 * boolean column compared with or set to a literal 1/0 (`"pinned" = 1`, `VALUES (…, 0)`) gets TRUE/FALSE.
 * Text in quotes is left as it is.
 */
export function postgresText(text: string, booleans: ReadonlySet<string> = new Set()): string {
  return translate(text, booleans).text;
}

/** The text for PostgreSQL and, for named parameters (`@name`, `:name`, bound from an object), their names by number. */
export function translate(text: string, booleans: ReadonlySet<string> = new Set()): { text: string; names: string[] } {
  let out = "";
  let n = 0;
  const names: string[] = [];
  for (let i = 0; i < text.length;) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (ch === "?") {
      out += `$${++n}`;
      i++;
    } else if ((ch === "@" || (ch === ":" && text[i - 1] !== ":" && text[i + 1] !== ":")) && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      const name = /^[A-Za-z_]\w*/.exec(text.slice(i + 1))![0];
      if (!names.includes(name)) names.push(name);
      out += `$${names.indexOf(name) + 1}`;
      i += name.length + 1;
    } else if (/[A-Za-z_]/.test(ch) && !/[\w$]/.test(text[i - 1] ?? "")) {
      const word = /^[A-Za-z_]\w*/.exec(text.slice(i))![0];
      out += /[a-z]/.test(word) && /[A-Z]/.test(word) ? `"${word}"` : word;
      i += word.length;
    } else {
      out += ch;
      i++;
    }
  }
  if (booleans.size === 0) return { text: out, names };
  // Outside string literals only.
  out = out
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : booleanLiterals(part, booleans)))
    .join("");
  // INSERT … (columns) VALUES (…), (…): a literal 1/0 in a boolean column's place.
  const insert = /^(\s*INSERT\s+INTO\s+"?\w+"?\s*\(([^)]*)\)\s*VALUES\s*)([\s\S]*)$/i.exec(out);
  if (insert) {
    const columns = insert[2].split(",").map((c) => c.trim().replace(/"/g, ""));
    if (columns.some((c) => booleans.has(c))) out = insert[1] + rewriteTuples(insert[3], columns, booleans);
  }
  return { text: out, names };
}

/** `"flag" = 1`, `flag <> 0`: the literal as TRUE/FALSE where the column is boolean. */
function booleanLiterals(text: string, booleans: ReadonlySet<string>): string {
  text = text.replace(/"(\w+)"(\s*(?:=|<>|!=)\s*)([01])\b(?![.\d])/g, (m, col: string, op: string, bit: string) =>
    booleans.has(col) ? `"${col}"${op}${bit === "1" ? "TRUE" : "FALSE"}` : m,
  );
  text = text.replace(/\b([a-z_]\w*)(\s*(?:=|<>|!=)\s*)([01])\b(?![.\d])/g, (m, col: string, op: string, bit: string) =>
    booleans.has(col) ? `${col}${op}${bit === "1" ? "TRUE" : "FALSE"}` : m,
  );
  return text;
}

/** The VALUES tuples with a literal 1/0 in a boolean column's place as TRUE/FALSE; the rest as it was. */
function rewriteTuples(rest: string, columns: string[], booleans: ReadonlySet<string>): string {
  let out = "";
  let depth = 0;
  let place = 0;
  let item = "";
  const flush = () => {
    const col = columns[place];
    const bare = item.trim();
    out += col && booleans.has(col) && (bare === "0" || bare === "1") ? item.replace(bare, bare === "1" ? "TRUE" : "FALSE") : item;
    item = "";
  };
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === "'") {
      const end = rest.indexOf("'", i + 1);
      const stop = end < 0 ? rest.length : end + 1;
      (depth === 1 ? (s: string) => (item += s) : (s: string) => (out += s))(rest.slice(i, stop));
      i = stop - 1;
    } else if (ch === "(") {
      depth++;
      if (depth === 1) {
        out += ch;
        place = 0;
      } else item += ch;
    } else if (ch === ")") {
      depth--;
      if (depth === 0) {
        flush();
        out += ch;
      } else item += ch;
    } else if (ch === "," && depth === 1) {
      flush();
      out += ch;
      place++;
    } else if (depth >= 1) item += ch;
    else out += ch;
  }
  return out + item;
}

type Reply =
  | { rows: (string | null)[][]; fields: [string, number][]; rowCount: number }
  | { error: { message: string; code?: string; detail?: string } }
  | { closed: true };

class PgSyncStatement {
  #pluck = false;
  #raw = false;
  readonly #text: string;
  readonly #insert: { table: string; ownId: boolean } | null;
  readonly #returnsNothing: boolean;
  readonly #names: string[];

  constructor(
    private readonly db: PgSyncDatabase,
    readonly source: string,
  ) {
    const translated = translate(source, db.booleans(source));
    this.#names = translated.names;
    let text = translated.text.trim().replace(/;$/, "");
    const insert = /^INSERT\s+INTO\s+"?(\w+)"?\s*\(([^)]*)\)/i.exec(text);
    this.#returnsNothing = insert !== null && !/\bRETURNING\b/i.test(text);
    // The rows' ids, for lastInsertRowid.
    if (this.#returnsNothing) text += " RETURNING *";
    this.#text = text;
    this.#insert = insert ? { table: insert[1], ownId: /(^|[\s,(])"?id"?\s*(,|$)/.test(insert[2].trim()) } : null;
  }

  pluck(on = true): this {
    this.#pluck = on;
    return this;
  }

  raw(on = true): this {
    this.#raw = on;
    return this;
  }

  /** better-sqlite3's ways to bind: values in order, an array of them, or an object for named parameters. */
  #bound(params: unknown[]): unknown[] {
    if (this.#names.length === 0) return params.flat();
    const named = params.find((p) => p !== null && typeof p === "object" && !Array.isArray(p) && !Buffer.isBuffer(p)) as Record<string, unknown>;
    return this.#names.map((name) => {
      if (!named || !(name in named)) throw new RangeError(`Missing named parameter "${name}"`);
      return named[name];
    });
  }

  #rows(params: unknown[]): { rows: unknown[]; rowCount: number; lastId: number } {
    const r = this.db.query(this.#text, this.#bound(params));
    const objects = r.rows.map((row) => {
      if (this.#pluck) return fromText(r.fields[0][1], row[0]);
      if (this.#raw) return row.map((v, i) => fromText(r.fields[i][1], v));
      const o: Record<string, unknown> = {};
      r.fields.forEach(([name, oid], i) => (o[name] = fromText(oid, row[i])));
      return o;
    });
    const idAt = r.fields.findIndex(([name]) => name === "id");
    const lastId = idAt >= 0 && r.rows.length > 0 ? Number(r.rows[r.rows.length - 1][idAt]) : 0;
    if (this.#insert?.ownId && r.rowCount > 0) {
      const t = this.#insert.table;
      this.db.query(`SELECT setval(pg_get_serial_sequence('"${t}"', 'id'), (SELECT max("id") FROM "${t}"))`, []);
    }
    return { rows: objects, rowCount: r.rowCount, lastId };
  }

  run(...params: unknown[]): { changes: number; lastInsertRowid: number } {
    const { rowCount, lastId } = this.#rows(params);
    return { changes: rowCount, lastInsertRowid: lastId };
  }

  get(...params: unknown[]): unknown {
    return this.#rows(params).rows[0];
  }

  all(...params: unknown[]): unknown[] {
    return this.#rows(params).rows;
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    yield* this.all(...params);
  }
}

export class PgSyncDatabase {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  #depth = 0;
  #sent = 0;
  #catalog: Map<string, Map<string, boolean>> | undefined;
  open = true;
  readonly name: string;

  constructor(readonly url: string) {
    this.name = url;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(new URL("./pg-sync-worker.mjs", import.meta.url), {
      workerData: { url, flag: this.#flag.buffer, port: port2 },
      transferList: [port2],
    });
    this.#worker.unref();
  }

  /**
   * Posts a request and blocks until the worker's reply to it. Each request carries a number the reply
   * echoes, and the flag is only a wake-up: woken with no reply of its own there (CI once saw the flag
   * raised and the port empty), the thread lowers the flag, looks once more, and waits again in short
   * slices. A reply to an earlier request (one given up on) is dropped.
   */
  #call(message: object): Reply {
    if (!this.open) throw new TypeError("The database connection is not open");
    const id = ++this.#sent;
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage({ ...message, id });
    const until = Date.now() + WAIT_MS;
    let slice = WAIT_MS;
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`PostgreSQL did not answer within ${WAIT_MS / 1000} s`);
      Atomics.wait(this.#flag, 0, 0, Math.min(left, slice));
      const reply = this.#take(id);
      if (reply) return reply;
      // Woken (or a slice over) without its reply: lower the flag and wait again, now in short slices, so
      // that neither a stale flag nor a reply that shows up after its flag can keep the thread waiting long.
      Atomics.store(this.#flag, 0, 0);
      const late = this.#take(id);
      if (late) return late;
      slice = 50;
    }
  }

  /** The reply to request `id` if it has arrived; earlier requests' replies are dropped on the way. */
  #take(id: number): Reply | undefined {
    for (let m = receiveMessageOnPort(this.#port); m; m = receiveMessageOnPort(this.#port)) {
      const { id: of, ...reply } = m.message as Reply & { id: number };
      if (of === id) return reply as Reply;
    }
    return undefined;
  }

  /** One statement with `$n` parameters: rows as PostgreSQL's text, converted by the caller. */
  query(text: string, values: unknown[]): { rows: (string | null)[][]; fields: [string, number][]; rowCount: number } {
    const bound = values.map((v) => (typeof v === "bigint" ? String(v) : v));
    const r = this.#call({ text, values: bound });
    if ("error" in r) {
      const e = new Error(`${r.error.message}${r.error.detail ? ` (${r.error.detail})` : ""}\n  in: ${text}`) as Error & { code?: string };
      e.code = r.error.code;
      throw e;
    }
    if ("closed" in r) throw new Error("closed");
    return r;
  }

  /**
   * The boolean columns a statement may name: those boolean in the tables it names (after FROM, JOIN,
   * UPDATE, INTO) and in none of them anything else; for a statement naming no table, those boolean in
   * every table that has them. The catalog is read once per handle.
   */
  booleans(text: string): ReadonlySet<string> {
    if (!this.#catalog) {
      const { rows } = this.query(`SELECT table_name, column_name, data_type = 'boolean' FROM information_schema.columns WHERE table_schema = 'public'`, []);
      this.#catalog = new Map();
      for (const [table, column, bool] of rows) {
        if (!this.#catalog.has(table!)) this.#catalog.set(table!, new Map());
        this.#catalog.get(table!)!.set(column!, bool === "t");
      }
    }
    const named = [...text.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?/gi)].map((m) => m[1]).filter((t) => this.#catalog!.has(t));
    const tables = named.length > 0 ? named : [...this.#catalog.keys()];
    const out = new Set<string>();
    const refused = new Set<string>();
    for (const t of tables) for (const [column, bool] of this.#catalog.get(t)!) (bool ? out : refused).add(column);
    for (const c of refused) out.delete(c);
    return out;
  }

  prepare(text: string): PgSyncStatement {
    return new PgSyncStatement(this, text);
  }

  /** Statements without parameters, several at once. */
  exec(text: string): this {
    this.query(/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/.test(text) ? text : postgresText(text, this.booleans(text)), []);
    return this;
  }

  /** Only the two the tests' files set; neither means anything on PostgreSQL. */
  pragma(_text: string): unknown[] {
    return [];
  }

  /** better-sqlite3's: a function that runs `fn` in a transaction (a savepoint when one is open). */
  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
    return (...args: A) => {
      const sp = `sp${this.#depth}`;
      this.exec(this.#depth === 0 ? "BEGIN" : `SAVEPOINT ${sp}`);
      this.#depth++;
      try {
        const result = fn(...args);
        this.#depth--;
        this.exec(this.#depth === 0 ? "COMMIT" : `RELEASE SAVEPOINT ${sp}`);
        return result;
      } catch (e) {
        this.#depth--;
        this.exec(this.#depth === 0 ? "ROLLBACK" : `ROLLBACK TO SAVEPOINT ${sp}`);
        throw e;
      }
    };
  }

  close(): void {
    if (!this.open) return;
    this.#call({ close: true });
    this.open = false;
    void this.#worker.terminate();
  }
}

/**
 * A handle typed as better-sqlite3's, for code written against it (the record writer, the tests):
 * this object has the part of the API they use; anything else is missing at run time, loudly.
 */
export function openPgSync(url: string): Database.Database {
  return new PgSyncDatabase(url) as unknown as Database.Database;
}
