import crypto from "node:crypto";
import fs from "node:fs";
import { rm, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { AwsV4Signer } from "aws4fetch";
import { leaveTurn } from "../http/context";
import { checkStorageKey } from "./key";
import type { ByteRange, FileStorage } from "./storage";

// Files in a bucket of an S3-compatible object store (decision 081), by the same keys as the folder
// (`library/3f…e1.pdf` is the object `library/3f…e1.pdf`). Plain HTTP requests signed with SigV4
// (aws4fetch signs; Node's fetch sends), path-style URLs (`<endpoint>/<bucket>/<key>`), which every
// S3-compatible server answers, where virtual-host names need DNS for each bucket.
// - A PUT replaces an object whole: a reader sees the old object or the new one, as with the folder's
//   rename. An upload's temporary file is streamed from the disk with its length, never read into memory.
// - `stream` asks for its range once, at the first read, and reads the body only as the consumer pulls;
//   a cancel closes the connection.
// - Every request has a time limit: no answer, or no progress while we wait for bytes, within
//   `timeLimitMs` aborts it, so a store that hangs fails a request instead of holding it for ever. The
//   clock is stopped while a stream waits for its consumer (a paused video may wait a long time).
// - A missing key is null/false as in the folder; anything else (wrong keys, a missing bucket, 5xx, a
//   store out of reach, a time limit) throws with the operation, the bucket and key and what to check,
//   never the secret.

export type S3Settings = {
  /** `https://s3.example.edu.cn` (no trailing slash): the store's address, path-style. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
};

const TIME_LIMIT_MS = 30_000;
/** How much of an error answer is read to find its code and message (an XML document of a few hundred bytes). */
const ERROR_BODY_BYTES = 4096;

/** A request's time limit: armed while we wait on the store, stopped while we wait on our consumer. */
class TimeLimit {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  expired = false;
  constructor(private readonly ms: number) {}
  arm() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error("time limit"));
    }, this.ms);
  }
  pause() {
    clearTimeout(this.timer);
  }
  /** Ends the request: stops the clock and drops the connection if a body is still being read. */
  abort() {
    clearTimeout(this.timer);
    this.controller.abort(new Error("cancelled"));
  }
}

type Operation = "HEAD" | "GET" | "PUT" | "DELETE";

export class S3Storage implements FileStorage {
  private bucketChecked: Promise<void> | null = null;

  constructor(
    readonly settings: S3Settings,
    private readonly timeLimitMs = TIME_LIMIT_MS,
  ) {}

  private where(key: string | null) {
    return `s3://${this.settings.bucket}${key === null ? "" : `/${key}`} (${this.settings.endpoint})`;
  }

  private url(key: string | null): string {
    const { endpoint, bucket } = this.settings;
    // RFC 3986 strictly (`(`, `)`, `!`, `'`, `*` too), as the signature's canonical path has it.
    const encode = (part: string) => encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const path = key === null ? "" : `/${checkStorageKey(key).split("/").map(encode).join("/")}`;
    return `${endpoint}/${encodeURIComponent(bucket)}${path}`;
  }

