import { formatDate } from "../dates";
import { type PipelinePack, type PipelineRule, type PipelineStep, citation, stepOf } from "./pack";

// The timing rules of a pipeline pack, evaluated for one person's file. Pure: the server hands in the
// pack, the steps in force (corrections already applied), the facts and today's date; nothing here
// reads a clock. Dates are calendar days kept as UTC midnight (app/lib/dates.ts).
//
// - "within N months of X": the deadline is the same day N months after X (the last day of a shorter
//   month when that day does not exist); a later record is accepted and shown as late.
// - "not before N months after X": refused before that same day.
// - 公示 of N working days after X: the 公示 runs on the N working days after X (Saturdays, Sundays and
//   the pack's holidays skipped, its 调休 workdays counted); the step may be recorded the day after.
// - ≥ N years old: on the step's date, by the date of birth.
// - every N months from X until Y: due N months after X or after its own last record, until Y is recorded.

/** A step in force: its day, and the months it records when its step has a length (延长预备期). */
export type RecordedStep = { step: string; on: Date; months?: number | null };
export type FileFacts = { birthDate: Date | null };

const DAY_MS = 24 * 3600_000;

export function addMonths(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

export function isWorkingDay(d: Date, pack: Pick<PipelinePack, "holidays" | "workdays">): boolean {
  const day = formatDate(d);
  if (pack.workdays.includes(day)) return true;
  if (pack.holidays.includes(day)) return false;
  const weekday = d.getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The last day of a 公示 of `n` working days that starts the day after `from`. */
export function lastOfWorkingDays(from: Date, n: number, pack: Pick<PipelinePack, "holidays" | "workdays">): Date {
  let d = from;
  for (let counted = 0; counted < n;) {
    d = addDays(d, 1);
    if (isWorkingDay(d, pack)) counted++;
  }
  return d;
}

/** Whole years of age on `on`. */
export function ageOn(birth: Date, on: Date): number {
  const years = on.getUTCFullYear() - birth.getUTCFullYear();
  const before = on.getUTCMonth() < birth.getUTCMonth() || (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate());
  return before ? years - 1 : years;
}

const monthsText = (m: number) => (m % 12 === 0 ? `${m / 12} 年` : `${m} 个月`);

/** The latest record of a step, or null. */
function lastOf(recorded: readonly RecordedStep[], stepKey: string): Date | null {
  let last: Date | null = null;
  for (const r of recorded) if (r.step === stepKey && (!last || r.on > last)) last = r.on;
  return last;
}

/** The first record of a step (the one a later step counts from), or null. */
function firstOf(recorded: readonly RecordedStep[], stepKey: string): Date | null {
  let first: Date | null = null;
  for (const r of recorded) if (r.step === stepKey && (!first || r.on < first)) first = r.on;
  return first;
}

/** The months recorded on a step that extends a period (延长预备期), 0 when it is not recorded. */
function extensionOf(recorded: readonly RecordedStep[], stepKey: string | undefined): number {
  if (!stepKey) return 0;
  let last: RecordedStep | null = null;
  for (const r of recorded) if (r.step === stepKey && (!last || r.on > last.on)) last = r;
  return last?.months ?? 0;
}

/** The first recorded step that closes `step` (按期转正 closes 延长预备期), or null. */
function closerOf(pack: PipelinePack, step: PipelineStep, recorded: readonly RecordedStep[]): { key: string; on: Date } | null {
  for (const k of step.closedBy) {
    const on = firstOf(recorded, k);
    if (on) return { key: k, on };
  }
  return null;
}

/** An approval this step waits for (a 延长预备期 decided but not yet approved), or null. */
function awaitedBy(step: PipelineStep, recorded: readonly RecordedStep[]) {
  for (const r of step.rules) if (r.kind === "awaits" && lastOf(recorded, r.of) && !lastOf(recorded, r.until)) return r;
  return null;
}

function titleOf(pack: PipelinePack, stepKey: string): string {
  return stepOf(pack, stepKey)?.title ?? stepKey;
}

export type RefusalRule =
  "unknown" | "future" | "order" | "once" | "closed" | "awaits" | "length" | "not-before" | "public-notice" | "min-age" | "no-birth-date";
export type StepRefusal = { rule: RefusalRule; message: string };
export type StepCheck = { ok: true; late: string[]; effectiveOn: Date } | { ok: false; refusal: StepRefusal };

type Bound = { date: Date; rule: PipelineRule; message: (date: Date) => string };

/** The earliest day a step may be recorded on by its not-before and 公示 rules (null when none applies yet). */
function earliestBounds(pack: PipelinePack, step: PipelineStep, recorded: readonly RecordedStep[]): Bound[] {
  const bounds: Bound[] = [];
  for (const r of step.rules) {
    if (r.kind === "not-before") {
      const from = firstOf(recorded, r.of);
      if (!from) continue;
      const extra = extensionOf(recorded, r.extendedBy);
      const date = addMonths(from, r.months + extra);
      const extended = extra ? `，另延长 ${extra} 个月（「${titleOf(pack, r.extendedBy!)}」）` : "";
      bounds.push({
        date,
        rule: r,
        message: (d) =>
          `不能早于 ${formatDate(d)}：${citation(pack, r.article, r.source)} ${r.text}（自 ${formatDate(from)}「${titleOf(pack, r.of)}」起须满 ${monthsText(r.months)}${extended}）`,
      });
    } else if (r.kind === "public-notice") {
      const days = pack.publicNotice.workingDays;
      const from = lastOf(recorded, r.of);
      if (days === null || !from) continue;
      const last = lastOfWorkingDays(from, days, pack);
      bounds.push({
        date: addDays(last, 1),
        rule: r,
        message: (d) =>
          `不能早于 ${formatDate(d)}：${pack.publicNotice.source}，${r.text}（公示 ${days} 个工作日，自 ${formatDate(from)}「${titleOf(pack, r.of)}」次日起至 ${formatDate(last)}）`,
      });
    }
  }
  return bounds;
}

type Deadline = { date: Date; message: string };

function deadlines(pack: PipelinePack, step: PipelineStep, recorded: readonly RecordedStep[]): Deadline[] {
  const out: Deadline[] = [];
  for (const r of step.rules) {
    if (r.kind !== "within") continue;
    const from = lastOf(recorded, r.of);
    if (!from) continue;
    const date = addMonths(from, r.months);
    out.push({
      date,
      message: `期限 ${formatDate(date)}：${citation(pack, r.article, r.source)} ${r.text}（自 ${formatDate(from)}「${titleOf(pack, r.of)}」起 ${monthsText(r.months)}内）`,
    });
  }
  return out;
}

/** The date a status set by `step` takes effect: the step's own date, or N months after another step (转正: 预备期满). */
export function effectiveDate(step: PipelineStep, recorded: readonly RecordedStep[], on: Date): Date {
  if (!step.effectiveAfter) return on;
  const from = firstOf(recorded, step.effectiveAfter.of);
  return from ? addMonths(from, step.effectiveAfter.months + extensionOf(recorded, step.effectiveAfter.extendedBy)) : on;
}

/**
 * May `stepKey` be recorded as done on `on`, given the steps in force? A refusal names the rule and its
 * article; a step past its deadline is accepted, with why it is late.
 */
export function checkStep(
  pack: PipelinePack,
  recorded: readonly RecordedStep[],
  stepKey: string,
  on: Date,
  facts: FileFacts,
  today: Date,
  months: number | null = null,
): StepCheck {
  const step = stepOf(pack, stepKey);
  if (!step) return { ok: false, refusal: { rule: "unknown", message: "档案规则包中没有这个步骤" } };
  const cite = citation(pack, step.article, step.source);
  if (on.getTime() > today.getTime()) return { ok: false, refusal: { rule: "future", message: `「${step.title}」的日期不能晚于今天（${formatDate(today)}）` } };

  const done = lastOf(recorded, step.key);
  if (done && !step.repeatable) {
    return { ok: false, refusal: { rule: "once", message: `「${step.title}」已于 ${formatDate(done)} 记录；如记录有误，请更正原记录` } };
  }
  const closer = closerOf(pack, step, recorded);
  if (closer) {
    return {
      ok: false,
      refusal: { rule: "closed", message: `「${titleOf(pack, closer.key)}」已于 ${formatDate(closer.on)} 记录，不能再记录「${step.title}」（${cite}）` },
    };
  }
  if (step.length) {
    const rule = `${citation(pack, step.length.article, step.length.source)} ${step.length.text}`;
    if (months === null) return { ok: false, refusal: { rule: "length", message: `请填写月数：${rule}` } };
    if (months > step.length.maxMonths) return { ok: false, refusal: { rule: "length", message: `不能超过 ${step.length.maxMonths} 个月：${rule}` } };
  } else if (months !== null) {
    return { ok: false, refusal: { rule: "length", message: `「${step.title}」不记录月数` } };
  }

  for (const before of step.after) {
    const prior = stepOf(pack, before);
    const at = firstOf(recorded, before);
    const priorCite = prior ? citation(pack, prior.article, prior.source) : "";
    if (!at)
      return { ok: false, refusal: { rule: "order", message: `须先记录「${titleOf(pack, before)}」（${priorCite}），才能记录「${step.title}」（${cite}）` } };
    if (at.getTime() > on.getTime()) {
      return {
        ok: false,
        refusal: { rule: "order", message: `「${step.title}」的日期不能早于「${titleOf(pack, before)}」（${formatDate(at)}，${priorCite}）` },
      };
    }
  }
  // A step recorded out of time the other way: a later step already recorded before this date.
  for (const later of pack.steps) {
    if (!later.after.includes(step.key)) continue;
    const at = firstOf(recorded, later.key);
    if (at && at.getTime() < on.getTime() && !step.repeatable) {
      return {
        ok: false,
        refusal: {
          rule: "order",
          message: `「${later.title}」已记录于 ${formatDate(at)}，「${step.title}」的日期不能晚于它（${citation(pack, later.article, later.source)}）`,
        },
      };
    }
  }

  const awaited = awaitedBy(step, recorded);
  if (awaited && awaited.kind === "awaits") {
    return {
      ok: false,
      refusal: {
        rule: "awaits",
        message: `须待「${titleOf(pack, awaited.until)}」记录后方可记录「${step.title}」：${citation(pack, awaited.article, awaited.source)} ${awaited.text}`,
      },
    };
  }

  for (const r of step.rules) {
    if (r.kind !== "min-age") continue;
    const rule = `${citation(pack, r.article)} ${r.text}`;
    if (!facts.birthDate) return { ok: false, refusal: { rule: "no-birth-date", message: `请填写出生日期：${rule}` } };
    const age = ageOn(facts.birthDate, on);
    if (age < r.years) {
      const from = new Date(Date.UTC(facts.birthDate.getUTCFullYear() + r.years, facts.birthDate.getUTCMonth(), facts.birthDate.getUTCDate()));
      return { ok: false, refusal: { rule: "min-age", message: `不能早于 ${formatDate(from)}：${rule}（${formatDate(on)} 时未满 ${r.years} 周岁）` } };
    }
  }

  for (const b of earliestBounds(pack, step, recorded)) {
    if (on.getTime() < b.date.getTime()) return { ok: false, refusal: { rule: b.rule.kind as RefusalRule, message: b.message(b.date) } };
  }

  const late = deadlines(pack, step, recorded)
    .filter((d) => on.getTime() > d.date.getTime())
    .map((d) => `逾期：${d.message}`);
  return { ok: true, late, effectiveOn: effectiveDate(step, recorded, on) };
}

/**
 * Whether moving `stepKey` to `on` (a correction of its date) leaves the steps recorded after it in
 * order and in time: each later step that follows it or counts from it (≥ 1 year as activist, the
 * 预备期, the 公示) is checked again against the file with the new date. Null when they all still hold;
 * otherwise why not, naming the later step and its article.
 */
export function dependentsRefusal(
  pack: PipelinePack,
  others: readonly RecordedStep[],
  stepKey: string,
  on: Date,
  months: number | null = null,
): StepRefusal | null {
  const recorded = [...others, { step: stepKey, on, months }];
  for (const later of others) {
    const step = stepOf(pack, later.step);
    if (!step || step.key === stepKey) continue;
    const cite = citation(pack, step.article, step.source);
    if (step.after.includes(stepKey) && on.getTime() > later.on.getTime()) {
      return {
        rule: "order",
        message: `「${step.title}」已记录于 ${formatDate(later.on)}，「${titleOf(pack, stepKey)}」的日期不能晚于它（${cite}）`,
      };
    }
    const counts = (b: Bound) => b.rule.kind !== "min-age" && "of" in b.rule && b.rule.of === stepKey;
    for (const b of earliestBounds(pack, step, recorded).filter(counts)) {
      if (later.on.getTime() < b.date.getTime()) {
        return { rule: b.rule.kind as RefusalRule, message: `更正后「${step.title}」（${formatDate(later.on)}）不再符合时限：${b.message(b.date)}` };
      }
    }
  }
  return null;
}

export type DueState = "overdue" | "due" | "waiting" | "open";
export type DueItem = {
  step: string;
  title: string;
  state: DueState;
  /** The first day it may be recorded on, when a rule sets one. */
  earliest: Date | null;
  /** The day it is due by, when a rule sets one. */
  deadline: Date | null;
  /** Where the dates come from, as a person reads it. */
  rule: string;
};

/**
 * What comes next in a file as of `today`: every step whose prerequisites are recorded and that is not
 * itself recorded (or, for a recurring step, its next occurrence), with its earliest day and deadline.
 */
export function nextSteps(pack: PipelinePack, recorded: readonly RecordedStep[], facts: FileFacts, today: Date): DueItem[] {
  const items: DueItem[] = [];
  for (const step of pack.steps) {
    const cite = citation(pack, step.article, step.source);
    if (!step.after.every((k) => lastOf(recorded, k))) continue;
    const every = step.rules.find((r) => r.kind === "every");
    if (every && every.kind === "every") {
      const from = firstOf(recorded, every.from);
      if (!from || lastOf(recorded, every.until)) continue;
      const last = lastOf(recorded, step.key);
      const base = last && last > from ? last : from;
      const deadline = addMonths(base, every.months);
      items.push({
        step: step.key,
        title: step.title,
        state: deadline.getTime() < today.getTime() ? "overdue" : "due",
        earliest: null,
        deadline,
        rule: `${citation(pack, every.article, every.source)} ${every.text}（上次：${formatDate(base)}，每 ${monthsText(every.months)}一次）`,
      });
      continue;
    }
    if (lastOf(recorded, step.key) || closerOf(pack, step, recorded) || awaitedBy(step, recorded)) continue;
    const bounds = earliestBounds(pack, step, recorded);
    for (const r of step.rules) {
      if (r.kind === "min-age" && facts.birthDate) {
        const date = new Date(Date.UTC(facts.birthDate.getUTCFullYear() + r.years, facts.birthDate.getUTCMonth(), facts.birthDate.getUTCDate()));
        bounds.push({ date, rule: r, message: () => `${citation(pack, r.article)} ${r.text}` });
      }
    }
    const earliest = bounds.reduce<Bound | null>((a, b) => (!a || b.date > a.date ? b : a), null);
    const deadline = deadlines(pack, step, recorded).reduce<Deadline | null>((a, b) => (!a || b.date < a.date ? b : a), null);
    const state: DueState = deadline
      ? deadline.date.getTime() < today.getTime()
        ? "overdue"
        : "due"
      : earliest && earliest.date.getTime() > today.getTime()
        ? "waiting"
        : "open";
    const rules = [earliest ? earliest.message(earliest.date) : null, deadline?.message ?? null].filter(Boolean);
    items.push({
      step: step.key,
      title: step.title,
      state,
      earliest: earliest?.date ?? null,
      deadline: deadline?.date ?? null,
      rule: rules.join("；") || cite,
    });
  }
  return items;
}

/** Why a step cannot be recorded (yet): its order, a step that closed it, an approval it waits for; null when none. */
export function blockedBy(pack: PipelinePack, recorded: readonly RecordedStep[], stepKey: string): string | null {
  const step = stepOf(pack, stepKey);
  if (!step) return null;
  const missing = step.after.filter((k) => !lastOf(recorded, k));
  if (missing.length) return `须先记录：${missing.map((k) => `「${titleOf(pack, k)}」`).join("、")}`;
  if (lastOf(recorded, step.key)) return null;
  const closer = closerOf(pack, step, recorded);
  if (closer) return `已记录「${titleOf(pack, closer.key)}」（${formatDate(closer.on)}），本步骤不再办理`;
  const awaited = awaitedBy(step, recorded);
  if (awaited && awaited.kind === "awaits") return `须待「${titleOf(pack, awaited.until)}」记录后办理`;
  return null;
}
