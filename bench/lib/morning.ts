import fs from "node:fs";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Database from "better-sqlite3";
import { fromPresented } from "../../app/lib/quiz-shuffle";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { openFactory } from "../../tests/factories";
import { SESSION_COOKIE, insertBenchSession } from "./bench-accounts";
import { type PoolReply, connections } from "./http-pool";
import { type Stats, summarize } from "./stats";

// What contest-morning and quiz-morning share: real people of the demo university given the demo
// accounts' password, a sign-in phase of real argon2 sign-ins, a crowd that arrives within a minute
// and walks through the pages as a hydrated phone does, each step timed, and /healthz one at a time.

export const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

/** The machine's busy CPU time so far, every core, in ms (Linux's /proc/stat; USER_HZ is 100). */
export function machineBusyMs(): number {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * 10;
}

/**
 * Where a phase's CPU went: started when called, the returned function gives the line for the note. The
 * machine's busy time over every core, and of it this bench process's own (the client); the rest is the
 * server with its database, and anything else running on the machine.
 */
export function cpuMeter(): () => string {
  const machine0 = machineBusyMs();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  // The client's own event loop: a reply read late because the client was busy counts in every figure.
  // Node's histogram holds each interval between its timer's runs: the lateness is what exceeds the period.
  const LAG_EVERY_MS = 5;
  const lag = monitorEventLoopDelay({ resolution: LAG_EVERY_MS });
  lag.enable();
  return () => {
    lag.disable();
    const ms = (ns: number) => Math.max(0, ns / 1e6 - LAG_EVERY_MS).toFixed(0);
    const wall = (performance.now() - t0) / 1000;
    const machine = (machineBusyMs() - machine0) / 1000;
    const c = process.cpuUsage(client0);
    const client = (c.user + c.system) / 1e6;
    const cores = os.availableParallelism();
    return (
      `CPU over the phase: ${machine.toFixed(0)} of ${(wall * cores).toFixed(0)} core-seconds busy (${cores} cores), ` +
      `the bench client ${client.toFixed(0)} (${((100 * client) / Math.max(machine, 1e-9)).toFixed(0)} %), server and the rest ${(machine - client).toFixed(0)}; ` +
      `the bench client's event loop ran its callbacks late by p50 ${ms(lag.percentile(50))} / p99 ${ms(lag.percentile(99))} / max ${ms(lag.max)} ms ` +
      `(part of every time measured)`
    );
  };
}

/** Seeded people's numbers: a student's is digits, a staff member's H or T and digits (prisma/seed.ts); bench accounts have letters. */
const SEEDED_NUMBER = /^([0-9]|[HT][0-9])/;

export type Person = { id: number; number: string };

/**
 * N active people of the demo university in the audience of the quiz or contest (`audienceTable`:
 * ContestAudience or QuizAudience, by `ownerColumn`), seeded ones only, ordered by id. The bulk demo
 * people have no password: they get the demo accounts' hash (setup, not measured); people who already
 * have that hash (an earlier morning scenario of the same run) are taken as they are.
 */
export function demoPeople(dbFile: string, n: number, audience: { table: "ContestAudience" | "QuizAudience"; column: string; id: number }): Person[] {
  const db = new Database(dbFile, { timeout: 10_000 });
  try {
    const demo = db.prepare(`SELECT w."hash" FROM "Person" p JOIN "Password" w ON w."personId" = p."id" WHERE p."number" = 'admin'`).get() as {
      hash: string;
    };
    const audiences = db
      .prepare(`SELECT u."path", a."politicalStatus" FROM "${audience.table}" a JOIN "OrgUnit" u ON u."id" = a."unitId" WHERE a."${audience.column}" = ?`)
      .all(audience.id) as { path: string; politicalStatus: string | null }[];
    if (audiences.length === 0) throw new Error(`no audience for ${audience.table} ${audience.id}`);
    const candidates = db
      .prepare(
        `SELECT p."id", p."number", p."politicalStatus", u."path", w."hash", w."mustChange"
         FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" LEFT JOIN "Password" w ON w."personId" = p."id"
         WHERE p."disabledAt" IS NULL ORDER BY p."id"`,
      )
      .all() as { id: number; number: string; politicalStatus: string; path: string; hash: string | null; mustChange: number | null }[];
    const chosen = candidates
      .filter((p) => SEEDED_NUMBER.test(p.number) && (p.hash === null || (p.hash === demo.hash && !p.mustChange)))
      .filter((p) => audiences.some((a) => p.path.startsWith(a.path) && (a.politicalStatus === null || a.politicalStatus === p.politicalStatus)))
      .slice(0, n);
    if (chosen.length < n) throw new Error(`only ${chosen.length} demo people in the audience, ${n} wanted`);
    const give = db.prepare(`INSERT INTO "Password" ("personId", "hash", "mustChange", "updatedAt") VALUES (?, ?, 0, ?)`);
    const now = new Date().toISOString().replace("Z", "+00:00");
    db.transaction(() => chosen.filter((p) => p.hash === null).forEach((p) => give.run(p.id, demo.hash, now)))();
    return chosen.map((p) => ({ id: p.id, number: p.number }));
  } finally {
    db.close();
  }
}

