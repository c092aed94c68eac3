// Fair credit for watching a video lesson or reading a text lesson. Pure: the server passes in its own
// clock (nowMs), what it stored and the heartbeat it received, and stores what comes back. Nothing is
// silently dropped: every second a heartbeat claims and that is not counted comes back as a Refusal, and
// refusalMessage() is the sentence the learner sees.
//
// What the client does (the rules below rely on it):
// - When playback starts (or a text lesson opens) it asks the server for a study session; the server calls
//   startSession. An account has one session at a time, across lessons, tabs and devices: a newer one
//   supersedes the older, whose heartbeats then count nothing and say so.
// - It counts played media time from the server's answer to that request. Every HEARTBEAT_SECONDS, and on
//   pause, end and leaving the page, it sends the intervals it played since its previous heartbeat, in play
//   order, joined where playback ran on (a seek starts a new interval), with a sequence number one higher
//   than the last (from 1 in each session). A heartbeat that failed is retried unchanged (same seq, same
//   intervals) before the next one is sent, so a replay is recognised as a duplicate and nothing is
//   counted twice.
// - It blocks seeking past furthestPoint(); the server judges skipping anyway.
//
// Why the rules are as they are:
// - Only the server's clock counts. A heartbeat carries no client time and no playback rate; the server
//   allows as many seconds of media as wall-clock time passed (at playbackRate), whatever the client's
//   clock says. A fast client clock, a 2× playback rate or a forged heartbeat all claim more media than
//   time allows, and the excess is refused as too_fast.
// - The allowance is a bucket that belongs to the account (it passes from session to session), filled by
//   wall-clock time and emptied by every second claimed, re-watched seconds included: watching is real
//   time even when it earns nothing new. Leftover carries to the next heartbeat, so network jitter evens
//   out without a per-heartbeat slack that a client could collect by sending heartbeats very often, and
//   starting session after session gains nothing. Over an account's whole history, credited seconds never
//   exceed the wall-clock time that passed plus initialAllowanceSeconds.
// - The bucket holds at most maxAllowanceSeconds. Without a cap, a client could open a lesson, leave it
//   for an hour, then play it at 16× (or forge the heartbeat) and be credited the hour. The cap bounds the
//   idle time that can stand in for watching, while a few lost heartbeats of an honest client still fit.
// - Time is kept in tenths of a second, as integers inside this module, so stored state carries no float
//   noise (0.1 + 0.2 is stored as 0.3). Intervals merge when they overlap or touch; a gap is never bridged,
//   since any bridging would credit unwatched seconds on every seek. The completion threshold (95 % by
//   default) is the slack for the odd tenth lost at an interval boundary.

/** Seconds of media time, start before end. Floats are accepted and rounded to the nearest 0.1 s. */
export type Interval = readonly [start: number, end: number];

/** How often the player sends a heartbeat while playing (or while a text lesson is visible). */
export const HEARTBEAT_SECONDS = 15;

/** Coverage a video needs by default; a course may set its own. */
export const DEFAULT_COMPLETION_PERCENT = 95;

export type WatchRules = {
  /** Seconds of media credited per second of wall-clock time: 1 is normal speed. */
  playbackRate: number;
  /** The allowance of an account's first session: room for the latency of its first heartbeat. */
  initialAllowanceSeconds: number;
  /** The most the allowance can hold: see above. */
  maxAllowanceSeconds: number;
  /** A played interval may start this far past furthestPoint(): a seek within it is not a skip. */
  skipToleranceSeconds: number;
  /** More intervals than this in one heartbeat is not a player talking: the heartbeat is refused. */
  maxIntervalsPerBeat: number;
  /** A browser's duration can differ slightly from the stored one; an end this far beyond it is clamped. */
  durationToleranceSeconds: number;
};

export const DEFAULT_WATCH_RULES: WatchRules = {
  playbackRate: 1,
  initialAllowanceSeconds: 2,
  // Four heartbeats: three can be lost or late without costing an honest learner anything, and at most
  // one minute of idle time can stand in for watching.
  maxAllowanceSeconds: 4 * HEARTBEAT_SECONDS,
  skipToleranceSeconds: 2,
  // A heartbeat covers 15 s; twenty seeks back within it is already far more than a person does.
  maxIntervalsPerBeat: 20,
  durationToleranceSeconds: 1,
};

