import { type NormalizedText, normalizeText } from "./normalize";

// A text's fingerprint: the hashes of its character n-grams (shingles) over the reduced text, which of
// them are common to everyone's writing (inside a phrase of the pack, or frequent in the corpus:
// ignored), and a MinHash signature of the rest, cut into LSH bands. Everything is deterministic (fixed seeds), so a signature stored today is
// comparable with one computed next year by the same version of this module.

/** Shingle length in characters: 5 separated copies from honest essays best in the experiment of decision 045. */
export const SHINGLE = 5;
/** MinHash signature: BANDS × ROWS values of 32 bits. */
export const BANDS = 60;
export const ROWS = 2;
export const SIGNATURE_LENGTH = BANDS * ROWS;

/** murmur3's 32-bit finaliser: a good mix of every input bit, in a few multiplications. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The MinHash family: one fixed 32-bit seed per signature value, drawn once from a constant (splitmix32). */
const SEEDS: Uint32Array = (() => {
  const seeds = new Uint32Array(SIGNATURE_LENGTH);
  let x = 0x2545f491;
  for (let i = 0; i < seeds.length; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    seeds[i] = mix32(x);
  }
  return seeds;
})();

/** FNV-1a of each n-gram of the reduced text (UTF-16 units), finalised; position i is the n-gram starting at i. */
export function shingleHashes(text: string, n = SHINGLE): Uint32Array {
  const count = Math.max(0, text.length - n + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x811c9dc5;
    for (let k = 0; k < n; k++) h = Math.imul(h ^ text.charCodeAt(i + k), 0x01000193);
    out[i] = mix32(h >>> 0);
  }
  return out;
}

export type PreparedText = {
  norm: NormalizedText;
  n: number;
  /** Hash of the shingle starting at each position of the reduced text. */
  hashes: Uint32Array;
  /** 1 where the reduced text's character lies in a common phrase. */
  common: Uint8Array;
  /** 1 where the shingle at that position lies wholly in a common phrase, or is frequent in the corpus: it takes no part in signature or matches. */
  ignored: Uint8Array;
};

/**
 * Common phrases, reduced like any text, longest first: where two overlap in a text, both are marked.
 */
export function prepareCommonPhrases(phrases: readonly string[]): string[] {
  const reduced = phrases.map((p) => normalizeText(p).text).filter((p) => p.length >= 2);
  return [...new Set(reduced)].sort((a, b) => b.length - a.length);
}

/**
 * Shingles found in at least `minShare` of the texts (and at least `minDocs` of them): the stock
 * phrases of a corpus that no pack lists. A copy shared by a few people never reaches the share.
 */
export function frequentShingles(texts: readonly PreparedText[], minShare = FREQUENT_SHARE, minDocs = FREQUENT_MIN_DOCS): Uint32Array {
  const df = new Map<number, number>();
  for (const t of texts) for (const h of countedShingles(t)) df.set(h, (df.get(h) ?? 0) + 1);
  const min = Math.max(minDocs, Math.ceil(minShare * texts.length));
  return Uint32Array.from([...df].filter(([, count]) => count >= min).map(([h]) => h)).sort();
}
/**
 * Whether a new count of the frequent shingles differs enough from the last that fingerprints made with
 * the last must be made again (their signatures would no longer meet the new ones' in the LSH bands):
 * the first non-empty count, or more than a fifth of the shingles in or out.
 */
export function frequentSetChanged(last: Uint32Array | null, next: Uint32Array): boolean {
  if (!last?.length) return next.length > 0;
  const before = new Set(last);
  let inOut = 0;
  for (const h of next) if (!before.has(h)) inOut++;
  inOut += last.length - (next.length - inOut);
  return inOut > 0.2 * Math.max(last.length, next.length);
}

/** A shingle in 2 % of a corpus' texts, and in at least 10 of them, is common to everyone's writing. */
export const FREQUENT_SHARE = 0.02;
export const FREQUENT_MIN_DOCS = 10;

