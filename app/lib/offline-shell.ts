// What the service worker (app/pwa/service-worker.ts) does with each request. It answers only two
// kinds: page navigations (from the network; the offline page when there is none) and the build's
// content-hashed files and icons (from its cache once seen). Everything else (POSTs, Remix's `.data`
// requests, /api, study heartbeats, quiz and contest answers, downloads and event streams) goes to the
// network untouched, so nothing a person sends or is credited for can be answered from a cache.

export const OFFLINE_PATH = "/offline";

/** The files the worker keeps from the moment it is installed. */
export const PRECACHED_PATHS = [OFFLINE_PATH, "/favicon.svg", "/icons/icon-192.png", "/icons/icon-512.png", "/icons/badge-96.png"];

export type RequestHandling = "page" | "shell-file" | "network";

export function requestHandling(request: { method: string; url: string; mode: string }, origin: string): RequestHandling {
  if (request.method !== "GET") return "network";
  const url = new URL(request.url);
  if (url.origin !== origin) return "network";
  if (request.mode === "navigate") return "page";
  // Build assets are named by their content hash (immutable), so a cached copy is never stale.
  if (url.search === "" && (url.pathname.startsWith("/assets/") || PRECACHED_PATHS.includes(url.pathname))) return "shell-file";
  return "network";
}

/** The cache names of one deploy; every other of ours is deleted when its worker activates. */
export const CACHE_PREFIX = "wsdx-shell-";
export function shellCacheName(version: string): string {
  return `${CACHE_PREFIX}${version}`;
}
