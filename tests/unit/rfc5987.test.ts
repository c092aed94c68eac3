import { describe, expect, it } from "vitest";
import { rfc5987 } from "~/.server/http/download";

// A download's `filename*` (RFC 5987): only attr-chars stay literal, so a strict client never stops at ' ( ) *.

describe("rfc5987", () => {
  it("percent-encodes everything but attr-chars, including what encodeURIComponent leaves", () => {
    expect(rfc5987("学习(2026)'s*.pdf")).toBe("%E5%AD%A6%E4%B9%A0%282026%29%27s%2A.pdf");
    expect(rfc5987('a b;c\r\n"d".pdf')).toBe("a%20b%3Bc%0D%0A%22d%22.pdf");
    expect(rfc5987("<script>.pdf")).toMatch(/^[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
  });
});
