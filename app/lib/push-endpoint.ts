// Which push endpoints the server will send to (decision 060). A push subscription's endpoint is a
// URL the browser gives; the server POSTs to it for every notification, so an endpoint is accepted
// only on the push services browsers use, never on an address inside the school's network.
// Pure: the subscribe form and the push channel (at send time) both ask `endpointProblem`.

/** The push services of the browsers people use (Chrome and Chromium-based ones on FCM, Firefox, Edge, Safari). */
export const KNOWN_PUSH_HOSTS = ["fcm.googleapis.com", "updates.push.services.mozilla.com", "*.notify.windows.com", "*.push.apple.com"] as const;

/**
 * Hosts an operator adds (PUSH_ALLOWED_HOSTS): exact names, `*.suffix` for any name under a suffix,
 * IP literals and `localhost`. An exact entry also lets its host resolve to a private address.
 */
export type PushHostRules = { patterns: readonly string[]; explicit: ReadonlySet<string> };

/** Reads PUSH_ALLOWED_HOSTS: entries separated by commas or spaces, case-insensitive, a trailing dot ignored. */
export function pushHostRules(extra: string | undefined): PushHostRules {
  const entries = (extra ?? "")
    .split(/[\s,]+/)
    .map((e) => normalHost(e))
    .filter(Boolean);
  return { patterns: [...KNOWN_PUSH_HOSTS, ...entries], explicit: new Set(entries.filter((e) => !e.startsWith("*."))) };
}

/** A host as compared here: lower case, without the trailing dot that names the same host ("localhost."). */
export function normalHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An IP address written as a host (URL parsing has already turned 0x7f.1 or 2130706433 into dotted form). */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.startsWith("[") || host.includes(":");
}

function matches(host: string, pattern: string): boolean {
  return pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern;
}

/** Whether an operator named this exact host: only then may it be an IP, localhost, or resolve to a private address. */
export function explicitlyAllowed(host: string, rules: PushHostRules): boolean {
  return rules.explicit.has(normalHost(host));
}

/** Why the server will not send to this endpoint, in the words the person is shown; null when it will. */
export function endpointProblem(endpoint: string, rules: PushHostRules): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "推送地址有误";
  }
  if (url.protocol !== "https:") return "推送地址必须是 https";
  if (url.username || url.password) return "推送地址有误";
  const host = normalHost(url.hostname);
  const explicit = rules.explicit.has(host);
  if (!explicit && (isIpLiteral(host) || host === "localhost" || host.endsWith(".localhost"))) return "推送地址不能是 IP 地址或本机地址";
  if (!rules.patterns.some((p) => matches(host, p))) return "推送地址不属于已知的浏览器推送服务（Chrome、Edge、Firefox、Safari 等），无法在此浏览器开启推送";
  // The public push services all listen on 443; another port is only for a service the operator named.
  if (url.port && !explicit && !rules.patterns.slice(KNOWN_PUSH_HOSTS.length).some((p) => matches(host, p))) return "推送地址的端口有误";
  return null;
}