/** The account's one study session; the server keeps one per account and replaces it on startSession. */
export type StudySession = {
  id: string;
  /** Server ms of the session's last judged heartbeat, or of its start. */
  lastBeatAt: number;
  /** Sequence number of that heartbeat; 0 before the first. */
  lastSeq: number;
  /** Seconds of media or reading the account may still be credited before more time passes. */
  allowance: number;
};

/** What the server stores per person and video lesson: watched seconds, merged, sorted and disjoint. */
export type WatchState = { watched: readonly Interval[] };

/** What the server stores per person and text lesson. */
export type ReadingState = { readSeconds: number };

export type WatchBeat = { sessionId: string; seq: number; intervals: readonly Interval[] };

export type ReadingBeat = { sessionId: string; seq: number; visibleSeconds: number };

/** Why claimed seconds were not counted. `seconds` is how many claimed seconds the refusal covers. */
export type Refusal =
  | { reason: "invalid"; seconds: number }
  | { reason: "superseded"; seconds: number }
  | { reason: "duplicate"; seconds: number }
  /** interval is the media time refused; null for reading time. */
  | { reason: "too_fast"; seconds: number; interval: Interval | null }
  /** interval is the played media refused; resumeAt is where watching has to continue. */
  | { reason: "skipped_ahead"; seconds: number; interval: Interval; resumeAt: number };

export type RefusalReason = Refusal["reason"];

export type BeatVerdict<State> = {
  /** The lesson's new state; the same object when nothing changed. */
  state: State;
  /** The account's new session; the same object when nothing changed. */
  session: StudySession | null;
  /** Seconds newly credited to the lesson. */
  newSeconds: number;
  refused: Refusal[];
  /** The heartbeat came from a session that is no longer (or never was) the account's: the player stops counting. */
  superseded: boolean;
};

// ---- tenths of a second ----

type Span = [start: number, end: number];

const tenths = (seconds: number) => Math.round(seconds * 10);
const seconds = (t: number) => t / 10;
const toSpan = (iv: Interval): Span => [tenths(iv[0]), tenths(iv[1])];
const toInterval = (s: Span): Interval => [seconds(s[0]), seconds(s[1])];
const total = (spans: readonly Span[]) => spans.reduce((sum, [s, e]) => sum + e - s, 0);

/** Inserts a span into sorted disjoint spans, merging every span it overlaps or touches. */
function addSpan(spans: readonly Span[], span: Span): Span[] {
  const out: Span[] = [];
  let [s, e] = span;
  let placed = false;
  for (const cur of spans) {
    if (cur[1] < s) out.push(cur);
    else if (cur[0] > e) {
      if (!placed) out.push([s, e]);
      placed = true;
      out.push(cur);
    } else {
      s = Math.min(s, cur[0]);
      e = Math.max(e, cur[1]);
    }
  }
  if (!placed) out.push([s, e]);
  return out;
}

/** How far one can get from 0 through watched spans without a gap wider than the tolerance. */
function reach(spans: readonly Span[], toleranceTenths: number): number {
  let r = 0;
  for (const [s, e] of spans) {
    if (s > r + toleranceTenths) break;
    r = Math.max(r, e);
  }
  return r;
}

/** The tenths an untrusted interval claims when it can be measured at all, else 0. */
function measurable(iv: unknown): number {
  if (!Array.isArray(iv) || iv.length !== 2) return 0;
  const [s, e] = iv as unknown[];
  if (typeof s !== "number" || typeof e !== "number" || !Number.isFinite(s) || !Number.isFinite(e)) return 0;
  return Math.max(0, tenths(e) - tenths(s));
}

// The server's own inputs: a bad one is a bug or bad content, not the learner's doing, so fail loudly.
function assertNow(nowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite server time, got ${nowMs}`);
}

function assertDuration(duration: number): void {
  if (!(Number.isFinite(duration) && duration > 0)) throw new RangeError(`a video's duration must be positive seconds, got ${duration}`);
}

// ---- sessions and the allowance ----

