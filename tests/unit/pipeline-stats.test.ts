import { describe, expect, it } from "vitest";
import { median, stageTransitions } from "~/lib/pipeline/stats";

describe("pipeline stats", () => {
  it("takes the median of odd and even counts, null for none", () => {
    expect(median([])).toBeNull();
    expect(median([92, 10, 60])).toBe(60);
    expect(median([60, 92, 90, 60])).toBe(75);
  });

  it("measures consecutive stage steps only, leaving out a pair out of order", () => {
    const d = (s: string) => new Date(`${s}T00:00:00Z`);
    const files = new Map([
      [
        1,
        new Map([
          ["apply", d("2024-01-01")],
          ["recommend", d("2024-03-01")],
          ["target-decide", d("2025-03-05")],
        ]),
      ],
      // Back-filled with the activist day before the application: not counted.
      [
        2,
        new Map([
          ["apply", d("2024-05-01")],
          ["recommend", d("2024-04-01")],
        ]),
      ],
      // A step skipped in the file: no 申请 → 积极分子 pair, and none to 发展对象 either.
      [
        3,
        new Map([
          ["apply", d("2024-01-01")],
          ["target-decide", d("2025-01-01")],
        ]),
      ],
    ]);
    const t = stageTransitions(files);
    expect(t.map((x) => [x.people, x.medianDays])).toEqual([
      [1, 60],
      [1, 369],
      [0, null],
      [0, null],
    ]);
    expect(t[0]).toMatchObject({ from: "递交入党申请书", to: "确定为入党积极分子" });
  });
});
