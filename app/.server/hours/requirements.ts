import {
  type ClassGraduation,
  type PersonFacts,
  type RequirementSummary,
  checkAdmission,
  countsToward,
  progressOf,
  requirementsFor,
  statusStartedBefore,
  summarise,
} from "~/lib/requirements";
import { CHINA_OFFSET_MS, todayInChina } from "~/lib/dates";
import { type RulePack } from "~/lib/rule-pack";
import { activistStage, countsTowardTraining } from "~/lib/stage-progress";
import { prisma, sqlDb } from "../db";
import { inList, sql } from "../sql";
import { type PackInForce, packInForce } from "./rule-packs";
import { stageClasses } from "./stage-classes";

// A person's requirements for a year under the pack in force, the hours counted toward each, and the
// same in one line per person for many people at once (dashboards over a whole school).

export async function personFacts(personId: number): Promise<PersonFacts> {
  const p = await prisma.person.findUniqueOrThrow({
    where: { id: personId },
    select: {
      politicalStatus: true,
      statusSince: true,
      cadreLevel: true,
      isCommitteeMember: true,
      statusChanges: { select: { fromStatus: true, toStatus: true, effectiveOn: true }, orderBy: [{ effectiveOn: "asc" }, { id: "asc" }] },
    },
  });
  return p;
}

/** 学时 toward the development-target training: the gate's categories, earned from the day `since` until `until`. */
export async function trainingHours(personId: number, pack: RulePack, since: Date | null, until: Date): Promise<number> {
  const sum = await prisma.hoursEntry.aggregate({
    where: {
      personId,
      category: { in: [...pack.gates.targetTraining.counts] },
      earnedAt: { ...(since ? { gte: new Date(since.getTime() - CHINA_OFFSET_MS) } : {}), lt: until },
    },
    _sum: { amount: true },
  });
  return sum._sum.amount ?? 0;
}

/**
 * The person's 结业 from a 发展对象 class (kind target) published before `until`, the first one; null
 * when none. An activist class's 结业 never counts: it trains for another stage.
 */
export async function targetClassGraduation(personId: number, until: Date): Promise<ClassGraduation | null> {
  const m = await prisma.classMember.findFirst({
    where: {
      personId,
      status: "enrolled",
      passed: true,
      graduatedAt: { not: null, lt: until },
      trainingClass: { kind: "target", resultsPublishedAt: { not: null } },
    },
    select: { graduatedAt: true, trainingClass: { select: { title: true, term: true } } },
    orderBy: { graduatedAt: "asc" },
  });
  return m ? { title: m.trainingClass.title, term: m.trainingClass.term, graduatedAt: m.graduatedAt! } : null;
}

/**
 * The admission check as of a calendar day `on` (UTC midnight of a date in China; the whole day
 * counts): hours since the day the person became 发展对象.
 */
export async function admissionCheckFor(personId: number, facts: PersonFacts, rules: PackInForce, on: Date) {
  const since = statusStartedBefore(facts, "target", on);
  const until = new Date(Date.UTC(on.getUTCFullYear(), on.getUTCMonth(), on.getUTCDate() + 1) - CHINA_OFFSET_MS);
  const [earned, graduation] = await Promise.all([trainingHours(personId, rules.pack, since, until), targetClassGraduation(personId, until)]);
  return checkAdmission(rules.pack, rules.overrides, earned, since, graduation);
}

/** Today in China as a calendar date (UTC midnight of that day). */
function chinaDay(now: Date): Date {
  return new Date(`${todayInChina(now)}T00:00:00Z`);
}

