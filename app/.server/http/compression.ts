import compression from "compression";
import type express from "express";
import zlib from "node:zlib";

/**
 * Brotli or gzip for what the server writes (HTML, Remix's .data, JSON), by the request's
 * Accept-Encoding; expressjs/compression negotiates, sets Vary and leaves alone what is already
 * encoded (the precompressed assets), small whole answers (under 1 KB) and HEAD.
 *
 * Every write is flushed through the compressor (SYNC_FLUSH / BROTLI_OPERATION_FLUSH): a streamed
 * page's shell reaches the browser at once and each deferred chunk when React writes it, as without
 * compression. Event streams (a live round's, text/event-stream) are never compressed: each event
 * must go out when it happens, and they are a few hundred bytes. Brotli at quality 4 costs about
 * what gzip 6 does on the CPU and compresses better; quality 11 is for the build's static files.
 */
export function responseCompression(): express.RequestHandler {
  return compression({
    filter: (req, res) => !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") && compression.filter(req, res),
    flush: zlib.constants.Z_SYNC_FLUSH,
    brotli: { flush: zlib.constants.BROTLI_OPERATION_FLUSH, params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}
