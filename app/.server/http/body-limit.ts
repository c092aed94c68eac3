import { Readable } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import { currentRequestContext } from "./context";
import { sendJson, sendText } from "./reply";

// Every request body has a limit, enforced here for every route rather than in each action: a form
// (sign-in included) may have FORM_BODY_LIMIT bytes, which holds the longest lesson the studio
// accepts (100,000 characters, percent-encoded). An upload route raises the limit for its own
// request to what it accepts (upload.ts, media/upload.ts) before it reads a byte. A body over the
// limit gets 413 and a sentence in Chinese as soon as that is known, from its Content-Length or
// while it streams, and nothing of it is read further or echoed back. Decision 027.

export const FORM_BODY_LIMIT = 2 * 1024 * 1024;

export const bodyTooLargeMessage = (limit: number) => `提交的内容超过 ${Math.round(limit / 1024 / 1024)} MB 的上限，请精简后重试`;

/** What this request's body may hold; an upload route raises it. */
export type BodyBudget = { limit: number };

export function newBodyBudget(): BodyBudget {
  return { limit: FORM_BODY_LIMIT };
}

/** For an upload route, before reading its body: this request may carry `bytes` (its file and form fields). */
export function allowBodyUpTo(bytes: number) {
  const budget = currentRequestContext()?.bodyBudget;
  if (budget && bytes > budget.limit) budget.limit = bytes;
}

const declaredLength = (req: IncomingMessage) => {
  const n = Number(req.headers["content-length"]);
  return Number.isFinite(n) ? n : null;
};

const isMultipart = (req: IncomingMessage) => req.headers["content-type"]?.toLowerCase().startsWith("multipart/form-data") ?? false;

const refused = new WeakSet<ServerResponse>();

/** The request's body was refused: the refusal is the answer, whatever a route makes of the broken body. */
export function wasRefused(res: ServerResponse): boolean {
  return refused.has(res);
}

/** A refused body is read on and thrown away, so the client can finish sending and see the answer; up to this much. */
export const DISCARD_LIMIT = 64 * 1024 * 1024;

/**
 * Answers a request whose body is refused (too large, not a form) without keeping any of it: the
 * rest of the body is read and dropped so the client sees the answer instead of a broken connection,
 * and a client that keeps sending past DISCARD_LIMIT is cut off. Nothing sent is repeated back.
 */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, status: number, message: string, { json = false } = {}) {
  if (res.headersSent || wasRefused(res)) return;
  refused.add(res);
  res.setHeader("Connection", "close");
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) req.socket.destroy();
  });
  req.resume();
  // Closed once the client has sent everything (or given up), not before: closing first would
  // break its upload before it reads the answer.
  // A JSON route (the contest answer intake) answers in its own shape.
  const answer = () => (json ? sendJson(res, status, { ok: false, error: message }) : sendText(res, status, message));
  if (req.complete) answer();
  else {
    req.once("end", answer);
    req.once("close", () => res.headersSent || res.destroy());
  }
}

/** How often the bodies still arriving after their answer are measured (limitUnreadBody). */
const UNREAD_BODY_CHECK_MS = 20;

/** Requests answered before their body ended, with the socket's bytes read at the answer; one timer for all. */
const unreadBodies = new Map<IncomingMessage, number>();
let unreadBodiesTimer: NodeJS.Timeout | null = null;

function measureUnreadBodies() {
  for (const [req, readBefore] of unreadBodies) {
    const socket = req.socket;
    if (req.complete || socket.destroyed) unreadBodies.delete(req);
    else if (socket.bytesRead - readBefore > DISCARD_LIMIT) {
      unreadBodies.delete(req);
      socket.destroy();
    }
  }
  if (unreadBodies.size === 0 && unreadBodiesTimer) {
    clearInterval(unreadBodiesTimer);
    unreadBodiesTimer = null;
  }
}