/**
 * What a phone's browser sends as Accept-Encoding, so the server compresses what it would for a phone
 * (MORNING_ACCEPT_ENCODING; empty for nothing, as these benches sent before session 39).
 */
export const PHONE_ACCEPT_ENCODING = process.env.MORNING_ACCEPT_ENCODING ?? "gzip, deflate, br";

/**
 * The crowd's connections: at most `size` requests open at once, the rest waiting their turn, first come
 * first served (the wait counts in a step's time). At `deadline` every request still waiting is dropped
 * with a TimeCap, so a capped run ends when the requests already sent are answered.
 */
export function crowdConnections(url: string, size: number, deadline: number) {
  const pool = connections(url, size, { acceptEncoding: PHONE_ACCEPT_ENCODING });
  const timer = setTimeout(() => pool.dropWaiting(new TimeCap()), Math.max(0, deadline - performance.now()));
  return {
    /** The reply, with how long the request waited for a free connection and how long it took from sent to read. */
    request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<PoolReply> {
      if (performance.now() > deadline) return Promise.reject(new TimeCap());
      return pool.request(path, init);
    },
    opened: pool.opened,
    close() {
      clearTimeout(timer);
      pool.close();
    },
  };
}

/** Form-encoded POST headers as a browser's fetch sends them (same-origin, so the Origin of the site). */
export const formHeaders = (url: string, cookie?: string): Record<string, string> => ({
  ...(cookie ? { Cookie: cookie } : {}),
  Origin: url,
  "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
});

/**
 * The sign-in phase: every person signs in for real (`POST /login`, argon2 on the server) at
 * `concurrency`, within `maxMs`. Returns each person's session cookie (undefined when the sign-in
 * failed) and the phase's figures (req/s: sign-ins a second).
 */
