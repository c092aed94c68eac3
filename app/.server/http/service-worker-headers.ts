import path from "node:path";
import type express from "express";

/**
 * The static files' header hook: /sw.js is never kept by an HTTP cache, so a deploy's new worker is
 * found on the next visit (browsers also check it at most a day apart whatever the header says).
 * Everything else keeps the static files' max-age.
 */
export function serviceWorkerUncached(res: express.Response, filePath: string): void {
  if (path.basename(filePath) === "sw.js" && path.basename(path.dirname(filePath)) === "client") res.setHeader("Cache-Control", "no-cache");
}
