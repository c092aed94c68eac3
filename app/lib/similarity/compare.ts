import { type PreparedText } from "./fingerprint";
import { originalRange } from "./normalize";

// The exact comparison of a candidate pair: every shingle the submission shares with the source is a
// hit (i in the submission, j in the source); hits that follow each other in both texts, allowing
// for what a paraphrase does between them (a word swapped for a synonym, a few characters inserted,
// a common phrase skipped), are chained into a passage. Reordered sentences make separate passages,
// each found on its own. Tiny or sparse chains are dropped: a stock phrase shared by chance is not
// a passage.

export const MATCH_RULES = {
  /** Largest step between two hits of one passage, in counted shingles, in either text (bridges a swapped word of up to 4 characters, or an insertion, beside the n lost shingles). */
  maxStep: 11,
  /** Largest difference between the two texts' steps (a synonym of another length, inserted characters). */
  maxSkew: 4,
  /** Shortest passage kept, in reduced characters. */
  minChars: 20,
  /** Share of a passage's counted positions (common ones left out) that must be covered by shared shingles. */
  minDensity: 0.5,
  /** A shingle found more often than this in the source is too common to place a passage by. */
  maxOccurrences: 4,
  /** Bounds the work on a pathological pair (a text repeating one phrase). */
  maxHits: 100_000,
};

/** A matched passage: [from, to) in each text's reduced form. */
export type ReducedPassage = { sub: [number, number]; src: [number, number] };

type Chain = { i0: number; i1: number; j0: number; j1: number; e0: number; e1: number; f1: number; matched: number };

/** Position of each shingle among the counted ones (ignored shingles take no room), so a skipped common phrase is no step. */
function countedPositions(p: PreparedText): Int32Array {
  const pos = new Int32Array(p.hashes.length);
  let k = 0;
  for (let i = 0; i < p.hashes.length; i++) {
    pos[i] = k;
    if (!p.ignored[i]) k++;
  }
  return pos;
}

export function matchPassages(sub: PreparedText, src: PreparedText, rules = MATCH_RULES): ReducedPassage[] {
  const n = sub.n;
  const where = new Map<number, number[]>();
  for (let j = 0; j < src.hashes.length; j++) {
    if (src.ignored[j]) continue;
    const list = where.get(src.hashes[j]);
    if (list) list.push(j);
    else where.set(src.hashes[j], [j]);
  }
  const ei = countedPositions(sub);
  const ej = countedPositions(src);
  const active: Chain[] = [];
  const done: Chain[] = [];
  let hits = 0;
  for (let i = 0; i < sub.hashes.length && hits < rules.maxHits; i++) {
    if (sub.ignored[i]) continue;
    const js = where.get(sub.hashes[i]);
    if (!js || js.length > rules.maxOccurrences) continue;
    // Chains that can no longer grow are final.
    for (let c = active.length - 1; c >= 0; c--) if (ei[i] - active[c].e1 > rules.maxStep) done.push(...active.splice(c, 1));
    for (const j of js) {
      hits++;
      let best: Chain | null = null;
      let bestSkew = Infinity;
      for (const c of active) {
        const di = ei[i] - c.e1;
        const dj = ej[j] - c.f1;
        if (di < 1 || dj < 1 || dj > rules.maxStep) continue;
        const skew = Math.abs(di - dj);
        if (skew <= rules.maxSkew && skew < bestSkew) {
          best = c;
          bestSkew = skew;
        }
      }
      if (best) {
        best.matched += Math.min(n, ei[i] - best.e1);
        best.i1 = i;
        best.j1 = j;
        best.e1 = ei[i];
        best.f1 = ej[j];
      } else active.push({ i0: i, i1: i, j0: j, j1: j, e0: ei[i], e1: ei[i], f1: ej[j], matched: n });
    }
  }
  done.push(...active);
  const a = sub.norm.text;
  const b = src.norm.text;
  const kept = done
    .map((c) => {
      // A passage reaches as far as the two texts stay identical: over a common phrase at its edge, which has no shingles of its own.
      let [i0, i1, j0, j1] = [c.i0, c.i1 + n, c.j0, c.j1 + n];
      while (i0 > 0 && j0 > 0 && a[i0 - 1] === b[j0 - 1]) {
        i0--;
        j0--;
      }
      while (i1 < a.length && j1 < b.length && a[i1] === b[j1]) {
        i1++;
        j1++;
      }
      const grown = c.i0 - i0 + (i1 - c.i1 - n);
      // Density over the counted positions: common stretches inside the passage are neither matched nor missed.
      return { sub: [i0, i1] as [number, number], src: [j0, j1] as [number, number], matched: c.matched + grown, span: c.e1 - c.e0 + n + grown };
    })
    .filter((p) => p.sub[1] - p.sub[0] >= rules.minChars && p.matched >= rules.minDensity * p.span)
    .sort((a, b) => b.sub[1] - b.sub[0] - (a.sub[1] - a.sub[0]) || a.sub[0] - b.sub[0]);
  // A passage mostly inside a longer one already kept (the same sentence met twice in the source) adds nothing.
  const out: ReducedPassage[] = [];
  for (const p of kept) {
    const length = p.sub[1] - p.sub[0];
    const overlap = out.reduce((s, q) => s + Math.max(0, Math.min(p.sub[1], q.sub[1]) - Math.max(p.sub[0], q.sub[0])), 0);
    if (overlap < length / 2) out.push({ sub: p.sub, src: p.src });
  }
  return out.sort((a, b) => a.sub[0] - b.sub[0]);
}

/** Reduced characters covered by the union of the ranges. */
export function coveredLength(ranges: readonly [number, number][]): number {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -1;
  for (const [from, to] of sorted) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

/** The share of the submission covered, in thousandths (0 for an empty text). */
export function coveragePermille(sub: PreparedText, ranges: readonly [number, number][]): number {
  return sub.norm.text.length ? Math.round((1000 * coveredLength(ranges)) / sub.norm.text.length) : 0;
}

/** A passage as ranges of the two ORIGINAL texts. */
export type Passage = { sub: [number, number]; src: [number, number] };

export function originalPassages(sub: PreparedText, src: PreparedText, passages: readonly ReducedPassage[]): Passage[] {
  return passages.map((p) => ({ sub: originalRange(sub.norm, p.sub[0], p.sub[1]), src: originalRange(src.norm, p.src[0], p.src[1]) }));
}
