import { pageWindow, sortRows, type TableQuery } from "./table-paging";
import { compareNames } from "./name-order";

// The figures of the 学时 dashboards worked out from per-person lines (app/.server/hours/reports.ts
// reads the lines): a rollup per unit (completion; 参学, the share of people with a requirement who
// earned anything; average hours), the people still behind a page at a time, and a person's status
// in words. All figures are in hundredths of a 学时.

export type PersonLine = {
  id: number;
  number: string;
  name: string;
  unitId: number;
  unitName: string;
  unitPath: string;
  politicalStatus: string;
  cadreLevel: string;
  required: number;
  earned: number;
  missing: number;
  /** Every hour of the year, counted toward a requirement or not. */
  total: number;
};

export type UnitRollup = {
  unitId: number;
  name: string;
  /** True for the row of people directly in the chosen unit, not in any child. */
  own: boolean;
  people: number;
  /** People some requirement applies to this year (required > 0). */
  withRequirement: number;
  /** People with a requirement and nothing missing. */
  meeting: number;
  /** meeting / withRequirement in percent with one decimal; null when nobody has a requirement. */
  completionRate: number | null;
  /** People with a requirement who earned any 学时 this year (参学). */
  participating: number;
  /** participating / withRequirement in percent with one decimal; null when nobody has a requirement. */
  participationRate: number | null;
  /** Mean earned (counted toward requirements) over the people with a requirement, hundredths; null when none. */
  averageEarned: number | null;
};

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

export function unitRollup(unitId: number, name: string, own: boolean, lines: readonly PersonLine[]): UnitRollup {
  const withReq = lines.filter((l) => l.required > 0);
  const meeting = withReq.filter((l) => l.missing === 0).length;
  const participating = withReq.filter((l) => l.total > 0).length;
  return {
    unitId,
    name,
    own,
    people: lines.length,
    withRequirement: withReq.length,
    meeting,
    completionRate: percent(meeting, withReq.length),
    participating,
    participationRate: percent(participating, withReq.length),
    averageEarned: withReq.length === 0 ? null : Math.round(withReq.reduce((s, l) => s + l.earned, 0) / withReq.length),
  };
}

/** The people with hours still missing, most missing first, a page at a time. */
/** The orders the list of people behind offers (decision 065); "missing" (most missing first) is the default. */
export const BEHIND_SORTS = ["missing", "name", "number", "unit", "required", "earned"] as const;
export type BehindSort = (typeof BEHIND_SORTS)[number];

type BehindLine = Pick<PersonLine, "number" | "name" | "unitPath" | "required" | "earned" | "missing">;
const behindCompare: Record<BehindSort, (a: BehindLine, b: BehindLine) => number> = {
  missing: (a, b) => a.missing - b.missing,
  name: (a, b) => compareNames(a.name, b.name),
  number: (a, b) => a.number.localeCompare(b.number),
  unit: (a, b) => a.unitPath.localeCompare(b.unitPath),
  required: (a, b) => a.required - b.required,
  earned: (a, b) => a.earned - b.earned,
};

/**
 * Those short of their requirement, optionally narrowed by name or number (`q`), sorted by the key
 * asked for, ties by number, and one page of them. The report is computed whole, so this sorts in memory.
 */
export function peopleBehind<P extends BehindLine>(report: { people: readonly P[] }, query: TableQuery<BehindSort>, q?: string) {
  const behind = report.people
    .filter((p) => p.missing > 0 && (!q || p.name.includes(q) || p.number.startsWith(q)))
    .sort((a, b) => a.number.localeCompare(b.number));
  const sorted = sortRows(behind, behindCompare[query.sort], query.dir);
  const { paging, skip, take } = pageWindow(sorted.length, query);
  return { paging, people: sorted.slice(skip, skip + take) };
}

export function personStatusLabel(p: { required: number; missing: number }): string {
  if (p.required === 0) return "无要求";
  return p.missing === 0 ? "已完成" : "未完成";
}
