// Matching a post against the school's sensitive-word list. A match holds the post for a moderator
// (decision 049); the text itself is never changed, so matching may be generous: letters are compared
// after Unicode compatibility folding (full-width "ＡＢ" is "ab") and lower-casing, with spaces,
// punctuation and zero-width characters between them ignored, so "敏 感", "敏*感" and "敏\u200b感"
// all match "敏感".

const IGNORED = /[\s\p{P}\p{S}\u200b-\u200f\u2060\ufeff]/gu;

/** The form of a text or word that matching compares. */
export function foldForMatching(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(IGNORED, "");
}

/** A word as the list stores it: trimmed, 1–30 characters, something left after folding. */
export function normaliseListedWord(raw: string): { ok: true; word: string } | { ok: false; message: string } {
  const word = raw.normalize("NFKC").trim();
  if (word === "") return { ok: false, message: "请填写敏感词" };
  if (word.length > 30) return { ok: false, message: "敏感词最多 30 个字" };
  if (foldForMatching(word) === "") return { ok: false, message: "敏感词不能只由空格或标点组成" };
  return { ok: true, word };
}

/** A matcher for one list: each word folded once, the list's order kept; `(text) => the listed words it contains`. */
export function wordMatcher(words: readonly string[]): (text: string) => string[] {
  const folded = words.map((w) => [w, foldForMatching(w)] as const).filter(([, f]) => f !== "");
  return (text) => {
    const t = foldForMatching(text);
    return folded.filter(([, f]) => t.includes(f)).map(([w]) => w);
  };
}

/** The listed words the text contains, in the list's order. */
export function matchSensitiveWords(text: string, words: readonly string[]): string[] {
  return wordMatcher(words)(text);
}
