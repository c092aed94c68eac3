import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/lib/safe-redirect";

describe("safeRedirect", () => {
  it("follows a path on this site, with its query and fragment", () => {
    expect(safeRedirect("/account/hours")).toBe("/account/hours");
    expect(safeRedirect("/manage/people?page=2#list")).toBe("/manage/people?page=2#list");
  });

  it("goes home for another site, absolute or protocol-relative", () => {
    expect(safeRedirect("https://evil.example/")).toBe("/");
    expect(safeRedirect("//evil.example/")).toBe("/");
    expect(safeRedirect("/\\evil.example/")).toBe("/");
    expect(safeRedirect("javascript:alert(1)")).toBe("/");
  });

  it("goes home for a relative path, an empty value or no value", () => {
    expect(safeRedirect("account")).toBe("/");
    expect(safeRedirect("")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
  });

  it("goes to the given fallback instead of home", () => {
    expect(safeRedirect("//evil.example", "/account")).toBe("/account");
  });

  it("ignores a file posted in place of the field", () => {
    expect(safeRedirect(new File(["/account"], "x.txt"))).toBe("/");
  });
});

describe("safeRedirect against what browsers strip", () => {
  it("goes home when tabs, newlines or backslashes could turn the path into another host", () => {
    expect(safeRedirect("/\t/evil.example/x")).toBe("/");
    expect(safeRedirect("/\n/evil.example")).toBe("/");
    expect(safeRedirect("/\r\n/evil.example")).toBe("/");
    expect(safeRedirect("/%09/evil.example")).toBe("/");
    expect(safeRedirect("/\\/evil.example")).toBe("/");
  });
});

describe("safeRedirect resolves the path as a browser would before judging it", () => {
  // Each of these, followed as a Location header, would leave the site (or could after one more
  // decoding hop by a proxy or a second redirect).
  const leaving = [
    "/..//evil.example",
    "/../..//evil.example/x",
    "/./..//evil.example",
    "/.//evil.example",
    "/a/../..//evil.example",
    "/%2e%2e//evil.example",
    "/%2E%2E//evil.example",
    "/.%2e//evil.example",
    "/%2e//evil.example",
    "/%2f/evil.example",
    "/%2F%2Fevil.example",
    "/%252f%252fevil.example",
    "/%5c/evil.example",
    "/%5Cevil.example",
    "/%255cevil.example",
    "/..%2f/evil.example",
    "/..%5c/evil.example",
    "/\\evil.example",
    "/..\\evil.example",
    "/.\\./evil.example",
    "/\t/evil.example",
    "/\t\t//evil.example",
    "/ /\n/evil.example",
    "/\u0000/evil.example",
    "/\u001b//evil.example",
    "/\u007f/evil.example",
    "/\u0085/evil.example",
    "/%00/evil.example",
    "/%0a/evil.example",
    "/%0D%0A/evil.example",
    "/%E5",
    "///evil.example",
    "////evil.example",
    "https:evil.example",
    "/a/b/../../..//evil.example",
  ];

  it.each(leaving)("goes home for %j", (payload) => {
    const to = safeRedirect(payload);
    expect(to).toBe("/");
  });

  it("never returns anything a browser would read as another host", () => {
    for (const payload of leaving) {
      const to = safeRedirect(payload, "/fallback");
      expect(new URL(to, "https://dangxiao.example.edu.cn").origin).toBe("https://dangxiao.example.edu.cn");
      expect(to.startsWith("//")).toBe(false);
    }
  });

  it("follows ordinary local paths, normalised", () => {
    expect(safeRedirect("/courses/./intro")).toBe("/courses/intro");
    expect(safeRedirect("/manage/../courses")).toBe("/courses");
    expect(safeRedirect("/../courses")).toBe("/courses");
    expect(safeRedirect("/courses/党史")).toBe("/courses/%E5%85%9A%E5%8F%B2");
    expect(safeRedirect("/courses/%E5%85%9A%E5%8F%B2")).toBe("/courses/%E5%85%9A%E5%8F%B2");
    expect(safeRedirect("/checkin/12.abc-DEF_9")).toBe("/checkin/12.abc-DEF_9");
    expect(safeRedirect("/manage/people?q=%2F%2Fx&next=//evil.example")).toBe("/manage/people?q=%2F%2Fx&next=//evil.example");
    expect(safeRedirect("/contests/3#top")).toBe("/contests/3#top");
    // Doubled slashes inside a path stay a path: only a leading "//" names a host.
    expect(safeRedirect("/http://evil.example/..//..//evil.example")).toBe("/http:///evil.example");
  });
});
