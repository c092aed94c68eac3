import { describe, expect, it } from "vitest";
import { gradeAttempt, gradeQuestion, normalizeFillAnswer, type AttemptItem, type QuestionKey } from "~/lib/quiz-grading";

const RIGHT = (mark: number) => ({ correct: true, mark });
const WRONG = { correct: false, mark: 0 };

describe("normalizeFillAnswer", () => {
  it("turns full-width letters and digits into half-width and folds case", () => {
    expect(normalizeFillAnswer("ＣＰＣ")).toBe("cpc");
    expect(normalizeFillAnswer("ＡＢＣ")).toBe("abc");
    expect(normalizeFillAnswer("ABC")).toBe("abc");
    expect(normalizeFillAnswer("３２学时")).toBe("32学时");
  });

  it("trims, including the ideographic space, and collapses inner whitespace", () => {
    expect(normalizeFillAnswer("  三会一课 ")).toBe("三会一课");
    expect(normalizeFillAnswer("\u3000三会一课\u3000")).toBe("三会一课");
    expect(normalizeFillAnswer("Xi   Jinping")).toBe("xi jinping");
    expect(normalizeFillAnswer("Xi\u3000Jinping")).toBe("xi jinping");
    expect(normalizeFillAnswer("\tmarx \n engels ")).toBe("marx engels");
  });

  it("drops a space beside a Han character but keeps one between Latin words or numbers", () => {
    expect(normalizeFillAnswer("３２ 学时")).toBe("32学时");
    expect(normalizeFillAnswer("三 会 一 课")).toBe("三会一课");
    expect(normalizeFillAnswer("CPC 党章")).toBe("cpc党章");
    expect(normalizeFillAnswer("3 2")).toBe("3 2");
    expect(normalizeFillAnswer("3 2")).not.toBe(normalizeFillAnswer("32"));
  });

  it("ignores punctuation around the answer, full-width or not", () => {
    expect(normalizeFillAnswer("三会一课。")).toBe("三会一课");
    expect(normalizeFillAnswer("三会一课．")).toBe("三会一课");
    expect(normalizeFillAnswer("三会一课.")).toBe("三会一课");
    expect(normalizeFillAnswer("、三会一课，")).toBe("三会一课");
    expect(normalizeFillAnswer("“三会一课”")).toBe("三会一课");
    expect(normalizeFillAnswer("《中国共产党章程》")).toBe("中国共产党章程");
    expect(normalizeFillAnswer(" 三会一课 。 ")).toBe("三会一课");
  });

  it("keeps punctuation inside the answer and symbols that carry meaning", () => {
    expect(normalizeFillAnswer("学党章党规、学系列讲话")).toBe("学党章党规、学系列讲话");
    expect(normalizeFillAnswer("５０％")).toBe("50%");
    expect(normalizeFillAnswer("50%")).not.toBe(normalizeFillAnswer("50"));
  });

  it("removes zero-width characters pasted along with the answer", () => {
    expect(normalizeFillAnswer("三会\u200b一课")).toBe("三会一课");
  });

  it("reduces whitespace and punctuation alone to nothing", () => {
    expect(normalizeFillAnswer("   ")).toBe("");
    expect(normalizeFillAnswer("。")).toBe("");
  });
});

describe("gradeQuestion: single choice", () => {
  const key: QuestionKey = { type: "single", answer: "B" };

  it("gives the full mark for the right letter and 0 for another", () => {
    expect(gradeQuestion(key, "B", 500)).toEqual(RIGHT(500));
    expect(gradeQuestion(key, "A", 500)).toEqual(WRONG);
  });

  it("grades unanswered as wrong", () => {
    expect(gradeQuestion(key, null, 500)).toEqual(WRONG);
    expect(gradeQuestion(key, "", 500)).toEqual(WRONG);
    expect(gradeQuestion(key, undefined, 500)).toEqual(WRONG);
  });

  it("grades malformed responses as wrong without throwing", () => {
    expect(gradeQuestion(key, ["B"], 500)).toEqual(WRONG);
    expect(gradeQuestion(key, "b", 500)).toEqual(WRONG);
    expect(gradeQuestion(key, " B", 500)).toEqual(WRONG);
    expect(gradeQuestion(key, "G", 500)).toEqual(WRONG);
    expect(gradeQuestion(key, true, 500)).toEqual(WRONG);
    expect(gradeQuestion(key, 1, 500)).toEqual(WRONG);
    expect(gradeQuestion(key, { answer: "B" }, 500)).toEqual(WRONG);
  });
});

