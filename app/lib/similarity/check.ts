import { type Passage, coveragePermille, coveredLength, matchPassages, originalPassages } from "./compare";
import { type PreparedText } from "./fingerprint";

// One submission against its candidate sources: the passages shared with each, the share of the
// submission each covers, and the overall score (the share covered by the passages of all sources
// together). What is kept is capped, so a report stays small whatever it met.

/** From this share of the submission covered (in thousandths), the report flags a near-copy. */
export const FLAG_PERMILLE = 300;
/**
 * From this many characters (reduced) found in one source, the report flags a copied passage, whatever
 * the rest of the essay is (decision 046): a passage of 500 copied characters is 17 % of a 3,000-character
 * essay, under the share above. Honest essays share at most a few dozen characters with any one source.
 */
export const FLAG_SOURCE_CHARS = 150;
export const REPORT_CAPS = { sources: 10, passagesPerSource: 40 };

export type SourceRef = { kind: "submission"; id: number } | { kind: "lesson"; id: number };
/** `chars`: the submission's reduced characters covered by this source's passages. */
export type SourceMatch = { source: SourceRef; permille: number; chars: number; passages: Passage[] };
export type CheckResult = { permille: number; matches: SourceMatch[] };

export function checkAgainst(sub: PreparedText, sources: readonly { ref: SourceRef; text: PreparedText }[]): CheckResult {
  const all: [number, number][] = [];
  const matches: SourceMatch[] = [];
  for (const { ref, text } of sources) {
    const found = matchPassages(sub, text);
    if (!found.length) continue;
    all.push(...found.map((p) => p.sub));
    matches.push({
      source: ref,
      chars: coveredLength(found.map((p) => p.sub)),
      permille: coveragePermille(
        sub,
        found.map((p) => p.sub),
      ),
      passages: originalPassages(sub, text, found),
    });
  }
  matches.sort((a, b) => b.permille - a.permille || a.source.kind.localeCompare(b.source.kind) || a.source.id - b.source.id);
  return {
    permille: coveragePermille(sub, all),
    matches: matches.slice(0, REPORT_CAPS.sources).map((m) => ({ ...m, passages: m.passages.slice(0, REPORT_CAPS.passagesPerSource) })),
  };
}

/** Flagged: 30 % of the submission found elsewhere, or 150 characters of it in one source. */
export const isFlagged = (permille: number, sourceChars = 0) => permille >= FLAG_PERMILLE || sourceChars >= FLAG_SOURCE_CHARS;

/** The most characters of the submission found in one source (0 for none). */
export const longestSource = (matches: readonly { chars?: number }[]) => Math.max(0, ...matches.map((m) => m.chars ?? 0));

/** The common-phrase pack's text: one phrase a line, `#` comments and blank lines skipped. */
export function parseCommonPhrases(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}
