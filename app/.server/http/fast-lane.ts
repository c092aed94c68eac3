import type { IncomingMessage, ServerResponse } from "node:http";
import { frontDoor } from "./front-door";
import { sendJson } from "./reply";

// The crowd's routes, served by the HTTP server before Express (decision 086): contest answers
// (decision 019) and study heartbeats (decision 070), thousands a second on a contest morning or
// during a school-wide 党课 video; server.ts names them. Express's per-request work (its request and
// response prototypes, the router walking every middleware, compression wrapping a reply of a few
// dozen bytes) cost about as much as the answer itself. A lane takes the same front door as every
// other request (front-door.ts), then its handler; a POST to exactly the lane's path is a lane's (a
// query string is ignored), anything else goes to Express and Remix as before.

/** A lane's handler: answers on Node's response, or throws what it cannot answer. */
export type Lane = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export type Lanes = {
  /** The path of the lane that serves this request, or undefined when Express does. */
  laneOf(req: IncomingMessage): string | undefined;
  /**
   * Serves a request `laneOf` named. What the handler cannot answer (anything but an AppError, which it
   * answers itself) is logged and answered 500, in the JSON the phone's script reads; nothing is logged
   * for a phone that went away meanwhile. Says whether the front door refused it (/metrics labels it so).
   */
  serve(path: string, req: IncomingMessage, res: ServerResponse): "served" | "refused";
};

/** `logError` writes a failure's log line (ops/log.ts's `log.error`, given by the server: this folder sits below ops). */
export function fastLanes(
  byPath: Record<string, Lane>,
  { dev = false, logError }: { dev?: boolean; logError: (message: string, e: unknown, fields: { requestId: string }) => void },
): Lanes {
  const lanes = new Map(Object.entries(byPath));
  return {
    laneOf(req) {
      if (req.method !== "POST" || !req.url) return undefined;
      const q = req.url.indexOf("?");
      const path = q === -1 ? req.url : req.url.slice(0, q);
      return lanes.has(path) ? path : undefined;
    },
    serve(path, req, res) {
      const pass = frontDoor(req, res, { dev });
      if (!pass) return "refused";
      const failed = (e: unknown) => {
        // A phone that went away mid-request is not a failure of ours, and there is no one to answer.
        if (res.destroyed || (req.destroyed && !req.complete)) return;
        try {
          logError(`${path} failed`, e, { requestId: pass.requestId });
        } finally {
          if (res.headersSent) res.destroy();
          else sendJson(res, 500, { ok: false, error: "服务器出错了，请稍后重试" });
        }
      };
      try {
        lanes.get(path)!(req, res).catch(failed);
      } catch (e) {
        failed(e);
      }
      return "served";
    },
  };
}