describe("gradeQuestion: multiple choice", () => {
  const key: QuestionKey = { type: "multiple", answer: ["A", "C", "D"] };

  it("gives the full mark for exactly the right set, in any order, with duplicates ignored", () => {
    expect(gradeQuestion(key, ["A", "C", "D"], 600)).toEqual(RIGHT(600));
    expect(gradeQuestion(key, ["D", "A", "C"], 600)).toEqual(RIGHT(600));
    expect(gradeQuestion(key, ["C", "D", "A", "C", "A"], 600)).toEqual(RIGHT(600));
  });

  it("is all-or-nothing by default", () => {
    expect(gradeQuestion(key, ["A", "C"], 600)).toEqual(WRONG);
    expect(gradeQuestion(key, ["A", "C"], 600, { partial: "none" })).toEqual(WRONG);
    expect(gradeQuestion(key, ["A", "B", "C", "D"], 600)).toEqual(WRONG);
  });

  it("gives proportional credit for a subset of the right options, rounded down", () => {
    const proportional = { partial: "proportional" } as const;
    expect(gradeQuestion(key, ["A", "C"], 600, proportional)).toEqual({ correct: false, mark: 400 });
    expect(gradeQuestion(key, ["C"], 600, proportional)).toEqual({ correct: false, mark: 200 });
    // 500 × 2 / 3 = 333.33… → 333; 500 × 1 / 3 = 166.66… → 166 (down, not to nearest)
    expect(gradeQuestion(key, ["D", "A"], 500, proportional)).toEqual({ correct: false, mark: 333 });
    expect(gradeQuestion(key, ["D"], 500, proportional)).toEqual({ correct: false, mark: 166 });
    expect(gradeQuestion(key, ["A", "C", "D"], 500, proportional)).toEqual(RIGHT(500));
    expect(gradeQuestion(key, ["C", "C", "A"], 600, proportional)).toEqual({ correct: false, mark: 400 });
  });

  it("gives no proportional credit when any wrong option is chosen", () => {
    const proportional = { partial: "proportional" } as const;
    expect(gradeQuestion(key, ["A", "B"], 600, proportional)).toEqual(WRONG);
    expect(gradeQuestion(key, ["A", "B", "C", "D"], 600, proportional)).toEqual(WRONG);
  });

  it("grades unanswered as wrong", () => {
    expect(gradeQuestion(key, null, 600)).toEqual(WRONG);
    expect(gradeQuestion(key, [], 600)).toEqual(WRONG);
    expect(gradeQuestion(key, [], 600, { partial: "proportional" })).toEqual(WRONG);
  });

  it("grades malformed responses as wrong without throwing, even with partial credit", () => {
    const proportional = { partial: "proportional" } as const;
    expect(gradeQuestion(key, "ACD", 600)).toEqual(WRONG);
    expect(gradeQuestion(key, "A", 600, proportional)).toEqual(WRONG);
    expect(gradeQuestion(key, ["A", "C", "D", "G"], 600)).toEqual(WRONG);
    expect(gradeQuestion(key, ["A", "X"], 600, proportional)).toEqual(WRONG);
    expect(gradeQuestion(key, ["a", "c", "d"], 600)).toEqual(WRONG);
    expect(gradeQuestion(key, ["A", 3], 600, proportional)).toEqual(WRONG);
    expect(gradeQuestion(key, [null], 600)).toEqual(WRONG);
    expect(gradeQuestion(key, true, 600)).toEqual(WRONG);
  });
});

