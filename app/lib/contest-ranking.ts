// Contest rankings. Pure: the server loads finished entries and unit counts, these order them.
//
// Individuals: score (higher first), then time taken (less first). Entries equal on both share a
// place and the next place skips ("competition ranking": 1, 2, 2, 4), so a place always says how many
// people did better. An entry without a recorded time ranks after those with one at the same score.
//
// Organisations: participation rate (participants ÷ eligible), then the participants' average score.
// The organisation award goes by participation rate against a threshold the trainer sets.

export type RankableEntry = { score: number; durationMs: number | null };

/** Negative when a ranks ahead of b, 0 when they tie. */
export function compareEntries(a: RankableEntry, b: RankableEntry): number {
  if (a.score !== b.score) return b.score - a.score;
  return (a.durationMs ?? Infinity) - (b.durationMs ?? Infinity) || 0;
}

/**
 * Sorted best first, each with its place. Given only the best n entries of a contest (in this order),
 * the places are still right: a place depends on the entries ahead of it only.
 */
export function rankEntries<T extends RankableEntry>(entries: readonly T[]): (T & { place: number })[] {
  const sorted = entries.slice().sort(compareEntries);
  const out: (T & { place: number })[] = [];
  sorted.forEach((e, i) => {
    const place = i > 0 && compareEntries(sorted[i - 1], e) === 0 ? out[i - 1].place : i + 1;
    out.push({ ...e, place });
  });
  return out;
}

export type UnitTally = {
  unitId: number;
  name: string;
  /** Active people of the unit's subtree in the contest's audience. */
  eligible: number;
  /** Those of them with a finished entry. */
  participants: number;
  /** Sum of the participants' scores, hundredths of a point. */
  scoreSum: number;
};

export type UnitStanding = UnitTally & {
  place: number;
  /** Percent, one decimal; null with nobody eligible. */
  rate: number | null;
  /** Points, two decimals; null with no participant. */
  averageScore: number | null;
  awarded: boolean;
};

/** The organisation table, best first: rate, then average score; units equal on both share a place. */
export function rankUnits(units: readonly UnitTally[], awardThresholdPercent: number): UnitStanding[] {
  // Compared as exact fractions so 2/3 and 4/6 tie, and a threshold of 80 % is met by 4 of 5 exactly.
  const byRate = (a: UnitTally, b: UnitTally) => b.participants * a.eligible - a.participants * b.eligible;
  const byAverage = (a: UnitTally, b: UnitTally) => {
    if (a.participants === 0 || b.participants === 0) return (b.participants === 0 ? 0 : 1) - (a.participants === 0 ? 0 : 1);
    return b.scoreSum * a.participants - a.scoreSum * b.participants;
  };
  const withPeople = units.filter((u) => u.eligible > 0);
  const compare = (a: UnitTally, b: UnitTally) => byRate(a, b) || byAverage(a, b);
  const sorted = withPeople.slice().sort((a, b) => compare(a, b) || a.unitId - b.unitId);
  const out: UnitStanding[] = [];
  sorted.forEach((u, i) => {
    const place = i > 0 && compare(sorted[i - 1], u) === 0 ? out[i - 1].place : i + 1;
    out.push({
      ...u,
      place,
      rate: Math.round((u.participants / u.eligible) * 1000) / 10,
      averageScore: u.participants === 0 ? null : Math.round(u.scoreSum / u.participants) / 100,
      awarded: u.participants * 100 >= awardThresholdPercent * u.eligible && u.participants > 0,
    });
  });
  return out;
}

/** 185000 → "3分05秒"; under a minute "42秒"; null → "—". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const seconds = Math.round(ms / 1000);
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m === 0 ? `${s}秒` : `${m}分${String(s).padStart(2, "0")}秒`;
}
