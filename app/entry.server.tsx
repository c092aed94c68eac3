import { Writable } from "node:stream";
import type { ActionFunctionArgs, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { currentRequestContext } from "./.server/http/context";
import { clientLeft } from "./.server/http/request-signal";
import { log, pathForLog } from "./.server/ops/log";
import { NonceProvider } from "./components/nonce";
// zod's messages in Chinese for every parse on the server, whichever module parses first.
import "./lib/zod-locale";

const ABORT_DELAY = 5_000;
/** Remix's deadline for deferred data in the page's data stream (none of our loaders defer today). */
export const streamTimeout = ABORT_DELAY;
/**
 * How long a page may go on rendering after its shell before React gives up on what is still pending.
 * Counted from the shell, not from the request: a render that waits its turn on a busy event loop is
 * not a hung render. Before, a 5 s limit from the request aborted Remix's data-stream boundary of pages
 * whose render was merely queued (120 sign-ins at once at load 10+): the page went out whole but with
 * status 500, or without its data, and nothing was logged. Remix's streamTimeout already ends deferred
 * data; this is the net for something that never settles.
 */
const RENDER_LIMIT_AFTER_SHELL_MS = 30_000;

/**
 * Errors of loaders, actions and rendering, for the server's log. A URL that matches no route (bots
 * probing /wp-admin) and a request the client abandoned are not errors of ours. The router's other
 * refusals of a request (a form posted to a page that takes none: 405; 400) are noted at info, not as
 * errors: anyone could fill the error log with them, yet a form of ours posting where no action is
 * would show there. Everything else is logged as Remix would.
 */
export function handleError(error: unknown, { request, params }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (clientLeft(request.signal)) return;
  if (isRouteErrorResponse(error) && error.status === 404) return;
  // The path with secret-bearing parameters masked (a calendar feed's token): decision 075.
  const where = { method: request.method, path: pathForLog(new URL(request.url).pathname, params) };
  if (isRouteErrorResponse(error) && error.status < 500) log.info("request refused by the router", { ...where, status: error.status });
  else log.error("request failed", error, where);
}

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  const context = currentRequestContext();
  const nonce = context?.cspNonce ?? "";
  return new Promise<Response>((resolve, reject) => {
    let shellFailed = false;
    let limit: NodeJS.Timeout | undefined;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          limit = setTimeout(abort, RENDER_LIMIT_AFTER_SHELL_MS);
        },
        onAllReady() {
          clearTimeout(limit);
          pipe(
            wholePage((page) => {
              responseHeaders.set("Content-Type", "text/html; charset=utf-8");
              const init = { headers: responseHeaders, status: responseStatusCode };
              // Served by our handler: the bytes go beside a Response without a body (decision 100).
              if (!context) return resolve(new Response(new Uint8Array(page), init));
              const response = new Response(null, init);
              context.page = { response, bytes: page };
              resolve(response);
            }),
          );
        },
        onShellError(error: unknown) {
          shellFailed = true;
          reject(error);
        },
        onError(error: unknown) {
          // Nothing is sent before the whole page is rendered, so a failed part makes the page's status 500.
          responseStatusCode = 500;
          // A shell error goes on to onShellError in the same turn and Remix logs it (handleError); any
          // other error is logged here, so no 500 goes out without a line in the log.
          queueMicrotask(() => {
            if (!shellFailed) log.error("rendering failed", error);
          });
        },
      },
    );
  });
}

/**
 * The page is sent whole, once everything in it is rendered (onAllReady), to people and bots alike.
 * None of our loaders defers data (streamTimeout above is the net), so streaming the shell first won
 * nothing: the rest followed within the same millisecond. It cost, though: React writes in 2 KB pieces,
 * and each piece went through a Transform, a web stream and a write to the socket of its own, a chunked
 * reply of ten writes for a 14 KB page. Now it is one buffer, written at once with its length and
 * compressed in one call (remix-handler.ts, compression.ts): 3–15 % less CPU per page, and a quarter
 * less for a contest morning's crowd of phones that take brotli (decision 089).
 */
function wholePage(done: (page: Buffer) => void): Writable {
  const chunks: Uint8Array[] = [];
  return new Writable({
    // React listens for the destination's close to abort the render; after a finished render that
    // abort ended the stream a second time, and Node built an ERR_STREAM_ALREADY_FINISHED error, stack
    // and all, for every page (about 1 % of a page's CPU). Nothing else listens for this close.
    emitClose: false,
    write(chunk: Uint8Array, _encoding, next) {
      chunks.push(chunk);
      next();
    },
    final(next) {
      done(withoutNulBytes(Buffer.concat(chunks)));
      next();
    },
  });
}

/**
 * React 18's stream writer (react-dom-server.node, writeStringChunk) writes its whole 2 KB view when a
 * multi-byte character does not fit at its end, unfilled zero bytes included (react/react#24985): a
 * NUL inside Chinese text at a chunk boundary. No byte of a UTF-8 sequence is zero and HTML holds no
 * NUL, so dropping them restores exactly the text React meant.
 */
function withoutNulBytes(page: Buffer): Buffer {
  let nul = page.indexOf(0);
  if (nul === -1) return page;
  const parts: Buffer[] = [];
  let from = 0;
  for (; nul !== -1; nul = page.indexOf(0, from)) {
    if (nul > from) parts.push(page.subarray(from, nul));
    from = nul + 1;
  }
  parts.push(page.subarray(from));
  return Buffer.concat(parts);
}
