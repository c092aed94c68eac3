import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { passageCandidates } from "~/lib/similarity/candidates";
import { FLAG_PERMILLE, FLAG_SOURCE_CHARS, checkAgainst, isFlagged, longestSource, parseCommonPhrases } from "~/lib/similarity/check";
import { matchPassages } from "~/lib/similarity/compare";
import {
  SHINGLE,
  SIGNATURE_LENGTH,
  bandKeys,
  frequentSetChanged,
  frequentShingles,
  minhashSignature,
  passageKeys,
  prepareCommonPhrases,
  prepareText,
  signatureBytes,
  signatureFromBytes,
} from "~/lib/similarity/fingerprint";
import { proseOfMdx } from "~/lib/similarity/mdx-text";
import { CONTEXT_CHARS, EXCERPT_CAP, excerptOf } from "~/lib/similarity/report";
import { normalizeText, originalRange } from "~/lib/similarity/normalize";
import { HONEST_ESSAYS } from "../fixtures/similarity-essays";
import { HEAVY, SYNONYMS, paraphrase } from "../fixtures/paraphrase";

// The similarity engine on essays written for it (tests/fixtures/similarity-essays.ts) and copies
// made by stated rules (tests/fixtures/paraphrase.ts): a paraphrased copy is found passage by passage;
// honest essays on the same theme, sharing the usual formulations and quotations, are not.

const PACK = prepareCommonPhrases(parseCommonPhrases(fs.readFileSync("content/similarity/common-phrases.txt", "utf8")));
const prep = (text: string) => prepareText(text, PACK);
const essays = Object.entries(HONEST_ESSAYS);

describe("normalising", () => {
  it("keeps letters and digits (NFKC, lower case) and maps each back to the original", () => {
    const original = "坚持，以人民 为中心！ＡＢＣ１２３“党章”";
    const n = normalizeText(original);
    expect(n.text).toBe("坚持以人民为中心abc123党章");
    const at = n.text.indexOf("abc");
    expect(original.slice(...originalRange(n, at, at + 6))).toBe("ＡＢＣ１２３");
    expect(original.slice(...originalRange(n, 0, 8))).toBe("坚持，以人民 为中心");
  });

  it("blanks a lesson's markup at the same offsets and keeps its prose", () => {
    const body = '导语。\n\n<Callout type="quote" source="《党章》">\n党的宗旨。\n</Callout>\n\n见[党章](https://example.cn)。';
    const prose = proseOfMdx(body);
    expect(prose).toHaveLength(body.length);
    expect(normalizeText(prose).text).toBe("导语党的宗旨见党章");
  });
});

describe("the fingerprint", () => {
  it("is deterministic and compact", () => {
    const a = minhashSignature(prep(HONEST_ESSAYS.teacher))!;
    const b = minhashSignature(prep(HONEST_ESSAYS.teacher))!;
    expect(a).toEqual(b);
    const bytes = signatureBytes(a);
    expect(bytes.byteLength).toBe(SIGNATURE_LENGTH * 4);
    expect(signatureFromBytes(bytes)).toEqual(a);
  });

  it("is absent for a text made only of common phrases", () => {
    expect(minhashSignature(prep("不忘初心、牢记使命，坚持以人民为中心。"))).toBeNull();
    expect(minhashSignature(prep("不忘初心、牢记使命，坚持以人民为中心，我要认真学习。"))).not.toBeNull();
  });

  it("puts a paraphrased copy and its source in a common LSH band, and honest essays in none", () => {
    const keys = (t: string) => new Set(bandKeys(minhashSignature(prep(t))!));
    for (const [name, text] of essays) {
      const own = keys(text);
      expect(
        [...keys(paraphrase(text))].some((k) => own.has(k)),
        name,
      ).toBe(true);
      for (const [other, otherText] of essays)
        if (other !== name)
          expect(
            [...keys(otherText)].some((k) => own.has(k)),
            `${name}/${other}`,
          ).toBe(false);
    }
  });
});