  /**
   * Sends one signed request and waits for its answer's headers within the time limit (armed here; the
   * caller pauses or ends it). `payloadHash` signs a body we hold; a streamed file is sent unsigned
   * (UNSIGNED-PAYLOAD), its length fixed by Content-Length.
   */
  private async send(
    op: Operation,
    key: string | null,
    limit: TimeLimit,
    opts: { headers?: Record<string, string>; body?: BodyInit; payloadHash?: string } = {},
  ): Promise<Response> {
    const url = this.url(key);
    const { region, accessKeyId, secretAccessKey } = this.settings;
    const headers = new Headers(opts.headers);
    if (opts.payloadHash) headers.set("X-Amz-Content-Sha256", opts.payloadHash);
    const signed = await new AwsV4Signer({ method: op, url, headers, service: "s3", region, accessKeyId, secretAccessKey }).sign();
    limit.arm();
    // Waiting on the object store is not a page's CPU work: the page turn goes to the next (decision 091).
    leaveTurn();
    try {
      return await fetch(signed.url, {
        method: op,
        headers: signed.headers,
        body: opts.body,
        signal: limit.controller.signal,
        ...(opts.body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (e) {
      limit.pause();
      throw this.unreachable(op, key, limit, e);
    }
  }

  /** The error for a request that got no answer: out of reach, or over the time limit. */
  private unreachable(op: Operation, key: string | null, limit: TimeLimit, e: unknown): Error {
    if (limit.expired) return new Error(`S3 ${op} ${this.where(key)}: no answer within ${this.timeLimitMs / 1000} s; is the object store up and reachable?`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
    return new Error(`S3 ${op} ${this.where(key)}: cannot reach the object store (${reason}); check S3_ENDPOINT and the network`, { cause: e });
  }

  /** The error for an answer that is not a success: its status, the store's code and message, and what to check. */
  private async failed(op: Operation, key: string | null, response: Response, limit: TimeLimit): Promise<Error> {
    let text = "";
    try {
      text = (await readBody(response, limit, ERROR_BODY_BYTES)).toString("utf8");
    } catch {
      // The status alone still says what happened.
    } finally {
      limit.abort();
    }
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? "";
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? "";
    const hint =
      response.status === 403 || code === "SignatureDoesNotMatch" || code === "InvalidAccessKeyId"
        ? "check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_REGION, and that the key may use this bucket"
        : code === "NoSuchBucket"
          ? "the bucket does not exist: create it, or correct STORAGE_URL"
          : response.status >= 500
            ? "the object store failed; see its logs"
            : "";
    const what = [code, message && `(${message})`].filter(Boolean).join(" ");
    return new Error(`S3 ${op} ${this.where(key)}: HTTP ${response.status}${what ? ` ${what}` : ""}${hint ? `; ${hint}` : ""}`);
  }

  /**
   * Once per process: the bucket exists and the keys may read it. A HEAD of a missing object answers a
   * bare 404 whether the object or the bucket is missing; without this a wrong bucket name would make
   * every file silently "not found". A failed check is tried again by the next call. The server calls it
   * at start (`checkFileStorage`), so a wrong setting stops it there, not at the first upload.
   */
  check(): Promise<void> {
    this.bucketChecked ??= (async () => {
      const limit = new TimeLimit(this.timeLimitMs);
      const response = await this.send("HEAD", null, limit);
      if (response.status === 404) {
        limit.abort();
        throw new Error(`S3 HEAD ${this.where(null)}: the bucket does not exist; create it, or correct STORAGE_URL`);
      }
      if (!response.ok) throw await this.failed("HEAD", null, response, limit);
      limit.abort();
    })().catch((e: unknown) => {
      this.bucketChecked = null;
      throw e;
    });
    return this.bucketChecked;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    checkStorageKey(key);
    await this.check();
    const limit = new TimeLimit(this.timeLimitMs);
    const payloadHash = crypto.createHash("sha256").update(bytes).digest("hex");
    const response = await this.send("PUT", key, limit, {
      headers: { "Content-Type": "application/octet-stream" },
      body: bytes as Uint8Array<ArrayBuffer>,
      payloadHash,
    });
    if (!response.ok) throw await this.failed("PUT", key, response, limit);
    limit.abort();
  }

  async putFile(key: string, localPath: string): Promise<void> {
    checkStorageKey(key);
    await this.check();
    const { size } = await stat(localPath);
    const limit = new TimeLimit(this.timeLimitMs);
    const file = fs.createReadStream(localPath, { highWaterMark: 256 * 1024 });
    // Read as the connection takes it (a few chunks ahead at most); each chunk sent restarts the clock,
    // so a large file on a slow link is not cut off, a stalled one is.
    const body = (Readable.toWeb(file) as ReadableStream<Uint8Array>).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          limit.arm();
          controller.enqueue(chunk);
        },
      }),
    );
    try {
      const response = await this.send("PUT", key, limit, {
        headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
        body,
        payloadHash: "UNSIGNED-PAYLOAD",
      });
      if (!response.ok) throw await this.failed("PUT", key, response, limit);
      limit.abort();
    } finally {
      file.destroy();
    }
    // Moved, as in the folder: the temporary file is gone once the object holds it.
    await rm(localPath, { force: true });
  }

  async get(key: string): Promise<Buffer | null> {
    checkStorageKey(key);
    await this.check();
    const limit = new TimeLimit(this.timeLimitMs);
    const response = await this.send("GET", key, limit);
    if (response.status === 404) {
      const error = await this.failed("GET", key, response, limit);
      if (/NoSuchKey/.test(error.message)) return null;
      throw error;
    }
    if (!response.ok) throw await this.failed("GET", key, response, limit);
    try {
      return await readBody(response, limit, Infinity);
    } catch (e) {
      throw this.unreachable("GET", key, limit, e);
    } finally {
      limit.abort();
    }
  }

  async size(key: string): Promise<number | null> {
    checkStorageKey(key);
    await this.check();
    const limit = new TimeLimit(this.timeLimitMs);
    const response = await this.send("HEAD", key, limit);
    if (!response.ok && response.status !== 404) throw await this.failed("HEAD", key, response, limit);
    limit.abort();
    if (response.status === 404) return null;
    const length = Number(response.headers.get("content-length"));
    if (!Number.isSafeInteger(length) || length < 0) throw new Error(`S3 HEAD ${this.where(key)}: the answer has no Content-Length`);
    return length;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== null;
  }

  stream(key: string, range: ByteRange): ReadableStream<Uint8Array> {
    checkStorageKey(key);
    const limit = new TimeLimit(this.timeLimitMs);
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    let cancelled = false;
    const missing = () => Object.assign(new Error(`S3 GET ${this.where(key)}: no such object`), { code: "ENOENT" });
    const open = async (): Promise<ReadableStreamDefaultReader<Uint8Array> | null> => {
      await this.check();
      // An empty range (a file of no bytes): nothing to read, but a missing object is still an error.
      if (range.end < range.start) {
        if ((await this.size(key)) === null) throw missing();
        return null;
      }
      const response = await this.send("GET", key, limit, { headers: { Range: `bytes=${range.start}-${range.end}` } });
      if (response.status === 404) {
        const error = await this.failed("GET", key, response, limit);
        throw /NoSuchKey/.test(error.message) ? missing() : error;
      }
      // A store that ignores Range answers 200 with the whole object: right only for a range from 0.
      if (response.status !== 206 && !(response.status === 200 && range.start === 0)) throw await this.failed("GET", key, response, limit);
      return response.body!.getReader();
    };
    let remaining = range.end - range.start + 1;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            if (!reader) {
              const opened = await open();
              if (opened === null || cancelled) {
                limit.abort();
                if (opened) await opened.cancel().catch(() => {});
                if (!cancelled) controller.close();
                return;
              }
              reader = opened;
            }
            limit.arm();
            const { done, value } = await reader.read();
            limit.pause();
            if (done || remaining <= 0) {
              limit.abort();
              controller.close();
              return;
            }
            const chunk = value.length > remaining ? value.subarray(0, remaining) : value;
            remaining -= chunk.length;
            controller.enqueue(chunk);
            if (remaining <= 0) {
              limit.abort();
              controller.close();
            }
          } catch (e) {
            limit.abort();
            const error =
              e instanceof Error && (e.message.startsWith("S3 ") || (e as NodeJS.ErrnoException).code === "ENOENT")
                ? e
                : this.unreachable("GET", key, limit, e);
            controller.error(error);
          }
        },
        cancel: async () => {
          cancelled = true;
          limit.abort();
          await reader?.cancel().catch(() => {});
        },
      },
      // Nothing is read ahead of the consumer.
      new CountQueuingStrategy({ highWaterMark: 0 }),
    );
  }

  async delete(key: string): Promise<void> {
    checkStorageKey(key);
    await this.check();
    const limit = new TimeLimit(this.timeLimitMs);
    const response = await this.send("DELETE", key, limit);
    // S3 answers 204 whether or not the object was there; some compatible stores say 404.
    if (!response.ok && response.status !== 404) throw await this.failed("DELETE", key, response, limit);
    limit.abort();
  }
}

/** An answer's body, up to `max` bytes, each read within the time limit. */
async function readBody(response: Response, limit: TimeLimit, max: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < max) {
      limit.arm();
      const { done, value } = await reader.read();
      limit.pause();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } finally {
    limit.pause();
    if (total >= max) await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks, Math.min(total, max));
}
