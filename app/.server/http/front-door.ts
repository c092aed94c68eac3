import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { env } from "../env";
import { wellFormedRequestId } from "./context";
import { FORM_BODY_LIMIT, declaresTooLargeBody, refuseBody, refuseRequest } from "./body-limit";
import { sendText } from "./reply";
import { cspNonce, isCrossSiteRequest, isFormBody, securityHeaders } from "./security";

// What every request goes through before anything answers it, on Node's own request and response so
// the Express app (server.ts) and the crowd's lanes outside it (fast-lane.ts) run the same steps: a
// request id on the response (the proxy's, when one is trusted: decision 075), the security headers
// with a fresh CSP nonce, the cross-site check, form bodies only, and a declared body over the limit
// refused at once (decision 027).

export type DoorPass = { requestId: string; cspNonce: string };

/** A request header's value, the first when it came more than once. */
export const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The scheme the browser used: behind a trusted proxy X-Forwarded-Proto's first value (as Express reads it), else the socket's. */
export function requestProtocol(req: IncomingMessage, trustProxy = env.trustProxy): string {
  const own = (req.socket as TLSSocket).encrypted ? "https" : "http";
  if (!trustProxy) return own;
  const forwarded = header(req, "x-forwarded-proto") || own;
  const comma = forwarded.indexOf(",");
  return (comma === -1 ? forwarded : forwarded.slice(0, comma)).trim();
}

/**
 * Runs the steps every request takes first. Returns the request's id and CSP nonce, or null when the
 * request was refused here (the refusal is already on its way to the client).
 */
export function frontDoor(req: IncomingMessage, res: ServerResponse, { dev = false } = {}): DoorPass | null {
  const fromProxy = env.trustProxy ? header(req, "x-request-id") : undefined;
  const requestId = wellFormedRequestId(fromProxy) ? fromProxy : crypto.randomUUID();
  res.setHeader("X-Request-Id", requestId);
  const nonce = cspNonce();
  for (const [k, v] of Object.entries(securityHeaders(nonce, { dev, hsts: env.cookieSecure }))) res.setHeader(k, v);
  const method = req.method ?? "GET";
  if (isCrossSiteRequest(method, header(req, "origin"), header(req, "host"), requestProtocol(req), env.allowedOrigins)) {
    sendText(res, 403, "跨站请求已被拒绝");
    return null;
  }
  const hasBody = Number(header(req, "content-length") ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (!isFormBody(method, header(req, "content-type"), hasBody)) {
    refuseRequest(req, res, 415, "请通过页面表单提交");
    return null;
  }
  if (declaresTooLargeBody(req)) {
    refuseBody(req, res, FORM_BODY_LIMIT);
    return null;
  }
  return { requestId, cspNonce: nonce };
}
