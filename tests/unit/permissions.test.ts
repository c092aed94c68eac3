import { describe, expect, it } from "vitest";
import { type Grant, PERMISSIONS, grantsCover, hasAnyGrant, roleHas, scopePaths, grantsOutrank } from "~/lib/permissions";

const secretaryOfCollege: Grant = { role: "secretary", unitId: 7, unitPath: "/1/7/" };
const trainerOfRoot: Grant = { role: "trainer", unitId: 1, unitPath: "/1/" };

describe("roleHas", () => {
  it("gives an admin every permission", () => {
    for (const p of PERMISSIONS) expect(roleHas("admin", p)).toBe(true);
  });

  it("lets a trainer view the organisation and manage banks, quizzes, courses, contests and classes, nothing else", () => {
    expect(PERMISSIONS.filter((p) => roleHas("trainer", p))).toEqual([
      "org:view",
      "banks:manage",
      "quizzes:manage",
      "courses:manage",
      "contests:manage",
      "classes:manage",
    ]);
  });

  it("keeps account-level powers from a secretary", () => {
    expect(roleHas("secretary", "org:manage")).toBe(true);
    expect(roleHas("secretary", "people:sensitive")).toBe(true);
    expect(roleHas("secretary", "grants:manage")).toBe(false);
    // The hours of their units: reports, activities, claims; the rule packs are the committee office's.
    expect((["hours:report", "activities:manage", "claims:review"] as const).every((p) => roleHas("secretary", p))).toBe(true);
    expect(roleHas("secretary", "rules:manage")).toBe(false);
    expect(roleHas("trainer", "rules:manage")).toBe(false);
    expect(roleHas("secretary", "password:reset")).toBe(false);
    expect(roleHas("secretary", "audit:view")).toBe(false);
  });
});

describe("grantsCover", () => {
  it("covers the granted unit and everything below it", () => {
    expect(grantsCover([secretaryOfCollege], "people:view", "/1/7/")).toBe(true);
    expect(grantsCover([secretaryOfCollege], "people:view", "/1/7/42/")).toBe(true);
    expect(grantsCover([secretaryOfCollege], "people:view", "/1/7/42/99/")).toBe(true);
  });

  it("does not cover the unit above, a sibling, or a sibling whose id starts with the same digits", () => {
    expect(grantsCover([secretaryOfCollege], "people:view", "/1/")).toBe(false);
    expect(grantsCover([secretaryOfCollege], "people:view", "/1/8/")).toBe(false);
    expect(grantsCover([secretaryOfCollege], "people:view", "/1/70/")).toBe(false);
  });

  it("needs the permission in the role, not just a grant over the unit", () => {
    expect(grantsCover([trainerOfRoot], "org:view", "/1/7/")).toBe(true);
    expect(grantsCover([trainerOfRoot], "org:manage", "/1/7/")).toBe(false);
    expect(grantsCover([trainerOfRoot, secretaryOfCollege], "org:manage", "/1/7/42/")).toBe(true);
    expect(grantsCover([trainerOfRoot, secretaryOfCollege], "org:manage", "/1/8/")).toBe(false);
  });

  it("covers nothing without grants", () => {
    expect(grantsCover([], "org:view", "/1/")).toBe(false);
  });
});

describe("scopePaths", () => {
  it("drops a path that lies under another one", () => {
    const grants: Grant[] = [
      { role: "secretary", unitId: 42, unitPath: "/1/7/42/" },
      secretaryOfCollege,
      { role: "secretary", unitId: 43, unitPath: "/1/7/43/" },
    ];
    expect(scopePaths(grants, "people:view")).toEqual(["/1/7/"]);
  });

  it("keeps siblings, and paths that only share leading digits", () => {
    const grants: Grant[] = [{ role: "secretary", unitId: 70, unitPath: "/1/70/" }, secretaryOfCollege, { role: "secretary", unitId: 8, unitPath: "/1/8/" }];
    expect(scopePaths(grants, "people:view").sort()).toEqual(["/1/7/", "/1/70/", "/1/8/"]);
  });

  it("lists a path once when two roles are granted on it", () => {
    const grants: Grant[] = [secretaryOfCollege, { role: "trainer", unitId: 7, unitPath: "/1/7/" }];
    expect(scopePaths(grants, "org:view")).toEqual(["/1/7/"]);
  });

  it("counts only grants whose role has the permission", () => {
    // The trainer's root grant would swallow the college, but trainers cannot manage people.
    expect(scopePaths([trainerOfRoot, secretaryOfCollege], "people:manage")).toEqual(["/1/7/"]);
    expect(scopePaths([trainerOfRoot, secretaryOfCollege], "org:view")).toEqual(["/1/"]);
    expect(scopePaths([trainerOfRoot], "people:view")).toEqual([]);
  });
});

describe("hasAnyGrant", () => {
  it("is true when some grant's role has the permission, wherever it is", () => {
    expect(hasAnyGrant([trainerOfRoot], "org:view")).toBe(true);
    expect(hasAnyGrant([trainerOfRoot], "notices:post")).toBe(false);
    expect(hasAnyGrant([], "org:view")).toBe(false);
  });
});

describe("grantsOutrank", () => {
  const g = (role: "trainer" | "secretary" | "admin", unitPath: string) => ({ role, unitId: 0, unitPath });
  it("lets a higher or equal role over the same unit or above act", () => {
    expect(grantsOutrank([g("admin", "/1/")], [g("admin", "/1/7/")])).toBe(true);
    expect(grantsOutrank([g("secretary", "/1/7/")], [g("trainer", "/1/7/42/")])).toBe(true);
    expect(grantsOutrank([g("secretary", "/1/7/")], [])).toBe(true);
  });
  it("refuses a lower role, or the same role over a narrower unit", () => {
    expect(grantsOutrank([g("secretary", "/1/")], [g("admin", "/1/7/")])).toBe(false);
    expect(grantsOutrank([g("admin", "/1/7/")], [g("admin", "/1/")])).toBe(false);
    expect(grantsOutrank([g("admin", "/1/7/")], [g("trainer", "/1/8/")])).toBe(false);
  });
  it("needs every grant of the other person covered", () => {
    expect(grantsOutrank([g("admin", "/1/7/")], [g("secretary", "/1/7/9/"), g("secretary", "/1/8/")])).toBe(false);
  });
});
