import { describe, expect, it } from "vitest";
import { applicableReviewSetting, lineDiff, reviewRequired } from "~/lib/review-rules";

// Which unit's review setting applies (docs/decisions/052): the nearest one on the unit's path.

describe("review settings", () => {
  const path = "/1/4/9/";

  it("requires nothing when no unit on the path has a setting", () => {
    expect(reviewRequired(path, [])).toBe(false);
    expect(reviewRequired(path, [{ unitId: 5, required: true }])).toBe(false);
    expect(applicableReviewSetting(path, [])).toBeNull();
  });

  it("applies a unit's setting to its whole subtree", () => {
    expect(reviewRequired(path, [{ unitId: 1, required: true }])).toBe(true);
    expect(reviewRequired(path, [{ unitId: 4, required: true }])).toBe(true);
    expect(reviewRequired("/1/", [{ unitId: 4, required: true }])).toBe(false);
  });

  it("lets a unit below set its own, the nearest setting winning either way", () => {
    expect(
      reviewRequired(path, [
        { unitId: 1, required: true },
        { unitId: 9, required: false },
      ]),
    ).toBe(false);
    expect(
      reviewRequired(path, [
        { unitId: 1, required: false },
        { unitId: 4, required: true },
      ]),
    ).toBe(true);
    expect(
      reviewRequired("/1/4/10/", [
        { unitId: 4, required: true },
        { unitId: 9, required: false },
      ]),
    ).toBe(true);
    expect(
      applicableReviewSetting(path, [
        { unitId: 9, required: false },
        { unitId: 4, required: true },
      ]),
    ).toEqual({ unitId: 9, required: false });
  });

  it("does not read unit 4 into a path holding unit 14 or 41", () => {
    expect(reviewRequired("/1/14/41/", [{ unitId: 4, required: true }])).toBe(false);
  });
});

describe("line diff", () => {
  it("keeps common lines and marks what was removed and added", () => {
    expect(lineDiff("一\n二\n三", "一\n贰\n三\n四")).toEqual([
      { kind: "same", text: "一" },
      { kind: "removed", text: "二" },
      { kind: "added", text: "贰" },
      { kind: "same", text: "三" },
      { kind: "added", text: "四" },
    ]);
  });

  it("shows an unchanged text as unchanged", () => {
    expect(lineDiff("a\nb", "a\nb").every((l) => l.kind === "same")).toBe(true);
  });
});
