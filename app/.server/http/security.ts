import { randomFillSync } from "node:crypto";

// Response headers for every page and the cross-site check for every non-GET request.

// Nonces are cut from a pool of random bytes refilled 256 nonces at a time: one call into the CSPRNG per
// 256 requests instead of one per request (issue 17's profile of the contest morning: 2 % of the CPU).
const NONCE_BYTES = 16;
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = noncePool.length;

/** A fresh CSP nonce: 16 bytes from the CSPRNG, base64, never handed out twice. */
export function cspNonce(): string {
  if (nonceOffset >= noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString("base64", nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

export function contentSecurityPolicy(nonce: string, { dev = false } = {}): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes come from libraries (video.js, charts); scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: http://127.0.0.1:*" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

export function securityHeaders(nonce: string, opts: { dev?: boolean; hsts?: boolean } = {}): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(nonce, opts),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
  };
  if (opts.hsts) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A state-changing request must name this site as its Origin. Browsers send Origin on every
 * cross-site and same-site POST; a request without one (or from elsewhere) is refused.
 */
export function isCrossSiteRequest(method: string, origin: string | undefined, host: string | undefined, proto: string, allowedOrigins: string[]): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  if (!origin || !host) return true;
  if (allowedOrigins.includes(origin)) return false;
  return origin !== `${proto}://${host}`;
}

/**
 * Actions read forms only: any other body (text/plain, JSON, a multipart body without its boundary,
 * a body with no type at all) would make `request.formData()` throw a 500, so it is refused first.
 */
export function isFormBody(method: string, contentType: string | undefined, hasBody: boolean): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  if (!contentType) return !hasBody;
  const [type, ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
  if (type === "multipart/form-data") return params.some((p) => /^boundary=./.test(p));
  return type === "application/x-www-form-urlencoded";
}
