// A unit's materialised path names every unit from the root down to it: "/1/4/9/" is unit 9, under
// 4, under the root 1. Audiences, notices, reports and imports all read it, always this one way.

/** The ids on a unit path, the root first and the unit itself last. */
export function unitIdsOnPath(path: string): number[] {
  return path.split("/").filter(Boolean).map(Number);
}
