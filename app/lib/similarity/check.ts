import { type Passage, coveragePermille, matchPassages, originalPassages } from "./compare";
import { type PreparedText } from "./fingerprint";

// One submission against its candidate sources: the passages shared with each, the share of the
// submission each covers, and the overall score (the share covered by the passages of all sources
// together). What is kept is capped, so a report stays small whatever it met.

/** From this share of the submission covered (in thousandths), the report flags a near-copy. */
export const FLAG_PERMILLE = 300;
export const REPORT_CAPS = { sources: 10, passagesPerSource: 40 };

export type SourceRef = { kind: "submission"; id: number } | { kind: "lesson"; id: number };
export type SourceMatch = { source: SourceRef; permille: number; passages: Passage[] };
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

export const isFlagged = (permille: number) => permille >= FLAG_PERMILLE;

/** The common-phrase pack's text: one phrase a line, `#` comments and blank lines skipped. */
export function parseCommonPhrases(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}
