// Scoring of a live round, pure so the server and the tests share it. A right answer is worth the
// question's points at once and loses up to half of them as its time runs out, by the server's clock;
// a wrong answer or none scores 0. Points are hundredths, like every mark.

/** What the phones and the big screen say about scoring. */
export const LIVE_SCORING_RULE = "答对得分随用时递减，最少得一半";

/** points × (1 − 0.5 × elapsed/allowed), elapsed clamped to [0, allowed], rounded to a hundredth. */
export function speedPoints(points: number, elapsedMs: number, allowedMs: number): number {
  if (!Number.isSafeInteger(points) || points < 0) throw new RangeError(`points must be a non-negative integer, got ${points}`);
  if (!(allowedMs > 0)) throw new RangeError(`allowedMs must be positive, got ${allowedMs}`);
  const used = Math.min(Math.max(elapsedMs, 0), allowedMs) / allowedMs;
  return Math.round(points * (1 - 0.5 * used));
}

export type RankedScore = { personId: number; score: number };

/**
 * Places by score, highest first; equal scores share a place and the next place skips ("1, 2, 2, 4").
 * Ties are listed by personId so the order is stable.
 */
export function rankScores<T extends RankedScore>(players: readonly T[]): (T & { place: number })[] {
  const sorted = [...players].sort((a, b) => b.score - a.score || a.personId - b.personId);
  let place = 0;
  return sorted.map((p, i) => {
    if (i === 0 || p.score !== sorted[i - 1].score) place = i + 1;
    return { ...p, place };
  });
}

/** Hundredths as the screens show them: "12.5". */
export function formatLivePoints(hundredths: number): string {
  return String(Math.round(hundredths) / 100);
}
