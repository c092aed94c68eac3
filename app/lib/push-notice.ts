// What the service worker shows for a Web Push message (app/pwa/service-worker.ts). The sender
// (the notification channels) sends JSON `{ title, body, url, tag }`; anything else still shows a
// notice, a generic one, because a push that shows nothing makes Chromium show its own "this site
// has been updated in the background" and may cost the site its push permission.

export type PushNotice = { title: string; body: string; url: string; tag?: string };

/** Where a notice goes when its payload names no page of ours, or one elsewhere. */
export const NOTICE_FALLBACK_URL = "/notifications";

export const GENERIC_NOTICE: PushNotice = { title: "网上党校", body: "您有一条新通知，请打开网上党校查看。", url: NOTICE_FALLBACK_URL };

const TITLE_MAX = 80;
const BODY_MAX = 300;
const TAG_MAX = 100;

/** The notice for a push payload (its text, or null for a push without data). Never throws. */
export function pushNotice(text: string | null, origin: string): PushNotice {
  let payload: unknown;
  try {
    payload = text === null ? null : JSON.parse(text);
  } catch {
    return GENERIC_NOTICE;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return GENERIC_NOTICE;
  const { title, body, url, tag } = payload as Record<string, unknown>;
  if (typeof title !== "string" || title.trim() === "") return GENERIC_NOTICE;
  const notice: PushNotice = {
    title: clip(title.trim(), TITLE_MAX),
    body: typeof body === "string" ? clip(body, BODY_MAX) : "",
    url: sameOriginPath(url, origin),
  };
  if (typeof tag === "string" && tag !== "") notice.tag = clip(tag, TAG_MAX);
  return notice;
}

/**
 * The path of `url` when it is a page of this origin; otherwise the inbox. A push payload is
 * trusted no further than this: a notice must not open another site (phishing through a
 * notification that looks like ours), nor a `javascript:` or `data:` URL.
 */
export function sameOriginPath(url: unknown, origin: string): string {
  if (typeof url !== "string" || url === "") return NOTICE_FALLBACK_URL;
  let resolved: URL;
  try {
    resolved = new URL(url, origin);
  } catch {
    return NOTICE_FALLBACK_URL;
  }
  if (resolved.origin !== new URL(origin).origin) return NOTICE_FALLBACK_URL;
  return resolved.pathname + resolved.search + resolved.hash;
}

function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}