export async function requirementsForPerson(personId: number, year: number, now = new Date()) {
  const rules = await packInForce();
  const [facts, entries] = await Promise.all([
    personFacts(personId),
    prisma.hoursEntry.findMany({
      where: { personId, year },
      select: { id: true, amount: true, category: true, sourceKind: true, sourceId: true, note: true, earnedAt: true },
      orderBy: [{ earnedAt: "desc" }, { id: "desc" }],
    }),
  ]);
  const applied = requirementsFor(rules.pack, rules.overrides, facts, year);
  const progress = progressOf(applied, entries);
  // A development target sees the training the admission gate asks for, whatever the year shown.
  const training = facts.politicalStatus === "target" ? await admissionCheckFor(personId, facts, rules, chinaDay(now)) : null;
  const stage = await stageOf(facts, rules.pack, personId, chinaDay(now));
  return {
    pack: { id: rules.pack.id, name: rules.pack.name, version: rules.pack.version },
    gate: rules.pack.gates.targetTraining,
    progress,
    summary: summarise(progress),
    total: entries.reduce((s, e) => s + e.amount, 0),
    entries: entries.map((e) => ({
      ...e,
      countsToward: countsToward(applied, e.category),
      // For a development target: whether the entry counts toward the admission training.
      towardTraining: stage?.kind === "target" ? countsTowardTraining(rules.pack, e.category, e.earnedAt, stage.since) : false,
    })),
    training,
    stage,
  };
}

/**
 * What applies to a person who is not yet a member (decision 063): an activist's time of training and
 * observation before 发展对象, a development target's day of becoming one; with the classes that train
 * them for it. Null for everyone else.
 */
async function stageOf(facts: PersonFacts, pack: RulePack, personId: number, today: Date) {
  if (facts.politicalStatus === "activist") {
    const classes = await stageClasses(personId, "activist");
    return { kind: "activist" as const, gate: activistStage(pack, statusStartedBefore(facts, "activist", today), today), classes };
  }
  if (facts.politicalStatus === "target") {
    const classes = await stageClasses(personId, "target");
    return { kind: "target" as const, since: statusStartedBefore(facts, "target", today), classes };
  }
  return null;
}

type PersonRow = { id: number; politicalStatus: string; statusSince: string | null; cadreLevel: string; isCommitteeMember: number | boolean };
type ChangeRow = { personId: number; fromStatus: string | null; toStatus: string; effectiveOn: string };
type HoursRow = { personId: number; category: string; amount: number };

// Three statements whatever the number of people: the ids travel as one list parameter (inList).

function byPerson<T extends { personId: number }>(rows: T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const r of rows) {
    const list = map.get(r.personId);
    if (list) list.push(r);
    else map.set(r.personId, [r]);
  }
  return map;
}

/**
 * One line per person (hundredths): what the applicable requirements ask, the hours counted toward
 * them and what is missing (see `summarise`). People who do not exist are left out of the map.
 */
export async function requirementStatus(personIds: number[], year: number): Promise<Map<number, RequirementSummary & { total: number }>> {
  const result = new Map<number, RequirementSummary & { total: number }>();
  if (personIds.length === 0) return result;
  const rules = await packInForce();
  const ids = inList([...new Set(personIds)]);
  const db = sqlDb();
  const people = await db.all<PersonRow>(sql`SELECT "id", "politicalStatus", "statusSince", "cadreLevel", "isCommitteeMember" FROM "Person" WHERE "id" ${ids}`);
  const changes = byPerson(
    await db.all<ChangeRow>(
      sql`SELECT "personId", "fromStatus", "toStatus", "effectiveOn" FROM "StatusChange" WHERE "personId" ${ids} ORDER BY "personId", "effectiveOn", "id"`,
    ),
  );
  const hours = byPerson(
    await db.all<HoursRow>(
      sql`SELECT "personId", "category", SUM("amount") AS "amount" FROM "HoursEntry" WHERE "year" = ${year} AND "personId" ${ids} GROUP BY "personId", "category"`,
    ),
  );
  for (const p of people) {
    const facts: PersonFacts = {
      politicalStatus: p.politicalStatus,
      statusSince: p.statusSince ? new Date(p.statusSince) : null,
      cadreLevel: p.cadreLevel,
      isCommitteeMember: Boolean(p.isCommitteeMember),
      statusChanges: (changes.get(p.id) ?? []).map((c) => ({ fromStatus: c.fromStatus, toStatus: c.toStatus, effectiveOn: new Date(c.effectiveOn) })),
    };
    const entries = hours.get(p.id) ?? [];
    const summary = summarise(progressOf(requirementsFor(rules.pack, rules.overrides, facts, year, { explain: false }), entries));
    result.set(p.id, { ...summary, total: entries.reduce((s, e) => s + e.amount, 0) });
  }
  return result;
}
