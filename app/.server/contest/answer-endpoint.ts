import type { IncomingMessage, ServerResponse } from "node:http";
import { sessionCookie, sessionTokenFromCookies, validateSessionToken } from "../auth/session";
import { readCappedBody, refuseRequest } from "../http/body-limit";
import { isAppError } from "~/lib/app-error";
import { refusalBody } from "../http/refusal";
import { sendJson } from "../http/reply";
import { contestIntake } from "./intake";

// POST /api/contests/answer: one contest answer (form-encoded: entryId, position, answer…), answered
// with JSON once it is committed. It is served outside Remix (decision 019, like the study heartbeats of decision 070): at
// thousands of answers a second, Remix's per-request work (a web Request, route matching, the
// single-fetch machinery) cost more than the answer itself, and then Express's (decision 086): it is a lane
// of the HTTP server before Express (fast-lane.ts), through the same front door as every route (security
// headers, the cross-site check, form bodies only), and checks the session the same way.

const MAX_BODY = 4096;

/** Serves one answer; anything it cannot answer (not an AppError) is thrown to the lane, which answers 500. */
export async function contestAnswerHandler(req: IncomingMessage, res: ServerResponse) {
  const receivedAt = new Date(); // the server's clock decides lateness, on arrival
  try {
    const token = sessionTokenFromCookies(req.headers.cookie);
    const validating = token ? validateSessionToken(token) : null;
    // After the session's check is asked for, so that its epoch read runs first in the same check phase (decision 097).
    if (validating) contestIntake().flushAfterThisTurn();
    const session = await validating;
    if (!session) return sendJson(res, 401, { ok: false, error: "登录已过期，请重新登录后继续作答" });
    if (session.person.mustChangePassword) return sendJson(res, 403, { ok: false, error: "请先修改初始密码" });
    if (session.session.refreshed) res.appendHeader("Set-Cookie", sessionCookie(token!, session.session.expiresAt));

    const body = await readCappedBody(req, MAX_BODY);
    if (body === null) return refuseRequest(req, res, 413, "提交内容过长", { json: true });
    const form = new URLSearchParams(body.toString("utf8"));
    const entryId = Number(form.get("entryId"));
    const position = Number(form.get("position"));
    if (!Number.isSafeInteger(entryId) || !Number.isSafeInteger(position)) return sendJson(res, 400, { ok: false, error: "请求格式不正确" });
    const outcome = await contestIntake().answer(session.person.id, entryId, position, form.getAll("answer"), receivedAt);
    sendJson(res, 200, {
      ok: true,
      status: outcome.status,
      message: outcome.status === "duplicate" ? "这道题已经作答，以第一次提交的答案为准" : "已提交",
    });
  } catch (e) {
    if (isAppError(e)) return sendJson(res, e.status, refusalBody(e));
    throw e;
  }
}
