import { formatDate, todayInChina } from "./dates";
import { formatHours } from "./hours";
import { type HoursCategory } from "./hours-categories";
import { type ProrateRule, type Requirement, type RulePack } from "./rule-pack";
import { CADRE_LEVEL_LABELS, type CadreLevel, POLITICAL_STATUS_LABELS, type PoliticalStatus } from "./vocabulary";

// Which requirements of a rule pack apply to a person in a year, how many 学时 each asks for, and how
// the ledger's entries count toward them. Pure: the server hands in the person's facts and entries.
//
// The rules, stated once (docs/decisions/021-rule-packs.md):
// - Years are calendar years in China, like the ledger's.
// - Political status has a dated history (StatusChange); a month of the year counts for a requirement
//   when the person held one of its statuses on at least one day of that month.
// - Cadre level and committee membership have no dated history: their current value applies to the
//   whole year.
// - `prorate: by-months-in-status` asks hours × months / 12; `none` asks the full figure as soon as the
//   requirement applies in some month of the year.
// - An entry counts toward every applicable requirement whose categories include it: the 32 学时 of a
//   member and the 90 of a cadre are met by the same hours, as the regulations intend.

export type StatusChangeFact = { fromStatus: string | null; toStatus: string; effectiveOn: Date };

export type PersonFacts = {
  politicalStatus: string;
  statusSince: Date | null;
  cadreLevel: string;
  isCommitteeMember: boolean;
  statusChanges: readonly StatusChangeFact[];
};

/** The school's figures, in hundredths, by requirement (or gate) id. */
export type Overrides = ReadonlyMap<string, number>;

export type StatusSegment = { status: string; from: Date | null; to: Date | null };

/**
 * The person's statuses over time. With no recorded change, the current status runs from `statusSince`
 * (imported people); before that date it is unknown and counts for nothing.
 */
export function statusTimeline(person: PersonFacts): StatusSegment[] {
  const changes = [...person.statusChanges].sort((a, b) => a.effectiveOn.getTime() - b.effectiveOn.getTime());
  if (changes.length === 0) return [{ status: person.politicalStatus, from: person.statusSince, to: null }];
  const segments: StatusSegment[] = [];
  if (changes[0].fromStatus) segments.push({ status: changes[0].fromStatus, from: null, to: changes[0].effectiveOn });
  changes.forEach((c, i) => segments.push({ status: c.toStatus, from: c.effectiveOn, to: changes[i + 1]?.effectiveOn ?? null }));
  return segments;
}

const monthStarts = new Map<number, number[]>();

/** The first instant of each month of `year` and of the next January (13 values), computed once per year. */
function monthBounds(year: number): number[] {
  let bounds = monthStarts.get(year);
  if (!bounds) monthStarts.set(year, (bounds = Array.from({ length: 13 }, (_, m) => Date.UTC(year, m, 1))));
  return bounds;
}

/** The months (1–12) of `year` in which the person held one of `statuses` on at least one day. */
export function monthsInStatus(timeline: readonly StatusSegment[], statuses: readonly string[], year: number): number[] {
  const bounds = monthBounds(year);
  const held = new Array<boolean>(12).fill(false);
  for (const s of timeline) {
    if (!statuses.includes(s.status)) continue;
    const from = s.from?.getTime() ?? -Infinity;
    const to = s.to?.getTime() ?? Infinity;
    if (to <= from) continue;
    for (let m = 0; m < 12; m++) if (from < bounds[m + 1] && to > bounds[m]) held[m] = true;
  }
  return held.flatMap((h, m) => (h ? [m + 1] : []));
}

/** When the person last became `status` on or before `on`; null when no such date is known. */
export function statusStartedBefore(person: PersonFacts, status: string, on: Date): Date | null {
  const segment = statusTimeline(person)
    .filter((s) => s.status === status && (s.from?.getTime() ?? -Infinity) <= on.getTime())
    .at(-1);
  return segment?.from ?? null;
}

export type AppliedRequirement = {
  id: string;
  label: string;
  source: string;
  article: string;
  note: string;
  counts: readonly HoursCategory[];
  prorate: ProrateRule;
  /** The pack's figure and the figure in force (the school's override, if any), hundredths. */
  packHours: number;
  hours: number;
  overridden: boolean;
  /** Months of the year counted: 12 unless prorated. */
  months: number;
  required: number;
  explanation: string;
};

