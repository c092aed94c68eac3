import { type SqlDb, inList, sql } from "../../app/.server/sql";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { refusalMessage } from "../../app/lib/watch-credit";
import { openFactory } from "../../tests/factories";
import { SESSION_COOKIE, addBenchAccounts } from "../lib/bench-accounts";
import { connections, slots } from "../lib/http-pool";
import { drive } from "../lib/load";
import { type BenchContext, type Row, formatTable } from "../lib/report";
import { summarize } from "../lib/stats";

// Heartbeat intake for 11,000 simultaneous viewers at one heartbeat per 15 s (about 733 a second),
// speaking what the player speaks to POST /api/study: begin a study session, then every 15 s the
// 15 s of media it played. The server credits media seconds only as wall-clock time passes, so an
// honest simulation has to take real time: viewers start over 15 s, each sends BEATS heartbeats, the
// video looping from the start when it ends (re-watched seconds count once; the rate stays the same).
// Afterwards the database is read: every viewer's stored coverage must equal what the server
// acknowledged, every acknowledged heartbeat be the session's last or before it; otherwise the run throws.
// On the cluster (decision 084) the viewers are written by `prepare` into the SQLite file before it is
// moved into PostgreSQL, and the check reads the target's database through `ctx.sqlDb`.
// Knob: HEARTBEAT_VIEWERS (default 11,000), for a small run; the rate per viewer stays one per 15 s.

export const name = "heartbeats";

const VIEWERS = Number(process.env.HEARTBEAT_VIEWERS ?? 11_000);
const PERIOD_MS = 15_000; // HEARTBEAT_SECONDS of app/lib/watch-credit.ts
const BEATS = 6; // per viewer: 90 s of sustained load after the 15 s of starts
const JITTER_MS = 1_000; // ± per heartbeat; the account's 2 s initial allowance absorbs an early one
const IN_FLIGHT = 256; // requests the client has open at once; the rest wait, and count as late
const LATE_MS = 1_000; // sent this long after it was due: late
const MAX_MS = 180_000; // the phase's cap: viewers stop sending after it
const RETRIES = 2; // a request that got no answer is repeated unchanged, as the player does
const STATUS = "target"; // 发展对象: the 发展对象 course and the ones for everybody

type Span = [number, number]; // tenths of a second, as app/lib/watch-credit.ts keeps them

type Viewer = {
  personId: number;
  token: string;
  sessionId?: string;
  seq: number;
  /** Media position of the player, in tenths. */
  at: number;
  acked: Span[];
  sent: Span[];
  lastAcked: number;
  ackedBeats: number;
  /** A heartbeat sent whose answer was an error: the server may or may not have stored it. */
  unanswered: boolean;
};

