import { AppError } from "~/lib/app-error";
import {
  CLASS_KIND_LABELS,
  type ClassKind,
  ClassKindSchema,
  type ClassSettings,
  type ClassStatus,
  ClassStatusSchema,
  NEW_CLASS_GRADING_RULE,
  type NewClass,
  statusChangeRefusal,
} from "~/lib/classes";
import { type Grant, grantsCover, scopePaths } from "~/lib/permissions";
import { unitIdsOnPath } from "~/lib/unit-path";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";

// Party-school classes (期次): created by the school's party school (the committee unit) or a
// college's 二级党校, for the people of their audience units, and moved forward through
// draft → enrolling → running → finished. Who may act is decided by the grants: `classes:manage` over
// the organising unit makes an organiser; `classes:nominate` over a unit that meets the audience lets
// a secretary see the class and nominate their people (enrolment.ts). Routes check the permission;
// these functions keep the states and the units straight and audit every change.

/** The organising unit of a class (for the guard), or null when there is no such class. */
export async function classUnitId(classId: number): Promise<number | null> {
  const c = await prisma.trainingClass.findUnique({ where: { id: classId }, select: { unitId: true } });
  return c?.unitId ?? null;
}

/** What a guard needs to decide who the caller is to a class: its organising unit's path and its audience's paths. */
export async function classScope(classId: number) {
  const c = await prisma.trainingClass.findUnique({
    where: { id: classId },
    select: { id: true, unitId: true, status: true, kind: true, unit: { select: { path: true } }, audience: { select: { unit: { select: { path: true } } } } },
  });
  if (!c) return null;
  return {
    id: c.id,
    unitId: c.unitId,
    unitPath: c.unit.path,
    status: ClassStatusSchema.parse(c.status),
    kind: ClassKindSchema.parse(c.kind),
    audiencePaths: c.audience.map((a) => a.unit.path),
  };
}
export type ClassScope = NonNullable<Awaited<ReturnType<typeof classScope>>>;

/** The caller's standing in a class: organiser (manages everything), nominator (their people only), or neither. */
export function standingIn(grants: readonly Grant[], scope: Pick<ClassScope, "unitPath" | "audiencePaths">) {
  const organiser = grantsCover(grants, "classes:manage", scope.unitPath);
  // The nominator's reach inside the audience: their own subtree where it lies in the audience, or the
  // audience unit where it lies in their subtree (a college secretary for a class open to one branch).
  const reach = scopePaths(grants, "classes:nominate").flatMap((mine) =>
    scope.audiencePaths.flatMap((a) => (mine.startsWith(a) ? [mine] : a.startsWith(mine) ? [a] : [])),
  );
  return { organiser, nominatorPaths: [...new Set(reach)] };
}

function refuseOrganiserUnit(unit: { kind: string; archivedAt: Date | null } | null): void {
  if (!unit || unit.archivedAt) throw new AppError("invalid", "主办单位不存在或已撤销", { field: "unitId" });
  if (unit.kind !== "committee" && unit.kind !== "college") {
    throw new AppError("invalid", "培训班只能由校党校（校党委）或二级党校（院系党组织）主办", { field: "unitId" });
  }
}

/** The audience units, checked to exist and lie under the organising unit. */
async function checkedAudience(organiserPath: string, unitIds: readonly number[]) {
  const ids = [...new Set(unitIds)];
  const units = await prisma.orgUnit.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, path: true, archivedAt: true } });
  if (units.length !== ids.length || units.some((u) => u.archivedAt)) {
    throw new AppError("invalid", "所选党组织不存在或已撤销", { field: "audienceUnitIds" });
  }
  const outside = units.filter((u) => !u.path.startsWith(organiserPath));
  if (outside.length) {
    throw new AppError("invalid", `面向的党组织须在主办单位之下：${outside.map((u) => u.name).join("、")}不在其中`, { field: "audienceUnitIds" });
  }
  return ids;
}

const termTaken = (kind: ClassKind, term: number) => new AppError("conflict", `本党校已有第 ${term} 期${CLASS_KIND_LABELS[kind]}`, { field: "term" });

function isUniqueViolation(e: unknown) {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

/** A new class in draft. The caller has `classes:manage` over `input.unitId` (the route checked it). */
export async function createClass(actorId: number, input: NewClass) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: input.unitId }, select: { path: true, kind: true, archivedAt: true } });
  refuseOrganiserUnit(unit);
  const audienceIds = await checkedAudience(unit!.path, input.audienceUnitIds);
  let created: { id: number };
  try {
    created = await prisma.trainingClass.create({
      data: {
        kind: input.kind,
        title: input.title,
        term: input.term,
        unitId: input.unitId,
        description: input.description || null,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        gradingRule: NEW_CLASS_GRADING_RULE,
        createdById: actorId,
        audience: { create: audienceIds.map((unitId) => ({ unitId })) },
      },
      select: { id: true },
    });
  } catch (e) {
    // The unique key (unit, kind, term) decides between two organisers creating the same term at once.
    if (isUniqueViolation(e)) throw termTaken(input.kind, input.term);
    throw e;
  }
  await audit({
    actorId,
    action: "class.create",
    targetKind: "class",
    targetId: created.id,
    detail: { kind: input.kind, term: input.term, title: input.title, unitId: input.unitId, audience: audienceIds },
  });
  return created;
}

function refuseFinished(status: string) {
  if (status === "finished") throw new AppError("conflict", "培训班已结束，不能再修改");
}

