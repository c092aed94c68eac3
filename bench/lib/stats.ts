// Latency figures of one measured series: nearest-rank percentiles, the worst case, and throughput.

export type Stats = { n: number; errors: number; p50: number; p99: number; max: number; perSec: number };

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(latenciesMs: number[], errors: number, elapsedMs: number): Stats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    n: sorted.length,
    errors,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    perSec: elapsedMs > 0 ? (sorted.length / elapsedMs) * 1000 : NaN,
  };
}
