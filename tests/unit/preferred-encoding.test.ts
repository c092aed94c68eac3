import { describe, expect, it } from "vitest";
import { preferredEncoding } from "~/.server/http/precompressed";

// Which precompressed copy of a static file the server sends for an Accept-Encoding header.
const BOTH = [{ name: "br" }, { name: "gzip" }];
const pick = (header: string, available = BOTH) => preferredEncoding(header, available)?.name ?? "identity";

describe("preferredEncoding", () => {
  it("prefers brotli when the browser takes both, whatever order it lists them in", () => {
    expect(pick("gzip, deflate, br, zstd")).toBe("br");
    expect(pick("br, gzip")).toBe("br");
    expect(pick("*")).toBe("br");
  });

  it("follows the browser's q-values and refusals", () => {
    expect(pick("br;q=0.5, gzip")).toBe("gzip");
    expect(pick("br;q=0, gzip;q=0.1")).toBe("gzip");
    expect(pick("gzip;q=0, br;q=0")).toBe("identity");
    expect(pick("*;q=0")).toBe("identity");
    expect(pick("deflate")).toBe("identity");
    expect(pick("")).toBe("identity");
  });

  it("offers only the copies the file has", () => {
    expect(pick("gzip, br", [{ name: "gzip" }])).toBe("gzip");
    expect(pick("br", [{ name: "gzip" }])).toBe("identity");
  });
});
