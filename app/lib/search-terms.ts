// How text becomes search terms, the one way for every kind the search index holds (decision 050).
// Chinese has no spaces: a run of Han characters is cut into overlapping two-character terms
// (bigrams: 党员教育 → 党员 员教 教育), so a query finds a document whatever word boundaries a
// dictionary would have drawn, and the query and the text are cut by the same rule. A single Han
// character stands alone. Latin letters and digits form words, lowercased. Everything else separates.

/** What the index holds, each written by its own domain (decision 050). */
export const SEARCH_KINDS = ["course", "document", "article", "topic", "post"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
/** The longest query the search box takes, in characters. */
export const SEARCH_QUERY_MAX_CHARS = 100;
/** Hits on one page of the search box's results. */
export const SEARCH_PAGE_SIZE = 20;

/** A query longer than this many terms is cut: each term is one index probe. */
export const MAX_QUERY_TERMS = 12;
/** Terms of one entry kept in the index: a very long document keeps its most frequent ones. */
export const MAX_ENTRY_TERMS = 4000;
/** What a term found in the title adds, against at most BODY_CAP for repeats in the text. */
export const TITLE_WEIGHT = 20;
export const BODY_CAP = 10;

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;

/** The terms of a text in order, repeats kept. */
export function searchTerms(text: string): string[] {
  const out: string[] = [];
  let han = "";
  let word = "";
  const flushHan = () => {
    const chars = [...han];
    if (chars.length === 1) out.push(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    han = "";
  };
  const flushWord = () => {
    if (word) out.push(word.slice(0, 40));
    word = "";
  };
  for (const c of text.normalize("NFKC").toLowerCase()) {
    if (HAN.test(c)) {
      flushWord();
      han += c;
    } else if (WORD.test(c)) {
      flushHan();
      word += c;
    } else {
      flushHan();
      flushWord();
    }
  }
  flushHan();
  flushWord();
  return out;
}

/** The distinct terms of a query, at most MAX_QUERY_TERMS. */
export function queryTerms(query: string): string[] {
  return [...new Set(searchTerms(query))].slice(0, MAX_QUERY_TERMS);
}

/**
 * The weight of each term of an entry: TITLE_WEIGHT when the title has it, plus its count in the text
 * up to BODY_CAP (repeating a word a hundred times does not buy a rank). A result's score is the sum
 * of its weights over the query's terms.
 */
export function termWeights(title: string, body: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const t of searchTerms(body)) weights.set(t, Math.min(BODY_CAP, (weights.get(t) ?? 0) + 1));
  for (const t of new Set(searchTerms(title))) weights.set(t, (weights.get(t) ?? 0) + TITLE_WEIGHT);
  if (weights.size <= MAX_ENTRY_TERMS) return weights;
  return new Map([...weights].sort((a, b) => b[1] - a[1]).slice(0, MAX_ENTRY_TERMS));
}

/** The score of an entry with these weights for a query: null when a query term is missing (all terms must match). */
export function scoreFor(weights: ReadonlyMap<string, number>, terms: readonly string[]): number | null {
  let score = 0;
  for (const t of terms) {
    const w = weights.get(t);
    if (w === undefined) return null;
    score += w;
  }
  return score;
}
