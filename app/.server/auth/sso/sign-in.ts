import { data, redirect } from "@remix-run/node";
import { env } from "../../env";
import { casIdentity, casLoginUrl, casServiceUrl, isTicket, validateCasTicket } from "./cas";
import { type SsoFlow, clearFlowCookie, flowCookie, newFlow, readFlow, sameFlowValue } from "./flow";
import { type SsoOutcome, type SsoVia, auditRefusal, refusal, signInWithIdentity } from "./identity";
import { finishOidc, oidcAuthorizationUrl } from "./oidc";

// The four steps the SSO routes take: send the browser to the provider, and take it back. Each
// returns the response: a redirect, or a page with the refusal in Chinese (status 4xx/5xx).

/** What the login page offers: the button's label and where it goes, or nothing without SSO. */
export function ssoEntry(redirectTo: string | null): { label: string; href: string } | null {
  const path = env.sso.cas ? "/auth/cas" : env.sso.oidc ? "/auth/oidc" : null;
  if (!path) return null;
  return { label: env.sso.label, href: redirectTo ? `${path}?redirectTo=${encodeURIComponent(redirectTo)}` : path };
}

export function requireSso(via: SsoVia) {
  if (!(via === "cas" ? env.sso.cas : env.sso.oidc)) throw new Response("未启用统一身份认证", { status: 404 });
}

function refused(outcome: Extract<SsoOutcome, { ok: false }>) {
  return data({ message: outcome.message }, { status: outcome.status, headers: { "Set-Cookie": clearFlowCookie(), "Cache-Control": "no-store" } });
}

function finished(outcome: SsoOutcome, flow: SsoFlow) {
  if (!outcome.ok) return refused(outcome);
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", clearFlowCookie());
  headers.append("Set-Cookie", outcome.cookie);
  return redirect(flow.returnTo, { headers });
}

export function beginCasSignIn(request: Request) {
  const flow = newFlow(new URL(request.url).searchParams.get("redirectTo"), false);
  return redirect(casLoginUrl(casServiceUrl(flow.state)), { headers: { "Set-Cookie": flowCookie(flow), "Cache-Control": "no-store" } });
}

export async function completeCasSignIn(request: Request) {
  const params = new URL(request.url).searchParams;
  const flow = readFlow(request);
  if (!flow || !sameFlowValue(flow.state, params.get("flow"))) {
    await auditRefusal("cas", "flow");
    return refused(refusal("flow"));
  }
  const ticket = params.get("ticket");
  if (!isTicket(ticket)) {
    await auditRefusal("cas", "invalid", { error: "malformed ticket" });
    return refused(refusal("invalid"));
  }
  const validation = await validateCasTicket(casServiceUrl(flow.state), ticket);
  if (!validation.ok) {
    const reason = validation.kind === "unavailable" ? "unavailable" : "invalid";
    await auditRefusal("cas", reason, { error: validation.kind === "rejected" ? validation.code : validation.detail });
    return refused(refusal(reason));
  }
  const id = casIdentity(validation);
  if (!id) {
    await auditRefusal("cas", "no_id", { user: validation.user });
    return refused(refusal("no_id"));
  }
  return finished(await signInWithIdentity(request, id, "cas"), flow);
}

export async function beginOidcSignIn(request: Request) {
  const flow = newFlow(new URL(request.url).searchParams.get("redirectTo"), true);
  let location: string;
  try {
    location = await oidcAuthorizationUrl(flow);
  } catch (e) {
    await auditRefusal("oidc", "unavailable", { error: e instanceof Error ? e.message.slice(0, 200) : String(e) });
    return refused(refusal("unavailable"));
  }
  return redirect(location, { headers: { "Set-Cookie": flowCookie(flow), "Cache-Control": "no-store" } });
}

export async function completeOidcSignIn(request: Request) {
  const flow = readFlow(request);
  if (!flow?.nonce || !flow.verifier || !sameFlowValue(flow.state, new URL(request.url).searchParams.get("state"))) {
    await auditRefusal("oidc", "flow");
    return refused(refusal("flow"));
  }
  const result = await finishOidc(request, flow);
  if (!result.ok) {
    await auditRefusal("oidc", result.kind, { error: result.detail });
    return refused(refusal(result.kind));
  }
  if (!result.id) {
    await auditRefusal("oidc", "no_id", { subject: result.subject });
    return refused(refusal("no_id"));
  }
  return finished(await signInWithIdentity(request, result.id, "oidc"), flow);
}
