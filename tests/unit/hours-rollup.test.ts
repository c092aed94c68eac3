import { describe, expect, it } from "vitest";
import { type BehindSort, type PersonLine, peopleBehind, personStatusLabel, unitRollup } from "~/lib/hours-rollup";
import { type TableQuery } from "~/lib/table-paging";
import { assignmentCovers } from "~/lib/course-assignment";

let next = 1;
const line = (figures: Partial<PersonLine>): PersonLine => {
  const id = next++;
  return {
    id,
    number: `N${String(id).padStart(3, "0")}`,
    name: `人${id}`,
    unitId: 3,
    unitName: "支部",
    unitPath: "/1/2/3/",
    politicalStatus: "member",
    cadreLevel: "none",
    required: 3200,
    earned: 0,
    missing: 3200,
    total: 0,
    ...figures,
  };
};

describe("unit rollup", () => {
  it("counts completion, 参学 and the average over the people with a requirement only", () => {
    const lines = [
      line({ earned: 3200, missing: 0, total: 4000 }),
      line({ earned: 1000, missing: 2200, total: 1000 }),
      line({ earned: 0, missing: 3200, total: 0 }),
      // No requirement: counted among the people, in no rate.
      line({ required: 0, earned: 0, missing: 0, total: 500 }),
    ];
    expect(unitRollup(3, "一支部", false, lines)).toEqual({
      unitId: 3,
      name: "一支部",
      own: false,
      people: 4,
      withRequirement: 3,
      meeting: 1,
      completionRate: 33.3,
      participating: 2,
      participationRate: 66.7,
      averageEarned: 1400,
    });
  });

  it("gives no rate when nobody has a requirement", () => {
    expect(unitRollup(3, "合计", true, [line({ required: 0, missing: 0 })])).toMatchObject({
      people: 1,
      withRequirement: 0,
      completionRate: null,
      participationRate: null,
      averageEarned: null,
    });
    expect(unitRollup(3, "合计", true, [])).toMatchObject({ people: 0, completionRate: null });
  });
});

describe("people behind", () => {
  const people = [
    line({ number: "B", missing: 100 }),
    line({ number: "A", missing: 100 }),
    line({ number: "C", missing: 0 }),
    line({ number: "D", missing: 900 }),
  ];

  const query = (over: Partial<TableQuery<BehindSort>> = {}): TableQuery<BehindSort> => ({ sort: "missing", dir: "desc", page: 1, size: 20, ...over });

  it("lists the most missing first, then by number, without those who are done", () => {
    const r = peopleBehind({ people }, query());
    expect(r.paging.total).toBe(3);
    expect(r.people.map((p) => p.number)).toEqual(["D", "A", "B"]);
  });

  it("sorts by another key and narrows by name or number", () => {
    expect(peopleBehind({ people }, query({ sort: "number", dir: "desc" })).people.map((p) => p.number)).toEqual(["D", "B", "A"]);
    expect(peopleBehind({ people }, query(), "B").people.map((p) => p.number)).toEqual(["B"]);
  });

  it("pages, keeping the page asked for within the pages there are", () => {
    const many = Array.from({ length: 45 }, (_, i) => line({ number: String(100 + i), missing: 1 }));
    expect(peopleBehind({ people: many }, query({ page: 3 }))).toMatchObject({ paging: { total: 45, page: 3, pages: 3 }, people: [{}, {}, {}, {}, {}] });
    expect(peopleBehind({ people: many }, query({ page: 9 })).paging.page).toBe(3);
    expect(peopleBehind({ people: [] }, query())).toEqual({ paging: expect.objectContaining({ total: 0, page: 1, pages: 1 }), people: [] });
  });
});

describe("a person's status in words", () => {
  it("says whether a requirement is met", () => {
    expect(personStatusLabel({ required: 0, missing: 0 })).toBe("无要求");
    expect(personStatusLabel({ required: 100, missing: 0 })).toBe("已完成");
    expect(personStatusLabel({ required: 100, missing: 1 })).toBe("未完成");
  });
});

describe("assignmentCovers", () => {
  const person = { unitPath: "/1/12/123/", politicalStatus: "member", cadreLevel: "section" };

  it("requires the course of people under the assignment's unit", () => {
    expect(assignmentCovers({ unitId: 12, politicalStatus: null, cadreLevel: null }, person)).toBe(true);
    expect(assignmentCovers({ unitId: 123, politicalStatus: null, cadreLevel: null }, person)).toBe(true);
    // 1 is a prefix of 12 and 123 as text, not as a unit on the path.
    expect(assignmentCovers({ unitId: 2, politicalStatus: null, cadreLevel: null }, person)).toBe(false);
    expect(assignmentCovers({ unitId: 1234, politicalStatus: null, cadreLevel: null }, person)).toBe(false);
  });

  it("narrows by status and cadre level when the assignment names them", () => {
    expect(assignmentCovers({ unitId: 1, politicalStatus: "member", cadreLevel: "section" }, person)).toBe(true);
    expect(assignmentCovers({ unitId: 1, politicalStatus: "probationary", cadreLevel: null }, person)).toBe(false);
    expect(assignmentCovers({ unitId: 1, politicalStatus: null, cadreLevel: "division" }, person)).toBe(false);
  });
});
