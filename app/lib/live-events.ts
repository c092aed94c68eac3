// What the server sends over a live round's event stream (Server-Sent Events), shared by the server
// that writes it and the pages that read it. Every `state` event is the whole round as a screen shows
// it, so a phone that (re)connects needs nothing else. Times are epoch milliseconds of the server's
// clock, with the server's `now` beside them: a countdown is `deadlineAt − now` of the event, measured
// on from when it arrived, never from the phone's own clock.

export const LIVE_STATES = ["lobby", "question", "reveal", "finished"] as const;
export type LiveState = (typeof LIVE_STATES)[number];

export type LiveQuestionType = "single" | "multiple" | "judge";

/** A question as everyone sees it while it is open: no key. */
export type LiveQuestionView = {
  position: number;
  type: LiveQuestionType;
  stem: string;
  /** Option values are bank letters, or "true"/"false" for a judgement. */
  options: { value: string; label: string }[];
  seconds: number;
  points: number;
};

/** `name` is the player's name only with their consent (decision 033), otherwise anonymousPlayerLabel. */
export type LeaderboardRow = { place: number; name: string; unit: string; score: number };

/** How the screens name a player who did not consent: by the order they joined in. */
export function anonymousPlayerLabel(seat: number): string {
  return `参赛者 #${seat}`;
}

/** After a question is revealed: the key, how the answers fell, and the leaders. */
export type LiveReveal = {
  answer: string[];
  distribution: { value: string; count: number; correct: boolean }[];
  unanswered: number;
  correctCount: number;
};

export type LiveStateEvent = {
  roundId: number;
  title: string;
  state: LiveState;
  position: number;
  total: number;
  questionAt: number | null;
  deadlineAt: number | null;
  now: number;
  question: LiveQuestionView | null;
  reveal: LiveReveal | null;
  /** The top of the ranking, after a reveal and at the end. */
  leaderboard: LeaderboardRow[] | null;
};

/** One player's own standing, sent to that phone only. */
export type LiveMeEvent = {
  score: number;
  place: number | null;
  players: number;
  /** The player's answer to the current question: null when none yet. `correct`/`points` only after the reveal. */
  answer: { position: number; correct: boolean | null; points: number | null } | null;
};

/** The big screen's counters. */
export type LiveStatsEvent = { players: number; answered: number };

/** Reply of the answer endpoint. */
export type LiveAnswerReply = { ok: true; position: number } | { ok: false; error: string; code: string };

export const LEADERBOARD_SIZE = 10;