function monthsText(months: readonly number[]): string {
  const contiguous = months.every((m, i) => i === 0 || m === months[i - 1] + 1);
  if (!contiguous) return `${months.join("、")} 月`;
  const first = months[0];
  const last = months.at(-1)!;
  if (last === 12) return `${first} 月起`;
  if (first === 1) return `1—${last} 月`;
  return `${first}—${last} 月`;
}

function statusesHeld(timeline: readonly StatusSegment[], statuses: readonly string[], months: readonly number[], year: number): string {
  const held = statuses.filter((s) => monthsInStatus(timeline, [s], year).some((m) => months.includes(m)));
  return held.map((s) => POLITICAL_STATUS_LABELS[s as PoliticalStatus] ?? s).join("、");
}

function explain(r: Requirement, hours: number, months: readonly number[], timeline: readonly StatusSegment[], person: PersonFacts, year: number): string {
  const h = formatHours(hours);
  const who: string[] = [];
  if (r.appliesTo.cadreLevels) who.push(`当前为${CADRE_LEVEL_LABELS[person.cadreLevel as CadreLevel] ?? person.cadreLevel}`);
  if (r.appliesTo.committee) who.push("当前为支委成员");
  const whoText = who.length ? `${who.join("、")}（按全年计）；` : "";
  if (r.prorate === "none" || !r.appliesTo.statuses) {
    const during = r.appliesTo.statuses ? `年内曾为${statusesHeld(timeline, r.appliesTo.statuses, months, year)}，` : "";
    return `${whoText}${during}不按月折算，须完成全年 ${h} 学时`;
  }
  if (months.length === 12) return `${whoText}全年为${statusesHeld(timeline, r.appliesTo.statuses, months, year)}，须完成 ${h} 学时`;
  const required = Math.round((hours * months.length) / 12);
  return `${whoText}${monthsText(months)}为${statusesHeld(timeline, r.appliesTo.statuses, months, year)}，按 ${months.length} 个月折算：${h} × ${months.length}/12 = ${formatHours(required)} 学时`;
}

/**
 * The requirements of `pack` that apply to the person in `year`, with the hours each asks for.
 * `explain: false` leaves the sentences out (batches over a whole school need only the figures).
 */
export function requirementsFor(
  pack: RulePack,
  overrides: Overrides,
  person: PersonFacts,
  year: number,
  { explain: withText = true } = {},
): AppliedRequirement[] {
  const timeline = statusTimeline(person);
  const applied: AppliedRequirement[] = [];
  for (const r of pack.requirements) {
    const a = r.appliesTo;
    if (a.cadreLevels && !a.cadreLevels.includes(person.cadreLevel as CadreLevel)) continue;
    if (a.committee && !person.isCommitteeMember) continue;
    const months = a.statuses ? monthsInStatus(timeline, a.statuses, year) : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    if (months.length === 0) continue;
    const override = overrides.get(r.id);
    const hours = override ?? r.hours;
    const counted = r.prorate === "by-months-in-status" && a.statuses ? months.length : 12;
    let explanation = withText ? explain(r, hours, months, timeline, person, year) : "";
    if (withText && override !== undefined) explanation += `（本校调整：规则包原定 ${formatHours(r.hours)} 学时，现为 ${formatHours(override)} 学时）`;
    applied.push({
      id: r.id,
      label: r.label,
      source: r.source,
      article: r.article,
      note: r.note,
      counts: r.counts,
      prorate: r.prorate,
      packHours: r.hours,
      hours,
      overridden: override !== undefined,
      months: counted,
      required: Math.round((hours * counted) / 12),
      explanation,
    });
  }
  const superseded = new Set(pack.requirements.filter((r) => applied.some((a) => a.id === r.id)).flatMap((r) => r.supersedes ?? []));
  return applied.filter((a) => !superseded.has(a.id));
}

export type LedgerFact = { amount: number; category: string };

export type RequirementProgress = AppliedRequirement & { earned: number; missing: number; met: boolean };

/** Hours counted toward each requirement: the year's entries of the categories it names (reversals net out). */
export function progressOf(applied: readonly AppliedRequirement[], entries: readonly LedgerFact[]): RequirementProgress[] {
  return applied.map((r) => {
    const earned = entries.filter((e) => r.counts.includes(e.category as HoursCategory)).reduce((s, e) => s + e.amount, 0);
    const missing = Math.max(0, r.required - earned);
    return { ...r, earned, missing, met: missing === 0 };
  });
}

