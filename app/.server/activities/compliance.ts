import { ActivityKindSchema } from "~/lib/activities";
import { CHINA_OFFSET_MS } from "~/lib/dates";
import { type RuleResult, complianceForYear, rollUp } from "~/lib/meeting-compliance";
import { unitIdsOnPath } from "~/lib/unit-path";
import { prisma } from "../db";
import { packInForce } from "../hours/rule-packs";

// Whether each branch in a scope held its meetings as often as the rule pack requires (decision 056),
// and the same rolled up per college. A meeting counts when its attendance list is confirmed: the act
// that credits the 学时 is the one that says it was held (a planned or cancelled meeting never counts).
// A meeting of a unit under the branch (a 党小组会 of one of its groups) counts for the branch.

/** The instants a China-time calendar year starts and ends. */
function yearBounds(year: number) {
  return { gte: new Date(Date.UTC(year, 0, 1) - CHINA_OFFSET_MS), lt: new Date(Date.UTC(year + 1, 0, 1) - CHINA_OFFSET_MS) };
}

export async function meetingCompliance(scopePaths: string[], year: number, now = new Date()) {
  const rules = (await packInForce()).pack.meetings ?? [];
  if (scopePaths.length === 0) return { rules, branches: [], colleges: [] };
  const inScope = scopePaths.map((p) => ({ path: { startsWith: p } }));
  const branches = await prisma.orgUnit.findMany({
    where: { kind: "branch", archivedAt: null, OR: inScope },
    select: { id: true, name: true, path: true },
    orderBy: [{ path: "asc" }],
  });
  const meetings = await prisma.activity.findMany({
    where: { status: "confirmed", startsAt: yearBounds(year), unit: { OR: branches.map((b) => ({ path: { startsWith: b.path } })) } },
    select: { kind: true, startsAt: true, unit: { select: { path: true } } },
  });
  // The college of a branch: the nearest unit of kind "college" on its path.
  const pathIds = [...new Set(branches.flatMap((b) => unitIdsOnPath(b.path)))];
  const colleges = await prisma.orgUnit.findMany({ where: { id: { in: pathIds }, kind: "college" }, select: { id: true, name: true } });
  const collegeName = new Map(colleges.map((c) => [c.id, c.name]));
  const rows = branches.map((b) => {
    const held = meetings.filter((m) => m.unit.path.startsWith(b.path)).map((m) => ({ kind: ActivityKindSchema.parse(m.kind), startsAt: m.startsAt }));
    const collegeId = unitIdsOnPath(b.path).findLast((id) => collegeName.has(id)) ?? null;
    return { id: b.id, name: b.name, collegeId, results: complianceForYear(rules, held, year, now) };
  });
  const byCollege = new Map<number | null, RuleResult[][]>();
  for (const r of rows) byCollege.set(r.collegeId, [...(byCollege.get(r.collegeId) ?? []), r.results]);
  return {
    rules,
    branches: rows,
    colleges: [...byCollege].map(([id, results]) => ({
      id,
      name: id === null ? "直属党支部" : collegeName.get(id)!,
      branches: results.length,
      kinds: rollUp(results),
    })),
  };
}
