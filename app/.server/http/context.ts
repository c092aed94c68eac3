import { AsyncLocalStorage } from "node:async_hooks";
import type { BodyBudget } from "./body-limit";

// What the HTTP server knows about the request in flight, readable from any loader or action:
// the client address (for throttling and the audit log), the CSP nonce, and a way to add a
// response header (the sliding session cookie), and what the request's body may hold (body-limit.ts). The store lives on globalThis because the
// server entry and the Remix build are separate module graphs.

export type RequestContext = {
  clientAddress: string;
  cspNonce: string;
  /** The request's id, also in its X-Request-Id response header and on its log lines (decision 075). */
  requestId?: string;
  /** The address and port the connection reached (from the socket, never from a header). */
  local?: { address: string; port: number };
  appendHeader(name: string, value: string): void;
  bodyBudget: BodyBudget;
  /** Gives up the request's turn, if it holds one (decisions 091, 094); see leaveTurn. */
  leaveTurn?: () => void;
  /** A small form's body, read whole before its turn (decision 094): the route reads this, not the stream. */
  wholeBody?: Buffer;
  /**
   * A rendered page's bytes, beside the bodiless Response that entry.server.tsx gives Remix for it:
   * the handler writes them when that Response comes back (remix-handler.ts, decision 100).
   */
  page?: { response: Response; bytes: Buffer };
};

const KEY = Symbol.for("wsdx.requestContext");
const g = globalThis as typeof globalThis & { [KEY]?: AsyncLocalStorage<RequestContext> };
export const requestContextStorage: AsyncLocalStorage<RequestContext> = (g[KEY] ??= new AsyncLocalStorage());

export function currentRequestContext(): RequestContext | undefined {
  return requestContextStorage.getStore();
}

/**
 * Called before a request waits on something other than its event loop (an identity provider, the
 * object store, a worker thread, an argon2 hash): a page or form holding one of its process's turns
 * (decisions 091, 094) gives it to the next, since waiting is not the CPU work a turn is for. Nothing
 * happens outside a request or for a request without a turn.
 */
export function leaveTurn(): void {
  currentRequestContext()?.leaveTurn?.();
}

export function clientAddress(): string {
  return currentRequestContext()?.clientAddress ?? "unknown";
}

/** A request id from outside is taken only when it looks like one: 8–128 of [A-Za-z0-9._:-]. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function wellFormedRequestId(value: string | undefined): value is string {
  return value !== undefined && REQUEST_ID.test(value);
}
