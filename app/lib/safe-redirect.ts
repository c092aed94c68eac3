const BASE = "http://same-site.invalid";

/**
 * Only same-site paths are followed after sign-in; anything else goes home. The path is resolved the
 * way a browser would ("/./", "/../", "%2e%2e" read as dot segments) and the result must be a plain
 * local path: "/..//evil.example" resolves to "//evil.example", which a browser reads as another host.
 * Browsers drop tabs and newlines and read "\" as "/", so control characters and backslashes are
 * refused outright; in the path they are refused percent-encoded too (however often), with encoded
 * slashes, because a proxy or a second redirect may decode them into "//" or "/\".
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || hasUnsafeCharacters(to)) return fallback;
  try {
    const url = new URL(to, BASE);
    if (url.origin !== BASE) return fallback;
    const decoded = decodeRepeatedly(url.pathname);
    if (decoded === null || hasUnsafeCharacters(decoded) || slashes(decoded) !== slashes(url.pathname)) return fallback;
    if (url.pathname.startsWith("//")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

function slashes(s: string): number {
  return s.split("/").length;
}

function hasUnsafeCharacters(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\\]/.test(s);
}

/** Decodes until stable, so "%255c" is seen as the backslash it becomes after two hops; null when malformed. */
function decodeRepeatedly(s: string): string | null {
  let current = s;
  for (let round = 0; round < 5; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}
