import { parseWithZod } from "~/lib/zod-form";
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

const answers = (form: FormData) => form.getAll("answer").filter((v): v is string => typeof v === "string");

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const lesson = parseWithZod(form, { schema: Lesson });
  if (lesson.status !== "success") return json({ ok: false, error: "请求格式不正确" }, 400);
  const { lessonId } = lesson.value;
  // Not found and not allowed answer alike.
  if (!(await mayStudyLesson(user.id, lessonId, Object.fromEntries(form)))) return json({ ok: false, error: "课时不存在" }, 404);
  const submission = parseWithZod(form, { schema: StudySchema });
  if (submission.status !== "success") {
    const intent = form.get("intent");
    return json({ ok: false, error: (typeof intent === "string" && MALFORMED[intent]) || "无法识别的操作" }, 400);
  }

  const input = submission.value;
  try {
    switch (input.intent) {
      case "begin":
        return json({ ok: true, ...(await beginStudy(user.id, lessonId)) });
      case "video": {
        const { sessionId, seq, intervals } = input;
        return json({ ok: true, ...(await videoBeat(user.id, lessonId, { sessionId, seq, intervals: intervals as Interval[] })) });
      }
      case "reading": {
        const { sessionId, seq, visibleSeconds } = input;
        return json({ ok: true, ...(await readingBeat(user.id, lessonId, { sessionId, seq, visibleSeconds })) });
      }
      case "checkpoint":
        return json({ ok: true, ...(await answerCheckpoint(user.id, lessonId, input.checkpointId, answers(form))) });
    }
  } catch (e) {
    // The study script reads `{ ok, error }` and nothing else, as every other answer of this endpoint.
    if (!isAppError(e)) throw e;
    return json({ ok: false, error: e.message }, e.status);
  }
}
