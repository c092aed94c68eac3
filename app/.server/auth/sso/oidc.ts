import * as client from "openid-client";
import { env } from "../../env";
import { leaveTurn } from "../../http/context";
import { type SsoFlow } from "./flow";

// OpenID Connect, authorization code flow with PKCE, through openid-client (decision 031). The
// library checks the state, the nonce, the issuer, the audience and the expiry; signature checks of
// the ID token are switched on too, although it comes straight from the token endpoint, so a proxy or
// a misrouted request on the campus network cannot hand us someone else's identity.

const OIDC_CALLBACK_PATH = "/auth/oidc/callback";
const TIMEOUT_SECONDS = 10;

function oidc() {
  const settings = env.sso.oidc;
  if (!settings) throw new Error("OpenID Connect is not configured");
  return settings;
}

/** The redirect URI, from PUBLIC_URL: never from the request's Host header. */
function redirectUri(): string {
  return new URL(OIDC_CALLBACK_PATH, env.publicUrl).toString();
}

let configuration: Promise<client.Configuration> | null = null;
let discovered = false;

/** The provider's metadata, discovered once per process; a failed discovery is tried again next time. */
function providerConfiguration(): Promise<client.Configuration> {
  // Waiting on the provider is not a page's CPU work: the page turn goes to the next (decision 091).
  if (!discovered) leaveTurn();
  if (!configuration) {
    const { issuer, clientId, clientSecret } = oidc();
    const server = new URL(issuer);
    const execute = [client.enableNonRepudiationChecks];
    // env.ts admits http only for a provider on this machine (the one the tests start).
    if (server.protocol === "http:") execute.push(client.allowInsecureRequests);
    configuration = client
      .discovery(server, clientId, clientSecret ?? undefined, clientSecret ? undefined : client.None(), { execute, timeout: TIMEOUT_SECONDS })
      .then((c) => {
        discovered = true;
        return c;
      })
      .catch((e: unknown) => {
        configuration = null;
        throw e;
      });
  }
  return configuration;
}

export async function oidcAuthorizationUrl(flow: SsoFlow): Promise<string> {
  const config = await providerConfiguration();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(),
    scope: oidc().scope,
    response_type: "code",
    state: flow.state,
    nonce: flow.nonce!,
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier!),
    code_challenge_method: "S256",
  });
  return url.toString();
}

export type OidcResult = { ok: true; id: string | null; subject: string } | { ok: false; kind: "cancelled" | "invalid" | "unavailable"; detail: string };

/** Redeems the code of a callback whose state already matched the browser's flow. */
export async function finishOidc(request: Request, flow: SsoFlow): Promise<OidcResult> {
  const incoming = new URL(request.url);
  const error = incoming.searchParams.get("error");
  if (error) return { ok: false, kind: "cancelled", detail: error.slice(0, 100) };
  // The URL the provider redirected to, rebuilt on PUBLIC_URL: openid-client derives the redirect_uri
  // it sends to the token endpoint from it.
  const current = new URL(OIDC_CALLBACK_PATH + incoming.search, env.publicUrl);
  try {
    const config = await providerConfiguration();
    leaveTurn();
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) return { ok: false, kind: "invalid", detail: "no ID token" };
    const value = claims[oidc().idClaim];
    const id = typeof value === "string" ? value : typeof value === "number" && Number.isSafeInteger(value) ? String(value) : null;
    return { ok: true, id, subject: claims.sub };
  } catch (e) {
    return { ok: false, kind: isNetworkError(e) ? "unavailable" : "invalid", detail: describe(e) };
  }
}

function isNetworkError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === "TimeoutError" || e.name === "AbortError") return true;
  return e instanceof TypeError && e.message === "fetch failed";
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e).slice(0, 200);
  const code = (e as { code?: unknown }).code;
  return `${typeof code === "string" ? `${code}: ` : ""}${e.message}`.slice(0, 200);
}
