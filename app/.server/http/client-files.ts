import fs from "node:fs";
import type express from "express";

/**
 * Hands a GET or HEAD to the build's static handler only when its first path segment names an entry
 * at the top of the client build (`favicon.svg`, `sw.js`, `icons`, …), read once at start: the build
 * does not change under a running server. Every other request (each page, `.data` and form) went
 * through the static handler's `stat` of a file that is not there, a thread-pool round trip per
 * request on the crowd's paths (issue 17's profile: about 9 % of the server's CPU).
 */
export function onlyClientBuildEntries(clientDir: string, serveStatic: express.RequestHandler): express.RequestHandler {
  const entries = new Set(fs.readdirSync(clientDir));
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const first = req.path.split("/", 2)[1] ?? "";
    let name: string;
    try {
      name = decodeURIComponent(first);
    } catch {
      return next();
    }
    if (!entries.has(name)) return next();
    serveStatic(req, res, next);
  };
}