/** The allowance in tenths after wall-clock time since the session's last heartbeat, capped. */
function refill(session: StudySession, nowMs: number, rules: WatchRules): number {
  // A server clock stepped back gives nothing rather than a negative allowance.
  const elapsed = Math.max(0, Math.floor(((nowMs - session.lastBeatAt) * rules.playbackRate) / 100));
  return Math.min(tenths(session.allowance) + elapsed, tenths(rules.maxAllowanceSeconds));
}

/**
 * A new study session for the account, which supersedes `current` (if any): the newer tab or device wins.
 * `id` is a fresh unguessable id chosen by the server. The allowance carries over from `current`.
 */
export function startSession(current: StudySession | null, id: string, nowMs: number, rules: WatchRules = DEFAULT_WATCH_RULES): StudySession {
  assertNow(nowMs);
  const allowance = current ? refill(current, nowMs, rules) : tenths(rules.initialAllowanceSeconds);
  return { id, lastBeatAt: nowMs, lastSeq: 0, allowance: seconds(allowance) };
}

type Opened = { refusal: Refusal; superseded: boolean } | { session: StudySession; allowance: number };

/**
 * What applies to every heartbeat before its content is judged. A malformed heartbeat, one from a session
 * that is not the account's, and a replay change nothing; otherwise the allowance (tenths) is refilled.
 */
function openBeat(
  session: StudySession | null,
  beat: { sessionId: unknown; seq: unknown },
  payloadOk: boolean,
  claimed: number,
  nowMs: number,
  rules: WatchRules,
): Opened {
  const envelopeOk = typeof beat.sessionId === "string" && beat.sessionId !== "" && Number.isSafeInteger(beat.seq) && (beat.seq as number) >= 1;
  if (!envelopeOk || !payloadOk) return { refusal: { reason: "invalid", seconds: seconds(claimed) }, superseded: false };
  if (!session || session.id !== beat.sessionId) {
    return { refusal: { reason: "superseded", seconds: seconds(claimed) }, superseded: true };
  }
  if ((beat.seq as number) <= session.lastSeq) {
    return { refusal: { reason: "duplicate", seconds: seconds(claimed) }, superseded: false };
  }
  return { session, allowance: refill(session, nowMs, rules) };
}

function closeSession(session: StudySession, seq: number, nowMs: number, allowance: number): StudySession {
  return { id: session.id, lastBeatAt: nowMs, lastSeq: seq, allowance: seconds(allowance) };
}

type MediaRefusal = Extract<Refusal, { reason: "too_fast" | "skipped_ahead" }> & { interval: Interval };

/**
 * Adds a refusal, joining it to the previous one when it continues it: a refused run split across
 * intervals reads as one sentence, not three. A joined skip keeps the later resumeAt, the one that holds now.
 */
function pushRefusal(refused: Refusal[], r: MediaRefusal): void {
  const last = refused[refused.length - 1];
  if (
    last &&
    (last.reason === "too_fast" || last.reason === "skipped_ahead") &&
    last.reason === r.reason &&
    last.interval &&
    last.interval[1] === r.interval[0]
  ) {
    refused[refused.length - 1] = {
      ...r,
      interval: [last.interval[0], r.interval[1]],
      seconds: seconds(tenths(last.seconds) + tenths(r.seconds)),
    };
  } else refused.push(r);
}

// ---- video ----

/**
 * Judges a heartbeat of a video lesson. `duration` is the lesson's stored duration in seconds.
 *
 * In order: a malformed heartbeat (bad session id or seq, intervals not a list or more than
 * maxIntervalsPerBeat of them) is refused whole as invalid and changes nothing; so is one from a session
 * that is not the account's (superseded) and a replay (seq not above the last, duplicate). Then each
 * interval, in play order: a malformed one (not finite, start < 0, end ≤ start, beyond the duration) is
 * refused as invalid and costs no allowance; once the allowance is spent the rest is too_fast; one that
 * starts past furthestPoint() + skipToleranceSeconds is skipped_ahead (it was played, so it uses allowance);
 * otherwise it is credited as far as the allowance goes and the rest is too_fast.
 */