/** Sorted, disjoint spans, merged where they overlap or touch (as the server merges them). */
function merge(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
const total = (spans: readonly Span[]) => spans.reduce((t, [s, e]) => t + e - s, 0);
const covers = (outer: readonly Span[], inner: readonly Span[]) => inner.every(([s, e]) => outer.some(([a, b]) => a <= s && e <= b));

type Prepared = { viewers: Viewer[]; lesson: { id: number; slug: string; key: string; durationT: number } };

/**
 * Setup, not measured: the viewers (bench accounts, see bench/lib/bench-accounts.ts) and the longest
 * video lesson they may see, written into the SQLite file (on the cluster, before it is moved into PostgreSQL).
 */
export function prepare(dbFile: string): Prepared {
  const f = openFactory(dbFile);
  try {
    const lesson = f.db
      .prepare(
        `SELECT l.id, c.slug, l.key, m.durationSec FROM Lesson l JOIN Course c ON c.id = l.courseId
         JOIN MediaFile m ON m.courseId = l.courseId AND m.path = l.videoPath
         WHERE c.status = 'published' AND l.archivedAt IS NULL AND m.durationSec > 0
           AND (c.audienceStatuses IS NULL OR EXISTS (SELECT 1 FROM json_each(c.audienceStatuses) WHERE value = ?))
         ORDER BY m.durationSec DESC, l.id LIMIT 1`,
      )
      .get(STATUS) as { id: number; slug: string; key: string; durationSec: number } | undefined;
    if (!lesson) throw new Error(`${name}: no video lesson (were the courses synced?)`);
    const { accounts } = addBenchAccounts(f, { count: VIEWERS, prefix: "hbv", namePrefix: "观看压测", unitName: "压测观看党支部", politicalStatus: STATUS });
    const viewers = accounts.map(({ personId, token }): Viewer => ({
      personId,
      token,
      seq: 0,
      at: 0,
      acked: [],
      sent: [],
      lastAcked: 0,
      ackedBeats: 0,
      unanswered: false,
    }));
    return { viewers, lesson: { id: lesson.id, slug: lesson.slug, key: lesson.key, durationT: Math.round(lesson.durationSec * 10) } };
  } finally {
    f.close();
  }
}

/** The next 15 s the player plays from where it is, starting over at the end of the video. */
function play(v: Viewer, durationT: number): Span[] {
  const spans: Span[] = [];
  let left = PERIOD_MS / 100;
  while (left > 0) {
    const end = Math.min(v.at + left, durationT);
    spans.push([v.at, end]);
    left -= end - v.at;
    v.at = end >= durationT ? 0 : end;
  }
  return spans;
}

class Series {
  latencies: number[] = [];
  errors = 0;
  firstError?: string;
  /** When the last answer was read. */
  lastDone = 0;
  /** When each answer was read. */
  answered: number[] = [];
  fail(e: unknown) {
    this.errors++;
    this.firstError ??= e instanceof Error ? e.message : String(e);
  }
}

const sleepUntil = (t: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - performance.now())));

/** A request not sent because the phase's time cap had passed when its turn came. */
const CUT_OFF = Symbol("cut off");

/** An answer with a status other than 200: the server answered, so the player does not repeat it. */
class WrongStatus extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Outcome<T> = { value: T; attempts: number } | { error: unknown } | typeof CUT_OFF;

/** What the server answers to a heartbeat repeated after it was stored: nothing counted twice. */
const DUPLICATE = refusalMessage({ reason: "duplicate", seconds: 0 });

export function run(ctx: BenchContext): Promise<Row[]> {
  return measure(ctx, prepare(ctx.dbFile));
}

