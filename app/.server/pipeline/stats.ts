import {
  OUTCOME_STEPS,
  PIPELINE_STAGES,
  PROBATION_OUTCOMES,
  type PipelineStage,
  STAGE_STEPS,
  type Transition,
  outcomeOf,
  stageTransitions,
} from "~/lib/pipeline/stats";
import { unitIdsOnPath } from "~/lib/unit-path";
import { prisma, sqlDb } from "../db";
import { inList, sql } from "../sql";

// The pipeline view of the reports page and the 组织部's 发展党员 statistics: over one unit's subtree,
// the people at each stage per college and branch (one grouped count), the stage steps recorded in a
// year, and the median days between consecutive stage steps (the steps' days read once, medians in JS).

export type StageCounts = Record<PipelineStage, number>;
/** Stage steps recorded in the year, by step key (apply, recommend, target-decide, admit-meeting, turn-approve), and the 预备期's outcomes by their key. */
export type StepCounts = Record<string, number>;
export type StatsRow = { college: string; branch: string; stages: StageCounts; recorded: StepCounts };
export type PipelineStats = { rows: StatsRow[]; colleges: StatsRow[]; total: StatsRow; transitions: Transition[] };

const NONE = "—";
const zeroStages = (): StageCounts => ({ applicant: 0, activist: 0, target: 0, probationary: 0 });
export const zeroSteps = (): StepCounts => Object.fromEntries([...STAGE_STEPS.map((s) => s.step), ...PROBATION_OUTCOMES.map((o) => o.key)].map((k) => [k, 0]));
const STAGE_STEP_KEYS = new Set<string>(STAGE_STEPS.map((s) => s.step));

/** The figures of the subtree of the unit at `path` for `year` (steps by their calendar day). The caller checks the scope. */
export async function pipelineStats(path: string, year: number): Promise<PipelineStats> {
  const db = sqlDb();
  const under = `${path}%`;
  const counts = await db.all<{ unitId: number; politicalStatus: PipelineStage; n: number }>(
    sql`SELECT p."unitId", p."politicalStatus", COUNT(*) AS "n" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE p."disabledAt" IS NULL AND u."path" LIKE ${under} AND p."politicalStatus" ${inList([...PIPELINE_STAGES])}
      GROUP BY p."unitId", p."politicalStatus"`,
  );
  const steps = await db.all<{ personId: number; unitId: number; step: string; happenedOn: string }>(
    sql`SELECT r."personId", p."unitId", r."step", r."happenedOn" FROM "PipelineRecord" r
      JOIN "Person" p ON p."id" = r."personId" JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE r."supersededAt" IS NULL AND p."disabledAt" IS NULL AND u."path" LIKE ${under} AND r."step" ${inList([...STAGE_STEP_KEYS, ...OUTCOME_STEPS])}`,
  );

  // The college and branch of each unit: the nearest unit of that kind on its path ("—" when none).
  const units = await prisma.orgUnit.findMany({
    where: { OR: [{ path: { startsWith: path } }, { id: { in: unitIdsOnPath(path) } }] },
    select: { id: true, name: true, kind: true, path: true },
  });
  const byId = new Map(units.map((u) => [u.id, u]));
  const placeCache = new Map<number, { college: string; branch: string; order: string }>();
  const place = (unitId: number) => {
    let p = placeCache.get(unitId);
    if (!p) {
      const chain = unitIdsOnPath(byId.get(unitId)?.path ?? "")
        .reverse()
        .map((id) => byId.get(id));
      const nearest = (kinds: string[]) => chain.find((u) => u && kinds.includes(u.kind));
      const college = nearest(["college"]);
      const branch = nearest(["branch", "temporary"]);
      // Lines in the order of the tree (units' paths), as the unit pickers list them.
      p = { college: college?.name ?? NONE, branch: branch?.name ?? NONE, order: `${college?.path ?? ""}\u0000${branch?.path ?? ""}` };
      placeCache.set(unitId, p);
    }
    return p;
  };

  const rows = new Map<string, StatsRow & { order: string }>();
  const row = (unitId: number) => {
    const { college, branch, order } = place(unitId);
    const key = `${college}\u0000${branch}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { college, branch, order, stages: zeroStages(), recorded: zeroSteps() }));
    return r;
  };
  for (const c of counts) row(c.unitId).stages[c.politicalStatus] += Number(c.n);
  const days = new Map<number, Map<string, Date>>();
  const stepsOf = new Map<number, Set<string>>();
  for (const s of steps) {
    const mine = stepsOf.get(s.personId) ?? new Set<string>();
    mine.add(s.step);
    stepsOf.set(s.personId, mine);
  }
  for (const s of steps) {
    const on = new Date(s.happenedOn);
    if (on.getUTCFullYear() === year) {
      if (STAGE_STEP_KEYS.has(s.step)) row(s.unitId).recorded[s.step]++;
      const outcome = outcomeOf(s.step, stepsOf.get(s.personId)!);
      if (outcome) row(s.unitId).recorded[outcome]++;
    }
    if (!STAGE_STEP_KEYS.has(s.step)) continue;
    const mine = days.get(s.personId) ?? new Map<string, Date>();
    mine.set(s.step, on);
    days.set(s.personId, mine);
  }

  const sorted: StatsRow[] = [...rows.values()].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0)).map(({ order: _, ...r }) => r);
  const sum = (college: string, branch: string, of: StatsRow[]): StatsRow => {
    const out: StatsRow = { college, branch, stages: zeroStages(), recorded: zeroSteps() };
    for (const r of of) {
      for (const s of PIPELINE_STAGES) out.stages[s] += r.stages[s];
      for (const k of Object.keys(out.recorded)) out.recorded[k] += r.recorded[k];
    }
    return out;
  };
  const colleges = [...new Set(sorted.map((r) => r.college))].map((c) =>
    sum(
      c,
      "",
      sorted.filter((r) => r.college === c),
    ),
  );
  return { rows: sorted, colleges, total: sum("合计", "", sorted), transitions: stageTransitions(days) };
}
