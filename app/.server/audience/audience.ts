import { unitIdsOnPath } from "~/lib/unit-path";
import { prisma } from "../db";

// Who an audience is, written once for quizzes, contests, live rounds, notices and course assignments.
// An audience row names a unit and, optionally, one political status: it covers the people of that
// unit's subtree, i.e. everybody whose unit path runs through it. So "is this row for me" is an `in`
// on the ids the person's own path names, and a status that is either not named or theirs.

/** What the audience rules read of a person: their unit path, status and cadre level. */
export type PersonScope = { id: number; unitPath: string; politicalStatus: string; cadreLevel: string; disabledAt: Date | null };

const SCOPE_SELECT = { id: true, politicalStatus: true, cadreLevel: true, disabledAt: true, unit: { select: { path: true } } } as const;

type ScopeRow = { id: number; politicalStatus: string; cadreLevel: string; disabledAt: Date | null; unit: { path: string } };

function toScope(p: ScopeRow): PersonScope {
  return { id: p.id, unitPath: p.unit.path, politicalStatus: p.politicalStatus, cadreLevel: p.cadreLevel, disabledAt: p.disabledAt };
}

/** The person's scope; throws when there is no such person (a signed-in caller always exists). */
export async function personScope(personId: number): Promise<PersonScope> {
  return toScope(await prisma.person.findUniqueOrThrow({ where: { id: personId }, select: SCOPE_SELECT }));
}

/** The person's scope, or null when there is no such person. */
export async function findPersonScope(personId: number): Promise<PersonScope | null> {
  const p = await prisma.person.findUnique({ where: { id: personId }, select: SCOPE_SELECT });
  return p && toScope(p);
}

type Audienced = Pick<PersonScope, "unitPath" | "politicalStatus">;

/** The units on the person's path (theirs and every one above it), as a filter on a `unitId`. */
export function unitOnPath(person: Pick<PersonScope, "unitPath">) {
  return { in: unitIdsOnPath(person.unitPath) };
}

/** An audience row (QuizAudience, ContestAudience, CourseAssignment) that covers the person. */
export function audienceRowFor(person: Audienced) {
  return { unitId: unitOnPath(person), OR: [{ politicalStatus: null }, { politicalStatus: person.politicalStatus }] };
}

/** A quiz or contest the person may take part in: published, with an audience row covering them. */
export function openToPerson(person: Audienced) {
  return { status: "published" as const, audiences: { some: audienceRowFor(person) } };
}