export async function measure({ url, sqlDb }: BenchContext, prepared: unknown): Promise<Row[]> {
  const { viewers, lesson } = prepared as Prepared;
  const viewersPool = connections(url, IN_FLIGHT);
  const samplerPool = connections(url, 1);
  const post = async (v: Viewer, form: Record<string, string>) => {
    const res = await viewersPool.request("/api/study", {
      method: "POST",
      headers: { Cookie: `${SESSION_COOKIE}=${v.token}`, Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    if (res.status !== 200)
      throw new WrongStatus(
        res.status,
        `POST /api/study intent=${form.intent} → ${res.status}${res.location ? ` ${res.location}` : ""} ${res.text.slice(0, 120)}`,
      );
    return JSON.parse(res.text) as { ok: boolean; sessionId?: string; newSeconds?: number; messages?: string[] };
  };

  const healthz = async () => {
    const res = await samplerPool.request("/healthz");
    if (res.status !== 200) throw new Error(`GET /healthz → ${res.status}`);
  };
  const alone = await drive(healthz, { count: 200, concurrency: 1, warmup: 20 });
  // The pool's connections are opened now, not measured: opened all at once against a server that
  // is already behind, the last of them wait tens of seconds for their first answer.
  await Promise.all(Array.from({ length: IN_FLIGHT }, () => viewersPool.request("/healthz")));

  const begin = new Series();
  const beat = new Series();
  const slot = slots(IN_FLIGHT);
  const random = createRandom(15);
  const jitter = () => Math.round((random() * 2 - 1) * JITTER_MS);
  let late = 0;
  const delays: number[] = [];
  let shortCredited = 0;
  let firstShort: string | undefined;
  let cutOff = 0;
  let notBegun = 0;
  let retried = 0;
  let gaveUp = 0;
  let firstDue = Infinity;

  const t0 = performance.now();
  const deadline = t0 + MAX_MS;
  /**
   * One request when a slot is free, unless the cap has passed by then (so the phase ends at the cap
   * even when the server falls behind): its latency is from sending to the whole answer read.
   */
  async function timed<T>(
    series: Series,
    due: number,
    request: () => Promise<T>,
    repeat: boolean,
  ): Promise<Exclude<Outcome<T>, { attempts: number }> | { value: T }> {
    await slot.acquire();
    const sent = performance.now();
    if (sent > deadline) {
      slot.release();
      return CUT_OFF;
    }
    if (series === beat && !repeat) {
      delays.push(sent - due);
      if (sent - due > LATE_MS) late++;
    }
    try {
      const value = await request();
      series.answered.push(performance.now());
      return { value };
    } catch (error) {
      series.fail(error);
      return { error };
    } finally {
      const done = performance.now();
      series.latencies.push(done - sent);
      series.lastDone = Math.max(series.lastDone, done);
      slot.release();
    }
  }

  /**
   * As the player does: a request that got no answer (a lost connection, or a 5xx) is repeated
   * unchanged, up to RETRIES times; a repeated heartbeat the server had stored is answered as a duplicate.
   */
  async function send<T>(series: Series, due: number, request: () => Promise<T>): Promise<Outcome<T>> {
    let failed: { error: unknown } | undefined;
    for (let attempt = 1; ; attempt++) {
      const out = await timed(series, due, request, attempt > 1);
      if (out === CUT_OFF) return failed ?? out; // a repeat cut off leaves the request unanswered
      if ("value" in out) return { value: out.value, attempts: attempt };
      const repeatable = !(out.error instanceof WrongStatus) || out.error.status >= 500;
      if (!repeatable || attempt > RETRIES) return out;
      failed = out;
      retried++;
    }
  }

  async function viewer(v: Viewer, k: number) {
    const start = t0 + (k * PERIOD_MS) / VIEWERS;
    await sleepUntil(start);
    const begun = await send(begin, start, () => post(v, { intent: "begin", lessonId: String(lesson.id) }));
    if (begun === CUT_OFF) notBegun++;
    if (begun === CUT_OFF || !("value" in begun) || !begun.value.sessionId) return;
    v.sessionId = begun.value.sessionId;
    // The player counts its time from the server's answer, as the real one does.
    const answeredAt = performance.now();
    for (let b = 1; b <= BEATS; b++) {
      const due = answeredAt + b * PERIOD_MS + jitter();
      if (due > deadline) {
        cutOff += BEATS - b + 1;
        return;
      }
      firstDue = Math.min(firstDue, due);
      await sleepUntil(due);
      const spans = play(v, lesson.durationT);
      const seq = ++v.seq;
      v.sent.push(...spans);
      const before = total(merge(v.acked));
      const out = await send(beat, due, () =>
        post(v, {
          intent: "video",
          lessonId: String(lesson.id),
          sessionId: v.sessionId!,
          seq: String(seq),
          intervals: JSON.stringify(spans.map(([s, e]) => [s / 10, e / 10])),
        }),
      );
      if (out === CUT_OFF) {
        v.seq--;
        v.sent.splice(v.sent.length - spans.length);
        cutOff += BEATS - b + 1;
        return;
      }
      if ("error" in out) {
        // Unanswered even when repeated: the next heartbeats would be judged skips if this one was
        // not stored, so the viewer stops (the check allows either outcome for this one).
        v.unanswered = true;
        gaveUp++;
        cutOff += BEATS - b;
        return;
      }
      const reply = out.value;
      v.acked.push(...spans);
      v.lastAcked = seq;
      v.ackedBeats++;
      const expected = (total(merge(v.acked)) - before) / 10;
      const storedBefore = out.attempts > 1 && reply.newSeconds === 0 && reply.messages?.length === 1 && reply.messages[0] === DUPLICATE;
      if (!storedBefore && (reply.newSeconds !== expected || reply.messages?.length)) {
        shortCredited++;
        firstShort ??= `viewer ${v.personId} beat ${seq}: credited ${reply.newSeconds} s of ${expected} s${reply.messages?.length ? ` (${reply.messages[0]})` : ""}`;
      }
    }
  }

  let phaseOver = false;
  const duringRun = drive(healthz, { count: 1_000_000, concurrency: 1, stop: () => phaseOver, maxMs: MAX_MS + 60_000 });
  await Promise.all(viewers.map((v, k) => viewer(v, k))).finally(() => {
    phaseOver = true;
  });
  const during = await duringRun;
  const phaseMs = performance.now() - t0;
  viewersPool.close();
  samplerPool.close();

  const check = await verify(sqlDb, lesson.id, viewers);
  console.info(`${name} check: ${check.summary}`);

  const sorted = [...delays].sort((a, b) => a - b);
  const delayP99 = sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
  // The sustained rate: heartbeats answered per second once every start was answered (when the
  // server keeps up, from the first heartbeat due), so starts waiting in line do not dilute it.
  const windowFrom = Math.max(firstDue, begin.lastDone);
  const windowMs = beat.lastDone - windowFrom;
  const sustained = (beat.answered.filter((t) => t >= windowFrom).length / windowMs) * 1000;
  const beats = { ...summarize(beat.latencies, beat.errors, windowMs), perSec: sustained };
  const target = (VIEWERS / PERIOD_MS) * 1000;
  const note = (s: Series, extra?: string) => [extra, s.firstError && `first error: ${s.firstError}`].filter(Boolean).join("; ") || undefined;
  const rows: Row[] = [
    { scenario: name, measure: "GET /healthz alone (c=1)", stats: alone },
    { scenario: name, measure: "GET /healthz during the heartbeats", stats: during, ref: alone },
    {
      scenario: name,
      measure: `begin: POST /api/study ×${VIEWERS.toLocaleString("en")}`,
      stats: summarize(begin.latencies, begin.errors, begin.lastDone - t0),
      ref: alone,
      note: note(
        begin,
        `started over ${PERIOD_MS / 1000} s; lesson ${lesson.slug}/${lesson.key}, ${lesson.durationT / 10} s of video; the phase took ${(phaseMs / 1000).toFixed(1)} s`,
      ),
    },
    {
      scenario: name,
      measure: `heartbeat: POST /api/study ×${BEATS} each`,
      stats: beats,
      ref: alone,
      note: note(
        beat,
        `target ${target.toFixed(0)}/s, sustained ${sustained.toFixed(0)}/s over the last ${(windowMs / 1000).toFixed(1)} s (from the ${windowFrom === firstDue ? "first heartbeat due" : "last start answered"} to the last answer); ` +
          `${late} late (sent > ${LATE_MS / 1000} s after due, at most ${IN_FLIGHT} in flight), p99 send delay ${delayP99.toFixed(0)} ms` +
          (cutOff || notBegun
            ? `, ${cutOff + notBegun * BEATS} not sent (the ${MAX_MS / 1000} s cap${notBegun ? `; ${notBegun} viewers never began` : ""}${gaveUp ? `; ${gaveUp} viewers gave up on an unanswered heartbeat` : ""})`
            : "") +
          (retried ? `, ${retried} requests repeated after no answer` : "") +
          (shortCredited ? `; ${shortCredited} not fully credited, first: ${firstShort}` : "; every acknowledged heartbeat fully credited"),
      ),
    },
  ];
  if (check.problems.length || shortCredited) {
    console.info(formatTable(rows));
    throw new Error(`${name}: the stored coverage is not what the viewers sent:\n  ${[...check.problems, ...(firstShort ? [firstShort] : [])].join("\n  ")}`);
  }
  return rows;
}

/**
 * Reads the target's database after the phase: each viewer who began has the account's study
 * session with the id the server gave; its last sequence number is the last acknowledged heartbeat;
 * its stored watched intervals are exactly the acknowledged ones, merged (with an unanswered
 * heartbeat, at least those and at most what was sent), and watchedSeconds their sum.
 */
async function verify(db: SqlDb, lessonId: number, viewers: Viewer[]) {
  const ids = viewers.map((v) => v.personId);
  const progress = new Map(
    (
      await db.all<{ personId: number; watched: string; watchedSeconds: number }>(
        sql`SELECT "personId", "watched", "watchedSeconds" FROM "LessonProgress" WHERE "lessonId" = ${lessonId} AND "personId" ${inList(ids)}`,
      )
    ).map((r) => [r.personId, { ...r, watchedSeconds: Number(r.watchedSeconds) }]),
  );
  const sessions = new Map(
    (
      await db.all<{ personId: number; id: string; lessonId: number; lastSeq: number }>(
        sql`SELECT "personId", "id", "lessonId", "lastSeq" FROM "StudySession" WHERE "personId" ${inList(ids)}`,
      )
    ).map((r) => [r.personId, r]),
  );
  const problems: string[] = [];
  const tally = { noSession: 0, seq: 0, coverage: 0, seconds: 0 };
  const first: Partial<Record<keyof typeof tally, string>> = {};
  const bad = (k: keyof typeof tally, what: string) => {
    tally[k]++;
    first[k] ??= what;
  };
  let began = 0;
  let storedSeconds = 0;
  for (const v of viewers) {
    const s = sessions.get(v.personId);
    if (v.sessionId) {
      began++;
      if (!s || s.id !== v.sessionId || s.lessonId !== lessonId) bad("noSession", `viewer ${v.personId}: session ${s?.id ?? "none"}, began ${v.sessionId}`);
      else if (v.unanswered ? s.lastSeq < v.lastAcked || s.lastSeq > v.seq : s.lastSeq !== v.lastAcked) {
        bad("seq", `viewer ${v.personId}: last stored heartbeat ${s.lastSeq}, last acknowledged ${v.lastAcked}`);
      }
    }
    const row = progress.get(v.personId);
    const stored = row ? merge((JSON.parse(row.watched) as [number, number][]).map(([a, b]): Span => [Math.round(a * 10), Math.round(b * 10)])) : [];
    const acked = merge(v.acked);
    const exact = JSON.stringify(stored) === JSON.stringify(acked);
    if (v.unanswered ? !covers(stored, acked) || !covers(merge(v.sent), stored) : !exact) {
      bad("coverage", `viewer ${v.personId}: stored ${JSON.stringify(stored)}, acknowledged ${JSON.stringify(acked)} (tenths)`);
    }
    if (row && Math.round(row.watchedSeconds * 10) !== total(stored))
      bad("seconds", `viewer ${v.personId}: watchedSeconds ${row.watchedSeconds} for ${total(stored) / 10} s of intervals`);
    storedSeconds += total(stored) / 10;
  }
  for (const [k, n] of Object.entries(tally)) if (n) problems.push(`${n} viewers: ${k} (first: ${first[k as keyof typeof tally]})`);
  const summary =
    `${began} viewers began, ${viewers.reduce((t, v) => t + v.ackedBeats, 0)} heartbeats acknowledged, ${progress.size} progress rows holding ${Math.round(storedSeconds).toLocaleString("en")} s watched: ` +
    (problems.length ? "FAILED" : "every viewer's stored coverage is what the server acknowledged");
  return { summary, problems };
}