export async function signInAll(url: string, people: Person[], opts: { concurrency: number; maxMs: number }) {
  const pool = connections(url, opts.concurrency);
  const cookies: (string | undefined)[] = new Array(people.length);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  async function worker() {
    while (next < people.length && performance.now() < deadline) {
      const k = next++;
      const t0 = performance.now();
      try {
        const body = new URLSearchParams({ redirectTo: "", username: people[k].number, password: DEMO_PASSWORD }).toString();
        const reply = await pool.request("/login", { method: "POST", headers: formHeaders(url), body });
        const token = reply.setCookie?.map((c) => c.split(";")[0]).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
        if (reply.status !== 302 || !token) throw new Error(`POST /login as ${people[k].number} → ${reply.status} ${reply.location ?? ""}`);
        cookies[k] = token;
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  pool.close();
  return { cookies, stats: { ...summarize(latencies, errors, performance.now() - started), firstError } };
}

/** One measured step of the crowd's walk; its rate is taken over the window the caller gives. */
/**
 * Sessions for the people the sign-in phase did not reach within its cap (a loaded machine hashes a few
 * a second), stored as the server stores one, so the crowd is still everyone; the number is reported.
 */
export function sessionsForTheRest(dbFile: string, people: Person[], cookies: (string | undefined)[]): number {
  const missing = people.flatMap((p, k) => (cookies[k] ? [] : [k]));
  if (missing.length === 0) return 0;
  const f = openFactory(dbFile);
  try {
    f.transaction(() => missing.forEach((k) => (cookies[k] = `${SESSION_COOKIE}=${insertBenchSession(f, people[k].id)}`)));
  } finally {
    f.close();
  }
  return missing.length;
}

export class Series {
  latencies: number[] = [];
  errors = 0;
  firstError?: string;
  first = Infinity;
  last = 0;

  /** Times one request; a wrong answer counts as an error and is rethrown. */
  async time<T>(request: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    this.first = Math.min(this.first, t0);
    try {
      const result = await request();
      this.done(t0);
      return result;
    } catch (e) {
      if (e instanceof TimeCap) throw e; // never sent: neither an error nor a latency
      this.fail(e);
      this.done(t0);
      throw e;
    }
  }

  private done(t0: number) {
    const t1 = performance.now();
    this.latencies.push(t1 - t0);
    this.last = Math.max(this.last, t1);
  }

  fail(e: unknown) {
    this.errors++;
    this.firstError ??= e instanceof Error ? e.message : String(e);
  }

  /** Figures with req/s over this series' own window (first sent to last answered). */
  stats(): Stats {
    return summarize(this.latencies, this.errors, this.last - this.first);
  }
}

/** A sum of steps per person (page + 开始 + paper: through the door), with its own window. */
export class Span {
  latencies: number[] = [];
  first = Infinity;
  last = 0;
  add(from: number, to: number) {
    this.latencies.push(to - from);
    this.first = Math.min(this.first, from);
    this.last = Math.max(this.last, to);
  }
  stats(errors: number): Stats {
    return summarize(this.latencies, errors, this.last - this.first);
  }
}

/** Throws unless the reply has the status. */
export function expect(reply: PoolReply, status: number, what: string) {
  if (reply.status !== status) throw new Error(`${what} → ${reply.status}${reply.location ? ` ${reply.location}` : ""} ${reply.text.slice(0, 160)}`);
}

export class TimeCap extends Error {
  constructor() {
    super("time cap reached");
  }
}

/** Arrival offsets (ms) of n people spread evenly at random over `seconds`, from a seeded generator, ascending. */
export function arrivals(n: number, seconds: number, random: () => number): number[] {
  return Array.from({ length: n }, () => random() * seconds * 1000).sort((a, b) => a - b);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How often the probe asks (ms from one request's start to the next's), as a monitor does. Until session
 * 37 it asked back to back: 100–600 requests a second, each through Express, Remix and the database,
 * which took a tenth of the server's CPU from the crowd it was there to watch (bench/README.md).
 */
export const HEALTHZ_EVERY_MS = Number(process.env.HEALTHZ_EVERY_MS ?? 50);

/**
 * `GET /healthz` one request at a time, on a connection of its own, one every HEALTHZ_EVERY_MS (or
 * as soon as the one before is answered, if that took longer), until `until()` says stop (or `count`
 * requests): the reference before the crowd and the sample during it.
 */
export async function healthz(url: string, opts: { count?: number; until?: () => boolean; maxMs: number }): Promise<Stats & { firstError?: string }> {
  const pool = connections(url, 1);
  const s = new Series();
  const deadline = performance.now() + opts.maxMs;
  let n = 0;
  while ((opts.count === undefined || n < opts.count) && !opts.until?.() && performance.now() < deadline) {
    n++;
    const next = performance.now() + HEALTHZ_EVERY_MS;
    await s.time(async () => expect(await pool.request("/healthz"), 200, "GET /healthz")).catch(() => undefined);
    const rest = next - performance.now();
    if (rest > 0) await sleep(rest);
  }
  pool.close();
  return { ...s.stats(), firstError: s.firstError };
}

/** The response stored in bank letters for what the page sent (presented letters, "true"/"false", the text). */
export function storedResponse(type: string, optionOrder: string | null, options: string | null, values: string[]): string | null {
  if (type === "fill") return JSON.stringify(values[0].trim());
  if (type === "judge") return JSON.stringify(values[0] === "true");
  const order = optionOrder ? (JSON.parse(optionOrder) as string[]) : Object.keys(JSON.parse(options ?? "{}") as object).sort();
  const bank = fromPresented(order, type === "single" ? values[0] : values);
  return bank === null ? null : JSON.stringify(bank);
}

/**
 * What the hydrated page asks for right after the document (v3_lazyRouteDiscovery,
 * @remix-run/react's fog-of-war.js): the routes of every link and form it renders that carry
 * `data-discover`, in one `GET /__manifest?p=…&version=…`, paths sorted. Null when there are none.
 */
export function discoveryPath(html: string): string | null {
  // Remix writes the partial manifest pretty-printed (`"version": "…"`); until session 37 the pattern
  // wanted no space, found no version, and the benches sent no discovery at all.
  const version = /"version":\s*"([^"]+)"/.exec(html)?.[1];
  const paths = new Set<string>();
  for (const tag of html.match(/<(a|form)\b[^>]*data-discover="true"[^>]*>/g) ?? []) {
    const target = /\b(?:href|action)="([^"]*)"/.exec(tag)?.[1];
    if (target) paths.add(new URL(target.replace(/&amp;/g, "&"), "http://x").pathname);
  }
  if (!version || paths.size === 0) return null;
  const query = new URLSearchParams();
  [...paths].sort().forEach((p) => query.append("p", p));
  query.set("version", version);
  return `/__manifest?${query.toString()}`;
}

/** A fixed, varied answer per person and question, from the options the page shows. */
export function answerOf(item: { position: number; type: string; options: { value: string }[] }, k: number): string[] {
  const i = k + item.position;
  const opts = item.options.map((o) => o.value);
  if (item.type === "fill") return [i % 3 === 0 ? "三会一课" : `答案${k}-${item.position}`];
  if (item.type === "multiple") return [opts[i % opts.length], opts[(i + 1) % opts.length]];
  return [opts[i % opts.length]];
}