describe("comparing a pair", () => {
  it("finds a paraphrased copy of each essay, covering what was kept and not what the copier added", () => {
    for (const [name, source] of essays) {
      const copy = paraphrase(source);
      const result = checkAgainst(prep(copy), [{ ref: { kind: "submission", id: 1 }, text: prep(source) }]);
      expect(isFlagged(result.permille), `${name}: ${result.permille}‰`).toBe(true);
      const passages = result.matches[0].passages;
      // Each passage pairs a stretch of the copy with the stretch of the source it came from.
      for (const p of passages) {
        const mine = normalizeText(copy.slice(...p.sub)).text;
        const theirs = normalizeText(source.slice(...p.src)).text;
        expect(mine.length).toBeGreaterThanOrEqual(20);
        expect(sharedPrefixOrSuffix(mine, theirs), `${name}: ${mine} / ${theirs}`).toBeGreaterThanOrEqual(3);
      }
      // The copier's own sentences are not marked as copied.
      for (const own of ["这一点让我印象很深", "我把这些体会记在了笔记本上"]) {
        const at = copy.indexOf(own);
        if (at >= 0)
          expect(
            passages.some((p) => p.sub[0] <= at && at + own.length <= p.sub[1]),
            `${name}: ${own}`,
          ).toBe(false);
      }
    }
  });

  it("places a reordered, reworded sentence at its place in the source", () => {
    const source = HONEST_ESSAYS.teacher;
    const sentence = "对照这个榜样，我发现自己离一名合格的人民教师还有不小的差距，对学生的思想状况关心不够，课后交流也太少。";
    const copy = paraphrase(source);
    const reworded = "对照这个榜样、我察觉自身离一名合格的人民教师还有不小的差距";
    expect(normalizeText(copy).text).toContain(normalizeText(reworded).text);
    const { matches } = checkAgainst(prep(copy), [{ ref: { kind: "submission", id: 1 }, text: prep(source) }]);
    const at = source.indexOf(sentence);
    const hit = matches[0].passages.find((p) => p.src[0] <= at + 4 && p.src[1] >= at + sentence.length - 4);
    expect(hit, "the sentence's passage").toBeDefined();
    expect(normalizeText(copy.slice(...hit!.sub)).text).toContain(normalizeText(reworded).text);
  });

  it("names each source of a copy put together from two essays", () => {
    const half = (t: string, second: boolean) => {
      const paras = t.split("\n\n");
      const mid = Math.ceil(paras.length / 2);
      return (second ? paras.slice(mid) : paras.slice(0, mid)).join("\n\n");
    };
    const copy = paraphrase(`${half(HONEST_ESSAYS.ideals, false)}\n\n${half(HONEST_ESSAYS.history, true)}`);
    const result = checkAgainst(prep(copy), [
      { ref: { kind: "submission", id: 1 }, text: prep(HONEST_ESSAYS.ideals) },
      { ref: { kind: "submission", id: 2 }, text: prep(HONEST_ESSAYS.history) },
      { ref: { kind: "submission", id: 3 }, text: prep(HONEST_ESSAYS.teacher) },
    ]);
    expect(result.matches.map((m) => m.source.id).sort()).toEqual([1, 2]);
    expect(isFlagged(result.permille)).toBe(true);
    expect(result.permille).toBeGreaterThan(Math.max(...result.matches.map((m) => m.permille)));
  });

  it("does not flag honest essays on the same theme, and finds no passage between them", () => {
    for (const [name, text] of essays) {
      const others = essays.filter(([n]) => n !== name).map(([, t], i) => ({ ref: { kind: "submission" as const, id: i }, text: prep(t) }));
      const result = checkAgainst(prep(text), others);
      expect(result.permille, name).toBeLessThan(FLAG_PERMILLE);
      expect(result.matches, name).toEqual([]);
    }
  });

  it("owes that to the common-phrase pack: without it, the shared quotations are passages", () => {
    const bare = (t: string) => prepareText(t, []);
    const found = essays.flatMap(([a, ta]) => essays.filter(([b]) => b !== a).flatMap(([, tb]) => matchPassages(bare(ta), bare(tb))));
    expect(found.length).toBeGreaterThan(0);
  });

  it("finds a lesson's text copied into an essay, and not a correct short quotation of it", () => {
    const lesson = proseOfMdx(
      '## 一、党的宗旨\n\n<Callout type="quote" source="《中国共产党章程》">\n党必须全心全意为人民服务。\n</Callout>\n\n党的宗旨决定了党的一切工作都要以是否符合最广大人民群众的根本利益为最高标准。共产党人把实现人民的利益作为自己的出发点和落脚点，在任何时候都不能脱离群众，更不能站到群众的对立面去。这一点在党的历史上一再得到证明。',
    );
    const copied = `我的体会是，${paraphrase("党的宗旨决定了党的一切工作都要以是否符合最广大人民群众的根本利益为最高标准。共产党人把实现人民的利益作为自己的出发点和落脚点，在任何时候都不能脱离群众，更不能站到群众的对立面去。")}今后我会好好学习。`;
    const fromLesson = checkAgainst(prep(copied), [{ ref: { kind: "lesson", id: 7 }, text: prep(lesson) }]);
    expect(fromLesson.matches.map((m) => m.source)).toEqual([{ kind: "lesson", id: 7 }]);
    expect(isFlagged(fromLesson.permille)).toBe(true);
    const honest = checkAgainst(prep(HONEST_ESSAYS.clinic), [{ ref: { kind: "lesson", id: 7 }, text: prep(lesson) }]);
    expect(honest.matches).toEqual([]);
  });

  it("ignores a stock sentence that many essays of the corpus share and no pack lists, and still finds a copy", () => {
    const stock = "把学习成果转化为推动工作的实际行动，在平凡岗位上作出不平凡的贡献。";
    const paragraphs = essays.flatMap(([, t]) => t.split("\n\n")).filter((p) => p.length > 80);
    const corpus = paragraphs.slice(0, 12).map((p) => `${p}${stock}`);
    expect(corpus).toHaveLength(12);
    const bare = corpus.map((t) => prep(t));
    expect(matchPassages(bare[0], bare[1])).toHaveLength(1);
    const frequent = new Set(frequentShingles(bare));
    const withCorpus = (t: string) => prepareText(t, PACK, SHINGLE, frequent);
    expect(matchPassages(withCorpus(corpus[0]), withCorpus(corpus[1]))).toEqual([]);
    const copy = checkAgainst(withCorpus(paraphrase(corpus[2])), [{ ref: { kind: "submission", id: 1 }, text: withCorpus(corpus[2]) }]);
    expect(isFlagged(copy.permille)).toBe(true);
    // Frequent means in many texts: a passage two essays share is not.
    expect(frequentShingles([bare[0], prep(paraphrase(corpus[0])), ...bare.slice(1)]).length).toBe(frequent.size);
  });

  it("says when a new count of frequent shingles must renew the fingerprints made with the last", () => {
    const set = (from: number, to: number) => Uint32Array.from({ length: to - from }, (_, i) => from + i);
    expect(frequentSetChanged(null, set(0, 0))).toBe(false);
    expect(frequentSetChanged(null, set(0, 10))).toBe(true);
    expect(frequentSetChanged(set(0, 100), set(5, 105))).toBe(false);
    expect(frequentSetChanged(set(0, 100), set(15, 115))).toBe(true);
    expect(frequentSetChanged(set(0, 100), set(0, 70))).toBe(true);
  });

  it("states the copy rules it was tested with", () => {
    expect(HEAVY).toEqual({ swapsPerSentence: 2, dropEvery: 6, addEvery: 5 });
    const copy = paraphrase(HONEST_ESSAYS.ideals);
    expect(Object.values(SYNONYMS).some((w) => copy.includes(w))).toBe(true);
    expect(copy).not.toEqual(HONEST_ESSAYS.ideals);
  });
});

