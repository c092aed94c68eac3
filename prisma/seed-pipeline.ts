import type Database from "better-sqlite3";
import { all, run, sql } from "../app/.server/sql";
import { pipelinePack } from "../app/.server/pipeline/packs";
import { todayInChina } from "../app/lib/dates";
import { type RecordedStep, addDays, addMonths, checkStep } from "../app/lib/pipeline/engine";
import { type RecorderLevel, stepOf } from "../app/lib/pipeline/pack";
import { rng } from "./seed";

// The demo's development files (发展党员档案, docs/decisions/041): for every applicant, activist, target
// and probationary member, the steps of the cpc-2014 pack done so far, dated from their status history
// (the status-setting steps carry the dates and ids of their StatusChange rows), each checked by the
// pack's engine before it is written, so a file that breaks a rule of the 细则 cannot be seeded. Two
// 培养联系人 for activists, two 入党介绍人 for targets and later, full members of the same branch.
// Steps before the platform went live are back-filled with a note, as a 组织部 would enter them from
// the paper files. The next steps are left undone: most files are on time, some steps fall due this
// month, some are overdue (a talk not held, a half-yearly 考察 missed), so /manage/pipeline shows a
// realistic spread on first start. Deterministic for a given `now`.

export const BACKFILL_NOTE = "系统上线前的档案补录";
/** The platform went live ten days before the seed's `now` (the demo's notice "网上党校平台正式上线"). */
const LIVE_DAYS = 10;

type Status = "applicant" | "activist" | "target" | "probationary" | "member";
const ORDER: Status[] = ["applicant", "activist", "target", "probationary", "member"];

/**
 * The dates a person reached each status up to `status`, the last one on `since` (moved to the end of
 * the 预备期 for a full member whose 预备期 would otherwise end on a day that does not exist), spaced as
 * the pack allows: the talk within a month of the application, a year and more as activist (第十三条),
 * time for the review, the 公示 and the 支部大会 as target, exactly one year of 预备期 (第三十二条,
 * 第三十四条). Draws the same number of values from `draw` for every status.
 */
export function historyDates(status: string, since: Date, draw: () => number): { status: Status; on: Date }[] {
  const reached = ORDER.indexOf(status as Status);
  if (reached < 0) return [];
  const [asApplicant, asActivist, asTarget] = [draw(), draw(), draw()];
  const at: Date[] = [];
  let cur = since;
  if (reached >= 4) {
    const admitted = addMonths(cur, -12);
    at[4] = addMonths(admitted, 12);
    cur = admitted;
  }
  if (reached >= 3) {
    at[3] = cur;
    cur = addDays(cur, -(90 + Math.floor(asTarget * 150)));
  }
  if (reached >= 2) {
    at[2] = cur;
    cur = addMonths(addDays(cur, -Math.floor(asActivist * 180)), -12);
  }
  if (reached >= 1) {
    at[1] = cur;
    cur = addDays(cur, -(40 + Math.floor(asApplicant * 200)));
  }
  at[0] ??= cur;
  return ORDER.slice(0, reached + 1).map((s, i) => ({ status: s, on: at[i] }));
}

type PersonRow = { id: number; unitId: number; status: string; category: string };
type ChangeRow = { id: number; personId: number; toStatus: string; effectiveOn: string | number };
type UnitRow = { id: number; kind: string; parentId: number | null };
type Planned = { step: string; on: Date; statusChangeId?: number; birthDate?: Date; months?: number };

export type DemoFiles = { files: number; records: number; contacts: number };

