import type { ByteRange, FileStorage } from "../storage/storage";

// Media files answered to browsers with HTTP Range support (RFC 9110 §14), which a <video> element
// needs to seek. The body streams from the file storage; nothing is read before the client asks for it.

export type { ByteRange };

/**
 * The one byte range to serve (end inclusive), "unsatisfiable" for a 416, or null to ignore the
 * header and send the whole file. Malformed headers and other units are ignored, as RFC 9110
 * allows. So are requests for several ranges: answering them needs multipart/byteranges, which no
 * media player asks for, and the whole file is always a correct answer.
 */
export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | null {
  if (header === null) return null;
  const match = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!match) return null;
  // A list may hold empty elements ("bytes=0-1,"), which do not count as ranges.
  const specs = match[1]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (specs.length !== 1) return null;
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]);
  if (!spec) return null;
  const [, first, last] = spec;
  if (first === "") {
    if (last === "") return null;
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}

export type MediaResponseOptions = {
  mime: string;
  /** The file's size when already known; otherwise it is taken from the opened file. */
  size?: number;
  /** The request's Range header. */
  range: string | null;
  /** A strong validator, quoted (`"abc"`); If-Range is honoured only when it matches this. */
  etag?: string;
  /** The request's If-Range header. */
  ifRange?: string | null;
  cacheControl?: string;
};

/**
 * A 200, 206 or 416 Response for a stored file (`key` in `storage`). A missing file throws a 404
 * Response. The file is opened only when the body is first read and closed when it ends or is
 * cancelled, so a response that is never read (a HEAD, a request the client abandoned while it was
 * prepared) holds no file open.
 */
export async function mediaResponse(storage: FileStorage, key: string, opts: MediaResponseOptions): Promise<Response> {
  const size = opts.size !== undefined ? ((await storage.exists(key)) ? opts.size : null) : await storage.size(key);
  if (size === null) throw new Response("媒体文件不存在", { status: 404 });
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Cache-Control": opts.cacheControl ?? "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    // An SVG or anything else opened directly in a tab runs nothing and loads nothing.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  });
  if (opts.etag) headers.set("ETag", opts.etag);

  // If-Range names the version the client already holds part of; when it is not this one the
  // client must get the whole file, never a piece of a different file. Weak tags never match.
  const rangeApplies = opts.ifRange == null || (opts.etag !== undefined && !opts.etag.startsWith("W/") && opts.ifRange.trim() === opts.etag);
  const range = rangeApplies ? parseRange(opts.range, size) : null;

  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${size}`);
    // A stored 416 must not later answer a plain request for the file.
    headers.set("Cache-Control", "no-store");
    return new Response(null, { status: 416, headers });
  }

  headers.set("Content-Type", opts.mime);
  if (range === null) {
    headers.set("Content-Length", String(size));
    return new Response(storage.stream(key, { start: 0, end: size - 1 }), { status: 200, headers });
  }
  headers.set("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
  headers.set("Content-Length", String(range.end - range.start + 1));
  return new Response(storage.stream(key, range), { status: 206, headers });
}
