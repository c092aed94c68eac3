import type { ServerResponse } from "node:http";

// Answers written on Node's response directly, for what is answered outside Remix and Express: the
// front door's refusals (front-door.ts, body-limit.ts) and the crowd's lanes (fast-lane.ts). Remix
// routes answer with Response objects, never with these.

/** JSON, never cached (every such answer is about one person's request). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
}

/** A sentence in Chinese for a person to read. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(text);
}

/** 302 to a path of this site. */
export function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 302;
  res.setHeader("Location", location);
  res.end();
}
