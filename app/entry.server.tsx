import { Transform } from "node:stream";
import { type ActionFunctionArgs, type EntryContext, type LoaderFunctionArgs, createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { currentRequestContext } from "./.server/http/context";
import { log, pathForLog } from "./.server/ops/log";
import { NonceProvider } from "./components/nonce";
// zod's messages in Chinese for every parse on the server, whichever module parses first.
import "./lib/zod-locale";

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

/**
 * Errors of loaders, actions and rendering, for the server's log. A URL that matches no route (bots
 * probing /wp-admin) and a request the client abandoned are not errors of ours; everything else is
 * logged as Remix would.
 */
export function handleError(error: unknown, { request, params }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status === 404) return;
  // The path with secret-bearing parameters masked (a calendar feed's token): decision 075.
  log.error("request failed", error, { method: request.method, path: pathForLog(new URL(request.url).pathname, params) });
}

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  const nonce = currentRequestContext()?.cspNonce ?? "";
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = withoutNulBytes();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) log.error("rendering failed", error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * React 18's stream writer (react-dom-server.node, writeStringChunk) writes its whole 2 KB view when a
 * multi-byte character does not fit at its end, unfilled zero bytes included (react/react#24985): a
 * NUL inside Chinese text at a chunk boundary. No byte of a UTF-8 sequence is zero and HTML holds no
 * NUL, so dropping them restores exactly the text React meant.
 */
function withoutNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk.includes(0) ? chunk.filter((byte) => byte !== 0) : chunk);
    },
  });
}
