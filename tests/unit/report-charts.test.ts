import { describe, expect, it } from "vitest";
import { shortUnitName } from "~/lib/unit-names";

describe("unit names on a phone's chart", () => {
  it("drops what a child unit's name shares with its parent's", () => {
    expect(shortUnitName("计算机学院本科生第一党支部", "计算机学院党委")).toBe("本科生第一党支部");
    expect(shortUnitName("计算机学院党委（本级）", "计算机学院党委")).toBe("本级");
  });

  it("keeps a name that shares little or nothing, or would be left empty", () => {
    expect(shortUnitName("机关党委", "示范大学党委")).toBe("机关党委");
    expect(shortUnitName("计算机学院", "计算机学院")).toBe("计算机学院");
    expect(shortUnitName("计学院", "计算机学院")).toBe("计学院");
  });
});
