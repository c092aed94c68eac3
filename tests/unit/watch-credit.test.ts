import { describe, expect, it } from "vitest";
import {
  coverage,
  formatMediaTime,
  furthestPoint,
  isTextComplete,
  isVideoComplete,
  judgeHeartbeat,
  judgeReadingBeat,
  refusalMessage,
  startSession,
  type Interval,
  type StudySession,
  type WatchBeat,
  type WatchState,
} from "~/lib/watch-credit";

const T0 = Date.UTC(2026, 10, 1, 8);
// Server time, `s` whole seconds after T0 (whole, so no float noise in the test's own clock).
const at = (s: number) => T0 + s * 1000;
const NONE: WatchState = { watched: [] };
const watched = (...w: Interval[]): WatchState => ({ watched: w });
// A session holding `allowance` seconds whose last heartbeat was at T0: a heartbeat at T0 spends only that.
const session = (allowance: number, lastSeq = 0): StudySession => ({ id: "tab-1", lastBeatAt: T0, lastSeq, allowance });
const beat = (seq: number, intervals: readonly Interval[], sessionId = "tab-1"): WatchBeat => ({ sessionId, seq, intervals });

describe("startSession", () => {
  it("gives an account's first session the initial allowance", () => {
    expect(startSession(null, "tab-1", at(0))).toEqual({ id: "tab-1", lastBeatAt: at(0), lastSeq: 0, allowance: 2 });
  });

  it("carries the account's allowance over, refilled by the time since the last heartbeat and capped", () => {
    const old: StudySession = { id: "old", lastBeatAt: at(0), lastSeq: 7, allowance: 3 };
    expect(startSession(old, "new", at(10))).toEqual({ id: "new", lastBeatAt: at(10), lastSeq: 0, allowance: 13 });
    expect(startSession(old, "new", at(3600)).allowance).toBe(60);
  });

  it("gains nothing by starting session after session", () => {
    const a = startSession(null, "a", T0);
    const va = judgeHeartbeat(NONE, a, beat(1, [[0, 2.1]], "a"), T0 + 100, 600);
    expect(va.newSeconds).toBe(2.1);
    expect(va.session?.allowance).toBe(0);
    // A fresh session 100 ms later has 0.1 s, not a new initial allowance.
    const b = startSession(va.session, "b", T0 + 200);
    expect(b.allowance).toBe(0.1);
    const vb = judgeHeartbeat(va.state, b, beat(1, [[2.1, 4.2]], "b"), T0 + 300, 600);
    expect(vb.newSeconds).toBe(0.2);
    expect(vb.refused).toEqual([{ reason: "too_fast", seconds: 1.9, interval: [2.3, 4.2] }]);
  });
});