export function judgeHeartbeat(
  state: WatchState,
  session: StudySession | null,
  beat: WatchBeat,
  nowMs: number,
  duration: number,
  rules: WatchRules = DEFAULT_WATCH_RULES,
): BeatVerdict<WatchState> {
  assertNow(nowMs);
  assertDuration(duration);
  const list: readonly unknown[] = Array.isArray(beat.intervals) ? beat.intervals : [];
  const claimed = list.reduce<number>((sum, iv) => sum + measurable(iv), 0);
  const payloadOk = Array.isArray(beat.intervals) && list.length <= rules.maxIntervalsPerBeat;
  const opened = openBeat(session, beat, payloadOk, claimed, nowMs, rules);
  if ("refusal" in opened) return { state, session, newSeconds: 0, refused: [opened.refusal], superseded: opened.superseded };

  const durationT = tenths(duration);
  const toleranceT = tenths(rules.skipToleranceSeconds);
  const refused: Refusal[] = [];
  const valid: Span[] = [];
  let invalid = 0;
  let invalidTenths = 0;
  for (const iv of list) {
    const ok =
      Array.isArray(iv) &&
      iv.length === 2 &&
      typeof iv[0] === "number" &&
      typeof iv[1] === "number" &&
      Number.isFinite(iv[0]) &&
      Number.isFinite(iv[1]) &&
      iv[0] >= 0 &&
      iv[1] > iv[0] &&
      iv[1] <= duration + rules.durationToleranceSeconds;
    if (!ok) {
      invalid++;
      invalidTenths += measurable(iv);
      continue;
    }
    const span: Span = [tenths(iv[0]), Math.min(tenths(iv[1]), durationT)];
    // Shorter than a tenth, or wholly in the tolerance past the end: nothing to credit or refuse.
    if (span[0] < span[1]) valid.push(span);
  }
  if (invalid > 0) refused.push({ reason: "invalid", seconds: seconds(invalidTenths) });

  let allowance = opened.allowance;
  let watched = state.watched.map(toSpan);
  const before = total(watched);
  for (const [s, e] of valid) {
    if (allowance === 0) {
      pushRefusal(refused, { reason: "too_fast", seconds: seconds(e - s), interval: toInterval([s, e]) });
      continue;
    }
    const furthest = reach(watched, toleranceT);
    const take = Math.min(e - s, allowance);
    allowance -= take;
    if (s > furthest + toleranceT) {
      pushRefusal(refused, { reason: "skipped_ahead", seconds: seconds(e - s), interval: toInterval([s, e]), resumeAt: seconds(furthest) });
      continue;
    }
    watched = addSpan(watched, [s, s + take]);
    if (s + take < e) pushRefusal(refused, { reason: "too_fast", seconds: seconds(e - s - take), interval: toInterval([s + take, e]) });
  }

  return {
    state: { watched: watched.map(toInterval) },
    session: closeSession(opened.session, beat.seq, nowMs, allowance),
    newSeconds: seconds(total(watched) - before),
    refused,
    superseded: false,
  };
}

/** Where watching has to continue: the player blocks seeking beyond this (plus the tolerance). */
export function furthestPoint(watched: readonly Interval[], rules: WatchRules = DEFAULT_WATCH_RULES): number {
  return seconds(reach(watched.map(toSpan), tenths(rules.skipToleranceSeconds)));
}

function coveredTenths(watched: readonly Interval[], duration: number): number {
  const d = tenths(duration);
  return watched.map(toSpan).reduce((sum, [s, e]) => sum + Math.max(0, Math.min(e, d) - Math.max(s, 0)), 0);
}

/** The fraction (0–1) of the video's seconds watched at least once. */
export function coverage(watched: readonly Interval[], duration: number): number {
  assertDuration(duration);
  return coveredTenths(watched, duration) / tenths(duration);
}

/** A video lesson is complete at its course's coverage threshold with every checkpoint answered. */
export function isVideoComplete(p: {
  watched: readonly Interval[];
  duration: number;
  /** Percent of the duration, e.g. 95 (DEFAULT_COMPLETION_PERCENT). */
  thresholdPercent: number;
  checkpointsAnswered: number;
  checkpointsTotal: number;
}): boolean {
  assertDuration(p.duration);
  // Integers on both sides: exactly 95 % of 100 s is 95.0 s, with no float rounding in the way.
  const enough = coveredTenths(p.watched, p.duration) * 100 >= p.thresholdPercent * tenths(p.duration);
  return enough && p.checkpointsAnswered >= p.checkpointsTotal;
}

