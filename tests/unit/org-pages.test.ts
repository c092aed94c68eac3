import { describe, expect, it } from "vitest";
import { COLUMN_KINDS, columnHoldsArticles, mayReadPage, paragraphsOf } from "~/lib/org-pages";

describe("who reads a unit's page", () => {
  const member = { unitPath: "/1/4/9/", grants: [] };
  it("is everyone on the unit's subtree: a member reads her committee, college and branch", () => {
    expect(["/1/", "/1/4/", "/1/4/9/"].map((p) => mayReadPage(member, p))).toEqual([true, true, true]);
  });
  it("is nobody outside it, a sibling branch or another college included", () => {
    expect(["/1/4/10/", "/1/5/", "/1/5/12/", "/1/4/9/30/"].map((p) => mayReadPage(member, p))).toEqual([false, false, false, false]);
    // A path is compared by whole segments: unit 4 is not unit 41.
    expect(mayReadPage({ unitPath: "/1/41/", grants: [] }, "/1/4/")).toBe(false);
  });
  it("includes who may view or manage the unit, from above", () => {
    const secretary = { unitPath: "/1/4/9/", grants: [{ role: "secretary" as const, unitId: 5, unitPath: "/1/5/" }] };
    expect(mayReadPage(secretary, "/1/5/12/")).toBe(true);
    expect(mayReadPage(secretary, "/1/6/")).toBe(false);
  });
});

describe("columns and bodies", () => {
  it("lets every kind but notices and downloads hold articles", () => {
    expect(COLUMN_KINDS.filter(columnHoldsArticles)).toEqual(["requirements", "school_news", "college_style", "branch_life"]);
  });
  it("splits a body at blank lines, keeps single line breaks, drops empty paragraphs", () => {
    expect(paragraphsOf("一\r\n二\r\n\r\n\r\n  三  \n \n")).toEqual(["一\n二", "三"]);
    expect(paragraphsOf("<b>x</b>")).toEqual(["<b>x</b>"]);
  });
});