describe("judgeHeartbeat", () => {
  it("credits what was played at normal speed", () => {
    const s0 = startSession(null, "tab-1", at(0));
    expect(judgeHeartbeat(NONE, s0, beat(1, [[0, 15]]), at(15), 600)).toEqual({
      state: { watched: [[0, 15]] },
      session: { id: "tab-1", lastBeatAt: at(15), lastSeq: 1, allowance: 2 },
      newSeconds: 15,
      refused: [],
      superseded: false,
    });
  });

  it("counts a second once: overlaps and re-watching add nothing twice", () => {
    const v1 = judgeHeartbeat(watched([0, 15]), session(2, 1), beat(2, [[10, 30]]), at(20), 600);
    expect(v1.state.watched).toEqual([[0, 30]]);
    expect(v1.newSeconds).toBe(15);
    // Re-watching is real time: it spends allowance (20 + 2 − 20), but it is not refused.
    expect(v1.session?.allowance).toBe(2);
    expect(v1.refused).toEqual([]);

    const v2 = judgeHeartbeat(v1.state, v1.session, beat(3, [[0, 15]]), at(35), 600);
    expect(v2.state.watched).toEqual([[0, 30]]);
    expect(v2.newSeconds).toBe(0);
    expect(v2.refused).toEqual([]);

    // Seeking back within one heartbeat: two overlapping intervals, 15 distinct seconds.
    const v3 = judgeHeartbeat(
      NONE,
      session(2),
      beat(1, [
        [0, 10],
        [5, 15],
      ]),
      at(20),
      600,
    );
    expect(v3.state.watched).toEqual([[0, 15]]);
    expect(v3.newSeconds).toBe(15);
  });

  it("merges intervals that touch but keeps every gap, and lets a seek within the tolerance count", () => {
    expect(
      judgeHeartbeat(
        NONE,
        session(60),
        beat(1, [
          [0, 10],
          [10, 20],
        ]),
        T0,
        600,
      ).state.watched,
    ).toEqual([[0, 20]]);
    // Rounded to tenths first: 10.04 and 10.04 are both 10.0.
    expect(
      judgeHeartbeat(
        NONE,
        session(60),
        beat(1, [
          [0, 10.04],
          [10.04, 20],
        ]),
        T0,
        600,
      ).state.watched,
    ).toEqual([[0, 20]]);
    const tenth = judgeHeartbeat(
      NONE,
      session(60),
      beat(1, [
        [0, 10],
        [10.1, 20],
      ]),
      T0,
      600,
    );
    expect(tenth.state.watched).toEqual([
      [0, 10],
      [10.1, 20],
    ]);
    expect(tenth.newSeconds).toBe(19.9);

    // A 1.5 s seek forward is within the 2 s tolerance: counted, the skipped 1.5 s stays unwatched.
    const seek = judgeHeartbeat(watched([0, 10]), session(60), beat(1, [[11.5, 20]]), T0, 100);
    expect(seek.state.watched).toEqual([
      [0, 10],
      [11.5, 20],
    ]);
    expect(seek.newSeconds).toBe(8.5);
    expect(coverage(seek.state.watched, 100)).toBe(0.185);
    expect(furthestPoint(seek.state.watched)).toBe(20);
    // Exactly at the tolerance still counts; a tenth beyond it does not.
    expect(judgeHeartbeat(watched([0, 10]), session(60), beat(1, [[12, 20]]), T0, 100).newSeconds).toBe(8);
    expect(judgeHeartbeat(watched([0, 10]), session(60), beat(1, [[12.1, 20]]), T0, 100).refused).toEqual([
      { reason: "skipped_ahead", seconds: 7.9, interval: [12.1, 20], resumeAt: 10 },
    ]);
  });

  it("refuses playing after a skip ahead, tells where to continue, and the skip still uses allowance", () => {
    const v = judgeHeartbeat(watched([0, 200]), session(60), beat(1, [[300, 315]]), T0, 600);
    expect(v.newSeconds).toBe(0);
    expect(v.state.watched).toEqual([[0, 200]]);
    expect(v.session?.allowance).toBe(45);
    expect(v.refused).toEqual([{ reason: "skipped_ahead", seconds: 15, interval: [300, 315], resumeAt: 200 }]);
    expect(refusalMessage(v.refused[0])).toBe("从 3:20 跳到 5:00 的部分没有观看，不计入学习进度，请从 3:20 继续观看");

    // Watching on, then skipping: the skipped run is one refusal, resuming where the watching stopped.
    const w = judgeHeartbeat(
      watched([0, 200]),
      session(60),
      beat(1, [
        [200, 210],
        [300, 310],
        [310, 320],
      ]),
      T0,
      600,
    );
    expect(w.newSeconds).toBe(10);
    expect(w.refused).toEqual([{ reason: "skipped_ahead", seconds: 20, interval: [300, 320], resumeAt: 210 }]);
    expect(w.session?.allowance).toBe(30);
  });

  it("refuses the excess of playing at 2× as too fast, then the gap it left as skipped", () => {
    const s0 = startSession(null, "tab-1", at(0));
    // 15 s of server time allow 15 s + the initial 2 s; the player claims 30 s.
    const v1 = judgeHeartbeat(NONE, s0, beat(1, [[0, 30]]), at(15), 600);
    expect(v1.state.watched).toEqual([[0, 17]]);
    expect(v1.newSeconds).toBe(17);
    expect(v1.refused).toEqual([{ reason: "too_fast", seconds: 13, interval: [17, 30] }]);
    expect(v1.session?.allowance).toBe(0);
    expect(refusalMessage(v1.refused[0])).toBe(
      "0:17–0:30 有 13 秒的播放快于正常速度（可能调快了倍速、网络中断过久或页面时间异常），不计入学习进度，请以正常速度重新观看这一段",
    );

    // Going on at 2× from 0:30: the learner is told to go back to 0:17.
    const v2 = judgeHeartbeat(v1.state, v1.session, beat(2, [[30, 60]]), at(30), 600);
    expect(v2.newSeconds).toBe(0);
    expect(v2.refused).toEqual([{ reason: "skipped_ahead", seconds: 30, interval: [30, 60], resumeAt: 17 }]);

    // The same excess split over two intervals reads as one refusal.
    const v3 = judgeHeartbeat(
      NONE,
      s0,
      beat(1, [
        [0, 20],
        [20, 30],
      ]),
      at(15),
      600,
    );
    expect(v3.refused).toEqual([{ reason: "too_fast", seconds: 13, interval: [17, 30] }]);
  });

  it("trusts only the server's clock", () => {
    // A client whose clock runs fast believes 30 s passed and says so; the server saw 15 s.
    const s0 = startSession(null, "tab-1", at(0));
    const withClientClock = { ...beat(1, [[0, 30]]), clientTime: at(30), playbackRate: 1 };
    const v = judgeHeartbeat(NONE, s0, withClientClock, at(15), 600);
    expect(v.newSeconds).toBe(17);
    expect(v.refused).toEqual([{ reason: "too_fast", seconds: 13, interval: [17, 30] }]);

    // Heartbeats arriving a second early or late even out through the carried allowance.
    const early = judgeHeartbeat(NONE, s0, beat(1, [[0, 15]]), at(14), 600);
    expect(early.refused).toEqual([]);
    expect(early.session?.allowance).toBe(1);
    const late = judgeHeartbeat(early.state, early.session, beat(2, [[15, 30]]), at(31), 600);
    expect(late.refused).toEqual([]);
    expect(late.newSeconds).toBe(15);
    expect(late.session?.allowance).toBe(3);

    // The server's clock stepped back 5 s: that heartbeat gets no time, and time counts on from there.
    const s1: StudySession = { id: "tab-1", lastBeatAt: at(15), lastSeq: 1, allowance: 2 };
    const back = judgeHeartbeat(watched([0, 15]), s1, beat(2, [[15, 30]]), at(10), 600);
    expect(back.newSeconds).toBe(2);
    expect(back.refused).toEqual([{ reason: "too_fast", seconds: 13, interval: [17, 30] }]);
    expect(back.session).toEqual({ id: "tab-1", lastBeatAt: at(10), lastSeq: 2, allowance: 0 });
    const after = judgeHeartbeat(back.state, back.session, beat(3, [[17, 32]]), at(25), 600);
    expect(after.newSeconds).toBe(15);
    expect(after.refused).toEqual([]);
  });

  it("treats a replayed heartbeat as a duplicate and changes nothing", () => {
    const s0 = startSession(null, "tab-1", at(0));
    const v1 = judgeHeartbeat(NONE, s0, beat(1, [[0, 15]]), at(15), 600);
    const again = judgeHeartbeat(v1.state, v1.session, beat(1, [[0, 15]]), at(16), 600);
    expect(again).toEqual({ state: v1.state, session: v1.session, newSeconds: 0, refused: [{ reason: "duplicate", seconds: 15 }], superseded: false });
    expect(again.state).toBe(v1.state);
    expect(again.session).toBe(v1.session);

    // An older seq arriving late, even with new content, counts nothing.
    const v2 = judgeHeartbeat(v1.state, v1.session, beat(2, [[15, 30]]), at(30), 600);
    const late = judgeHeartbeat(v2.state, v2.session, beat(1, [[30, 45]]), at(45), 600);
    expect(late.refused).toEqual([{ reason: "duplicate", seconds: 15 }]);
    expect(late.state.watched).toEqual([[0, 30]]);
    expect(refusalMessage(late.refused[0])).toBe("这条学习记录已经提交过，不重复计入");
  });

  it("lets the newer of two sessions win; the older is told and stays out until it starts again", () => {
    const a = startSession(null, "tab-a", at(0));
    const va = judgeHeartbeat(NONE, a, beat(1, [[0, 15]], "tab-a"), at(15), 600);
    const b = startSession(va.session, "phone-b", at(20));
    expect(b).toEqual({ id: "phone-b", lastBeatAt: at(20), lastSeq: 0, allowance: 7 });

    const aLate = judgeHeartbeat(va.state, b, beat(2, [[15, 30]], "tab-a"), at(30), 600);
    expect(aLate).toEqual({ state: va.state, session: b, newSeconds: 0, refused: [{ reason: "superseded", seconds: 15 }], superseded: true });
    expect(refusalMessage(aLate.refused[0])).toBe("您已在另一个窗口或设备上开始学习，本窗口不再计入学习进度");

    const vb = judgeHeartbeat(va.state, b, beat(1, [[15, 30]], "phone-b"), at(35), 600);
    expect(vb.newSeconds).toBe(15);
    expect(vb.state.watched).toEqual([[0, 30]]);

    // The newer one pausing does not hand the lesson back.
    expect(judgeHeartbeat(vb.state, vb.session, beat(3, [[30, 45]], "tab-a"), at(45), 600).superseded).toBe(true);

    // Starting again in the first tab makes it the newer one.
    const a2 = startSession(vb.session, "tab-a2", at(50));
    expect(judgeHeartbeat(vb.state, a2, beat(2, [[30, 45]], "phone-b"), at(60), 600).superseded).toBe(true);
    const va2 = judgeHeartbeat(vb.state, a2, beat(1, [[30, 40]], "tab-a2"), at(60), 600);
    expect(va2.newSeconds).toBe(10);
    expect(va2.state.watched).toEqual([[0, 40]]);

    // No session at all (never started): nothing counts.
    expect(judgeHeartbeat(NONE, null, beat(1, [[0, 15]]), at(15), 600).superseded).toBe(true);
  });

  it("after a pause credits only what was played, and caps what a long silence can claim", () => {
    const paused = judgeHeartbeat(watched([0, 15]), { id: "tab-1", lastBeatAt: at(15), lastSeq: 1, allowance: 2 }, beat(2, [[15, 30]]), at(630), 600);
    expect(paused.newSeconds).toBe(15);
    expect(paused.state.watched).toEqual([[0, 30]]);
    expect(paused.refused).toEqual([]);
    expect(paused.session?.allowance).toBe(45);

    // No heartbeat for ten minutes, then a whole video at once: one minute counts.
    const s0 = startSession(null, "tab-1", at(0));
    const dump = judgeHeartbeat(NONE, s0, beat(1, [[0, 600]]), at(600), 600);
    expect(dump.newSeconds).toBe(60);
    expect(dump.refused).toEqual([{ reason: "too_fast", seconds: 540, interval: [60, 600] }]);
    expect(refusalMessage(dump.refused[0])).toBe(
      "1:00–10:00 有 9 分钟的播放快于正常速度（可能调快了倍速、网络中断过久或页面时间异常），不计入学习进度，请以正常速度重新观看这一段",
    );
  });

  it("refuses malformed intervals without spending allowance and counts the rest", () => {
    const bad = [
      [Number.NaN, 5],
      [-1, 5],
      [10, 5],
      [90, 102],
      [0, Infinity],
      ["0", 5],
      [0, 10],
    ] as unknown as Interval[];
    const v = judgeHeartbeat(NONE, session(60), beat(1, bad), T0, 100);
    // Measurable claims: [-1, 5] is 6 s and [90, 102] is 12 s; the others cannot be measured.
    expect(v.refused).toEqual([{ reason: "invalid", seconds: 18 }]);
    expect(refusalMessage(v.refused[0])).toBe("学习记录无效，未计入学习进度");
    expect(v.newSeconds).toBe(10);
    expect(v.state.watched).toEqual([[0, 10]]);
    expect(v.session?.allowance).toBe(50);
  });

  it("clamps an end just past the duration and ignores what lies wholly beyond it", () => {
    const v = judgeHeartbeat(watched([0, 95]), session(60), beat(1, [[95, 100.6]]), T0, 100);
    expect(v.state.watched).toEqual([[0, 100]]);
    expect(v.newSeconds).toBe(5);
    expect(v.session?.allowance).toBe(55);
    const beyond = judgeHeartbeat(watched([0, 100]), session(60), beat(1, [[100.3, 100.8]]), T0, 100);
    expect(beyond.refused).toEqual([]);
    expect(beyond.newSeconds).toBe(0);
    expect(beyond.session?.allowance).toBe(60);
  });

  it("refuses a malformed heartbeat whole and changes nothing", () => {
    const s = session(60, 3);
    const twentyOne = Array.from({ length: 21 }, (): Interval => [0, 1]);
    const tooMany = judgeHeartbeat(NONE, s, beat(4, twentyOne), T0, 100);
    expect(tooMany).toEqual({ state: NONE, session: s, newSeconds: 0, refused: [{ reason: "invalid", seconds: 21 }], superseded: false });
    expect(tooMany.session).toBe(s);
    expect(judgeHeartbeat(NONE, s, beat(4, twentyOne.slice(1)), T0, 100).newSeconds).toBe(1);

    for (const b of [beat(0, [[0, 1]]), beat(4.5, [[0, 1]]), beat(Number.NaN, [[0, 1]]), beat(4, [[0, 1]], ""), beat(4, null as unknown as Interval[])]) {
      const v = judgeHeartbeat(NONE, s, b, T0, 100);
      expect(v.refused[0].reason).toBe("invalid");
      expect(v.newSeconds).toBe(0);
      expect(v.session).toBe(s);
    }
  });

  it("keeps state in tenths of a second, without float noise", () => {
    let state = NONE;
    let s: StudySession | null = session(60);
    for (const [seq, iv] of [
      [1, [0, 0.1]],
      [2, [0.1, 0.2]],
      [3, [0.2, 0.3]],
    ] as const) {
      const v = judgeHeartbeat(state, s, beat(seq, [iv]), T0, 100);
      expect(v.newSeconds).toBe(0.1);
      state = v.state;
      s = v.session;
    }
    expect(state.watched).toEqual([[0, 0.3]]);
    expect(s?.allowance).toBe(59.7);

    const rounded = judgeHeartbeat(NONE, session(60), beat(1, [[0.123, 7.456]]), T0, 100);
    expect(rounded.state.watched).toEqual([[0.1, 7.5]]);
    expect(rounded.newSeconds).toBe(7.4);
    // Shorter than a twentieth of a second: nothing at all.
    const tiny = judgeHeartbeat(watched([0, 5]), session(60), beat(1, [[5.01, 5.04]]), T0, 100);
    expect(tiny.state.watched).toEqual([[0, 5]]);
    expect(tiny.refused).toEqual([]);
  });

  it("throws on a bad duration or server time: those are bugs, not the learner's doing", () => {
    expect(() => judgeHeartbeat(NONE, session(60), beat(1, [[0, 1]]), T0, 0)).toThrow(RangeError);
    expect(() => judgeHeartbeat(NONE, session(60), beat(1, [[0, 1]]), Number.NaN, 100)).toThrow(RangeError);
  });
});

