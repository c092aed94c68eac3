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
export function peopleBehind<P extends Pick<PersonLine, "number" | "missing">>(report: { people: readonly P[] }, page: number, perPage = 50) {
  const behind = report.people.filter((p) => p.missing > 0).sort((a, b) => b.missing - a.missing || a.number.localeCompare(b.number));
  const pages = Math.max(1, Math.ceil(behind.length / perPage));
  const current = Math.min(Math.max(1, page), pages);
  return { count: behind.length, page: current, pages, people: behind.slice((current - 1) * perPage, current * perPage) };
}

export function personStatusLabel(p: { required: number; missing: number }): string {
  if (p.required === 0) return "无要求";
  return p.missing === 0 ? "已完成" : "未完成";
}
