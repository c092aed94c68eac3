import { type ServerBuild, createReadableStreamFromReadable, createRequestHandler } from "@remix-run/node";
import type express from "express";
import { limitedBody, newBodyBudget, wasRefused } from "./body-limit";
import { endWhole } from "./compression";
import { currentRequestContext } from "./context";
import { ANSWERED } from "./request-signal";
import { PERSONAL_CACHE_CONTROL, SINGLE_FETCH_TYPE } from "./single-fetch-reply";

// Remix behind Express, like @remix-run/express's createRequestHandler, except for how the body is
// written. Remix 2's writer (writeReadableStreamToWritable) never waits for the socket to drain, so a
// response streamed from a file (a video, an export) to a slow client is read into memory whole
// (remix-run/react-router#15049, fixed only in React Router 7). Here `writeBody` reads the body as fast
// as the client takes it, and reading stops when the client goes. It reads the web stream directly:
// stream.pipeline over Readable.fromWeb did the same with an adapter stream and an AbortController
// aborted at every finish (a DOMException with its stack each time), about 4 % of the CPU of a crowd of
// small pages and .data answers (decision 085).

export function remixHandler(build: ServerBuild | (() => Promise<ServerBuild>), mode: string): express.RequestHandler {
  const handle = createRequestHandler(build, mode);
  return async (req, res, next) => {
    const context = currentRequestContext();
    try {
      const response = await handle(toRequest(req, res));
      // A page rendered whole comes without a body, its bytes beside it (entry.server.tsx, decision 100);
      // a Response Remix made in its place (a HEAD's) has none to send.
      const page = context?.page?.response === response ? context.page.bytes : undefined;
      // The body was refused mid-stream (body-limit.ts): the 413 is the answer.
      if (wasRefused(res)) return;
      res.statusMessage = response.statusText;
      res.status(response.status);
      // A route's header replaces the server's default of the same name (server.ts sets the security
      // headers first); cookies are the one header that repeats. Express's set() also adds the
      // charset to a text Content-Type that has none (Remix's .data responses), as its adapter did.
      for (const [key, value] of response.headers.entries()) if (key !== "set-cookie") res.set(key, value);
      for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
      // Pages and their .data are personal (a name, answers, hours): a shared cache must not keep them and a
      // lab computer's disk should not; a route that knows better (media, downloads) says so itself.
      if (!response.headers.has("Cache-Control")) res.set("Cache-Control", PERSONAL_CACHE_CONTROL);
      if (page) {
        endWhole(req, res, page);
        return;
      }
      if (!response.body) {
        res.end();
        return;
      }
      // Answers that are whole before they are sent, written at once with their length and compressed
      // at once (compression.ts), without the stream machinery, which cost more than the answer: JSON
      // (the study heartbeats', the autosaves'), HTML a route made itself, and a route's data (.data),
      // whose stream ends as soon as it begins since no loader defers anything.
      const type = response.headers.get("content-type") ?? "";
      if (type.startsWith("application/json") || type.startsWith("text/html") || type.startsWith(SINGLE_FETCH_TYPE)) {
        endWhole(req, res, Buffer.from(await response.arrayBuffer()));
        return;
      }
      await writeBody(response.body, res);
    } catch (error) {
      // A client that leaves mid-body is not a server error.
      if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE" || res.destroyed || wasRefused(res)) return;
      next(error);
    } finally {
      // The page's bytes are this request's alone: dropped however Remix ended, the context may outlive it.
      if (context) context.page = undefined;
    }
  };
}

/**
 * Writes a response body to the client chunk by chunk, waiting for the socket to drain when its buffer
 * is full. When the client goes (the response closes before its end) the body is cancelled, so a file
 * behind it is closed, and the write ends quietly. An error of the body's own is thrown, after the
 * response is destroyed (the client sees a cut connection, not a truncated page that looks whole).
 */
export async function writeBody(
  body: ReadableStream<Uint8Array>,
  res: Pick<express.Response, "write" | "end" | "on" | "off" | "destroy" | "destroyed">,
): Promise<void> {
  const reader = body.getReader();
  let gone = false;
  let wake: (() => void) | null = null;
  const onClose = () => {
    gone = true;
    wake?.();
  };
  const onDrain = () => wake?.();
  res.on("close", onClose);
  res.on("drain", onDrain);
  try {
    for (;;) {
      if (gone || res.destroyed) {
        await reader.cancel().catch(() => {});
        return;
      }
      const { done, value } = await reader.read();
      if (done) break;
      if (gone || res.destroyed) {
        await reader.cancel().catch(() => {});
        return;
      }
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    }
    res.end();
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    res.destroy();
    if (!gone) throw error;
  } finally {
    res.off("close", onClose);
    res.off("drain", onDrain);
    reader.releaseLock();
  }
}

/**
 * The web Request for an Express request; aborted when the client leaves before the response is
 * done, or when its body goes over the request's limit.
 */
function toRequest(req: express.Request, res: express.Response): Request {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get("host") ?? "localhost"}`);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
    else if (value !== undefined) headers.set(key, value);
  }
  const controller = new AbortController();
  // The signal ends with the response (request-signal.ts): as before when the client goes first, with ANSWERED after.
  res.on("close", () => controller.abort(res.writableFinished ? ANSWERED : undefined));
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const context = currentRequestContext();
  const budget = context?.bodyBudget ?? newBodyBudget();
  // A small form read whole before its turn (decision 094; its length was checked then) is handed over as it is.
  const whole = context?.wholeBody;
  if (context) context.wholeBody = undefined; // the request holds it now; the context may outlive it
  const body = !hasBody
    ? {}
    : whole
      ? { body: whole }
      : { body: createReadableStreamFromReadable(limitedBody(req, res, budget, () => controller.abort())), duplex: "half" };
  return new Request(url, { method: req.method, headers, signal: controller.signal, ...body } as RequestInit);
}