describe("a copied passage in an otherwise honest essay (decision 046)", () => {
  // The corpus as the inverted index holds it: each text's passage keys.
  const corpus = essays.map(([name, text], id) => ({ id, name, text, keys: passageKeys(prep(text)) }));
  const candidatesOf = (text: string, only = corpus) => {
    const mine = prep(text);
    const own = new Set(passageKeys(mine));
    const hits = only.flatMap((t) => t.keys.filter((k) => own.has(k)).map((key) => ({ textId: t.id, key })));
    return passageCandidates(mine, hits).map((c) => corpus[c.textId].name);
  };
  const others = (except: string) => corpus.filter((t) => t.name !== except);
  const check = (text: string, sourceName: string) => {
    const source = corpus.find((t) => t.name === sourceName)!;
    return checkAgainst(prep(text), [{ ref: { kind: "submission", id: source.id }, text: prep(source.text) }]);
  };
  /** An honest essay with `passage` put in after its first paragraph. */
  const withPassage = (host: string, passage: string) => {
    const cut = host.indexOf("\n\n");
    return { text: `${host.slice(0, cut)}\n\n${passage}${host.slice(cut)}`, at: cut + 2 };
  };

  it("finds 200 characters copied word for word, with the passage's place in both texts, though the essay is mostly its own", () => {
    const from = HONEST_ESSAYS.ideals.indexOf("\n\n", 1200) + 2;
    const passage = HONEST_ESSAYS.ideals.slice(from, from + 200);
    const { text, at } = withPassage(HONEST_ESSAYS.history, passage);
    // The whole-text signatures do not meet (no LSH band in common); the passage keys do.
    const bands = new Set(bandKeys(minhashSignature(prep(HONEST_ESSAYS.ideals))!));
    expect(bandKeys(minhashSignature(prep(text))!).some((k) => bands.has(k))).toBe(false);
    expect(candidatesOf(text, others("history"))).toEqual(["ideals"]);
    const result = check(text, "ideals");
    expect(result.permille).toBeLessThan(FLAG_PERMILLE);
    expect(longestSource(result.matches)).toBeGreaterThanOrEqual(FLAG_SOURCE_CHARS);
    expect(isFlagged(result.permille, longestSource(result.matches))).toBe(true);
    const [p] = result.matches[0].passages;
    expect(result.matches[0].passages).toHaveLength(1);
    // The passage is where it was put in the essay, and where it came from in the source: its letters, and at most
    // two more where the texts happen to go on alike (here both continue with 第一).
    const reduced = normalizeText(passage).text;
    const mine = normalizeText(text.slice(...p.sub)).text;
    const theirs = normalizeText(HONEST_ESSAYS.ideals.slice(...p.src)).text;
    expect(p.sub[0]).toBeGreaterThanOrEqual(at);
    expect(p.src[0]).toBeGreaterThanOrEqual(from);
    for (const side of [mine, theirs]) {
      expect(side.startsWith(reduced)).toBe(true);
      expect(side.length).toBeLessThanOrEqual(reduced.length + 2);
    }
  });

  it("finds a paraphrased passage of 600 characters, and shows it beside the stretch it came from", () => {
    const from = HONEST_ESSAYS.ideals.indexOf("\n\n", 600) + 2;
    const original = HONEST_ESSAYS.ideals.slice(from, from + 600);
    const passage = paraphrase(original);
    const { text, at } = withPassage(HONEST_ESSAYS.clinic, passage);
    expect(candidatesOf(text, others("clinic"))).toEqual(["ideals"]);
    const result = check(text, "ideals");
    expect(isFlagged(result.permille, longestSource(result.matches))).toBe(true);
    for (const p of result.matches[0].passages) {
      expect(p.sub[0]).toBeGreaterThanOrEqual(at - 2);
      expect(p.sub[1]).toBeLessThanOrEqual(at + passage.length + 2);
      expect(p.src[0]).toBeGreaterThanOrEqual(from - 2);
      expect(p.src[1]).toBeLessThanOrEqual(from + original.length + 2);
    }
  });

  it("does not take an honest essay sharing only formulations and the oath for a copy", () => {
    const oath =
      "我志愿加入中国共产党，拥护党的纲领，遵守党的章程，履行党员义务，执行党的决定，严守党的纪律，保守党的秘密，对党忠诚，积极工作，为共产主义奋斗终身，随时准备为党和人民牺牲一切，永不叛党。";
    const stock = "不忘初心、牢记使命，坚持以人民为中心，全心全意为人民服务，为中国人民谋幸福，为中华民族谋复兴。";
    const withOath = (t: string) => `${t}\n\n${oath}\n\n${stock}`;
    const swornCorpus = corpus.map((t) => ({ ...t, text: withOath(t.text), keys: passageKeys(prep(withOath(t.text))) }));
    for (const t of swornCorpus) {
      const mine = prep(t.text);
      const own = new Set(passageKeys(mine));
      const hits = swornCorpus.filter((o) => o.id !== t.id).flatMap((o) => o.keys.filter((k) => own.has(k)).map((key) => ({ textId: o.id, key })));
      expect(passageCandidates(mine, hits), t.name).toEqual([]);
      const result = checkAgainst(
        mine,
        swornCorpus.filter((o) => o.id !== t.id).map((o) => ({ ref: { kind: "submission" as const, id: o.id }, text: prep(o.text) })),
      );
      expect(result.matches, t.name).toEqual([]);
      expect(isFlagged(result.permille, longestSource(result.matches)), t.name).toBe(false);
    }
  });

  it("needs the shared keys close together: the same keys scattered over the essay do not make a candidate", () => {
    const mine = prep(HONEST_ESSAYS.ideals);
    const keys = passageKeys(mine);
    // Every 40th key of the essay, as if a text shared them by chance: far apart, never 4 in 300 characters.
    const scattered = keys.filter((_, i) => i % 40 === 0).map((key) => ({ textId: 1, key }));
    expect(scattered.length).toBeGreaterThanOrEqual(4);
    expect(passageCandidates(mine, scattered)).toEqual([]);
    const close = keys.slice(100, 104).map((key) => ({ textId: 2, key }));
    expect(passageCandidates(mine, close).map((c) => c.textId)).toEqual([2]);
  });
});

describe("what a report keeps", () => {
  it("keeps a source's passage with a little context, and cuts a long one", () => {
    const text = "甲".repeat(100) + "乙".repeat(50) + "丙".repeat(100);
    expect(excerptOf(text, [100, 150])).toEqual({ before: "甲".repeat(CONTEXT_CHARS), text: "乙".repeat(50), after: "丙".repeat(CONTEXT_CHARS) });
    const long = excerptOf("丁".repeat(2000), [10, 1500]);
    expect(long.text).toHaveLength(EXCERPT_CAP + 1);
    expect(long.text.endsWith("…")).toBe(true);
    expect(long.after).toBe("");
  });
});

/** Characters the two passages share at their start or end: a passage pairs the same stretch, reworded. */
function sharedPrefixOrSuffix(a: string, b: string): number {
  let p = 0;
  while (p < a.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return Math.max(p, s);
}
