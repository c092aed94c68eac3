import { describe, expect, it } from "vitest";
import { checkPlausibility, questionTextLength } from "~/lib/quiz-plausibility";

const start = new Date("2026-11-01T08:00:00Z");
const at = (s: number) => new Date(start.getTime() + s * 1000);
// 60 characters each: 4 s to read at 15 characters a second.
const items = (answerSeconds: (number | null)[]) => answerSeconds.map((s) => ({ textLength: 60, answeredAt: s === null ? null : at(s) }));

describe("checkPlausibility", () => {
  it("passes an attempt answered at reading speed or slower", () => {
    expect(checkPlausibility(start, items([10, 20, 30, 40, 50]))).toEqual({ flagged: false });
    // 5 × 4 s = 20 s of reading; the last answer at exactly 20 s is still plausible.
    expect(checkPlausibility(start, items([12, 13, 14, 15, 20]))).toEqual({ flagged: false });
  });

  it("flags a paper answered faster than it can be read, with the evidence", () => {
    const v = checkPlausibility(start, items([11, 12, 13, 14, 15]));
    expect(v).toEqual({
      flagged: true,
      evidence: { rule: "reading_speed", answered: 5, spanSeconds: 15, readingSeconds: 20, charsPerSecond: 15, medianGapSeconds: 1 },
    });
  });

  it("flags every answer within seconds of the start whatever the text length", () => {
    const short = [1, 2, 3].map((s) => ({ textLength: 5, answeredAt: at(s) }));
    const v = checkPlausibility(start, short);
    expect(v.flagged && v.evidence.rule).toBe("all_at_once");
  });

  it("does not flag answers saved all at once after time spent reading (no-JavaScript submit)", () => {
    expect(checkPlausibility(start, items([300, 300, 300, 300, 300])).flagged).toBe(false);
  });

  it("needs a few answers before it says anything, and ignores unanswered questions", () => {
    expect(checkPlausibility(start, items([1, 2, null, null])).flagged).toBe(false);
    expect(checkPlausibility(start, items([]))).toEqual({ flagged: false });
    const v = checkPlausibility(start, items([10.5, 11, 11.5, null, null]));
    expect(v.flagged && v.evidence.readingSeconds).toBe(12);
  });

  it("takes the rules as parameters", () => {
    const lenient = { charsPerSecond: 60, minAnswered: 3, allWithinSeconds: 2 };
    expect(checkPlausibility(start, items([11, 12, 13, 14, 15]), lenient).flagged).toBe(false);
  });
});

describe("questionTextLength", () => {
  it("counts the characters of the stem and options, not whitespace", () => {
    expect(questionTextLength("党的 最高领导机关", { A: "全国代表大会", B: "中央委员会" })).toBe(8 + 6 + 5);
    expect(questionTextLength("判断题", null)).toBe(3);
  });
});
