import { describe, expect, it, vi } from "vitest";
import { type Grant } from "~/lib/permissions";

// The pure parts of the org domain. The database and audit modules are replaced so importing the
// domain opens nothing.
vi.mock("~/.server/db", () => ({ prisma: {} }));
vi.mock("~/.server/audit", () => ({ audit: vi.fn() }));
const { allowedChildKinds, isMoveTarget, mayChangeUnit, orderAsTree, parentPath, rollUpCounts } = await import("~/.server/org/units");

type Row = { id: number; parentId: number | null; name: string };
const row = (id: number, parentId: number | null): Row => ({ id, parentId, name: `u${id}` });

describe("orderAsTree", () => {
  it("puts each parent before its children, depth first, siblings in their given order", () => {
    // As unitsUnder reads them: by depth, then sort order.
    const rows = [row(1, null), row(3, 1), row(2, 1), row(30, 3), row(20, 2), row(31, 3)];
    expect(orderAsTree(rows).map((r) => r.id)).toEqual([1, 3, 30, 31, 2, 20]);
  });

  it("treats a unit whose parent is not in the list as a top (a secretary's college)", () => {
    const rows = [row(7, 1), row(8, 1), row(70, 7), row(80, 8)];
    expect(orderAsTree(rows).map((r) => r.id)).toEqual([7, 70, 8, 80]);
  });

  it("keeps every row exactly once, whatever order they come in", () => {
    const rows = [row(42, 7), row(1, null), row(99, 42), row(7, 1), row(8, 1)];
    const out = orderAsTree(rows);
    expect(out.map((r) => r.id).sort((a, b) => a - b)).toEqual([1, 7, 8, 42, 99]);
    const position = new Map(out.map((r, i) => [r.id, i]));
    for (const r of out) if (r.parentId !== null) expect(position.get(r.parentId)!).toBeLessThan(position.get(r.id)!);
  });

  it("returns the same objects, untouched", () => {
    const rows = [row(1, null), row(2, 1)];
    const out = orderAsTree(rows);
    expect(out[0]).toBe(rows[0]);
    expect(orderAsTree([])).toEqual([]);
  });
});

describe("allowedChildKinds", () => {
  it("follows committee → college → branch → group, with temporary units", () => {
    expect(allowedChildKinds("committee")).toEqual(["college", "branch", "temporary"]);
    expect(allowedChildKinds("college")).toEqual(["branch", "temporary"]);
    expect(allowedChildKinds("branch")).toEqual(["group"]);
    expect(allowedChildKinds("temporary")).toEqual(["branch", "group"]);
  });

  it("allows nothing under a group, and never a second committee", () => {
    expect(allowedChildKinds("group")).toEqual([]);
    for (const kind of ["committee", "college", "branch", "temporary", "group"]) expect(allowedChildKinds(kind)).not.toContain("committee");
  });

  it("allows nothing under a kind it does not know", () => {
    expect(allowedChildKinds("department")).toEqual([]);
    expect(allowedChildKinds("")).toEqual([]);
  });
});

describe("parentPath", () => {
  it("drops the last id", () => {
    expect(parentPath("/1/7/42/")).toBe("/1/7/");
    expect(parentPath("/1/7/")).toBe("/1/");
  });

  it("gives the root a parent path no grant covers", () => {
    expect(parentPath("/1/")).toBe("/");
  });
});

describe("mayChangeUnit", () => {
  const root = { id: 1, path: "/1/", parentId: null };
  const college = { id: 7, path: "/1/7/", parentId: 1 };
  const branch = { id: 42, path: "/1/7/42/", parentId: 7 };
  const otherBranch = { id: 80, path: "/1/8/80/", parentId: 8 };
  const secretary: Grant = { role: "secretary", unitId: 7, unitPath: "/1/7/" };
  const admin: Grant = { role: "admin", unitId: 1, unitPath: "/1/" };

  it("lets a secretary change units strictly below their own, not their own unit", () => {
    expect(mayChangeUnit([secretary], branch)).toBe(true);
    expect(mayChangeUnit([secretary], college)).toBe(false);
    expect(mayChangeUnit([secretary], otherBranch)).toBe(false);
  });

  it("lets an admin over the root change anything, the root included", () => {
    for (const u of [root, college, branch, otherBranch]) expect(mayChangeUnit([admin], u)).toBe(true);
  });

  it("keeps the root from anyone but an admin granted on it", () => {
    expect(mayChangeUnit([{ role: "secretary", unitId: 1, unitPath: "/1/" }], root)).toBe(false);
    expect(mayChangeUnit([{ role: "admin", unitId: 7, unitPath: "/1/7/" }], root)).toBe(false);
  });

  it("gives a trainer no changes at all", () => {
    expect(mayChangeUnit([{ role: "trainer", unitId: 1, unitPath: "/1/" }], branch)).toBe(false);
  });
});

describe("isMoveTarget", () => {
  const branch = { kind: "branch", path: "/1/7/42/", parentId: 7 };
  const unit = (id: number, kind: string, path: string, archived = false) => ({ id, kind, path, archivedAt: archived ? new Date(0) : null });

  it("accepts another college or a temporary unit for a branch", () => {
    expect(isMoveTarget(branch, unit(8, "college", "/1/8/"))).toBe(true);
    expect(isMoveTarget(branch, unit(9, "temporary", "/1/9/"))).toBe(true);
  });

  it("refuses the current parent, the unit itself and anything below it", () => {
    expect(isMoveTarget(branch, unit(7, "college", "/1/7/"))).toBe(false);
    expect(isMoveTarget(branch, unit(42, "branch", "/1/7/42/"))).toBe(false);
    expect(isMoveTarget({ kind: "temporary", path: "/1/9/", parentId: 1 }, unit(91, "temporary", "/1/9/91/"))).toBe(false);
  });

  it("refuses an archived unit and a kind that cannot hold it", () => {
    expect(isMoveTarget(branch, unit(8, "college", "/1/8/", true))).toBe(false);
    expect(isMoveTarget(branch, unit(80, "branch", "/1/8/80/"))).toBe(false);
    expect(isMoveTarget({ kind: "group", path: "/1/7/42/43/", parentId: 42 }, unit(8, "college", "/1/8/"))).toBe(false);
  });
});

describe("rollUpCounts", () => {
  it("adds each unit's people to the unit and every unit above it", () => {
    const totals = rollUpCounts([
      { path: "/1/7/42/", count: 3 },
      { path: "/1/7/43/", count: 2 },
      { path: "/1/7/", count: 1 },
      { path: "/1/8/80/", count: 5 },
    ]);
    expect(Object.fromEntries(totals)).toEqual({ 1: 11, 7: 6, 42: 3, 43: 2, 8: 5, 80: 5 });
  });

  it("leaves out units nobody belongs to", () => {
    expect(rollUpCounts([]).size).toBe(0);
  });
});
