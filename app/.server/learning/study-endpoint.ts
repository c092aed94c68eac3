import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { isAppError } from "~/lib/app-error";
import { type Interval } from "~/lib/watch-credit";
import { parseWithZod } from "~/lib/zod-form";
import { sessionCookie, sessionTokenFromCookies, validateSessionToken } from "../auth/session";
import { readCappedBody, refuseRequest } from "../http/body-limit";
import { readForm } from "../http/form-body";
import { redirect, sendJson, sendText } from "../http/reply";
import { answerCheckpoint, beginStudy, readingBeat, videoBeat } from "./study";
import { mayStudyLesson } from "./study-access";

// POST /api/study: the player's and the reader's channel to the server (form-encoded like every other
// form here): begin a study session, video heartbeats, reading heartbeats, checkpoint answers, answered
// with JSON once the write is committed (study-writer.ts). Every request checks that the caller may
// study the lesson's course (study-access.ts).
//
// Served outside Remix, like the contest answers (decisions 019 and 070): 11,000 viewers send ~730
// heartbeats a second, and Remix's per-request work (a web Request, route matching, the single-fetch
// machinery) cost more than the heartbeat itself, and then Express's (decision 086): it is a lane of the
// HTTP server before Express (fast-lane.ts), through the same front door as every route (security
// headers, the cross-site check, form bodies only), checks the session with the same function
// Remix routes use, and answers as the Remix route did: a caller without a session is sent to sign in,
// one who must change the password to do so first.

/** The longest body a player sends: 100 intervals of JSON, percent-encoded, and the fields around them. */
const MAX_BODY = 32 * 1024;

const Lesson = z.object({ lessonId: z.number().int().positive() });
const Beat = z.object({ sessionId: z.string().min(1).max(64), seq: z.number().int() });
// The intervals are JSON inside a form field: checked inside the transform, where conform's
// coercion of form values (which would read ["1"] as [1]) does not reach.
const IntervalList = z.array(z.tuple([z.number(), z.number()])).max(100);
const IntervalsJson = z
  .string()
  .max(4000)
  .transform((s, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: "custom", message: "播放区间格式不正确" });
      return z.NEVER;
    }
    const list = IntervalList.safeParse(value);
    if (list.success) return list.data;
    ctx.addIssue({ code: "custom", message: "播放区间格式不正确" });
    return z.NEVER;
  });

// Read after the lesson is known and allowed, so a stranger learns nothing from the message.
const StudySchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("begin") }),
  Beat.extend({ intent: z.literal("video"), intervals: IntervalsJson }),
  Beat.extend({ intent: z.literal("reading"), visibleSeconds: z.number() }),
  // The answers are read as sent (an empty fill-in answer included, which conform would drop).
  z.object({ intent: z.literal("checkpoint"), checkpointId: z.string().max(30) }),
]);
/** What a refused body of each intent is told; an unknown intent is "无法识别的操作". */
const MALFORMED: Record<string, string> = { video: "播放记录格式不正确", reading: "阅读记录格式不正确", checkpoint: "检查点不存在" };

type Form = FormData | URLSearchParams;

const answers = (form: Form) => form.getAll("answer").filter((v): v is string => typeof v === "string");

/**
 * The form: a URL-encoded body (what the player sends) read directly; any other form body (multipart)
 * as a Remix action reads it, so one that breaks its own boundary gets the same 400 and sentence.
 */
async function formOf(req: IncomingMessage, body: Buffer): Promise<Form> {
  const type = req.headers["content-type"] ?? "";
  if (type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return new URLSearchParams(body.toString("utf8"));
  return readForm(new Request("http://localhost/api/study", { method: "POST", headers: { "Content-Type": type }, body: new Uint8Array(body) }));
}

/** Serves one request of the player; anything it cannot answer (not an AppError) is thrown to the lane, which answers 500. */
export async function studyHandler(req: IncomingMessage, res: ServerResponse) {
  try {
    const token = sessionTokenFromCookies(req.headers.cookie);
    const session = token ? await validateSessionToken(token) : null;
    // As requireUser answers a Remix route: sign in first (and come back here), or change the password first.
    if (!session) return redirect(res, `/login?redirectTo=${encodeURIComponent(req.url ?? "/api/study")}`);
    if (session.person.mustChangePassword) return redirect(res, "/account/password");
    if (session.session.refreshed) res.appendHeader("Set-Cookie", sessionCookie(token!, session.session.expiresAt));
    const personId = session.person.id;

    const body = await readCappedBody(req, MAX_BODY);
    if (body === null) return refuseRequest(req, res, 413, "提交内容过长", { json: true });
    let form: Form;
    try {
      form = await formOf(req, body);
    } catch (e) {
      if (!(e instanceof Response)) throw e;
      return sendText(res, e.status, await e.text());
    }

    const lesson = parseWithZod(form, { schema: Lesson });
    if (lesson.status !== "success") return sendJson(res, 400, { ok: false, error: "请求格式不正确" });
    const { lessonId } = lesson.value;
    // Not found and not allowed answer alike.
    if (!(await mayStudyLesson(personId, lessonId, { intent: form.get("intent"), sessionId: form.get("sessionId") }))) {
      return sendJson(res, 404, { ok: false, error: "课时不存在" });
    }
    const submission = parseWithZod(form, { schema: StudySchema });
    if (submission.status !== "success") {
      const intent = form.get("intent");
      return sendJson(res, 400, { ok: false, error: (typeof intent === "string" && MALFORMED[intent]) || "无法识别的操作" });
    }

    const input = submission.value;
    switch (input.intent) {
      case "begin":
        return sendJson(res, 200, { ok: true, ...(await beginStudy(personId, lessonId)) });
      case "video": {
        const { sessionId, seq, intervals } = input;
        return sendJson(res, 200, { ok: true, ...(await videoBeat(personId, lessonId, { sessionId, seq, intervals: intervals as Interval[] })) });
      }
      case "reading": {
        const { sessionId, seq, visibleSeconds } = input;
        return sendJson(res, 200, { ok: true, ...(await readingBeat(personId, lessonId, { sessionId, seq, visibleSeconds })) });
      }
      case "checkpoint":
        return sendJson(res, 200, { ok: true, ...(await answerCheckpoint(personId, lessonId, input.checkpointId, answers(form))) });
    }
  } catch (e) {
    // The study script reads `{ ok, error }` and nothing else, as every other answer of this endpoint.
    if (isAppError(e)) return sendJson(res, e.status, { ok: false, error: e.message });
    throw e;
  }
}
