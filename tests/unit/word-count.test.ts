import { describe, expect, it } from "vitest";
import { formatWordCount, wordCount } from "~/lib/word-count";

describe("wordCount", () => {
  it("counts each Chinese character once and no punctuation or whitespace", () => {
    expect(wordCount("学习党章党规。")).toBe(6);
    expect(wordCount("“不忘初心，牢记使命！”")).toBe(8);
    expect(wordCount("  \n\t  ")).toBe(0);
    expect(wordCount("")).toBe(0);
  });

  it("counts a run of Latin letters or digits as one word", () => {
    expect(wordCount("Party school")).toBe(2);
    expect(wordCount("2026年学习心得")).toBe(6);
    expect(wordCount("学习XI思想")).toBe(5);
    expect(wordCount("ＡＢＣ１２３")).toBe(1);
  });

  it("keeps a word joined by an apostrophe, hyphen or dot, and splits at other signs", () => {
    expect(wordCount("don't COVID-19 3.5")).toBe(3);
    expect(wordCount("end. Next")).toBe(2);
    expect(wordCount("a-")).toBe(1);
    expect(wordCount("a/b")).toBe(2);
    expect(wordCount("第3.5节")).toBe(3);
  });

  it("counts no emoji or symbols, and kana and Hangul per character", () => {
    expect(wordCount("👍🇨🇳★※")).toBe(0);
    expect(wordCount("ひらがな한국")).toBe(6);
  });

  it("formats a count with thousands separators", () => {
    expect(formatWordCount(3000)).toBe("3,000 字");
  });
});
