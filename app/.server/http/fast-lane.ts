import type { IncomingMessage, ServerResponse } from "node:http";
import { contestAnswerHandler } from "../contest/answer-endpoint";
import { studyHandler } from "../learning/study-endpoint";
import { log } from "../ops/log";
import { type DoorPass, frontDoor } from "./front-door";
import { sendJson } from "./reply";

// The crowd's two routes, served by the HTTP server before Express (decision 086): contest answers
// (decision 019) and study heartbeats (decision 070), thousands a second on a contest morning or
// during a school-wide 党课 video. Express's per-request work (its request and response prototypes,
// the router walking every middleware, compression wrapping a reply of a few dozen bytes) cost about
// as much as the answer itself. A lane takes the same front door as every other request
// (front-door.ts), then its handler; a POST to exactly the lane's path is a lane's (a query string is
// ignored), anything else goes to Express and Remix as before.

type Lane = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const LANES = new Map<string, Lane>([
  ["/api/contests/answer", contestAnswerHandler],
  ["/api/study", studyHandler],
]);

/** The path of the lane that serves this request, or undefined when Express does. */
export function laneOf(req: IncomingMessage): string | undefined {
  if (req.method !== "POST" || !req.url) return undefined;
  const q = req.url.indexOf("?");
  const path = q === -1 ? req.url : req.url.slice(0, q);
  return LANES.has(path) ? path : undefined;
}

/**
 * Serves a request `laneOf` named. What the handler cannot answer (anything but an AppError, which it
 * answers itself) is logged and answered 500, in the JSON the phone's script reads.
 */
export function serveLane(path: string, req: IncomingMessage, res: ServerResponse, { dev = false } = {}): void {
  const pass: DoorPass | null = frontDoor(req, res, { dev });
  if (!pass) return;
  LANES.get(path)!(req, res).catch((e: unknown) => {
    log.error(`${path} failed`, e, { requestId: pass.requestId });
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { ok: false, error: "服务器出错了，请稍后重试" });
  });
}
