import { type Interval } from "~/lib/watch-credit";

// The browser's side of /api/study: begin a session, send heartbeats, answer checkpoints. A heartbeat
// that fails (network) is kept and sent again unchanged, same seq and same intervals, before anything
// new: the server recognises the replay, so nothing counts twice and nothing is lost.

export type StudyStatus = {
  watched: Interval[];
  furthest: number;
  coverage: number;
  readSeconds: number;
  completed: boolean;
  credited: number;
};

export type BeatAnswer = { ok: true; status: StudyStatus; newSeconds: number; superseded: boolean; messages: string[] } | { ok: false; error: string };

async function post(fields: Record<string, string | string[]>): Promise<unknown> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of ([] as string[]).concat(v)) body.append(k, x);
  const res = await fetch("/api/study", { method: "POST", body, credentials: "same-origin" });
  if (res.redirected || res.status === 401) return { ok: false, error: "登录已过期，请重新登录后继续学习" };
  return res.json();
}

export class StudyChannel {
  private sessionId: string | null = null;
  private seq = 0;
  private pending: Record<string, string> | null = null;
  private sending: Promise<BeatAnswer | null> | null = null;

  constructor(private readonly lessonId: number) {}

  get active() {
    return this.sessionId !== null;
  }

  /** A new session: this tab (or device) now owns the account's study time. */
  async begin(): Promise<StudyStatus | string> {
    const r = (await post({ intent: "begin", lessonId: String(this.lessonId) }).catch(() => ({ ok: false, error: "网络连接中断，请稍后再试" }))) as
      { ok: true; sessionId: string; status: StudyStatus } | { ok: false; error: string };
    if (!r.ok) return r.error;
    this.sessionId = r.sessionId;
    this.seq = 0;
    this.pending = null;
    return r.status;
  }

  /**
   * Sends the heartbeat that failed last time, unchanged, or else a new one built by `take` (which
   * hands over what was played or read since, and is called only when it is used).
   */
  beat(take: () => { intervals: Interval[] } | { visibleSeconds: number }): Promise<BeatAnswer | null> {
    if (this.sending) return this.sending.then(() => this.beat(take));
    if (!this.sessionId) return Promise.resolve(null);
    if (!this.pending) {
      const payload = take();
      const empty = "intervals" in payload ? payload.intervals.length === 0 : payload.visibleSeconds <= 0;
      if (empty) return Promise.resolve(null);
      this.seq += 1;
      this.pending = {
        lessonId: String(this.lessonId),
        sessionId: this.sessionId,
        seq: String(this.seq),
        ...("intervals" in payload
          ? { intent: "video", intervals: JSON.stringify(payload.intervals) }
          : { intent: "reading", visibleSeconds: payload.visibleSeconds.toFixed(1) }),
      };
    }
    const fields = this.pending;
    this.sending = post(fields)
      .then((r) => {
        this.pending = null;
        return r as BeatAnswer;
      })
      .catch(() => null) // kept in `pending`: sent again, unchanged, next time
      .finally(() => {
        this.sending = null;
      });
    return this.sending;
  }

  /** True while a heartbeat waits to be sent again; new played time must then wait for the next one. */
  get hasPending() {
    return this.pending !== null;
  }

  async answer(checkpointId: string, values: string[]) {
    return (await post({ intent: "checkpoint", lessonId: String(this.lessonId), checkpointId, answer: values })) as
      { ok: true; correct: boolean; answer: string[]; explanation: string | null; status: StudyStatus } | { ok: false; error: string };
  }
}