export function prepareText(original: string, commonPhrases: readonly string[] = [], n = SHINGLE, frequent?: ReadonlySet<number>): PreparedText {
  const norm = normalizeText(original);
  const text = norm.text;
  const common = new Uint8Array(text.length);
  for (const phrase of commonPhrases) {
    for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) common.fill(1, at, at + phrase.length);
  }
  const hashes = shingleHashes(text, n);
  const ignored = new Uint8Array(hashes.length);
  // A shingle is ignored when all its characters are common: a run of n marked characters ends at i + n - 1.
  let run = 0;
  for (let c = 0; c < text.length; c++) {
    run = common[c] ? run + 1 : 0;
    if (run >= n) ignored[c - n + 1] = 1;
  }
  if (frequent?.size) for (let i = 0; i < hashes.length; i++) if (frequent.has(hashes[i])) ignored[i] = 1;
  return { norm, n, hashes, common, ignored };
}

/** The distinct hashes of the shingles that count. */
export function countedShingles(p: PreparedText): Uint32Array {
  const set = new Set<number>();
  for (let i = 0; i < p.hashes.length; i++) if (!p.ignored[i]) set.add(p.hashes[i]);
  return Uint32Array.from(set);
}

/** The MinHash signature; null for a text with no shingle that counts (too short, or only common phrases). */
export function minhashSignature(p: PreparedText): Uint32Array | null {
  const shingles = countedShingles(p);
  if (!shingles.length) return null;
  const sig = new Uint32Array(SIGNATURE_LENGTH).fill(0xffffffff);
  for (let s = 0; s < shingles.length; s++) {
    const h = shingles[s];
    for (let i = 0; i < SIGNATURE_LENGTH; i++) {
      const v = mix32((h ^ SEEDS[i]) >>> 0);
      if (v < sig[i]) sig[i] = v;
    }
  }
  return sig;
}

/** The share of equal values: an estimate of the Jaccard similarity of the two shingle sets. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/**
 * One key per LSH band (its index mixed with its ROWS values), as a signed 32-bit integer so it fits an
 * INTEGER column on SQLite and PostgreSQL alike. Two texts share a band key when that band is equal
 * (or, rarely, by collision): they are then compared in full. With 40 bands of 3 rows, a pair with a
 * Jaccard similarity of 0.3 shares a band with probability 0.66, 0.4 with 0.93, 0.1 with 0.04.
 */
export function bandKeys(sig: Uint32Array): number[] {
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = mix32(b + 1);
    for (let r = 0; r < ROWS; r++) h = mix32((h ^ sig[b * ROWS + r]) >>> 0);
    keys.push(h | 0);
  }
  return keys;
}

/** 4 bytes per value, little-endian: SIGNATURE_LENGTH × 4 = 480 bytes per text. */
export function signatureBytes(sig: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(sig.length * 4);
  const view = new DataView(bytes.buffer);
  sig.forEach((v, i) => view.setUint32(i * 4, v, true));
  return bytes;
}

export function signatureFromBytes(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
}

/**
 * Passage keys (decision 046): the counted shingles whose hash is 0 modulo PASSAGE_SAMPLE, a sample
 * chosen by content, so the same shingle is kept in every text that has it. A copied passage keeps its
 * shingles, hence its sampled ones, whatever the rest of the essay is: about one in PASSAGE_SAMPLE of
 * its shingles is a key both texts hold, found through an inverted index of the corpus.
 */
export const PASSAGE_SAMPLE = 4;

/** A text's sampled shingles where they stand: positions in the reduced text, and each shingle's key (its hash as a signed 32-bit integer, for an INTEGER column). */
export function passageSample(p: PreparedText, sample = PASSAGE_SAMPLE): { at: number[]; keys: number[] } {
  const at: number[] = [];
  const keys: number[] = [];
  for (let i = 0; i < p.hashes.length; i++) {
    if (p.ignored[i] || p.hashes[i] % sample !== 0) continue;
    at.push(i);
    keys.push(p.hashes[i] | 0);
  }
  return { at, keys };
}

/** The distinct passage keys of a text, as stored in the index. */
export function passageKeys(p: PreparedText, sample = PASSAGE_SAMPLE): number[] {
  return [...new Set(passageSample(p, sample).keys)];
}
