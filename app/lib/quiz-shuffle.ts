import { OPTION_LETTERS } from "./quiz-grading";

// Per-attempt randomness: question draws, question order and option order. Everything is a function
// of a seed, so an attempt stores its seed and replays the same paper on every request.
//
// The seed comes from the server (crypto-random, stored on the attempt) and never needs to be secret:
// knowing the order reveals nothing about the key, which stays on the server. This PRNG is not for
// secrets. Derive one seed per use from the attempt's seed, e.g. `${seed}/order` for question order and
// `${seed}/${questionId}` for a question's options, so the uses do not move together.
//
// Changing the PRNG, the hash or the shuffle changes every stored attempt's paper: the tests pin them.

export type Seed = number | string;

/** FNV-1a (32-bit) over the string's UTF-16 code units. */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger): a tiny 32-bit-state generator, good enough to shuffle a paper.
 * Returns floats in [0, 1). A number seed is taken modulo 2^32; a string seed is hashed with hashSeed.
 */
export function createRandom(seed: Seed): () => number {
  let a = typeof seed === "string" ? hashSeed(seed) : seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A new array with the items in a seeded random order (Fisher–Yates). floor(random × n) is biased by
 * at most n / 2^32 per position, which is nothing for papers of a few hundred questions.
 */
export function shuffled<T>(items: readonly T[], seed: Seed): T[] {
  const out = items.slice();
  const random = createRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The bank's letters in presented order: order[0] is shown as A, order[1] as B, and so on. */
export type OptionOrder = readonly string[];

/** The order in which a question's options are shown. Throws on letters outside A–F or repeated letters. */
export function optionOrder(optionLetters: readonly string[], seed: Seed): string[] {
  const known = OPTION_LETTERS as readonly string[];
  if (!optionLetters.every((l) => known.includes(l)) || new Set(optionLetters).size !== optionLetters.length) {
    throw new RangeError(`option letters must be distinct letters A–F, got ${JSON.stringify(optionLetters)}`);
  }
  return shuffled(optionLetters, seed);
}

// Maps one letter or a set of letters; an array comes back de-duplicated and sorted so a response in
// either space has one canonical form. Anything unmappable (unknown letter, wrong type) gives null.
function mapLetters(x: unknown, map: (letter: string) => string | undefined): string | string[] | null {
  if (typeof x === "string") return map(x) ?? null;
  if (!Array.isArray(x)) return null;
  const out = new Set<string>();
  for (const letter of x) {
    const mapped = typeof letter === "string" ? map(letter) : undefined;
    if (mapped === undefined) return null;
    out.add(mapped);
  }
  return [...out].sort();
}

function presentedLetters(order: OptionOrder): readonly string[] {
  return OPTION_LETTERS.slice(0, order.length);
}

/** Bank letter(s) → the letter(s) the learner sees, e.g. to show a closed attempt's key in the learner's order. */
export function toPresented(order: OptionOrder, bank: string): string | null;
export function toPresented(order: OptionOrder, bank: readonly string[]): string[] | null;
export function toPresented(order: OptionOrder, bank: unknown): string | string[] | null;
export function toPresented(order: OptionOrder, bank: unknown): string | string[] | null {
  const shown = presentedLetters(order);
  return mapLetters(bank, (letter) => {
    const i = order.indexOf(letter);
    return i < 0 ? undefined : shown[i];
  });
}

/** The letter(s) the browser sent → bank letter(s) for the grader. Unknown or malformed input gives null. */
export function fromPresented(order: OptionOrder, presented: string): string | null;
export function fromPresented(order: OptionOrder, presented: readonly string[]): string[] | null;
export function fromPresented(order: OptionOrder, presented: unknown): string | string[] | null;
export function fromPresented(order: OptionOrder, presented: unknown): string | string[] | null {
  const shown = presentedLetters(order);
  return mapLetters(presented, (letter) => {
    const i = shown.indexOf(letter);
    return i < 0 ? undefined : order[i];
  });
}

export type PoolQuestion = { id: string; tags: readonly string[]; difficulty: number };

export type DrawRule = {
  count: number;
  /** A question must carry every one of these tags. */
  tags?: readonly string[];
  /** One difficulty, or any of several. */
  difficulty?: number | readonly number[];
};

/** shortfall is how many questions the rule asked for beyond what the pool could give (0 when satisfied). */
export type DrawResult = { ids: string[]; shortfall: number };

/**
 * Draws rule.count question ids without replacement from the questions that match the rule and are
 * not in exclude (fixed questions and earlier draws of the same quiz). The pool is put in id order
 * first, so the draw depends only on the pool's contents and the seed, not on the order a query
 * returned it in. When too few match, every match is returned and the shortfall says how many are
 * missing; whether to start the attempt anyway is the caller's decision.
 */
export function drawQuestions(pool: readonly PoolQuestion[], rule: DrawRule, seed: Seed, exclude: ReadonlySet<string> = new Set()): DrawResult {
  if (!Number.isSafeInteger(rule.count) || rule.count < 0) {
    throw new RangeError(`rule.count must be a non-negative integer, got ${rule.count}`);
  }
  const difficulties = rule.difficulty === undefined ? null : ([] as number[]).concat(rule.difficulty);
  const eligible = new Set<string>();
  for (const q of pool) {
    if (exclude.has(q.id)) continue;
    if (difficulties && !difficulties.includes(q.difficulty)) continue;
    if (rule.tags && !rule.tags.every((t) => q.tags.includes(t))) continue;
    eligible.add(q.id);
  }
  const ids = [...eligible].sort();
  const drawn = shuffled(ids, seed).slice(0, rule.count);
  return { ids: drawn, shortfall: rule.count - drawn.length };
}
