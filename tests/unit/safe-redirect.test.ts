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
    expect(safeRedirect("/%09/evil.example")).toBe("/%09/evil.example");
    expect(safeRedirect("/\\/evil.example")).toBe("/");
  });
});