describe("gradeQuestion: true/false", () => {
  it("gives the full mark only for the same boolean", () => {
    expect(gradeQuestion({ type: "judge", answer: true }, true, 200)).toEqual(RIGHT(200));
    expect(gradeQuestion({ type: "judge", answer: true }, false, 200)).toEqual(WRONG);
    expect(gradeQuestion({ type: "judge", answer: false }, false, 200)).toEqual(RIGHT(200));
    expect(gradeQuestion({ type: "judge", answer: false }, true, 200)).toEqual(WRONG);
  });

  it("grades unanswered and malformed responses as wrong, in particular a false key against null", () => {
    const key: QuestionKey = { type: "judge", answer: false };
    expect(gradeQuestion(key, null, 200)).toEqual(WRONG);
    expect(gradeQuestion(key, undefined, 200)).toEqual(WRONG);
    expect(gradeQuestion(key, "", 200)).toEqual(WRONG);
    expect(gradeQuestion(key, "false", 200)).toEqual(WRONG);
    expect(gradeQuestion(key, 0, 200)).toEqual(WRONG);
    expect(gradeQuestion(key, [false], 200)).toEqual(WRONG);
  });
});

describe("gradeQuestion: fill in the blank", () => {
  const key: QuestionKey = { type: "fill", answer: ["三会一课"] };

  it("accepts the answer with surrounding spaces, punctuation or spaces inside", () => {
    expect(gradeQuestion(key, "三会一课", 300)).toEqual(RIGHT(300));
    expect(gradeQuestion(key, "  三会一课 ", 300)).toEqual(RIGHT(300));
    expect(gradeQuestion(key, "\u3000三会一课。", 300)).toEqual(RIGHT(300));
    expect(gradeQuestion(key, "三会 一课", 300)).toEqual(RIGHT(300));
  });

  it("rejects a different answer", () => {
    expect(gradeQuestion(key, "三会两课", 300)).toEqual(WRONG);
    expect(gradeQuestion(key, "三会一课 主题党日", 300)).toEqual(WRONG);
  });

  it("treats full-width, half-width and case as the same", () => {
    const cpc: QuestionKey = { type: "fill", answer: ["CPC"] };
    expect(gradeQuestion(cpc, "ＣＰＣ", 100)).toEqual(RIGHT(100));
    expect(gradeQuestion(cpc, "cpc", 100)).toEqual(RIGHT(100));
    expect(gradeQuestion(cpc, "Cpc", 100)).toEqual(RIGHT(100));
    const hours: QuestionKey = { type: "fill", answer: ["32学时"] };
    for (const given of ["３２学时", " 32学时 ", "３２ 学时", "32 学时。"]) {
      expect(gradeQuestion(hours, given, 100), given).toEqual(RIGHT(100));
    }
    expect(gradeQuestion(hours, "23学时", 100)).toEqual(WRONG);
  });

  it("accepts any of several answers, each normalised the same way", () => {
    const several: QuestionKey = { type: "fill", answer: ["中国共产党章程", "党章", "ＣＰＣ Constitution"] };
    expect(gradeQuestion(several, "《中国共产党章程》", 100)).toEqual(RIGHT(100));
    expect(gradeQuestion(several, "党章", 100)).toEqual(RIGHT(100));
    expect(gradeQuestion(several, "cpc constitution", 100)).toEqual(RIGHT(100));
    expect(gradeQuestion(several, "党规", 100)).toEqual(WRONG);
  });

  it("grades unanswered and malformed responses as wrong", () => {
    expect(gradeQuestion(key, null, 300)).toEqual(WRONG);
    expect(gradeQuestion(key, "", 300)).toEqual(WRONG);
    expect(gradeQuestion(key, "   ", 300)).toEqual(WRONG);
    expect(gradeQuestion(key, "。", 300)).toEqual(WRONG);
    expect(gradeQuestion(key, ["三会一课"], 300)).toEqual(WRONG);
    expect(gradeQuestion(key, true, 300)).toEqual(WRONG);
    expect(gradeQuestion(key, 32, 300)).toEqual(WRONG);
  });
});