export function seedDemoPipeline(db: Database.Database, now: Date): DemoFiles {
  const pack = pipelinePack();
  const today = new Date(`${todayInChina(now)}T00:00:00Z`);
  const live = addDays(today, -LIVE_DAYS);
  const rand = rng(20_261_203);
  const between = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));

  const people = all<PersonRow>(
    db,
    sql`SELECT "id", "unitId", "politicalStatus" AS "status", "category" FROM "Person"
        WHERE "disabledAt" IS NULL AND "politicalStatus" IN ('applicant', 'activist', 'target', 'probationary') ORDER BY "id"`,
  );
  if (people.length === 0) return { files: 0, records: 0, contacts: 0 };
  const changes = new Map<number, Map<string, { id: number; on: Date }>>();
  for (const c of all<ChangeRow>(
    db,
    sql`SELECT s."id", s."personId", s."toStatus", s."effectiveOn" FROM "StatusChange" s JOIN "Person" p ON p."id" = s."personId"
        WHERE p."politicalStatus" IN ('applicant', 'activist', 'target', 'probationary') ORDER BY s."personId", s."effectiveOn", s."id"`,
  )) {
    const m = changes.get(c.personId) ?? new Map<string, { id: number; on: Date }>();
    m.set(c.toStatus, { id: c.id, on: new Date(c.effectiveOn) });
    changes.set(c.personId, m);
  }
  const units = new Map(all<UnitRow>(db, sql`SELECT "id", "kind", "parentId" FROM "OrgUnit"`).map((u) => [u.id, u]));
  const members = new Map<number, number[]>();
  for (const m of all<{ id: number; unitId: number }>(
    db,
    sql`SELECT "id", "unitId" FROM "Person" WHERE "politicalStatus" = 'member' AND "disabledAt" IS NULL ORDER BY "id"`,
  )) {
    const list = members.get(m.unitId) ?? [];
    list.push(m.id);
    members.set(m.unitId, list);
  }
  // Who records: the branch's secretary (a secretary grant, else its 支部书记), the college's, the 组织部 (admin).
  const admin = all<{ id: number }>(db, sql`SELECT "personId" AS "id" FROM "RoleGrant" WHERE "role" = 'admin' ORDER BY "id"`)[0]?.id;
  if (admin === undefined) return { files: 0, records: 0, contacts: 0 };
  const secretaryOf = new Map<number, number>();
  for (const p of all<{ id: number; unitId: number }>(db, sql`SELECT "id", "unitId" FROM "Person" WHERE "committeeRole" = '支部书记' ORDER BY "id"`)) {
    if (!secretaryOf.has(p.unitId)) secretaryOf.set(p.unitId, p.id);
  }
  for (const g of all<{ personId: number; unitId: number }>(db, sql`SELECT "personId", "unitId" FROM "RoleGrant" WHERE "role" = 'secretary' ORDER BY "id"`)) {
    secretaryOf.set(g.unitId, g.personId);
  }
  const recorderOf = (unitId: number, level: RecorderLevel) => {
    if (level === "committee") return admin;
    if (level === "branch") return secretaryOf.get(unitId) ?? admin;
    const parent = units.get(unitId)?.parentId;
    return parent !== null && parent !== undefined && units.get(parent)?.kind === "college" ? (secretaryOf.get(parent) ?? admin) : admin;
  };

  const insertRecord = (personId: number, p: Planned, late: string[], recordedById: number, repeatable: boolean) => {
    const backfilled = p.on < live;
    run(
      db,
      sql`INSERT INTO "PipelineRecord" ("personId", "pack", "packVersion", "step", "happenedOn", "note", "backfilled", "late", "birthDate", "recordedById",
            "recordedAt", "activeKey", "correctsId", "correctionReason", "supersededAt", "statusChangeId", "months")
          VALUES (${personId}, ${pack.id}, ${pack.version}, ${p.step}, ${p.on}, ${backfilled ? BACKFILL_NOTE : null}, ${backfilled}, ${late.length ? late.join("\n") : null},
            ${p.birthDate ?? null}, ${recordedById}, ${backfilled ? new Date(live.getTime() + 2 * 3_600_000) : new Date(p.on.getTime() + 10 * 3_600_000)},
            ${repeatable ? null : `${personId}:${p.step}`}, NULL, NULL, NULL, ${p.statusChangeId ?? null}, ${p.months ?? null})`,
    );
  };
  const insertContact = (personId: number, role: string, memberId: number, since: Date, endedOn: Date | null, recordedById: number) =>
    run(
      db,
      sql`INSERT INTO "PipelineContact" ("personId", "role", "memberId", "since", "endedOn", "recordedById", "recordedAt")
          VALUES (${personId}, ${role}, ${memberId}, ${since}, ${endedOn}, ${recordedById}, ${since < live ? live : since})`,
    );

  const counts: DemoFiles = { files: 0, records: 0, contacts: 0 };
  for (const person of people) {
    const history = changes.get(person.id);
    const applied = history?.get("applicant");
    if (!history || !applied) continue;
    const order = new Map(pack.steps.map((s, i) => [s.key, i]));
    const plan = planFile(person, history, today, between, rand).sort((a, b) => a.on.getTime() - b.on.getTime() || order.get(a.step)! - order.get(b.step)!);
    // The engine checks every step against the ones before it, as recordStep does: a refusal stops the seed.
    const recorded: RecordedStep[] = [];
    const birthDate = plan.find((p) => p.step === "apply")?.birthDate ?? null;
    const checked: { p: Planned; late: string[] }[] = [];
    for (const p of plan) {
      const check = checkStep(pack, recorded, p.step, p.on, { birthDate }, today, p.months ?? null);
      // A late step is accepted by the engine, but a demo file is on time: its overdue steps are the ones left undone.
      const why = !check.ok ? check.refusal.message : check.late.join("；");
      if (why) throw new Error(`演示档案不符合${pack.source}（人员 ${person.id}，${p.step}，${p.on.toISOString().slice(0, 10)}）：${why}`);
      recorded.push({ step: p.step, on: p.on, months: p.months ?? null });
      checked.push({ p, late: check.ok ? check.late : [] });
    }
    for (const { p, late } of checked) {
      const step = stepOf(pack, p.step)!;
      insertRecord(person.id, p, late, recorderOf(person.unitId, step.recorder), Boolean(step.repeatable));
    }
    counts.files++;
    counts.records += checked.length;

    // 培养联系人 from the day they were named; for a target, the same two become the 入党介绍人.
    const pool = (members.get(person.unitId) ?? []).filter((id) => id !== person.id);
    const named = plan.find((p) => p.step === "contacts");
    if (!named || pool.length < 2) continue;
    const first = pool[Math.floor(rand() * pool.length)];
    const rest = pool.filter((id) => id !== first);
    const pair = [first, rest[Math.floor(rand() * rest.length)]];
    const sponsors = plan.find((p) => p.step === "sponsors");
    const branchSecretary = recorderOf(person.unitId, "branch");
    for (const m of pair) {
      insertContact(person.id, "contact", m, named.on, sponsors?.on ?? null, branchSecretary);
      if (sponsors) insertContact(person.id, "sponsor", m, sponsors.on, null, branchSecretary);
      counts.contacts += sponsors ? 2 : 1;
    }
  }
  return counts;
}