// ---- text ----

/**
 * Judges a heartbeat of a text lesson: `visibleSeconds` is the time the page was visible since the previous
 * heartbeat, credited as far as the account's allowance goes (the same session and allowance as video, so
 * a text in one tab and a video in another are not both counted). The excess is too_fast.
 */
export function judgeReadingBeat(
  state: ReadingState,
  session: StudySession | null,
  beat: ReadingBeat,
  nowMs: number,
  rules: WatchRules = DEFAULT_WATCH_RULES,
): BeatVerdict<ReadingState> {
  assertNow(nowMs);
  const v = beat.visibleSeconds;
  const payloadOk = typeof v === "number" && Number.isFinite(v) && v >= 0;
  const claimed = payloadOk ? tenths(v) : 0;
  const opened = openBeat(session, beat, payloadOk, claimed, nowMs, rules);
  if ("refusal" in opened) return { state, session, newSeconds: 0, refused: [opened.refusal], superseded: opened.superseded };

  const take = Math.min(claimed, opened.allowance);
  const refused: Refusal[] = take < claimed ? [{ reason: "too_fast", seconds: seconds(claimed - take), interval: null }] : [];
  return {
    state: { readSeconds: seconds(tenths(state.readSeconds) + take) },
    session: closeSession(opened.session, beat.seq, nowMs, opened.allowance - take),
    newSeconds: seconds(take),
    refused,
    superseded: false,
  };
}

/** A text lesson is complete after its minimum reading time. */
export function isTextComplete(readSeconds: number, minimumSeconds: number): boolean {
  return tenths(readSeconds) >= tenths(minimumSeconds);
}

// ---- what the learner reads ----

/** Media time as a player shows it: "3:20", "1:02:05". */
export function formatMediaTime(secs: number): string {
  const t = Number.isFinite(secs) && secs > 0 ? Math.floor(secs) : 0;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** "13 秒", "1 分 30 秒", "9 分钟"; never "0 秒" for a refusal that exists. */
function spokenSeconds(secs: number): string {
  const t = Math.max(1, Math.round(secs));
  if (t < 60) return `${t} 秒`;
  return t % 60 === 0 ? `${t / 60} 分钟` : `${Math.floor(t / 60)} 分 ${t % 60} 秒`;
}

const range = (iv: Interval) => `${formatMediaTime(iv[0])}–${formatMediaTime(iv[1])}`;

export const REFUSAL_MESSAGES: { [R in RefusalReason]: (r: Extract<Refusal, { reason: R }>) => string } = {
  invalid: () => "学习记录无效，未计入学习进度",
  superseded: () => "您已在另一个窗口或设备上开始学习，本窗口不再计入学习进度",
  duplicate: () => "这条学习记录已经提交过，不重复计入",
  too_fast: (r) =>
    r.interval
      ? `${range(r.interval)} 有 ${spokenSeconds(r.seconds)}的播放快于正常速度（可能调快了倍速、网络中断过久或页面时间异常），不计入学习进度，请以正常速度重新观看这一段`
      : `有 ${spokenSeconds(r.seconds)}的阅读时间超过了实际经过的时间（可能网络中断过久或页面时间异常），不计入学习进度`,
  skipped_ahead: (r) =>
    `从 ${formatMediaTime(r.resumeAt)} 跳到 ${formatMediaTime(r.interval[0])} 的部分没有观看，不计入学习进度，请从 ${formatMediaTime(r.resumeAt)} 继续观看`,
};

/** The sentence the learner sees for a refusal. */
export function refusalMessage(r: Refusal): string {
  switch (r.reason) {
    case "invalid":
      return REFUSAL_MESSAGES.invalid(r);
    case "superseded":
      return REFUSAL_MESSAGES.superseded(r);
    case "duplicate":
      return REFUSAL_MESSAGES.duplicate(r);
    case "too_fast":
      return REFUSAL_MESSAGES.too_fast(r);
    case "skipped_ahead":
      return REFUSAL_MESSAGES.skipped_ahead(r);
  }
}
