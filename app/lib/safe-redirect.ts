const BASE = "http://same-site.invalid";

/**
 * Only same-site paths are followed after sign-in; anything else goes home. Browsers drop tabs and
 * newlines from URLs and read "\" as "/", so "/\t/evil.example" would leave the site: the path is
 * resolved the way a browser would and must stay on this origin, with no control characters at all.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  try {
    const url = new URL(to, BASE);
    if (url.origin !== BASE) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
