// Chinese text reduced to what a copy keeps: letters and digits only (NFKC, so full-width Latin,
// digits and compatibility forms read as their plain forms; punctuation, symbols and whitespace dropped;
// Latin lower-cased), with a map from every kept character back to the original text, so a passage
// found in the reduced text is shown where it stands in what the person wrote.

export type NormalizedText = {
  /** The reduced text. */
  text: string;
  /** For each UTF-16 unit of `text`: where its source character starts in the original. */
  start: Int32Array;
  /** For each UTF-16 unit of `text`: where its source character ends in the original. */
  end: Int32Array;
};

const KEEP = /[\p{L}\p{N}]/u;

export function normalizeText(original: string): NormalizedText {
  const units: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let offset = 0;
  for (const ch of original) {
    const next = offset + ch.length;
    // Per character, so each kept unit maps to exactly one original character.
    for (const out of ch.normalize("NFKC").toLowerCase()) {
      if (!KEEP.test(out)) continue;
      for (let k = 0; k < out.length; k++) {
        units.push(out[k]);
        start.push(offset);
        end.push(next);
      }
    }
    offset = next;
  }
  return { text: units.join(""), start: Int32Array.from(start), end: Int32Array.from(end) };
}

/** A range [from, to) of the reduced text as the range of the original it came from. */
export function originalRange(n: NormalizedText, from: number, to: number): [number, number] {
  if (to <= from) return [n.start[from] ?? 0, n.start[from] ?? 0];
  return [n.start[from], n.end[to - 1]];
}
