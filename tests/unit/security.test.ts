import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, cspNonce, isCrossSiteRequest, isFormBody, securityHeaders } from "~/.server/http/security";

const HOST = "dangxiao.example.edu.cn";
const SELF = `https://${HOST}`;

describe("isCrossSiteRequest", () => {
  it("lets reads through whatever their origin", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) {
      expect(isCrossSiteRequest(method, undefined, HOST, "https", [])).toBe(false);
      expect(isCrossSiteRequest(method, "https://evil.example", HOST, "https", [])).toBe(false);
    }
  });

  it("refuses a state-changing request without an Origin or a Host", () => {
    expect(isCrossSiteRequest("POST", undefined, HOST, "https", [])).toBe(true);
    expect(isCrossSiteRequest("POST", "", HOST, "https", [])).toBe(true);
    expect(isCrossSiteRequest("POST", SELF, undefined, "https", [])).toBe(true);
  });

  it("refuses another origin, including the opaque 'null' and the other scheme", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) {
      expect(isCrossSiteRequest(method, "https://evil.example", HOST, "https", [])).toBe(true);
    }
    expect(isCrossSiteRequest("POST", "null", HOST, "https", [])).toBe(true);
    expect(isCrossSiteRequest("POST", `http://${HOST}`, HOST, "https", [])).toBe(true);
    expect(isCrossSiteRequest("POST", `${SELF}.evil.example`, HOST, "https", [])).toBe(true);
  });

  it("passes this site's own origin", () => {
    expect(isCrossSiteRequest("POST", SELF, HOST, "https", [])).toBe(false);
    expect(isCrossSiteRequest("POST", "http://127.0.0.1:3000", "127.0.0.1:3000", "http", [])).toBe(false);
  });

  it("passes an origin on the allowed list, and only that one", () => {
    const allowed = ["https://dx.example.edu.cn"];
    expect(isCrossSiteRequest("POST", "https://dx.example.edu.cn", "10.0.0.5:3000", "http", allowed)).toBe(false);
    expect(isCrossSiteRequest("POST", "https://other.example.edu.cn", "10.0.0.5:3000", "http", allowed)).toBe(true);
  });
});

describe("contentSecurityPolicy", () => {
  it("lets scripts run only from this site or with the page's nonce", () => {
    const csp = contentSecurityPolicy("abc123");
    const scriptSrc = csp.split("; ").find((d) => d.startsWith("script-src "));
    expect(scriptSrc).toBe("script-src 'self' 'nonce-abc123'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
  });

  it("carries whatever nonce it is given", () => {
    expect(contentSecurityPolicy("n1")).toContain("'nonce-n1'");
    expect(contentSecurityPolicy("n2")).not.toContain("'nonce-n1'");
  });

  it("allows eval and the dev server's socket only in development", () => {
    expect(contentSecurityPolicy("x")).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy("x")).not.toContain("ws:");
    const dev = contentSecurityPolicy("x", { dev: true });
    expect(dev).toContain("'unsafe-eval'");
    expect(dev).toContain("ws:");
  });
});

describe("securityHeaders", () => {
  it("sends the CSP with the nonce and refuses framing and sniffing", () => {
    const h = securityHeaders("abc");
    expect(h["Content-Security-Policy"]).toContain("'nonce-abc'");
    expect(h["X-Frame-Options"]).toBe("DENY");
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("sends HSTS only when asked", () => {
    expect(securityHeaders("abc")).not.toHaveProperty("Strict-Transport-Security");
    expect(securityHeaders("abc", { hsts: true })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
  });
});

describe("isFormBody", () => {
  it.each([
    ["a url-encoded form", "application/x-www-form-urlencoded", true, true],
    ["a url-encoded form with a charset", "application/x-www-form-urlencoded; charset=UTF-8", true, true],
    ["a multipart form", "multipart/form-data; boundary=----x", true, true],
    ["a post with no body and no type", undefined, false, true],
    ["text/plain (a form's third enctype, which no action reads)", "text/plain;charset=UTF-8", true, false],
    ["JSON", "application/json", true, false],
    ["a body with no type", undefined, true, false],
    ["multipart without its boundary", "multipart/form-data", true, false],
  ])("%s", (_name, type, hasBody, expected) => {
    expect(isFormBody("POST", type, hasBody)).toBe(expected);
  });

  it("lets reads through", () => {
    expect(isFormBody("GET", "application/json", true)).toBe(true);
  });
});

describe("cspNonce", () => {
  it("gives 16 random bytes each time, never the same twice, across refills of its pool", () => {
    const nonces = Array.from({ length: 2_000 }, () => cspNonce());
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    // Not a counter or a constant: the bytes of consecutive nonces differ in most places.
    const [a, b] = [Buffer.from(nonces[255], "base64"), Buffer.from(nonces[256], "base64")];
    expect([...a].filter((byte, i) => byte !== b[i]).length).toBeGreaterThan(8);
  });
});
