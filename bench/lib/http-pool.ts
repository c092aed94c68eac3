import net from "node:net";
import zlib from "node:zlib";

// Requests over a fixed pool of keep-alive connections, as a reverse proxy in front of the server
// keeps them, and a limit on how many are open at once.

export type PoolReply = {
  status: number;
  text: string;
  location?: string;
  setCookie?: string[];
  /** How long the request waited for a free connection (the proxy's queue, not the server), in ms. */
  waitedMs: number;
  /** And the rest: from written on a connection to the whole reply read. */
  sentMs: number;
};
type RequestInit = { method?: string; headers?: Record<string, string>; body?: string };

/** How long an idle connection is used again when the server gives no Keep-Alive hint. */
const IDLE_WITHOUT_HINT_MS = 4000;
/** An idle connection is used again until this much before the server's hint runs out: it may be closing it. */
const HINT_MARGIN_MS = 2000;

type Job = {
  request: Buffer;
  isHead: boolean;
  /** When it was asked for, and when written on a connection (performance.now()). */
  askedAt: number;
  sentAt: number;
  resolve: (reply: PoolReply) => void;
  reject: (e: unknown) => void;
};

/**
 * HTTP/1.1 on plain sockets, one request at a time on each, written in one piece and read by a parser
 * that keeps only what the scenarios read: the status, `Location`, `Content-Encoding`, `Set-Cookie`, the
 * body (by `Content-Length`, chunked, or to the connection's end) and whether the connection stays
 * open (`Connection`, `Keep-Alive`). The bench client runs on the server's machine, where every
 * core-second it spends is taken from the server, and the phones it stands for are not (decision 103:
 * with undici's pool, before, an answer cost the client about a third more CPU).
 *
 * Not fetch, nor an agent that opens a connection whenever none is free: under overload that churns
 * through thousands of connections, each waiting behind the server's busy event loop to be accepted.
 * Here at most `size` are open; a request finding none free waits its turn, first come first served. An
 * idle connection is reused, the most recently used first, for as long as the server's Keep-Alive hint
 * says less two seconds (4 s without one), and never once its end has been seen; nothing is sent twice
 * (a request on a connection that closes under it fails). No timeouts: a step's time is what the
 * benches measure.
 */
