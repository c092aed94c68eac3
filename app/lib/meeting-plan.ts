import { CHINA_OFFSET_MS } from "./dates";
import { ledgerMonth, ledgerYear } from "./hours";

// The quarter a secretary plans (decision 056): its bounds in China time and its meetings by month.

export type Quarter = { year: number; index: number };

export function currentQuarter(now: Date): Quarter {
  return { year: ledgerYear(now), index: Math.ceil(ledgerMonth(now) / 3) };
}

export function shiftQuarter(q: Quarter, by: number): Quarter {
  const n = q.year * 4 + (q.index - 1) + by;
  return { year: Math.floor(n / 4), index: (n % 4) + 1 };
}

export const quarterKey = (q: Quarter) => `${q.year}-${q.index}`;

/** The instants the quarter starts and ends (China time). */
export function quarterBounds(q: Quarter): { gte: Date; lt: Date } {
  const next = shiftQuarter(q, 1);
  return {
    gte: new Date(Date.UTC(q.year, (q.index - 1) * 3, 1) - CHINA_OFFSET_MS),
    lt: new Date(Date.UTC(next.year, (next.index - 1) * 3, 1) - CHINA_OFFSET_MS),
  };
}

/** The quarter's three months, each with its meetings in the order given (earliest first). */
export function planByMonth<T extends { startsAt: Date }>(q: Quarter, meetings: readonly T[]): { month: number; items: T[] }[] {
  const first = (q.index - 1) * 3 + 1;
  return [first, first + 1, first + 2].map((month) => ({ month, items: meetings.filter((m) => ledgerMonth(m.startsAt) === month) }));
}
