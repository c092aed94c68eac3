import { describe, expect, it } from "vitest";
import {
  DEFAULT_GRADING_RULE,
  GradingRuleSchema,
  RuleFormSchema,
  describeRule,
  excellentMembers,
  formFromRule,
  gradeMember,
  parseGradingRule,
  ruleFromForm,
} from "~/lib/class-grading";

const rule = DEFAULT_GRADING_RULE; // 学习 30 + 心得 20 + 考试 50, 考试 ≥ 60, pass 60, 优秀 ≥ 85 top 10 %

describe("gradeMember", () => {
  it("weighs the components and passes at the pass mark", () => {
    const g = gradeMember(rule, { study: { score: 10000 }, essay: { score: 8000 }, exam: { score: 7000 } });
    expect(g.total).toBe(3000 + 1600 + 3500);
    expect(g.passed).toBe(true);
    expect(g.reasons).toEqual([]);
    expect(g.components.map((c) => c.counted)).toEqual([3000, 1600, 3500]);
  });

  it("fails a member below a component's minimum whatever the total", () => {
    const g = gradeMember(rule, { study: { score: 10000 }, essay: { score: 10000 }, exam: { score: 5900 } });
    expect(g.total).toBe(7950);
    expect(g.passed).toBe(false);
    expect(g.reasons).toEqual(["考试 59 分，低于最低要求 60 分"]);
  });

  it("fails a total below the pass mark", () => {
    const g = gradeMember(rule, { study: { score: 2000 }, essay: { score: 5000 }, exam: { score: 6000 } });
    expect(g.total).toBe(600 + 1000 + 3000);
    expect(g.reasons).toEqual(["总分 46 分，低于合格分数线 60 分"]);
  });

  it("never reads a missing exam as zero: no total, and the reason", () => {
    const g = gradeMember(rule, { study: { score: 10000 }, essay: { score: 9000 } });
    expect(g.total).toBeNull();
    expect(g.passed).toBe(false);
    expect(g.reasons).toEqual(["未参加结业考试"]);
    expect(
      gradeMember(rule, { study: { score: 10000 }, essay: { score: null, missingReason: "心得《学习体会》未提交" }, exam: { score: 9000 } }).reasons,
    ).toEqual(["心得《学习体会》未提交"]);
  });

  it("counts a missing figure as 0 when the rule says so", () => {
    const r = GradingRuleSchema.parse({ ...rule, components: rule.components.map((c) => (c.key === "essay" ? { ...c, missingAsZero: true } : c)) });
    const g = gradeMember(r, { study: { score: 10000 }, exam: { score: 10000 } });
    expect(g.total).toBe(8000);
    expect(g.passed).toBe(true);
  });

  it("grades a university's 机试 70 % + 平时 10 % + 心得 20 %", () => {
    const r = GradingRuleSchema.parse({
      components: [
        { key: "exam", weight: 70 },
        { key: "attendance", weight: 10 },
        { key: "essay", weight: 20 },
      ],
      passMark: 60,
    });
    expect(gradeMember(r, { exam: { score: 8150 }, attendance: { score: 5000 }, essay: { score: 7500 } }).total).toBe(5705 + 500 + 1500);
  });
});

describe("excellentMembers", () => {
  const grades = [
    { personId: 1, passed: true, total: 9500 },
    { personId: 2, passed: true, total: 9000 },
    { personId: 3, passed: true, total: 9000 },
    { personId: 4, passed: true, total: 8400 },
    { personId: 5, passed: false, total: 9900 },
    ...Array.from({ length: 15 }, (_, i) => ({ personId: 10 + i, passed: true, total: 7000 })),
  ];

  it("takes the best topPercent of those passed at or above the line, ties with the last admitted included", () => {
    // 19 passed → floor(19 × 10 %) = 1 place.
    expect([...excellentMembers(rule, grades)]).toEqual([1]);
    const r = { ...rule, excellent: { minTotal: 85, topPercent: 15 } }; // 2 places: 9500 and 9000, both 9000s tie
    expect([...excellentMembers(r, grades)].sort()).toEqual([1, 2, 3]);
  });

  it("without a percentage takes everyone passed at or above the line, never a failed member", () => {
    expect([...excellentMembers({ ...rule, excellent: { minTotal: 85, topPercent: null } }, grades)].sort()).toEqual([1, 2, 3]);
    expect(excellentMembers({ ...rule, excellent: null }, grades).size).toBe(0);
  });
});

describe("the rule as data", () => {
  it("refuses weights that do not sum to 100, naming the field", () => {
    const r = GradingRuleSchema.safeParse({ components: [{ key: "exam", weight: 50 }], passMark: 60 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["components"], message: "各部分权重之和须为 100%，现为 50%" });
  });

  it("refuses an unreadable stored rule instead of grading by a default", () => {
    expect(parseGradingRule("{")).toEqual({ ok: false, message: "评分规则无法读取，请重新设置" });
    expect(parseGradingRule(JSON.stringify(rule))).toEqual({ ok: true, rule });
  });

  it("goes to and from the form", () => {
    const values = formFromRule(rule);
    expect(values).toMatchObject({ studyWeight: "30", essayWeight: "20", examWeight: "50", examMin: "60", passMark: "60", excellentMinTotal: "85" });
    const form = RuleFormSchema.parse({
      studyWeight: 30,
      essayWeight: 20,
      examWeight: 50,
      examMin: 60,
      passMark: 60,
      excellentMinTotal: 85,
      excellentTopPercent: 10,
    });
    expect(ruleFromForm(form)).toEqual(rule);
    const bad = RuleFormSchema.safeParse({ studyWeight: 30, examWeight: 50, essayMin: 60, passMark: 60 });
    expect(bad.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["essayMin", "“心得”未计入总分，不能设最低分"],
      ["weights", "各部分权重之和须为 100%，现为 80%"],
    ]);
  });

  it("says the rule in one line", () => {
    expect(describeRule(rule)).toBe("学习 30% + 心得 20% + 考试 50%（考试 ≥ 60）；总分 ≥ 60 合格；优秀学员：总分 ≥ 85，且在合格学员的前 10%");
  });
});