/** The ids of the applicable requirements an entry of `category` counts toward. */
export function countsToward(applied: readonly AppliedRequirement[], category: string): string[] {
  return applied.filter((r) => r.counts.includes(category as HoursCategory)).map((r) => r.id);
}

export type RequirementSummary = { required: number; earned: number; missing: number };

/**
 * One line per person for dashboards: the sum over requirements of what each asks, of the hours
 * counted toward each (capped at what it asks), and of what each still lacks. So required =
 * earned + missing, and missing is 0 exactly when every requirement is met.
 */
export function summarise(progress: readonly RequirementProgress[]): RequirementSummary {
  const required = progress.reduce((s, p) => s + p.required, 0);
  const missing = progress.reduce((s, p) => s + p.missing, 0);
  return { required, earned: required - missing, missing };
}

// ---------- pipeline gates ----------

export type AdmissionCheck = {
  ok: boolean;
  required: number;
  earned: number;
  /** Hours still lacking; 0 when the requirement is met, by hours or by 结业. */
  missing: number;
  /** Since when hours count (the day the person became a development target), when known. */
  since: Date | null;
  /** What meets the requirement: the ledger's hours, 结业 of a 发展对象 class, or nothing yet. */
  metBy: "hours" | "class" | null;
  /** The 发展对象 class the person graduated from, when they did. */
  graduation: ClassGraduation | null;
  message: string;
};

/** 结业 of a 发展对象 training class (kind target), as published. */
export type ClassGraduation = { title: string; term: number; graduatedAt: Date };

/**
 * 发展对象 → 预备党员: refused until the training the pack requires is done, either as hours in the
 * ledger or by graduating (结业) from a 发展对象 class, which is the 集中培训 the requirement describes.
 */
export function checkAdmission(
  pack: RulePack,
  overrides: Overrides,
  earned: number,
  since: Date | null,
  graduation: ClassGraduation | null = null,
): AdmissionCheck {
  const gate = pack.gates.targetTraining;
  const required = overrides.get(gate.id) ?? gate.hours;
  const short = Math.max(0, required - earned);
  const sinceText = since ? `自 ${formatDate(since)} 成为发展对象以来` : "（没有成为发展对象的日期记录，按全部记录计）";
  const cite = `${gate.source}${gate.article}`;
  const metBy = short === 0 ? "hours" : graduation ? "class" : null;
  const message =
    metBy === "hours"
      ? `${gate.label}已满 ${formatHours(required)} 学时（${cite}）`
      : metBy === "class"
        ? `已于 ${todayInChina(graduation!.graduatedAt)} 从“${graduation!.title}”结业，视为完成${gate.label}（${cite}）；${sinceText}计入的学时为 ${formatHours(earned)}`
        : `${gate.label}须不少于 ${formatHours(required)} 学时（${cite}），${sinceText}计入的学时为 ${formatHours(earned)}，还差 ${formatHours(short)} 学时，暂不能接收为预备党员`;
  return {
    ok: metBy !== null,
    required,
    earned,
    missing: metBy === null ? short : 0,
    since,
    metBy,
    graduation: metBy === "class" ? graduation : null,
    message,
  };
}

/** Whole months from `from` to `to` (a month is complete on the same day of the month). */
export function wholeMonthsBetween(from: Date, to: Date): number {
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  return to.getUTCDate() < from.getUTCDate() ? months - 1 : months;
}

/** 入党积极分子 → 发展对象: a warning (not a refusal) when less than the pack's time as activist has passed. */
export function activistTimeWarning(pack: RulePack, activistSince: Date | null, effectiveOn: Date): string | null {
  const gate = pack.gates.activistTime;
  const cite = `${gate.source}${gate.article}`;
  const needed = gate.months % 12 === 0 ? `${gate.months / 12} 年` : `${gate.months} 个月`;
  if (!activistSince) return `没有成为入党积极分子的日期记录，无法核对培养考察是否满 ${needed}（${cite}），请核实`;
  const months = wholeMonthsBetween(activistSince, effectiveOn);
  if (months >= gate.months) return null;
  return `该同志 ${formatDate(activistSince)} 成为入党积极分子，至 ${formatDate(effectiveOn)} 仅 ${Math.max(0, months)} 个月，不足${cite}要求的 ${needed}培养考察期`;
}
