import { describe, expect, it } from "vitest";
import { foldForMatching, matchSensitiveWords, normaliseListedWord } from "~/lib/sensitive-words";

describe("sensitive words", () => {
  const list = ["敏感词", "Bad Word", "赌博"];

  it("matches a listed word inside the text", () => {
    expect(matchSensitiveWords("这里有个敏感词。", list)).toEqual(["敏感词"]);
    expect(matchSensitiveWords("没有问题的发言", list)).toEqual([]);
  });

  it("sees through spacing, punctuation, zero-width characters, width and case", () => {
    expect(matchSensitiveWords("敏 感\u200b词", list)).toEqual(["敏感词"]);
    expect(matchSensitiveWords("敏*感-词", list)).toEqual(["敏感词"]);
    expect(matchSensitiveWords("ＢＡＤ　ｗｏｒｄ", list)).toEqual(["Bad Word"]);
    expect(matchSensitiveWords("赌.博和敏感词", list)).toEqual(["敏感词", "赌博"]);
  });

  it("keeps the list's words sensible", () => {
    expect(normaliseListedWord("  赌博 ")).toEqual({ ok: true, word: "赌博" });
    expect(normaliseListedWord(" ")).toMatchObject({ ok: false });
    expect(normaliseListedWord("……")).toMatchObject({ ok: false });
    expect(normaliseListedWord("字".repeat(31))).toMatchObject({ ok: false });
    expect(foldForMatching("Ａ b")).toBe("ab");
  });

  it("never matches an empty word", () => {
    expect(matchSensitiveWords("任何内容", ["", "  "])).toEqual([]);
  });
});
