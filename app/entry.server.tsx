import { Transform } from "node:stream";
import { type ActionFunctionArgs, type EntryContext, type LoaderFunctionArgs, createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { currentRequestContext } from "./.server/http/context";
import { NonceProvider } from "./components/nonce";
// zod's messages in Chinese for every parse on the server, whichever module parses first.
import "./lib/zod-locale";

const ABORT_DELAY = 5_000;
/** Remix's deadline for deferred data in the page's data stream (none of our loaders defer today). */
export const streamTimeout = ABORT_DELAY;
/**
 * How long a page may go on streaming after its shell before React gives up on what is still pending.
 * Counted from the shell, not from the request: a render that waits its turn on a busy event loop is
 * not a hung render. Before, a 5 s limit from the request aborted Remix's data-stream boundary of pages
 * whose render was merely queued (120 sign-ins at once at load 10+): the page went out whole but with
 * status 500 (to clients isbot() counts as bots, which wait for everything) or without its data (to
 * people), and nothing was logged. Remix's streamTimeout already ends deferred data; this is the net for
 * something that never settles.
 */
const RENDER_LIMIT_AFTER_SHELL_MS = 30_000;

/**
 * Errors of loaders, actions and rendering, for the server's log. A URL that matches no route (bots
 * probing /wp-admin) and a request the client abandoned are not errors of ours; everything else is
 * logged as Remix would.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status === 404) return;
  console.error(error);
}

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  const nonce = currentRequestContext()?.cspNonce ?? "";
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let shellFailed = false;
    let limit: NodeJS.Timeout | undefined;
    const send = () => {
      const body = withoutNulBytes();
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          limit = setTimeout(abort, RENDER_LIMIT_AFTER_SHELL_MS);
          if (!waitForAll) send();
        },
        onAllReady() {
          clearTimeout(limit);
          if (waitForAll) send();
        },
        onShellError(error: unknown) {
          shellFailed = true;
          reject(error);
        },
        onError(error: unknown) {
          // Sets the status only while nothing is sent yet (a bot's page waits for everything).
          responseStatusCode = 500;
          // A shell error goes on to onShellError in the same turn and Remix logs it (handleError); any
          // other error is logged here, so no 500 goes out without a line in the log.
          queueMicrotask(() => {
            if (!shellFailed) console.error(error);
          });
        },
      },
    );
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