describe("gradeQuestion: invalid keys and marks", () => {
  it("throws on a mark that is not a non-negative integer", () => {
    const key: QuestionKey = { type: "single", answer: "A" };
    expect(() => gradeQuestion(key, "A", 2.5)).toThrow(RangeError);
    expect(() => gradeQuestion(key, "A", -100)).toThrow(RangeError);
    expect(() => gradeQuestion(key, "A", Number.NaN)).toThrow(RangeError);
    expect(gradeQuestion(key, "A", 0)).toEqual(RIGHT(0));
  });

  it("throws on a key no response could match", () => {
    expect(() => gradeQuestion({ type: "single", answer: "G" }, "G", 100)).toThrow(TypeError);
    expect(() => gradeQuestion({ type: "multiple", answer: [] }, [], 100)).toThrow(TypeError);
    expect(() => gradeQuestion({ type: "multiple", answer: ["A", "z"] }, ["A"], 100)).toThrow(TypeError);
    expect(() => gradeQuestion({ type: "fill", answer: [] }, "x", 100)).toThrow(TypeError);
    expect(() => gradeQuestion({ type: "fill", answer: ["党章", " 。"] }, "党章", 100)).toThrow(TypeError);
  });
});

describe("gradeAttempt", () => {
  const items: AttemptItem[] = [
    { key: { type: "single", answer: "A" }, response: "A", maxMark: 500 },
    { key: { type: "multiple", answer: ["A", "B", "C"] }, response: ["B", "A"], maxMark: 600, partial: "proportional" },
    { key: { type: "judge", answer: false }, response: true, maxMark: 200 },
    { key: { type: "fill", answer: ["三会一课"] }, response: " 三会一课 ", maxMark: 300 },
    { key: { type: "single", answer: "C" }, response: null, maxMark: 400 },
  ];

  it("sums marks, counts correct answers and keeps each result in order", () => {
    const grade = gradeAttempt(items);
    expect(grade.mark).toBe(500 + 400 + 0 + 300 + 0);
    expect(grade.maxMark).toBe(2000);
    expect(grade.correctCount).toBe(2);
    expect(grade.questionCount).toBe(5);
    expect(grade.results).toEqual([RIGHT(500), { correct: false, mark: 400 }, WRONG, RIGHT(300), WRONG]);
    expect(grade.percent).toBe(60);
  });

  it("gives a percent with one decimal, rounded down, so only a full paper shows 100", () => {
    const ofMarks = (earned: number, total: number) =>
      gradeAttempt([
        { key: { type: "judge", answer: true }, response: true, maxMark: earned },
        { key: { type: "judge", answer: true }, response: false, maxMark: total - earned },
      ]).percent;
    expect(ofMarks(1, 3)).toBe(33.3);
    expect(ofMarks(2, 3)).toBe(66.6);
    expect(ofMarks(5, 6)).toBe(83.3);
    expect(ofMarks(9999, 10000)).toBe(99.9);
    expect(ofMarks(10000, 10000)).toBe(100);
    expect(ofMarks(0, 10000)).toBe(0);
    // 0.1 + 0.2 style noise never shows: every percent is exactly tenths / 10
    for (let earned = 0; earned <= 700; earned++) {
      const p = ofMarks(earned, 700);
      expect(String(p)).toMatch(/^\d{1,3}(\.\d)?$/);
    }
  });

  it("gives 0% for an empty attempt or one worth nothing", () => {
    expect(gradeAttempt([])).toEqual({ mark: 0, maxMark: 0, correctCount: 0, questionCount: 0, percent: 0, results: [] });
    expect(gradeAttempt([{ key: { type: "judge", answer: true }, response: true, maxMark: 0 }]).percent).toBe(0);
  });
});