/**
 * The days whose half-year falls due between today and the end of the month (none on a day like 31
 * December, which is no day's six months: the engine's months keep the day or end on the month's last).
 */
function dueDays(today: Date, monthEnd: Date): Date[] {
  const days: Date[] = [];
  for (let d = addDays(addMonths(today, -6), -3); d <= addDays(addMonths(monthEnd, -6), 3); d = addDays(d, 1)) {
    const due = addMonths(d, 6);
    if (due >= today && due <= monthEnd) days.push(d);
  }
  return days;
}

/**
 * The steps of one person's file, in date order, up to today: the status-setting ones on the dates of
 * their status changes, the others a few days or weeks after what they follow. Which next steps stay
 * undone is drawn: a talk not held within the month, a 考察 missed, a half-year falling due this month.
 */
function planFile(
  person: PersonRow,
  history: Map<string, { id: number; on: Date }>,
  today: Date,
  between: (a: number, b: number) => number,
  rand: () => number,
): Planned[] {
  const plan: Planned[] = [];
  const add = (step: string, on: Date, extra: Partial<Planned> = {}) => {
    if (on.getTime() <= today.getTime()) plan.push({ step, on, ...extra });
  };
  const at = (s: Status) => history.get(s);
  const applied = at("applicant")!;
  const rank = ORDER.indexOf(person.status as Status);
  // ≥ 18 on the day of application (第五条): a student applies at 18 to 21, staff later.
  const age = person.category === "student" ? between(18 * 365 + 5, 21 * 365) : between(23 * 365, 40 * 365);
  add("apply", applied.on, { statusChangeId: applied.id, birthDate: addDays(applied.on, -age) });

  // 第七条: the talk within a month; about one applicant in ten is still waiting for it, past the month.
  const talk = addDays(applied.on, between(3, 25));
  if (rank > 0 || rand() >= 0.1) add("apply-talk", talk);
  if (rank < 1) return plan;

  const recommended = at("activist")!;
  add("recommend", recommended.on, { statusChangeId: recommended.id });
  add("contacts", addDays(recommended.on, between(0, 7)));
  add("activist-filing", addDays(recommended.on, between(5, 20)));
  const targeted = at("target");
  if (targeted) {
    // Every half-year until the target decision (第十一条), the decision a year and more later (第十三条).
    // 180 days apart: never past the half-year, whatever the length of the months.
    for (let k = 1; addDays(recommended.on, 180 * k) <= targeted.on; k++) add("activist-assessment", addDays(recommended.on, 180 * k));
  } else {
    // An activist today: most 考察 on time, about one in ten due this month, one in ten overdue.
    const roll = rand();
    const monthEnd = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0));
    const fine = addDays(addMonths(monthEnd, -6), between(1, 150));
    const dueThisMonth = dueDays(today, monthEnd);
    const lastOn =
      roll < 0.1 && dueThisMonth.length
        ? dueThisMonth[Math.floor(rand() * dueThisMonth.length)]
        : roll >= 0.1 && roll < 0.2
          ? addDays(addMonths(today, -6), -between(10, 80))
          : fine;
    const dates: Date[] = [];
    for (let k = 0; addDays(lastOn, -180 * k) > recommended.on; k++) dates.unshift(addDays(lastOn, -180 * k));
    for (const d of dates) if (d < today) add("activist-assessment", d);
    return plan;
  }

  add("target-decide", targeted.on, { statusChangeId: targeted.id });
  add("target-filing", addDays(targeted.on, between(5, 20)));
  add("sponsors", addDays(targeted.on, between(3, 14)));
  add("political-review", addDays(targeted.on, between(10, 30)));
  const trained = addDays(targeted.on, between(15, 40));
  const admitted = at("probationary");
  // A target today is still in training (the demo's 发展对象培训班 is enrolling; the 24 学时 gate counts the hours).
  if (!admitted) return plan;
  add("training", trained);

  // 第十九条 to 第二十条: review, 预审, a 公示 of five working days, the form, then the 支部大会.
  add("committee-review", addDays(admitted.on, -between(25, 40)));
  add("pre-review", addDays(admitted.on, -between(14, 20)));
  add("application-form", addDays(admitted.on, -between(2, 4)));
  add("admit-meeting", admitted.on, { statusChangeId: admitted.id });
  const approved = addDays(admitted.on, between(30, 80)); // within three months of the 支部大会
  add("approval-talk", addDays(admitted.on, between(10, 25)));
  add("admit-approve", approved);
  add("admit-filing", addDays(approved, between(5, 15)));
  add("assign", addDays(approved, between(1, 7)));
  add("oath", addDays(approved, between(7, 30)));
  add("probation-assessment", addMonths(admitted.on, 6));
  add("turn-apply", addDays(addMonths(admitted.on, 12), -between(5, 20)));
  // 党章第七条: a 预备党员 whose year is over (seed.ts admits a few 13 to 16 months ago) had the 预备期
  // extended by six months by the branch meeting, approved by the college; the 转正 waits for its end.
  // Dated from the id, not drawn, so the other files keep their draws.
  const yearOver = addMonths(admitted.on, 12);
  if (addDays(yearOver, 40) <= today) {
    const decided = addDays(yearOver, 3 + (person.id % 12));
    add("extend-meeting", decided, { months: 6 });
    add("extend-approve", addDays(decided, 14 + (person.id % 10)));
  }
  return plan;
}
