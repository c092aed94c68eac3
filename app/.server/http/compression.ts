import compression from "compression";
import type express from "express";
import type { IncomingMessage, ServerResponse } from "node:http";
import zlib from "node:zlib";
import { preferredEncoding } from "./precompressed";

/**
 * Brotli's quality for what the server compresses as it answers (the build's static files use 11).
 * Quality 3 costs a third to a half less CPU than 4 for a whole body of pages' text and data, for
 * 0.1–3 % more bytes (decision 089, "Later").
 */
const BROTLI_QUALITY = 3;

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
 * quality 3 costs about what gzip 6 does on the CPU or less, for about the same size (up to 3 % larger);
 * quality 11 is for the build's static files.
 */
export function responseCompression(): express.RequestHandler {
  const compress = compression({
    filter: (req, res) => !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") && compression.filter(req, res),
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
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

/** The forms a whole body may be sent in, ours first (the request's Accept-Encoding chooses). */
const WHOLE_ENCODINGS = [{ name: "br" }, { name: "gzip" }] as const;
export type WholeEncoding = (typeof WHOLE_ENCODINGS)[number]["name"];
/** Under this a compressed form saves nothing worth its header (the middleware's threshold too). */
const COMPRESS_FROM = 1024;
/** Over this a whole body is left to the middleware's stream, which compresses off the event loop. */
const COMPRESS_AT_ONCE_UP_TO = 256 * 1024;

/**
 * The encoding a whole, compressible body of `length` bytes goes out in, by the request's
 * Accept-Encoding: brotli or gzip, or undefined for as it is (small, or not accepted). Says that the
 * answer varies by it.
 */
export function wholeEncoding(req: IncomingMessage, res: ServerResponse, length: number): WholeEncoding | undefined {
  if (length < COMPRESS_FROM) return undefined;
  const vary = String(res.getHeader("Vary") ?? "");
  if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) res.setHeader("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  return preferredEncoding(String(req.headers["accept-encoding"] ?? ""), WHOLE_ENCODINGS)?.name;
}

/** A whole body in that encoding, at the middleware's qualities, in one call on this thread. */
export function encodeWhole(body: Buffer, encoding: WholeEncoding): Buffer {
  if (encoding === "gzip") return zlib.gzipSync(body);
  return zlib.brotliCompressSync(body, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
}

/**
 * Ends a response with a body that is whole in memory (a rendered page, a JSON answer), compressed
 * in one synchronous call when the client takes it: a 14 KB page in brotli costs about 0.15 ms so,
 * against about twice that through the middleware's stream and zlib's thread pool, and goes out in one
 * write with its length. The middleware then finds it encoded and leaves it. What it should not touch
 * (HEAD, `Cache-Control: no-transform`, an encoding set already) and bodies over 256 KB are left to it.
 */
export function endWhole(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  let sent = body;
  const untouchable = req.method === "HEAD" || res.hasHeader("Content-Encoding") || /no-transform/i.test(String(res.getHeader("Cache-Control") ?? ""));
  if (!untouchable && body.length <= COMPRESS_AT_ONCE_UP_TO) {
    const encoding = wholeEncoding(req, res, body.length);
    if (encoding) {
      sent = encodeWhole(body, encoding);
      res.setHeader("Content-Encoding", encoding);
    }
  }
  res.setHeader("Content-Length", sent.length);
  res.end(sent);
}
