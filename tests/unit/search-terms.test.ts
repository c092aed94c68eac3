import { describe, expect, it } from "vitest";
import { audienceAdmits, safeFileName, statusesText } from "~/lib/library";
import { BODY_CAP, MAX_ENTRY_TERMS, MAX_QUERY_TERMS, TITLE_WEIGHT, queryTerms, scoreFor, searchTerms, termWeights } from "~/lib/search-terms";

// How text becomes search terms and how results rank (decision 050), and who a document's audience admits.

describe("searchTerms", () => {
  it("cuts Chinese into overlapping pairs, so any word inside a phrase is found", () => {
    expect(searchTerms("党员教育")).toEqual(["党员", "员教", "教育"]);
    // A query's pairs are a subset of the text's, whatever word boundaries a dictionary would draw.
    const text = new Set(searchTerms("关于开展党史学习教育的通知"));
    for (const q of ["党史", "学习教育", "党史学习", "通知"]) for (const t of searchTerms(q)) expect(text.has(t), q).toBe(true);
  });

  it("keeps a lone Han character, lowercases Latin words and splits on punctuation and spaces", () => {
    expect(searchTerms("党")).toEqual(["党"]);
    expect(searchTerms("PDF版《党章》2026年")).toEqual(["pdf", "版", "党章", "2026", "年"]);
    expect(searchTerms("Hello, WORLD!")).toEqual(["hello", "world"]);
  });

  it("folds full-width letters and digits to their plain form", () => {
    expect(searchTerms("ＰＤＦ２０２６")).toEqual(["pdf2026"]);
  });

  it("treats markup and SQL as plain words", () => {
    expect(searchTerms(`<script>alert(1)</script>'; DROP TABLE "x"; --`)).toEqual(["script", "alert", "1", "script", "drop", "table", "x"]);
  });

  it("gives a query its distinct terms, at most a dozen", () => {
    expect(queryTerms("党员 党员 教育")).toEqual(["党员", "教育"]);
    expect(queryTerms("一二三四五六七八九十甲乙丙丁戊己")).toHaveLength(MAX_QUERY_TERMS);
    expect(queryTerms(" ，。！ ")).toEqual([]);
  });
});

describe("ranking", () => {
  it("weighs a title term above any number of repeats in the text", () => {
    const titled = termWeights("红色家书", "目录");
    const repeated = termWeights("目录", "红色家书".repeat(500));
    const q = queryTerms("红色家书");
    expect(scoreFor(titled, q)!).toBeGreaterThan(scoreFor(repeated, q)!);
    expect(repeated.get("红色")).toBe(BODY_CAP);
    expect(titled.get("红色")).toBe(TITLE_WEIGHT);
  });

  it("finds only entries having every term of the query", () => {
    const w = termWeights("党史学习", "红色家书");
    expect(scoreFor(w, queryTerms("党史 家书"))).not.toBeNull();
    expect(scoreFor(w, queryTerms("党史 物理"))).toBeNull();
  });

  it("keeps a very long document's most frequent terms only", () => {
    const body = Array.from({ length: MAX_ENTRY_TERMS * 2 }, (_, i) => `w${i}`).join(" ") + " common".repeat(5);
    const w = termWeights("", body);
    expect(w.size).toBe(MAX_ENTRY_TERMS);
    expect(w.get("common")).toBe(5);
  });
});

describe("audienceAdmits", () => {
  const doc = (audience: string, statuses: string | null = null) => ({ unitPath: "/1/4/", audience, statuses });
  it("admits anyone to a public document", () => {
    expect(audienceAdmits({ unitPath: "/1/9/", politicalStatus: "masses" }, doc("public"))).toBe(true);
  });
  it("admits the unit's subtree only, by path prefix", () => {
    expect(audienceAdmits({ unitPath: "/1/4/7/", politicalStatus: "masses" }, doc("subtree"))).toBe(true);
    expect(audienceAdmits({ unitPath: "/1/", politicalStatus: "member" }, doc("subtree"))).toBe(false);
    expect(audienceAdmits({ unitPath: "/1/40/", politicalStatus: "member" }, doc("subtree"))).toBe(false);
  });
  it("admits the listed statuses within the subtree", () => {
    const members = doc("status", statusesText(["probationary", "member"]));
    expect(audienceAdmits({ unitPath: "/1/4/7/", politicalStatus: "member" }, members)).toBe(true);
    expect(audienceAdmits({ unitPath: "/1/4/7/", politicalStatus: "activist" }, members)).toBe(false);
    expect(audienceAdmits({ unitPath: "/1/5/", politicalStatus: "member" }, members)).toBe(false);
    expect(audienceAdmits({ unitPath: "/1/4/", politicalStatus: "member" }, doc("unknown"))).toBe(false);
  });
});

describe("safeFileName", () => {
  it("keeps the last path segment without control, bidi or reserved characters, with the extension of the bytes", () => {
    expect(safeFileName("../../etc/passwd", "pdf")).toBe("passwd.pdf");
    expect(safeFileName("C:\\Users\\x\\通知.docx", "docx")).toBe("通知.docx");
    expect(safeFileName("报告\u202egpj.exe", "pdf")).toBe("报告gpj.pdf");
    expect(safeFileName('a\u0000b\r\nc<>:"|?*.xlsx', "xlsx")).toBe("abc.xlsx");
    expect(safeFileName("..", "pdf")).toBe("文件.pdf");
    expect(safeFileName("x".repeat(300) + ".pdf", "pdf").length).toBeLessThanOrEqual(124);
  });
});
