// Statistics for a quiz report: the score distribution and classical item analysis. Pure: the server
// sums what it needs in SQL (reports.ts) and hands the tallies in, so 10,000 attempts never have to be
// loaded row by row.

/** Grades are stored in tenths of a percent (0–1000). */
const TENTHS = 10;

export type ScoreBucket = { label: string; from: number; to: number; count: number };

/** Ten buckets of ten points, the last one closed (90–100), so a full score is not a bucket of its own. */
export function scoreHistogram(percentTenths: readonly number[]): ScoreBucket[] {
  const buckets: ScoreBucket[] = Array.from({ length: 10 }, (_, i) => ({
    label: i === 9 ? "90–100" : `${i * 10}–${i * 10 + 9}`,
    from: i * 10,
    to: i === 9 ? 100 : i * 10 + 9,
    count: 0,
  }));
  for (const p of percentTenths) {
    const i = Math.min(9, Math.max(0, Math.floor(p / TENTHS / 10)));
    buckets[i].count++;
  }
  return buckets;
}

export type ScoreSummary = { count: number; mean: number | null; median: number | null; passed: number };

/** Mean and median in percent with one decimal; null when nobody has a grade. */
export function scoreSummary(grades: readonly { percent: number; passed: boolean }[]): ScoreSummary {
  if (grades.length === 0) return { count: 0, mean: null, median: null, passed: 0 };
  const sorted = grades.map((g) => g.percent).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianTenths = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = sorted.reduce((s, p) => s + p, 0) / sorted.length;
  return {
    count: grades.length,
    mean: Math.round(mean) / TENTHS,
    median: Math.round(medianTenths) / TENTHS,
    passed: grades.filter((g) => g.passed).length,
  };
}

/**
 * What the server sums for one question over the attempts that drew it. `rest` is the attempt's score
 * without this question, as a fraction of the marks without it, so an item is not correlated with
 * itself (the corrected item–total correlation).
 */
export type ItemTally = {
  /** Attempts that drew the question and have marks besides it. */
  n: number;
  correct: number;
  sumRest: number;
  sumRestSquared: number;
  /** Sum of `rest` over the attempts that answered the question correctly. */
  sumRestCorrect: number;
};

/** Below this many attempts a correlation says more about chance than about the question. */
export const MIN_ATTEMPTS_FOR_DISCRIMINATION = 10;

/**
 * The point-biserial correlation between answering the question correctly and the rest of the score:
 * r = (M₁ − M₀) / s · √(p·q). Near 0 the question does not separate those who know the material from
 * those who do not; below 0 the stronger learners got it wrong more often, which usually means a wrong
 * key or a misleading stem. Null when there are too few attempts or nothing varies.
 */
export function discrimination(t: ItemTally): number | null {
  if (t.n < MIN_ATTEMPTS_FOR_DISCRIMINATION || t.correct === 0 || t.correct === t.n) return null;
  const mean = t.sumRest / t.n;
  const variance = t.sumRestSquared / t.n - mean * mean;
  if (variance <= 1e-12) return null;
  const p = t.correct / t.n;
  const meanCorrect = t.sumRestCorrect / t.correct;
  const meanWrong = (t.sumRest - t.sumRestCorrect) / (t.n - t.correct);
  const r = ((meanCorrect - meanWrong) / Math.sqrt(variance)) * Math.sqrt(p * (1 - p));
  return Math.max(-1, Math.min(1, r));
}

export type DiscriminationRating = "good" | "fair" | "poor" | "negative" | "unknown";

/** Ebel's customary bands for classroom tests. */
export function rateDiscrimination(r: number | null): DiscriminationRating {
  if (r === null) return "unknown";
  if (r < 0) return "negative";
  if (r < 0.2) return "poor";
  if (r < 0.3) return "fair";
  return "good";
}

export const DISCRIMINATION_LABELS: Record<DiscriminationRating, string> = {
  good: "区分度良好",
  fair: "区分度尚可",
  poor: "区分度较低，建议修改",
  negative: "高分者反而答错更多，请核对答案",
  unknown: "样本不足",
};