export function connections(url: string, size: number, opts: { acceptEncoding?: string } = {}) {
  const target = new URL(url);
  const port = Number(target.port || 80);
  const fixedHeaders = `host: ${target.host}\r\n` + (opts.acceptEncoding ? `accept-encoding: ${opts.acceptEncoding}\r\n` : "");
  const idle: Connection[] = [];
  const queue: Job[] = [];
  let queueHead = 0;
  let open = 0;
  let opened = 0;
  let closed = false;

  const nextQueued = (): Job | undefined => {
    if (queueHead === queue.length) return undefined;
    const job = queue[queueHead];
    queue[queueHead++] = undefined!;
    if (queueHead > 1024 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
    return job;
  };

  const pool: PoolOwner = {
    /** A connection's reply was read whole and it may carry another request. */
    free(c) {
      if (closed) return c.close();
      const job = nextQueued();
      if (job) c.send(job);
      else idle.push(c);
    },
    /** A connection was closed or failed: the next waiting request gets a new one. */
    gone(c) {
      open--;
      const at = idle.indexOf(c);
      if (at >= 0) idle.splice(at, 1);
      const job = closed ? undefined : nextQueued();
      if (job) dispatch(job);
    },
  };

  /** Fails every request still waiting for a connection with `error`; those sent go on. */
  function dropWaiting(error: Error) {
    for (let job = nextQueued(); job; job = nextQueued()) job.reject(error);
  }

  function dispatch(job: Job) {
    while (idle.length > 0) {
      const c = idle.pop()!;
      if (c.reusable()) return c.send(job);
      c.close();
    }
    if (open < size) {
      open++;
      opened++;
      return new Connection(target.hostname, port, pool).send(job);
    }
    queue.push(job);
  }

  return {
    request(path: string, init: RequestInit = {}): Promise<PoolReply> {
      const askedAt = performance.now();
      if (closed) return Promise.reject(new Error("the pool is closed"));
      const method = init.method ?? "GET";
      let head = `${method} ${path} HTTP/1.1\r\n${fixedHeaders}`;
      if (init.headers) for (const name in init.headers) head += `${name}: ${init.headers[name]}\r\n`;
      const request = Buffer.from(init.body === undefined ? `${head}\r\n` : `${head}content-length: ${Buffer.byteLength(init.body)}\r\n\r\n${init.body}`);
      return new Promise<PoolReply>((resolve, reject) => dispatch({ request, isHead: method === "HEAD", askedAt, sentAt: askedAt, resolve, reject }));
    },
    /** Connections opened so far. */
    opened: () => opened,
    /** Fails every request still waiting for a connection with `error` (a crowd's time cap); those sent go on. */
    dropWaiting,
    close() {
      closed = true;
      for (const c of idle.splice(0)) c.close();
      dropWaiting(new Error("the pool was closed"));
    },
  };
}

type PoolOwner = { free(c: Connection): void; gone(c: Connection): void };

/** What a reply's head said, as far as the scenarios and the connection need it. */
type Head = {
  status: number;
  /** The body's length; null for chunked or to the connection's end. */
  length: number | null;
  chunked: boolean;
  encoding?: string;
  location?: string;
  setCookie?: string[];
  /** How long the connection may wait idle for the next request (0: it closes); null without a hint. */
  keepMs: number | null;
};
const emptyHead = (): Head => ({ status: 0, length: null, chunked: false, keepMs: null });

function replyOf(head: Head, body: Buffer, job: Job): PoolReply {
  const reply: PoolReply = {
    status: head.status,
    text: decoded(body, head.encoding).toString("utf8"),
    waitedMs: job.sentAt - job.askedAt,
    sentMs: performance.now() - job.sentAt,
  };
  if (head.location !== undefined) reply.location = head.location;
  if (head.setCookie) reply.setCookie = head.setCookie;
  return reply;
}

/** One keep-alive connection and the reply being read on it. */
class Connection {
  private readonly socket: net.Socket;
  private job: Job | null = null;
  private ended = false;
  private error: Error | null = null;
  private keepUntil = 0;
  // The reply being read.
  private buffer: Buffer | null = null;
  /** Where the body starts in `buffer` once the head is read, -1 before. */
  private bodyAt = -1;
  /** Chunked bodies: where the next chunk's size line starts, and the chunks read so far. */
  private chunkAt = 0;
  private chunks: Buffer[] = [];
  private head: Head = emptyHead();

  constructor(
    host: string,
    port: number,
    private readonly pool: PoolOwner,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("end", () => (this.ended = true));
    this.socket.on("error", (e) => (this.error = e));
    this.socket.on("close", () => this.closed());
  }

  /** Whether it may carry another request now. */
  reusable(): boolean {
    return !this.ended && !this.socket.destroyed && performance.now() < this.keepUntil;
  }

  send(job: Job) {
    this.job = job;
    job.sentAt = performance.now();
    this.socket.write(job.request);
  }

  close() {
    this.socket.destroy();
  }

  private read(chunk: Buffer) {
    if (!this.job) return this.fail(new Error("the server sent bytes with no request in flight"));
    this.buffer = this.buffer === null ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      if (this.bodyAt < 0 && !this.readHead()) return;
      const body = this.head.chunked ? this.readChunks() : this.readLength();
      if (body) this.complete(body);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** Reads the status line and headers once they are all here; false while they are not. */
  private readHead(): boolean {
    const buffer = this.buffer!;
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return false;
    const lines = buffer.toString("latin1", 0, end).split("\r\n");
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
    if (!statusLine) throw new Error(`not an HTTP/1.x reply: ${lines[0].slice(0, 80)}`);
    const r = this.head;
    r.status = Number(statusLine[2]);
    let keepAlive = statusLine[1] === "1";
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") r.length = Number(value);
      else if (name === "transfer-encoding") r.chunked = /(^|,)\s*chunked\s*$/i.test(value);
      else if (name === "content-encoding") r.encoding = value;
      else if (name === "location") r.location = value;
      else if (name === "set-cookie") (r.setCookie ??= []).push(value);
      else if (name === "connection") {
        if (/\bclose\b/i.test(value)) keepAlive = false;
        else if (/\bkeep-alive\b/i.test(value)) keepAlive = true;
      } else if (name === "keep-alive") {
        const timeout = /(?:^|,)\s*timeout=(\d+)/i.exec(value);
        if (timeout) r.keepMs = Number(timeout[1]) * 1000 - HINT_MARGIN_MS;
      }
    }
    if (r.status < 200) throw new Error(`an informational reply (${r.status}) to a request that asked for none`);
    if (!keepAlive) r.keepMs = 0;
    // No body after a HEAD, a 204 or a 304, whatever the head announces; chunks before any length.
    if (this.job!.isHead || r.status === 204 || r.status === 304) {
      r.length = 0;
      r.chunked = false;
    } else if (r.chunked) r.length = null;
    this.bodyAt = end + 4;
    this.chunkAt = this.bodyAt;
    return true;
  }

  /** The body once `Content-Length` bytes are here; without a length, at the connection's end (`closed`). */
  private readLength(): Buffer | null {
    const { length } = this.head;
    const buffer = this.buffer!;
    if (length === null || buffer.length < this.bodyAt + length) return null;
    if (buffer.length > this.bodyAt + length) throw new Error("the server sent more than the reply's Content-Length");
    return buffer.subarray(this.bodyAt, this.bodyAt + length);
  }

  /** The body once its last chunk and the trailer's end are here. */
  private readChunks(): Buffer | null {
    const buffer = this.buffer!;
    for (;;) {
      const lineEnd = buffer.indexOf("\r\n", this.chunkAt);
      if (lineEnd < 0) return null;
      const size = parseInt(buffer.toString("latin1", this.chunkAt, lineEnd), 16);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error("a chunk's size is not a number");
      if (size === 0) {
        // The last chunk, then trailer fields (none expected) and an empty line.
        const end = buffer.indexOf("\r\n\r\n", this.chunkAt);
        if (end < 0) return null;
        if (buffer.length > end + 4) throw new Error("the server sent more than the chunked reply");
        return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      }
      const dataEnd = lineEnd + 2 + size;
      if (buffer.length < dataEnd + 2) return null;
      this.chunks.push(buffer.subarray(lineEnd + 2, dataEnd));
      this.chunkAt = dataEnd + 2;
    }
  }

  private complete(body: Buffer) {
    const job = this.job!;
    const keepMs = this.head.keepMs ?? IDLE_WITHOUT_HINT_MS;
    const reply = replyOf(this.head, body, job);
    this.job = null;
    this.buffer = null;
    this.bodyAt = -1;
    this.chunks = [];
    this.head = emptyHead();
    job.resolve(reply);
    if (keepMs > 0 && !this.ended) {
      this.keepUntil = performance.now() + keepMs;
      this.pool.free(this);
    } else this.close();
  }

  private fail(e: Error) {
    this.error ??= e;
    this.close();
  }

  private closed() {
    const job = this.job;
    this.job = null;
    if (job) {
      // A reply without a length ends with its connection; anything else cut short is an error.
      const r = this.head;
      if (!this.error && this.bodyAt >= 0 && r.length === null && !r.chunked) {
        try {
          job.resolve(replyOf(r, this.buffer!.subarray(this.bodyAt), job));
        } catch (e) {
          job.reject(e);
        }
      } else job.reject(this.error ?? new Error("the server closed the connection before the whole reply"));
    }
    this.pool.gone(this);
  }
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
