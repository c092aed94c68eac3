import compression from "compression";
import type express from "express";
import zlib from "node:zlib";

/**
 * Brotli or gzip for what the server writes (HTML, Remix's .data, JSON), by the request's
 * Accept-Encoding; expressjs/compression negotiates, sets Vary and leaves alone what is already
 * encoded (the precompressed assets), small whole answers (under 1 KB) and HEAD.
 *
 * What is written in one turn of the event loop is flushed through the compressor once, at the end
 * of that turn: a streamed page's shell reaches the browser at once and each deferred chunk when React
 * writes it, as without compression. Not each write: React writes a page in pieces of a few KB, and a
 * flush per piece made a document a dozen compressor round trips through the thread pool, its tail
 * arriving a few hundred milliseconds after its head on a busy machine (the browser then paints before
 * it has seen the page's scripts). Event streams (a live round's, text/event-stream) are never
 * compressed: each event must go out when it happens, and they are a few hundred bytes. Brotli at
 * quality 4 costs about what gzip 6 does on the CPU and compresses better; quality 11 is for the
 * build's static files.
 */
export function responseCompression(): express.RequestHandler {
  const compress = compression({
    filter: (req, res) => !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") && compression.filter(req, res),
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  return (req, res, next) =>
    // compression replaces res.write, then calls next: the flushing wraps its write, not Node's.
    compress(req, res, (err?: unknown) => {
      if (!err) flushEachTurn(res);
      next(err);
    });
}

/** After the writes of one event-loop turn, one flush of the compressor (`res.flush`, which compression adds). */
function flushEachTurn(res: express.Response) {
  const write = res.write;
  let pending = false;
  res.write = function (this: express.Response, ...args: Parameters<express.Response["write"]>) {
    if (!pending) {
      pending = true;
      setImmediate(() => {
        pending = false;
        if (!res.writableEnded) (res as express.Response & { flush?: () => void }).flush?.();
      });
    }
    return write.apply(this, args);
  } as express.Response["write"];
}
