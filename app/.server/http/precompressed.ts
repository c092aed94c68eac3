import fs from "node:fs";
import path from "node:path";
import type express from "express";

const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

/**
 * Serves the build's precompressed copy of a static file (written beside it at build time by
 * vite-plugins/precompress.ts) when the browser accepts its encoding: the request is rewritten to
 * the .br or .gz file, which the static handler after this one sends with the original file's type.
 * A file that has a copy always answers with Vary: Accept-Encoding, whichever form is sent, so a
 * cache between keeps the forms apart.
 */
export function precompressedStatic(dir: string): express.RequestHandler {
  const root = path.resolve(dir);
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    let file: string;
    try {
      file = path.resolve(root, "." + decodeURIComponent(req.path));
    } catch {
      return next();
    }
    if (!file.startsWith(root + path.sep)) return next();
    const available = ENCODINGS.filter((e) => fs.existsSync(file + e.suffix));
    if (available.length === 0) return next();
    res.vary("Accept-Encoding");
    const chosen = preferredEncoding(req.get("accept-encoding") ?? "", available);
    if (!chosen) return next();
    res.type(path.extname(file));
    res.setHeader("Content-Encoding", chosen.name);
    req.url = req.url.replace(/^([^?]*)/, `$1${chosen.suffix}`);
    next();
  };
}

/**
 * The encoding to send of those available (in our order of preference, brotli first), by the
 * request's Accept-Encoding: the highest q wins, and on a tie ours does. Browsers list gzip before
 * br ("gzip, deflate, br, zstd") without meaning to prefer it, so the header's order counts for nothing.
 */
export function preferredEncoding<E extends { name: string }>(header: string, available: readonly E[]): E | undefined {
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    if (!token) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(token.trim(), Number.isFinite(value) ? value : 0);
  }
  let best: E | undefined;
  let bestQ = 0;
  for (const e of available) {
    const value = q.get(e.name) ?? q.get("*") ?? 0;
    if (value > bestQ) {
      best = e;
      bestQ = value;
    }
  }
  return best;
}
