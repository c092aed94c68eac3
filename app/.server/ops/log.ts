import { currentRequestContext } from "../http/context";

// The server's one logger (decision 075): a line per event, with the time, the level, the process
// (pid, and the worker's number when several serve), the request id of the request in flight (from the
// request context) and the event's fields. JSON, one object a line, when LOG_FORMAT=json or when
// stdout is not a terminal (systemd, docker, a pipe to a log shipper); a readable line in a terminal
// (`npm start` as people run it). info goes to stdout, warn and error to stderr, as console did.
//
// Fields whose names say they hold a secret or personal data are replaced by "[redacted]" whatever
// their value (passwords, tokens, cookies, session ids, ID numbers, authorisation headers): a call
// site that passes a whole object cannot leak them. The crowd routes (/api/study,
// /api/contests/answer) log nothing per request.
//
// Read once from the environment, not from env.ts: the logger must work before (and when) the
// environment fails to parse.

export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const SECRET_KEY = /pass(word)?|secret|token|cookie|session|authori[sz]ation|idnumber|id_number|身份证|credential|private|phone|mobile|手机|电话/i;
/**
 * What may hide in free text (an error message that echoes a query's arguments, as Prisma's do, or a
 * header): a resident ID number (17 digits and a check character), a mainland mobile number (11 digits
 * from 13–19, optionally after +86), a password hash, a bearer credential and the value of one of our
 * cookies (wsdx_session, wsdx_sso), masked wherever they appear. Longer digit runs (timestamps, ids)
 * are left alone.
 */
const SECRET_TEXT =
  /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])|(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])|\$argon2(id|i|d)\$[^\s"'`]+|\bBearer\s+[^\s"'`,;]+|\bwsdx_[a-z]+=[^;\s"'`]*/gi;

export function scrub(text: string): string {
  return text.replace(SECRET_TEXT, "[redacted]");
}

function format(): "json" | "pretty" {
  const set = process.env.LOG_FORMAT;
  if (set === "json" || set === "pretty") return set;
  return process.stdout.isTTY ? "pretty" : "json";
}

/** An error as fields: its name, message and stack (the stack only; no enumerable extras that might hold input). */
function errorFields(e: Error): LogFields {
  const out: LogFields = { name: e.name, message: scrub(e.message), stack: e.stack === undefined ? undefined : scrub(e.stack) };
  if (e.cause instanceof Error) out.cause = errorFields(e.cause);
  return out;
}

/** Copies `value` with secret-named fields redacted, errors spelled out, and depth bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return errorFields(value);
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? String(value) : value;
  if (depth > 4) return "[…]";
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
  return out;
}

function write(level: LogLevel, msg: string, fields?: LogFields) {
  const requestId = currentRequestContext()?.requestId;
  const worker = process.env.APP_WORKER_INDEX;
  const extra = fields ? (redact(fields) as LogFields) : undefined;
  // Through console (info to stdout, warn and error to stderr): the tests' guard that fails a test on an
  // unexpected console.error (tests/setup/console.ts) sees the server's errors too.
  const print = (text: string) => (level === "info" ? console.info(text) : level === "warn" ? console.warn(text) : console.error(text));
  if (format() === "json") {
    const line: LogFields = { time: new Date().toISOString(), level, pid: process.pid };
    if (worker !== undefined) line.worker = Number(worker);
    if (requestId) line.requestId = requestId;
    line.msg = scrub(msg);
    print(JSON.stringify({ ...extra, ...line }));
    return;
  }
  const head = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)}${requestId ? ` [${requestId}]` : ""} ${scrub(msg)}`;
  const err = extra?.err as { stack?: string } | undefined;
  const rest = extra && Object.keys(extra).some((k) => k !== "err") ? ` ${JSON.stringify({ ...extra, err: undefined })}` : "";
  print(`${head}${rest}${err?.stack ? `\n${err.stack}` : ""}`);
}

export const log = {
  info: (msg: string, fields?: LogFields) => write("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
  /** `log.error("what failed", e)` or with fields: `log.error("…", e, { id })`. */
  error: (msg: string, err?: unknown, fields?: LogFields) => write("error", msg, err === undefined ? fields : { ...fields, err }),
};

/**
 * A request's path as a log line may show it: the values of its route parameters that are not plain
 * numbers become `:name` (`/calendar/feed/:file`, `/hours/verify/:token`, `/activate/:code`), so a
 * secret in a URL (a calendar feed's token, a certificate check's token, an activation code) is never
 * written; numeric ids stay, as they are what one looks up. The query string is never logged.
 */
export function pathForLog(pathname: string, params: Readonly<Record<string, string | undefined>>): string {
  const hidden = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== "" && !/^[0-9]+$/.test(e[1]));
  if (hidden.length === 0) return pathname;
  const segments = pathname.split("/");
  const splat = hidden.find(([name]) => name === "*");
  // A splat's value is the path's tail: that many segments (plus a `.data` suffix) are masked together.
  const tail = splat ? splat[1].split("/").length : 0;
  return segments
    .map((segment, i) => {
      if (i >= segments.length - tail) return i === segments.length - tail ? "*" : null;
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // Not valid percent-encoding: compared as it came.
      }
      const param = hidden.find(([name, value]) => name !== "*" && (decoded === value || decoded === `${value}.data`));
      return param ? `:${param[0]}` : segment;
    })
    .filter((s) => s !== null)
    .join("/");
}