export async function updateClass(actorId: number, classId: number, settings: ClassSettings) {
  const c = await prisma.trainingClass.findUniqueOrThrow({ where: { id: classId }, select: { status: true, kind: true } });
  refuseFinished(c.status);
  try {
    const { count } = await prisma.trainingClass.updateMany({
      where: { id: classId, status: { not: "finished" } },
      data: { title: settings.title, term: settings.term, description: settings.description || null, startsOn: settings.startsOn, endsOn: settings.endsOn },
    });
    if (count === 0) refuseFinished("finished");
  } catch (e) {
    if (isUniqueViolation(e)) throw termTaken(ClassKindSchema.parse(c.kind), settings.term);
    throw e;
  }
  await audit({ actorId, action: "class.update", targetKind: "class", targetId: classId, detail: { title: settings.title, term: settings.term } });
}

/** The audience is set before the class runs: once it runs, its members were chosen from it. */
export async function setAudience(actorId: number, classId: number, unitIds: readonly number[]) {
  const c = await prisma.trainingClass.findUniqueOrThrow({ where: { id: classId }, select: { status: true, unit: { select: { path: true } } } });
  if (c.status !== "draft" && c.status !== "enrolling") throw new AppError("conflict", "培训班已开班，不能再修改面向的党组织", { field: "audienceUnitIds" });
  const ids = await checkedAudience(c.unit.path, unitIds);
  await prisma.$transaction([
    prisma.classAudience.deleteMany({ where: { classId } }),
    prisma.classAudience.createMany({ data: ids.map((unitId) => ({ classId, unitId })) }),
  ]);
  await audit({ actorId, action: "class.update", targetKind: "class", targetId: classId, detail: { audience: ids } });
}

/** One step forward (see `statusChangeRefusal`); the update is conditional on the state read, so two organisers cannot both move it. */
export async function changeStatus(actorId: number, classId: number, to: ClassStatus) {
  const c = await prisma.trainingClass.findUniqueOrThrow({ where: { id: classId }, select: { status: true } });
  const from = ClassStatusSchema.parse(c.status);
  const [enrolled, nominated] = await Promise.all([
    prisma.classMember.count({ where: { classId, status: "enrolled" } }),
    prisma.classMember.count({ where: { classId, status: "nominated" } }),
  ]);
  const refusal = statusChangeRefusal(from, to, { enrolled, nominated });
  if (refusal) throw new AppError("conflict", refusal);
  const { count } = await prisma.trainingClass.updateMany({ where: { id: classId, status: from }, data: { status: to } });
  if (count === 0) throw new AppError("conflict", "培训班状态已被他人更改，请刷新页面");
  await audit({ actorId, action: "class.status", targetKind: "class", targetId: classId, detail: { from, to } });
}

const listSelect = {
  id: true,
  kind: true,
  title: true,
  term: true,
  status: true,
  startsOn: true,
  endsOn: true,
  unit: { select: { name: true, path: true } },
  _count: { select: { members: { where: { status: "enrolled" } } } },
} as const;

/**
 * The classes a member of staff sees: those they organise, and those open to the units they may
 * nominate from (an audience unit above, at or below their own), not in draft.
 */
export async function classesForStaff(grants: readonly Grant[]) {
  const organise = scopePaths(grants, "classes:manage");
  const nominate = scopePaths(grants, "classes:nominate");
  const above = [...new Set(nominate.flatMap(unitIdsOnPath))];
  const where: Prisma.TrainingClassWhereInput = {
    OR: [
      ...organise.map((p) => ({ unit: { path: { startsWith: p } } })),
      ...(nominate.length
        ? [
            {
              status: { not: "draft" },
              audience: { some: { OR: [{ unitId: { in: above } }, ...nominate.map((p) => ({ unit: { path: { startsWith: p } } }))] } },
            },
          ]
        : []),
    ],
  };
  if (!where.OR!.length) return [];
  const rows = await prisma.trainingClass.findMany({ where, select: listSelect, orderBy: [{ startsOn: "desc" }, { id: "desc" }], take: 300 });
  return rows.map((r) => ({
    id: r.id,
    kind: ClassKindSchema.parse(r.kind),
    title: r.title,
    term: r.term,
    status: ClassStatusSchema.parse(r.status),
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    unitName: r.unit.name,
    enrolled: r._count.members,
    organiser: grantsCover(grants, "classes:manage", r.unit.path),
  }));
}

/** The units a caller may organise a class for: committee and college units within their `classes:manage` scope. */
export async function organiserUnits(grants: readonly Grant[]) {
  const scope = scopePaths(grants, "classes:manage");
  if (!scope.length) return [];
  return prisma.orgUnit.findMany({
    where: { archivedAt: null, kind: { in: ["committee", "college"] }, OR: scope.map((p) => ({ path: { startsWith: p } })) },
    select: { id: true, name: true, kind: true, path: true, depth: true },
    orderBy: [{ depth: "asc" }, { sortOrder: "asc" }, { id: "asc" }],
  });
}

/** The class's own fields for its pages. */
export async function classHeader(classId: number) {
  const c = await prisma.trainingClass.findUnique({
    where: { id: classId },
    select: {
      id: true,
      kind: true,
      title: true,
      term: true,
      description: true,
      startsOn: true,
      endsOn: true,
      status: true,
      resultsPublishedAt: true,
      unit: { select: { id: true, name: true, path: true } },
      audience: { select: { unit: { select: { id: true, name: true, path: true } } }, orderBy: { unitId: "asc" } },
    },
  });
  if (!c) return null;
  return {
    ...c,
    kind: ClassKindSchema.parse(c.kind),
    status: ClassStatusSchema.parse(c.status),
    audience: c.audience.map((a) => a.unit),
  };
}
export type ClassHeader = NonNullable<Awaited<ReturnType<typeof classHeader>>>;
