import zlib from "node:zlib";
import { Pool } from "undici";

// Requests over a fixed pool of keep-alive connections, as a reverse proxy in front of the server
// keeps them, and a limit on how many are open at once.

export type PoolReply = { status: number; text: string; location?: string; setCookie?: string[] };

/**
 * Not fetch: its pool opens a new connection whenever none is free at that instant, so under
 * overload it churns through thousands of connections, which wait behind the server's busy event
 * loop to be accepted while idle ones are closed by its keep-alive timeout (a p99 of more than a
 * minute and connection resets, all of the client's making).
 *
 * undici's Pool at its lowest level (`dispatch`, a handler per request, no streams): the crowd's phones
 * are not on the server's machine, but the bench client is, and Node's `http.Agent` cost it about 1.6
 * times the CPU per request (decision 098). An idle connection is kept as long as the server's Keep-Alive
 * hint says, less two seconds (the server says 65 s), or 4 s without a hint; undici puts no request on a
 * connection whose end it has seen, and sends none again (it would count as an error). Not shorter: the
 * pool gives each request its first free connection, so under a crowd the last ones idle, and a pool that
 * closed them after 10 s opened a thousand more over a contest morning. No timeouts of its own: a step's
 * time is what the benches measure.
 */
export function connections(url: string, size: number, opts: { acceptEncoding?: string } = {}) {
  const pool = new Pool(url, { connections: size, pipelining: 1, connectTimeout: 0, headersTimeout: 0, bodyTimeout: 0 });
  let opened = 0;
  pool.on("connect", () => opened++);
  const asked: Record<string, string> = opts.acceptEncoding ? { "accept-encoding": opts.acceptEncoding } : {};
  return {
    request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<PoolReply> {
      const method = (init.method ?? "GET") as "GET" | "POST";
      const headers = init.headers ? { ...asked, ...init.headers } : asked;
      return new Promise<PoolReply>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let status = 0;
        let location: string | undefined;
        let encoding: string | undefined;
        let setCookie: string[] | undefined;
        pool.dispatch(
          { path, method, headers, body: init.body ?? null },
          {
            onConnect() {},
            onHeaders(statusCode, raw) {
              status = statusCode;
              for (let i = 0; i < raw.length; i += 2) {
                const name = raw[i].toString("latin1").toLowerCase();
                if (name === "location") location = raw[i + 1].toString("latin1");
                else if (name === "content-encoding") encoding = raw[i + 1].toString("latin1");
                else if (name === "set-cookie") (setCookie ??= []).push(raw[i + 1].toString("latin1"));
              }
              return true;
            },
            onData(chunk) {
              chunks.push(chunk);
              return true;
            },
            onComplete() {
              try {
                const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
                resolve({ status, text: decoded(body, encoding).toString("utf8"), location, setCookie });
              } catch (e) {
                reject(e);
              }
            },
            onError: reject,
          },
        );
      });
    },
    /** Connections opened so far. */
    opened: () => opened,
    close: () => void pool.destroy().catch(() => undefined),
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
