import { unitIdsOnPath } from "~/lib/unit-path";

// Who a course assignment (规定动作, CourseAssignment) requires the course of: a person whose unit path
// passes through the assignment's unit, and whose status and cadre level are the assignment's when it
// names them. The learner's catalogue asks the same as a database filter for one person
// (app/.server/learning/catalog.ts); the dashboards ask it of one assignment for many people at once.

export type CourseAssignmentTarget = { unitId: number; politicalStatus: string | null; cadreLevel: string | null };
export type AssigneeFacts = { unitPath: string; politicalStatus: string; cadreLevel: string };

export function assignmentCovers(a: CourseAssignmentTarget, person: AssigneeFacts): boolean {
  return (
    unitIdsOnPath(person.unitPath).includes(a.unitId) &&
    (a.politicalStatus === null || a.politicalStatus === person.politicalStatus) &&
    (a.cadreLevel === null || a.cadreLevel === person.cadreLevel)
  );
}
