import { type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { answerCheckpoint, beginStudy, readingBeat, videoBeat } from "~/.server/learning/study";
import { mayStudyLesson } from "~/.server/learning/study-access";
import { type Interval } from "~/lib/watch-credit";
import { readForm } from "~/.server/http/form-body";
import { isAppError } from "~/lib/app-error";

// The player's and the reader's channel to the server (POST, form-encoded like every other form here):
// begin a study session, video heartbeats, reading heartbeats, checkpoint answers. Every request checks
// that the caller may study the lesson's course (app/.server/learning/study-access.ts).
// Answers are JSON. /api/study

const Lesson = z.object({ lessonId: z.coerce.number().int().positive() });
const Beat = z.object({ sessionId: z.string().min(1).max(64), seq: z.coerce.number().int() });
const IntervalsJson = z
  .string()
  .max(4000)
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "播放区间格式不正确" });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.tuple([z.number(), z.number()])).max(100));

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const fields = Object.fromEntries(form);
  const lesson = Lesson.safeParse(fields);
  if (!lesson.success) return json({ ok: false, error: "请求格式不正确" }, 400);
  const { lessonId } = lesson.data;
  // Not found and not allowed answer alike.
  if (!(await mayStudyLesson(user.id, lessonId, fields))) return json({ ok: false, error: "课时不存在" }, 404);

  try {
    switch (fields.intent) {
      case "begin": {
        const r = await beginStudy(user.id, lessonId);
        return json({ ok: true, ...r });
      }
      case "video": {
        const beat = Beat.safeParse(fields);
        const intervals = IntervalsJson.safeParse(fields.intervals);
        if (!beat.success || !intervals.success) return json({ ok: false, error: "播放记录格式不正确" }, 400);
        return json({ ok: true, ...(await videoBeat(user.id, lessonId, { ...beat.data, intervals: intervals.data as Interval[] })) });
      }
      case "reading": {
        const beat = Beat.extend({ visibleSeconds: z.coerce.number() }).safeParse(fields);
        if (!beat.success) return json({ ok: false, error: "阅读记录格式不正确" }, 400);
        return json({ ok: true, ...(await readingBeat(user.id, lessonId, beat.data)) });
      }
      case "checkpoint": {
        const id = z.string().max(30).safeParse(fields.checkpointId);
        const values = form.getAll("answer").filter((v): v is string => typeof v === "string");
        if (!id.success) return json({ ok: false, error: "检查点不存在" }, 400);
        return json({ ok: true, ...(await answerCheckpoint(user.id, lessonId, id.data, values)) });
      }
      default:
        return json({ ok: false, error: "无法识别的操作" }, 400);
    }
  } catch (e) {
    // The study script reads `{ ok, error }` and nothing else, as every other answer of this endpoint.
    if (!isAppError(e)) throw e;
    return json({ ok: false, error: e.message }, e.status);
  }
}
