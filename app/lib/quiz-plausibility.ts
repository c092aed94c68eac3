// Plausibility of a finished attempt: was it answered faster than a person can read it?
// Bots for such sites exist, but a false accusation is worse than a missed bot, so this only flags an
// attempt for the trainer with the evidence; the score stands and the learner sees nothing punitive
// (DOMAIN.md: a warning-and-appeal path rather than silent bans).
//
// The rule compares the time from the start to the last answer with the time needed just to read the
// answered questions. It deliberately does not look at the gaps between answers: a learner without
// JavaScript saves every answer at once when submitting, and a learner who reads the whole paper first
// and then clicks through it is honest — both would have tiny gaps. Reading the paper, however, takes
// time whatever the order.

export type PlausibilityItem = {
  /** Characters a person has to read: the stem plus every option. */
  textLength: number;
  /** When the answer was last saved; null when unanswered. */
  answeredAt: Date | null;
};

export type PlausibilityRules = {
  /** Fast silent reading of Chinese is 8–12 characters a second; 15 is already generous to the learner. */
  charsPerSecond: number;
  /** Below this many answers there is too little evidence to say anything. */
  minAnswered: number;
  /** Every answer within this many seconds of the start is implausible whatever the text length. */
  allWithinSeconds: number;
};

export const DEFAULT_PLAUSIBILITY_RULES: PlausibilityRules = { charsPerSecond: 15, minAnswered: 3, allWithinSeconds: 10 };

export type PlausibilityEvidence = {
  rule: "reading_speed" | "all_at_once";
  answered: number;
  /** Seconds from the start of the attempt to its last saved answer. */
  spanSeconds: number;
  /** Seconds needed to read the answered questions at charsPerSecond. */
  readingSeconds: number;
  charsPerSecond: number;
  /** Median seconds between consecutive answers: context for the trainer, not part of the rule. */
  medianGapSeconds: number;
};

export type PlausibilityVerdict = { flagged: false } | { flagged: true; evidence: PlausibilityEvidence };

const round1 = (x: number) => Math.round(x * 10) / 10;

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function checkPlausibility(
  startedAt: Date,
  items: readonly PlausibilityItem[],
  rules: PlausibilityRules = DEFAULT_PLAUSIBILITY_RULES,
): PlausibilityVerdict {
  const answered = items.filter((i): i is PlausibilityItem & { answeredAt: Date } => i.answeredAt !== null);
  if (answered.length < rules.minAnswered) return { flagged: false };

  const times = answered.map((i) => i.answeredAt.getTime()).sort((a, b) => a - b);
  const spanSeconds = Math.max(0, (times[times.length - 1] - startedAt.getTime()) / 1000);
  const readingSeconds = answered.reduce((s, i) => s + Math.max(0, i.textLength), 0) / rules.charsPerSecond;
  const gaps = times.map((t, k) => (t - (k === 0 ? startedAt.getTime() : times[k - 1])) / 1000);

  const rule = spanSeconds < rules.allWithinSeconds ? "all_at_once" : spanSeconds < readingSeconds ? "reading_speed" : null;
  if (!rule) return { flagged: false };
  return {
    flagged: true,
    evidence: {
      rule,
      answered: answered.length,
      spanSeconds: round1(spanSeconds),
      readingSeconds: round1(readingSeconds),
      charsPerSecond: rules.charsPerSecond,
      medianGapSeconds: round1(median(gaps)),
    },
  };
}

/** The characters of a question a person reads before answering. */
export function questionTextLength(stem: string, options: Record<string, string> | null): number {
  const chars = (s: string) => [...s.replace(/\s+/gu, "")].length;
  return chars(stem) + Object.values(options ?? {}).reduce((s, o) => s + chars(o), 0);
}
