import pg from "pg";

// How `pg` turns PostgreSQL's text into JavaScript values, for every connection the app opens to
// PostgreSQL (decision 073). Prisma's adapter parses its own queries' columns itself; these matter to
// raw SQL on `pg` (sql.ts's PostgreSQL backend) and to `$queryRaw`'s columns Prisma does not type.
//   - int8 (COUNT(*), SUM of integers) and numeric (SUM of int8, AVG): numbers, as SQLite gives them,
//     not strings; a value past 2^53 is an error rather than a silently rounded count.
//   - timestamp without time zone: read as UTC. `pg`'s default reads it in the process's zone, so the
//     same row meant another instant under TZ=Asia/Shanghai. The app's columns are timestamptz
//     (an instant, read right by the default parser); this covers expressions such as `now()::timestamp`.
// Sessions also run with TimeZone=UTC, so SQL that formats or truncates dates does what it does on SQLite.

const INT8 = 20;
const NUMERIC = 1700;
const TIMESTAMP = 1114;

/** A count or sum as a number; refuses one that a double cannot hold exactly. */
export function parseBigCount(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${text} is beyond what a JavaScript number holds exactly`);
  return n;
}

/** numeric as a number (sums of int8, averages): the app keeps money and hours as integers in hundredths. */
export function parseNumeric(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new RangeError(`numeric ${text} is not a finite number`);
  return n;
}

/** `2026-12-02 18:00:00.123` (timestamp without time zone, as PostgreSQL prints it) as that instant in UTC. */
export function parseTimestampAsUtc(text: string): Date {
  if (text === "infinity" || text === "-infinity") return new Date(text === "infinity" ? 8.64e15 : -8.64e15);
  const m = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?( BC)?$/.exec(text);
  if (!m) throw new RangeError(`timestamp ${text} is not in PostgreSQL's ISO output format`);
  const [, y, mo, d, h, mi, s, frac, bc] = m;
  const year = bc ? 1 - Number(y) : Number(y);
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000 + 1e-9) : 0;
  const date = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  date.setUTCFullYear(year);
  return date;
}

const PARSERS: Record<number, (text: string) => unknown> = {
  [INT8]: parseBigCount,
  [NUMERIC]: parseNumeric,
  [TIMESTAMP]: parseTimestampAsUtc,
};

/** The `types` option of a `pg` client or pool. */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format: "text" | "binary" = "text") =>
    format === "text" ? (PARSERS[oid] ?? pg.types.getTypeParser(oid, "text")) : pg.types.getTypeParser(oid, "binary")) as pg.CustomTypesConfig["getTypeParser"],
};

/** A pool's settings for DATABASE_URL: the parsers above and a UTC session. */
export function pgPoolConfig(connectionString: string, extra: pg.PoolConfig = {}): pg.PoolConfig {
  return { connectionString, types: pgTypes, options: "-c TimeZone=UTC", ...extra };
}