describe("furthestPoint and coverage", () => {
  it("finds where watching has to continue", () => {
    expect(furthestPoint([])).toBe(0);
    expect(
      furthestPoint([
        [0, 10],
        [11.5, 20],
        [25, 30],
      ]),
    ).toBe(20);
    expect(furthestPoint([[1.5, 10]])).toBe(10);
    expect(furthestPoint([[3, 10]])).toBe(0);
  });

  it("is the fraction of the video watched, within its duration", () => {
    expect(coverage([], 100)).toBe(0);
    expect(
      coverage(
        [
          [0, 50],
          [60, 80],
        ],
        100,
      ),
    ).toBe(0.7);
    expect(coverage([[90, 120]], 100)).toBe(0.1);
    expect(() => coverage([], Number.NaN)).toThrow(RangeError);
  });
});

describe("isVideoComplete", () => {
  const done = (w: Interval[], duration = 100, thresholdPercent = 95, answered = 0, total = 0) =>
    isVideoComplete({ watched: w, duration, thresholdPercent, checkpointsAnswered: answered, checkpointsTotal: total });

  it("completes at exactly the threshold and not a tenth of a second before", () => {
    expect(done([[0, 95]])).toBe(true);
    expect(done([[0, 94.9]])).toBe(false);
    expect(
      done([
        [0, 50],
        [55, 100],
      ]),
    ).toBe(true);
    // 95 % of 1234.5 s is 1172.775 s.
    expect(done([[0, 1172.8]], 1234.5)).toBe(true);
    expect(done([[0, 1172.7]], 1234.5)).toBe(false);
  });

  it("takes the course's threshold and needs every checkpoint answered", () => {
    expect(done([[0, 80]], 100, 80)).toBe(true);
    expect(done([[0, 80]], 100, 95)).toBe(false);
    expect(done([[0, 100]], 100, 95, 2, 3)).toBe(false);
    expect(done([[0, 100]], 100, 95, 3, 3)).toBe(true);
  });
});

