import { unitIdsOnPath } from "~/lib/unit-path";
import { CHINA_OFFSET_MS } from "~/lib/dates";
import { ledgerMonth, ledgerYear } from "~/lib/hours";
import { type PersonLine, type UnitRollup, unitRollup } from "~/lib/hours-rollup";
import { prisma, sqlDb } from "../db";
import { inList, raw, sql } from "../sql";
import { type RequiredCourse, type UnitGroup, requiredCourseCompletion } from "./required-courses";
import { requirementStatus } from "./requirements";

// The 学时 dashboards of one unit's subtree for a year: a line per active person (what the pack in
// force asks, what counts toward it, what is missing), a rollup per child unit (app/lib/hours-rollup.ts),
// the monthly trend of hours earned and activities held, and how far people are with their required
// courses. Months are months in China (UTC+8), like the ledger's year. All figures are in hundredths of a 学时.

export type MonthPoint = { month: number; hours: number; activities: number };

export type HoursReport = {
  unit: { id: number; name: string; path: string };
  year: number;
  people: PersonLine[];
  units: UnitRollup[];
  total: UnitRollup;
  trend: MonthPoint[];
  courses: RequiredCourse[];
};

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

// The hours of the report's people by month (the ledger's `month`, China time), in one pass over the
// covering index (personId, year, category, amount, month) with a sum per month: GROUP BY month would
// sort every row first, and reading earnedAt would visit the table (bench hours-reports).
const SUMS_BY_MONTH = raw(MONTHS.map((m) => `COALESCE(SUM("amount") FILTER (WHERE "month" = ${m}), 0) AS "m${m}"`).join(", "));

/** The instants a year in China (UTC+8) starts and ends: [start, end). */
function chinaYear(year: number): [Date, Date] {
  return [new Date(Date.UTC(year, 0, 1) - CHINA_OFFSET_MS), new Date(Date.UTC(year + 1, 0, 1) - CHINA_OFFSET_MS)];
}

type PersonRow = Omit<PersonLine, "required" | "earned" | "missing" | "total">;

/** The report of a unit's subtree; null when the unit does not exist. The caller checks the scope. */
export async function hoursReport(unitId: number, year: number, now = new Date()): Promise<HoursReport | null> {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { id: true, name: true, path: true } });
  if (!unit) return null;
  const children = await prisma.orgUnit.findMany({
    where: { parentId: unit.id, archivedAt: null },
    select: { id: true, name: true, path: true },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
  });
  const db = sqlDb();
  const rows = await db.all<PersonRow>(
    sql`SELECT p."id", p."number", p."name", p."unitId", u."name" AS "unitName", u."path" AS "unitPath", p."politicalStatus", p."cadreLevel"
      FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE p."disabledAt" IS NULL AND u."path" LIKE ${`${unit.path}%`}
      ORDER BY u."path", p."number"`,
  );
  const status = await requirementStatus(
    rows.map((r) => r.id),
    year,
  );
  const people: PersonLine[] = rows.map((r) => {
    const s = status.get(r.id);
    return { ...r, required: s?.required ?? 0, earned: s?.earned ?? 0, missing: s?.missing ?? 0, total: s?.total ?? 0 };
  });

  // The people directly in the chosen unit first, then each child unit's subtree.
  const own = people.filter((p) => p.unitId === unit.id);
  const groups: UnitGroup<PersonLine>[] = [
    ...(own.length > 0 ? [{ unitId: unit.id, name: `${unit.name}（本级）`, own: true, members: own }] : []),
    ...children.map((c) => ({ unitId: c.id, name: c.name, own: false, members: people.filter((p) => p.unitPath.startsWith(c.path)) })),
  ];
  const units = groups.map((g) => unitRollup(g.unitId, g.name, g.own, g.members));

  const hours = (await db.get<Record<`m${number}`, number>>(
    sql`SELECT ${SUMS_BY_MONTH} FROM "HoursEntry" WHERE "year" = ${year} AND "personId" ${inList(rows.map((r) => r.id))}`,
  ))!;
  // Activities held in the year, by their month in China: a few hundred rows at most, counted here.
  const [from, to] = chinaYear(year);
  const activities = new Map<number, number>();
  const held = await db.all<{ startsAt: string }>(
    sql`SELECT a."startsAt" FROM "Activity" a JOIN "OrgUnit" u ON u."id" = a."unitId"
      WHERE a."status" = 'confirmed' AND u."path" LIKE ${`${unit.path}%`} AND a."startsAt" >= ${from} AND a."startsAt" < ${to}`,
  );
  for (const { startsAt } of held) {
    const month = ledgerMonth(new Date(startsAt));
    activities.set(month, (activities.get(month) ?? 0) + 1);
  }
  const trend = MONTHS.map((month) => ({ month, hours: hours[`m${month}`], activities: activities.get(month) ?? 0 }));

  const courses = await requiredCourseCompletion(people, groups, now);
  return { unit, year, people, units, total: unitRollup(unit.id, "合计", false, people), trend, courses };
}

/**
 * The unit and year a report page or export asks for (`?unitId=&year=`): the viewer's top unit in the
 * "hours:report" scope and this year in China by default. A malformed value falls back to the default;
 * the caller still checks the unit against the grants.
 */
export function reportQuery(url: URL, topPaths: string[], now = new Date()): { unitId: number | null; year: number } {
  const thisYear = ledgerYear(now);
  const y = Number(url.searchParams.get("year"));
  const year = Number.isInteger(y) && y >= 2000 && y <= thisYear + 1 ? y : thisYear;
  const raw = url.searchParams.get("unitId");
  const fallback = topPaths[0] ? (unitIdsOnPath(topPaths[0]).pop() ?? null) : null;
  const unitId = raw && /^\d{1,9}$/.test(raw) ? Number(raw) : fallback;
  return { unitId, year };
}