/**
 * An answer that went out before its request's body was read to the end (a lane's 401, a route that
 * refused without reading its form): Node then reads the rest and drops it (no data events), so the
 * connection can carry the next request, for as long as the client sends. That reading has the refused
 * body's limit: past DISCARD_LIMIT the connection is closed. The sockets of such requests are measured
 * together, every UNREAD_BODY_CHECK_MS by one timer, which runs only while there are any: a client
 * that stalls many such connections costs a map entry each, not a timer each. Called for every
 * request, first.
 */
export function limitUnreadBody(req: IncomingMessage, res: ServerResponse) {
  res.once("finish", () => {
    if (req.complete || refused.has(res)) return;
    unreadBodies.set(req, req.socket.bytesRead);
    if (!unreadBodiesTimer) {
      unreadBodiesTimer = setInterval(measureUnreadBodies, UNREAD_BODY_CHECK_MS);
      unreadBodiesTimer.unref();
    }
  });
}

export function refuseBody(req: IncomingMessage, res: ServerResponse, limit: number) {
  refuseRequest(req, res, 413, bodyTooLargeMessage(limit));
}

/**
 * Before any route runs: a form body that says it is over the limit is refused at once. A multipart
 * body may be an upload whose route allows more, so it is measured while the route reads it.
 */
export function declaresTooLargeBody(req: IncomingMessage): boolean {
  const declared = declaredLength(req);
  return declared !== null && declared > FORM_BODY_LIMIT && !isMultipart(req);
}

/**
 * A form body read whole before its request takes a turn (decision 094) may be this long: the contest's
 * and the quizzes' forms are a few hundred bytes, a sign-in less.
 */
export const TURN_BODY_LIMIT = 64 * 1024;

/** Whether the request's body is a form short enough to be read whole before it takes a turn: of declared length, at most TURN_BODY_LIMIT, not an upload. */
export function isSmallForm(req: IncomingMessage): boolean {
  const declared = declaredLength(req);
  return declared !== null && declared <= TURN_BODY_LIMIT && !isMultipart(req);
}

const dropChunk = () => {};

/**
 * The request's body as the route will read it, counted against the budget: past it, 413 is sent,
 * `onRefused` is called (to abort the request) and the stream fails, so the action stops reading.
 * Only bytes that arrive count: the stream reads a little ahead of the route, before an upload
 * route has raised the budget, so a declared length is not judged here.
 */
export function limitedBody(req: IncomingMessage, res: ServerResponse, budget: BodyBudget, onRefused: () => void): Readable {
  async function* read() {
    let seen = 0;
    // Not destroyed when the loop stops early: the socket must stay open to carry the 413.
    for await (const chunk of req.iterator({ destroyOnReturn: false })) {
      seen += (chunk as Buffer).length;
      if (seen > budget.limit) {
        refuseBody(req, res, budget.limit);
        onRefused();
        throw new Error(bodyTooLargeMessage(budget.limit));
      }
      yield chunk as Buffer;
    }
  }
  const body = Readable.from(read(), { objectMode: false });
  // Answered before the route read it all (a redirect to sign in): the reading stops, and Node reads the
  // rest and drops it, within limitUnreadBody's limit. Left paused, the client could not finish sending.
  res.once("finish", () => {
    if (req.complete) return;
    body.destroy();
    // Flows once the reading above has let go of the request (a listener for data resumes it then).
    req.on("data", dropChunk);
  });
  return body;
}

/**
 * The whole body of a request served outside Remix (the contest answers, the study heartbeats), or null
 * once it passes `limit` bytes: the caller then refuses it, and the rest is read and dropped so the
 * client sees why.
 */
export function readCappedBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    // A client that went away before or while it sent the body: the request fails (no answer can reach it).
    const gone = () => reject(new Error("the client closed the connection before its body arrived"));
    if (req.destroyed) return gone();
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        resolve(null);
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => req.complete || gone());
  });
}
