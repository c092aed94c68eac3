import crypto from "node:crypto";
import { z } from "zod";
import { safeRedirect } from "~/lib/safe-redirect";
import { env } from "../../env";

// One sign-in at the identity provider, bound to the browser that started it: a short-lived cookie
// holds the random values the callback must see again (the OIDC state, nonce and PKCE verifier, or the
// value put in the CAS service URL) and where to go afterwards. A callback without the cookie, or
// with other values, came from another browser (a link an attacker sent) or is stale: it is refused.
// The cookie is read once; every callback clears it.

const FLOW_COOKIE = "wsdx_sso";
const FLOW_MINUTES = 10;

const FlowSchema = z.object({
  state: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  nonce: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
  verifier: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
  returnTo: z.string().max(2048),
});
export type SsoFlow = z.infer<typeof FlowSchema>;

/** 256 random bits, base64url: the state, nonce, PKCE verifier and CAS flow value alike. */
function randomFlowValue(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function newFlow(redirectTo: string | null, withOidc: boolean): SsoFlow {
  return {
    state: randomFlowValue(),
    ...(withOidc ? { nonce: randomFlowValue(), verifier: randomFlowValue() } : {}),
    returnTo: safeRedirect(redirectTo),
  };
}

function attributes(maxAge: number): string {
  // Path=/auth: only the SSO routes ever see it. Lax: the provider's redirect back is a top-level GET.
  const parts = ["Path=/auth", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
  if (env.cookieSecure) parts.push("Secure");
  return parts.join("; ");
}

export function flowCookie(flow: SsoFlow): string {
  return `${FLOW_COOKIE}=${Buffer.from(JSON.stringify(flow)).toString("base64url")}; ${attributes(FLOW_MINUTES * 60)}`;
}

export function clearFlowCookie(): string {
  return `${FLOW_COOKIE}=; ${attributes(0)}`;
}

export function readFlow(request: Request): SsoFlow | null {
  const header = request.headers.get("Cookie") ?? "";
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== FLOW_COOKIE) continue;
    try {
      const parsed = FlowSchema.safeParse(JSON.parse(Buffer.from(v.join("="), "base64url").toString("utf8")));
      return parsed.success ? { ...parsed.data, returnTo: safeRedirect(parsed.data.returnTo) } : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Compares in constant time: the value comes from the query string, chosen by whoever sent the link. */
export function sameFlowValue(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
