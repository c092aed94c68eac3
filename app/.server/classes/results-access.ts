import { type Grant } from "~/lib/permissions";
import { prisma } from "../db";

// Who may see a class's results: the organiser's staff (anyone holding a role — secretary, trainer or
// admin — over the organising unit or above it) see every member and act on the results; a tutor of a
// group sees their group's members only and acts on nothing. Anyone else is told the class does not
// exist, so ids cannot be probed.

export type ClassRecord = {
  id: number;
  kind: string;
  title: string;
  term: number;
  unitId: number;
  unitPath: string;
  unitName: string;
  gradingRule: string;
  resultsPublishedAt: Date | null;
};

export type ResultsAccess = { cls: ClassRecord; organiser: boolean; groupIds: number[] | null };

export async function classRecord(classId: number): Promise<ClassRecord | null> {
  const c = await prisma.trainingClass.findUnique({
    where: { id: classId },
    select: {
      id: true,
      kind: true,
      title: true,
      term: true,
      unitId: true,
      gradingRule: true,
      resultsPublishedAt: true,
      unit: { select: { path: true, name: true } },
    },
  });
  return c ? { ...c, unitPath: c.unit.path, unitName: c.unit.name } : null;
}

/** True when one of the grants covers the organising unit. */
export function organises(grants: readonly Grant[], cls: { unitPath: string }): boolean {
  return grants.some((g) => cls.unitPath.startsWith(g.unitPath));
}

/** The caller's view of a class's results, or null when they have none (the route answers 404). */
export async function resultsAccess(user: { id: number; grants: readonly Grant[] }, classId: number): Promise<ResultsAccess | null> {
  const cls = await classRecord(classId);
  if (!cls) return null;
  if (organises(user.grants, cls)) return { cls, organiser: true, groupIds: null };
  const tutored = await prisma.classTutor.findMany({ where: { personId: user.id, group: { classId } }, select: { groupId: true } });
  if (tutored.length === 0) return null;
  return { cls, organiser: false, groupIds: tutored.map((t) => t.groupId) };
}