describe("judgeReadingBeat", () => {
  it("accrues visible time, never more than the wall clock allows", () => {
    const r0 = startSession(null, "tab-r", at(0));
    const v1 = judgeReadingBeat({ readSeconds: 0 }, r0, { sessionId: "tab-r", seq: 1, visibleSeconds: 15 }, at(15));
    expect(v1).toEqual({
      state: { readSeconds: 15 },
      session: { id: "tab-r", lastBeatAt: at(15), lastSeq: 1, allowance: 2 },
      newSeconds: 15,
      refused: [],
      superseded: false,
    });

    const v2 = judgeReadingBeat(v1.state, v1.session, { sessionId: "tab-r", seq: 2, visibleSeconds: 40 }, at(30));
    expect(v2.state.readSeconds).toBe(32);
    expect(v2.refused).toEqual([{ reason: "too_fast", seconds: 23, interval: null }]);
    expect(refusalMessage(v2.refused[0])).toBe("有 23 秒的阅读时间超过了实际经过的时间（可能网络中断过久或页面时间异常），不计入学习进度");

    // A minute with the page hidden most of the time: only the 5 visible seconds count.
    const v3 = judgeReadingBeat(v2.state, v2.session, { sessionId: "tab-r", seq: 3, visibleSeconds: 5 }, at(90));
    expect(v3.newSeconds).toBe(5);
    expect(v3.state.readSeconds).toBe(37);
    expect(v3.session?.allowance).toBe(55);

    expect(judgeReadingBeat(v3.state, v3.session, { sessionId: "tab-r", seq: 3, visibleSeconds: 5 }, at(95)).refused).toEqual([
      { reason: "duplicate", seconds: 5 },
    ]);

    // One session per account across lesson kinds: starting a video stops the reading tab counting.
    const video = startSession(v3.session, "video", at(95));
    const stale = judgeReadingBeat(v3.state, video, { sessionId: "tab-r", seq: 4, visibleSeconds: 5 }, at(100));
    expect(stale).toEqual({ state: v3.state, session: video, newSeconds: 0, refused: [{ reason: "superseded", seconds: 5 }], superseded: true });
  });

  it("refuses a malformed claim and changes nothing", () => {
    const s = session(60);
    for (const visibleSeconds of [-1, Number.NaN, Infinity]) {
      const v = judgeReadingBeat({ readSeconds: 10 }, s, { sessionId: "tab-1", seq: 1, visibleSeconds }, at(15));
      expect(v.refused).toEqual([{ reason: "invalid", seconds: 0 }]);
      expect(v.state.readSeconds).toBe(10);
      expect(v.session).toBe(s);
    }
  });

  it("completes a text lesson at its minimum reading time", () => {
    expect(isTextComplete(299.9, 300)).toBe(false);
    expect(isTextComplete(300, 300)).toBe(true);
  });
});

describe("formatMediaTime", () => {
  it("shows media time as a player does", () => {
    expect(formatMediaTime(0)).toBe("0:00");
    expect(formatMediaTime(59.9)).toBe("0:59");
    expect(formatMediaTime(200)).toBe("3:20");
    expect(formatMediaTime(600)).toBe("10:00");
    expect(formatMediaTime(3725)).toBe("1:02:05");
    expect(formatMediaTime(-3)).toBe("0:00");
    expect(formatMediaTime(Number.NaN)).toBe("0:00");
  });

  it("words longer refusals in minutes", () => {
    expect(refusalMessage({ reason: "too_fast", seconds: 90, interval: [0, 90] })).toBe(
      "0:00–1:30 有 1 分 30 秒的播放快于正常速度（可能调快了倍速、网络中断过久或页面时间异常），不计入学习进度，请以正常速度重新观看这一段",
    );
  });
});
