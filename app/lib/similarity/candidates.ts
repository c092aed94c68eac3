import { type PreparedText, PASSAGE_SAMPLE, passageSample } from "./fingerprint";

// Which stored texts a submission is compared with in full, from the passage keys it shares with each
// (decision 046). A copied passage puts its shared keys close together in the submission; an honest
// essay shares a key now and then, scattered. So a text is a candidate when enough of its shared keys
// fall in one stretch of the submission, whatever the rest of the essay is: one copied passage is
// enough, and a full copy has such a stretch everywhere.

export const PASSAGE_RULES = {
  /** The stretch of the submission (reduced characters) the shared keys are counted in. */
  window: 300,
  /** Shared keys in one stretch that make a text a candidate. */
  minShared: 4,
  /** A key found at more places than this in the submission is a repeated phrase of its own, and places nothing. */
  maxPlaces: 4,
};

export type PassageHit = { textId: number; key: number };
export type PassageCandidate = { textId: number; shared: number };

/**
 * The texts with at least `minShared` shared keys in one `window` of the submission, the densest first.
 * `hits` are the index's rows for the submission's keys (a text once per key it holds).
 */
export function passageCandidates(sub: PreparedText, hits: readonly PassageHit[], rules = PASSAGE_RULES, sample = PASSAGE_SAMPLE): PassageCandidate[] {
  const { at, keys } = passageSample(sub, sample);
  const places = new Map<number, number[]>();
  keys.forEach((k, i) => {
    const list = places.get(k);
    if (list) list.push(at[i]);
    else places.set(k, [at[i]]);
  });
  const byText = new Map<number, number[]>();
  for (const { textId, key } of hits) {
    const where = places.get(key);
    if (!where || where.length > rules.maxPlaces) continue;
    const list = byText.get(textId);
    if (list) list.push(...where);
    else byText.set(textId, [...where]);
  }
  const out: PassageCandidate[] = [];
  for (const [textId, positions] of byText) {
    if (positions.length < rules.minShared) continue;
    positions.sort((a, b) => a - b);
    let best = 0;
    for (let lo = 0, hi = 0; hi < positions.length; hi++) {
      while (positions[hi] - positions[lo] >= rules.window) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    if (best >= rules.minShared) out.push({ textId, shared: best });
  }
  return out.sort((a, b) => b.shared - a.shared || a.textId - b.textId);
}
