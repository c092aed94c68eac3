import { DOMParser, type Element, onWarningStopParsing } from "@xmldom/xmldom";
import { env } from "../../env";
import { readCapped } from "./fetch-capped";
import { leaveTurn } from "../../http/context";

// CAS 2.0 / 3.0 (the 统一身份认证 of most Chinese universities): the browser goes to <base>/login?service=…,
// comes back with ?ticket=ST-…, and the server checks the ticket at <base>/serviceValidate (2.0) or
// <base>/p3/serviceValidate (3.0, which adds the attributes). The ticket is only good for the exact
// service URL it was issued to, so that URL carries the browser's flow value (see flow.ts): a ticket
// obtained by someone else for their own flow is useless in this browser.

const CAS_NS = "http://www.yale.edu/tp/cas";
/** A validation response is a few hundred bytes; anything much larger is not one. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const TIMEOUT_MS = 10_000;

function cas() {
  const settings = env.sso.cas;
  if (!settings) throw new Error("CAS is not configured");
  return settings;
}

/** Our service URL for one flow, from PUBLIC_URL: never from the request's Host header. */
export function casServiceUrl(flowValue: string): string {
  const url = new URL("/auth/cas", env.publicUrl);
  url.searchParams.set("flow", flowValue);
  return url.toString();
}

export function casLoginUrl(service: string): string {
  const url = new URL(`${cas().baseUrl}/login`);
  url.searchParams.set("service", service);
  return url.toString();
}

/** CAS tickets are at most 256 characters (protocol 3.0, section 3.7); service tickets start ST-. */
export function isTicket(value: string | null): value is string {
  return value !== null && /^ST-[\x21-\x7e]{1,253}$/.test(value);
}

export type CasValidation =
  | { ok: true; user: string; attributes: Record<string, string[]> }
  | { ok: false; kind: "rejected"; code: string }
  | { ok: false; kind: "malformed"; detail: string }
  | { ok: false; kind: "unavailable"; detail: string };

export async function validateCasTicket(service: string, ticket: string): Promise<CasValidation> {
  const { baseUrl, version } = cas();
  const url = new URL(`${baseUrl}${version === "3.0" ? "/p3/serviceValidate" : "/serviceValidate"}`);
  url.searchParams.set("service", service);
  url.searchParams.set("ticket", ticket);
  let body: string;
  // Waiting on the CAS server is not a page's CPU work: the page turn goes to the next (decision 091).
  leaveTurn();
  try {
    const res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS), headers: { Accept: "application/xml, text/xml" } });
    if (!res.ok) return { ok: false, kind: "unavailable", detail: `HTTP ${res.status}` };
    body = await readCapped(res, MAX_RESPONSE_BYTES);
  } catch (e) {
    return { ok: false, kind: "unavailable", detail: e instanceof Error ? e.message : String(e) };
  }
  return parseCasResponse(body);
}

/**
 * Reads a serviceValidate response strictly: well-formed XML in the CAS namespace, no document type
 * (so no entity of any kind is expanded), exactly one success or failure, nothing evaluated.
 */
export function parseCasResponse(xml: string): Exclude<CasValidation, { kind: "unavailable" }> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { ok: false, kind: "malformed", detail: "document type declared" };
  let root: Element | null;
  try {
    root = new DOMParser({ onError: onWarningStopParsing }).parseFromString(xml, "text/xml").documentElement;
  } catch (e) {
    return { ok: false, kind: "malformed", detail: e instanceof Error ? e.message.slice(0, 200) : "parse error" };
  }
  if (!root || root.namespaceURI !== CAS_NS || root.localName !== "serviceResponse") {
    return { ok: false, kind: "malformed", detail: "not a CAS serviceResponse" };
  }
  const outcome = casChildren(root);
  if (outcome.length !== 1) return { ok: false, kind: "malformed", detail: "expected one outcome" };
  const [result] = outcome;
  if (result.localName === "authenticationFailure") {
    return { ok: false, kind: "rejected", code: result.getAttribute("code")?.trim() || "UNKNOWN" };
  }
  if (result.localName !== "authenticationSuccess") return { ok: false, kind: "malformed", detail: `unexpected ${result.localName}` };
  const users = casChildren(result).filter((e) => e.localName === "user");
  const user = users.length === 1 ? (users[0].textContent ?? "").trim() : "";
  if (!user) return { ok: false, kind: "malformed", detail: "no single cas:user" };
  const attributes: Record<string, string[]> = {};
  for (const block of casChildren(result).filter((e) => e.localName === "attributes")) {
    for (const attribute of casChildren(block)) {
      (attributes[attribute.localName!] ??= []).push((attribute.textContent ?? "").trim());
    }
  }
  return { ok: true, user, attributes };
}

function casChildren(element: Element): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).namespaceURI === CAS_NS) found.push(node as Element);
  }
  return found;
}

/** The 学号/工号 in a successful validation: the configured attribute (exactly one value), or the user name. */
export function casIdentity(validation: Extract<CasValidation, { ok: true }>): string | null {
  const attribute = cas().idAttribute;
  if (!attribute) return validation.user;
  const values = validation.attributes[attribute] ?? [];
  return values.length === 1 && values[0] ? values[0] : null;
}
