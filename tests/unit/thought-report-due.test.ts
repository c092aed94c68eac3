import { describe, expect, it } from "vitest";
import { thoughtReportDue } from "~/lib/pipeline/thought-report-due";

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe("the quarterly 思想汇报 in the due list", () => {
  it("is overdue for the last quarter when none was handed in, and due by this quarter's last day", () => {
    const items = thoughtReportDue(d("2026-12-02"), d("2026-01-15"), new Set());
    expect(items.map((i) => [i.title, i.state, i.deadline?.toISOString().slice(0, 10)])).toEqual([
      ["思想汇报（2026 年第 3 季度）", "overdue", "2026-09-30"],
      ["思想汇报（2026 年第 4 季度）", "due", "2026-12-31"],
    ]);
    expect(items[0].rule).toContain("每季度");
  });

  it("is nothing once both quarters are handed in, and the last quarter is not asked of someone who became activist during it", () => {
    expect(thoughtReportDue(d("2026-12-02"), d("2026-01-15"), new Set(["thought_report:2026Q3", "thought_report:2026Q4"]))).toEqual([]);
    expect(thoughtReportDue(d("2026-12-02"), d("2026-08-01"), new Set()).map((i) => i.state)).toEqual(["due"]);
    // Activist since the first day of the last quarter: it is asked.
    expect(thoughtReportDue(d("2026-12-02"), d("2026-07-01"), new Set(["thought_report:2026Q4"])).map((i) => i.state)).toEqual(["overdue"]);
  });

  it("takes the quarter in China: 1 January is the first quarter, the fourth is the last one", () => {
    expect(thoughtReportDue(d("2027-01-01"), d("2026-01-15"), new Set()).map((i) => i.title)).toEqual([
      "思想汇报（2026 年第 4 季度）",
      "思想汇报（2027 年第 1 季度）",
    ]);
  });
});
