import http from "node:http";
import zlib from "node:zlib";

// Requests over a fixed pool of keep-alive connections, as a reverse proxy in front of the server
// keeps them, and a limit on how many are open at once.

export type PoolReply = { status: number; text: string; location?: string; setCookie?: string[] };

/**
 * Not fetch: its pool opens a new connection whenever none is free at that instant, so under
 * overload it churns through thousands of connections, which wait behind the server's busy event
 * loop to be accepted while idle ones are closed by its 5 s keep-alive timeout (a p99 of more than a
 * minute and connection resets, all of the client's making).
 */
export function connections(url: string, size: number, opts: { retryStaleSocket?: boolean; acceptEncoding?: string } = {}) {
  // maxFreeSockets as large as the pool: Node's default (256) closes every idle connection past it, so a
  // pool mostly idle between bursts (the answers' thinking time) would open new ones for each burst.
  const agent = new http.Agent({ keepAlive: true, maxSockets: size, maxFreeSockets: size });
  let opened = 0;
  const { hostname, port } = new URL(url);
  const asked = opts.acceptEncoding ? { "Accept-Encoding": opts.acceptEncoding } : {};
  return {
    request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<PoolReply> {
      const headers = { ...asked, ...init.headers, ...(init.body === undefined ? {} : { "Content-Length": String(Buffer.byteLength(init.body)) }) };
      const send = (retried: boolean) =>
        new Promise<PoolReply>((resolve, reject) => {
          const req = http.request({ agent, hostname, port, path, method: init.method ?? "GET", headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                text: decoded(Buffer.concat(chunks), res.headers["content-encoding"]).toString("utf8"),
                location: res.headers.location,
                setCookie: res.headers["set-cookie"],
              }),
            );
            res.on("error", reject);
          });
          req.once("socket", () => {
            if (!req.reusedSocket) opened++;
          });
          req.on("error", (e: NodeJS.ErrnoException) => {
            // The server closed an idle keep-alive connection (its 5 s timeout) just as this request
            // was put on it: the request never reached it, so it goes again on a fresh connection, as
            // browsers and proxies do (Node's documentation of request.reusedSocket).
            if (opts.retryStaleSocket && !retried && req.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE")) resolve(send(true));
            else reject(e);
          });
          req.end(init.body);
        });
      return send(false);
    },
    /** Connections opened so far (each one's first request). */
    opened: () => opened,
    close: () => agent.destroy(),
  };
}

/** At most `max` requests open at once; the others wait their turn, first come first served. */
export function slots(max: number) {
  let free = max;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

/** A body as it was before the server compressed it (brotli or gzip, as a browser decodes it). */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === "br") return zlib.brotliDecompressSync(body);
  if (encoding === "gzip") return zlib.gunzipSync(body);
  return body;
}
