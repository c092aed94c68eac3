import { describe, expect, it } from "vitest";
import { median, outcomeOf, stageTransitions } from "~/lib/pipeline/stats";

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

  it("tells 按期转正 from a 转正 after an approved 延长预备期, and counts the approvals of 延长 and 取消", () => {
    expect(outcomeOf("turn-approve", new Set(["turn-meeting", "turn-approve"]))).toBe("turn-on-time");
    // A decided but unapproved extension does not make the 转正 an extended one.
    expect(outcomeOf("turn-approve", new Set(["extend-meeting", "turn-approve"]))).toBe("turn-on-time");
    expect(outcomeOf("turn-approve", new Set(["extend-meeting", "extend-approve", "turn-approve"]))).toBe("turn-extended");
    expect(outcomeOf("extend-approve", new Set(["extend-approve"]))).toBe("extend-approve");
    expect(outcomeOf("cancel-approve", new Set(["cancel-approve"]))).toBe("cancel-approve");
    expect(outcomeOf("admit-meeting", new Set(["admit-meeting"]))).toBeNull();
  });
});
