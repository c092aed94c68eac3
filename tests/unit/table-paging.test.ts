import { describe, expect, it } from "vitest";
import { pageNumbers, pageWindow, sortRows } from "~/lib/table-paging";

describe("pageNumbers", () => {
  it("shows every page of a short list", () => {
    expect(pageNumbers(1, 1)).toEqual([1]);
    expect(pageNumbers(3, 5)).toEqual([1, 2, 3, 4, 5]);
  });
  it("shows first, last and the current page's neighbours, with gaps for the rest", () => {
    expect(pageNumbers(120, 239)).toEqual([1, "gap", 118, 119, 120, 121, 122, "gap", 239]);
    expect(pageNumbers(1, 239)).toEqual([1, 2, 3, "gap", 239]);
    expect(pageNumbers(239, 239)).toEqual([1, "gap", 237, 238, 239]);
  });
  it("never hides a single page behind a gap", () => {
    expect(pageNumbers(5, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, "gap", 10]);
  });
});

describe("pageWindow", () => {
  const q = { sort: "name", dir: "asc" as const, size: 20 as const };
  it("covers the rows of the page asked for", () => {
    expect(pageWindow(46, { ...q, page: 2 })).toMatchObject({ skip: 20, take: 20, paging: { page: 2, pages: 3, total: 46 } });
  });
  it("clamps a page past the end to the last page, and an empty list to page 1", () => {
    expect(pageWindow(46, { ...q, page: 99 })).toMatchObject({ skip: 40, paging: { page: 3 } });
    expect(pageWindow(0, { ...q, page: 5 })).toMatchObject({ skip: 0, paging: { page: 1, pages: 1 } });
  });
});

describe("sortRows", () => {
  it("sorts either way and keeps ties in their given order", () => {
    const rows = [
      { n: "a", v: 2 },
      { n: "b", v: 1 },
      { n: "c", v: 2 },
    ];
    expect(sortRows(rows, (x, y) => x.v - y.v, "desc").map((r) => r.n)).toEqual(["a", "c", "b"]);
    expect(sortRows(rows, (x, y) => x.v - y.v, "asc").map((r) => r.n)).toEqual(["b", "a", "c"]);
  });
});
