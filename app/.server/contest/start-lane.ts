import type { IncomingMessage, ServerResponse } from "node:http";
import { isAppError } from "~/lib/app-error";
import { PAGE_IN_REPLY, pageText } from "~/lib/autosave";
import { sessionCookie, sessionTokenFromCookies, validateSessionToken } from "../auth/session";
import { header } from "../http/front-door";
import { isId } from "../http/request-params";
import { sendActionData } from "../http/single-fetch-reply";
import { startEntry } from "./entries";
import { contestPage } from "./page";

// 开始答题 as the hydrated contest page posts it (POST /contests/:contestId.data, intent=start, the page
// asked for in the reply), answered before Remix (decision 105). Ten thousand people press it within a
// minute, and Remix's part of each (a web Request and its copies, the router's matching, the single-fetch
// stream and encoder) cost the server more than 开始's own work: about 1.3 of 3.3 ms of CPU a person.
// The lane answers only what it can answer exactly as the route's action would, with the same functions
// (startEntry, contestPage, pageText) and the reply Remix would write (single-fetch-reply.ts); anything
// else it declines, before doing anything, and Remix answers as before: another form, a query string, a
// session that is missing, expired or must change its password, an origin Remix would refuse, a refusal
// (not open, already handed in, not in the audience: startEntry writes nothing then) or a failure (logged).
// A decline after the entry was written is safe: Remix's action then resumes that entry, as a second tap does.

const START_DATA_PATH = /^\/contests\/([^/?#]+)\.data$/;

/** The form's two fields, exactly: 开始 with the page in its reply. */
function asksForStartedPage(req: IncomingMessage, body: Buffer): boolean {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return false;
  const fields = [...new URLSearchParams(body.toString("utf8"))];
  return (
    fields.length === 2 &&
    fields.some(([k, v]) => k === "intent" && v === "start") &&
    fields.some(([k, v]) => k === PAGE_IN_REPLY.name && v === PAGE_IN_REPLY.value)
  );
}

/**
 * Remix's own check on an action (throwIfPotentialCSRFAttack): an Origin, when sent, names the host the
 * request was sent to (X-Forwarded-Host's first, or Host). The front door has checked the origin already,
 * against the allowed origins too; what Remix would refuse on top of that, the lane leaves to Remix.
 */
function originAsRemixWants(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const forwarded = header(req, "x-forwarded-host")?.split(",")[0].trim();
  const host = forwarded || req.headers.host;
  try {
    return origin !== "null" && host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Answers 开始 with the page (true), or declines (false) for Remix to answer. `body` is the form, read whole
 * (server.ts reads small forms before their turn). Never throws: a failure is logged, then declined.
 */
export async function contestStartLane(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  logError: (message: string, e: unknown) => void,
): Promise<boolean> {
  const match = req.method === "POST" ? START_DATA_PATH.exec(req.url ?? "") : null;
  if (!match || !isId(match[1]) || !asksForStartedPage(req, body) || !originAsRemixWants(req)) return false;
  try {
    const token = sessionTokenFromCookies(req.headers.cookie);
    const validated = token ? await validateSessionToken(token) : null;
    if (!validated) return false;
    // At once: the expiry slides once, here, so Remix's answer after a decline must carry the cookie too.
    if (validated.session.refreshed) res.appendHeader("Set-Cookie", sessionCookie(token!, validated.session.expiresAt));
    if (validated.person.mustChangePassword) return false;
    const personId = validated.person.id;
    const started = await startEntry(personId, Number(match[1]));
    sendActionData(req, res, { page: pageText(await contestPage(personId, started.contest, new Date(), null, started.paper)) });
    return true;
  } catch (e) {
    if (!isAppError(e)) logError("the start lane declined after a failure", e);
    return res.headersSent;
  }
}
