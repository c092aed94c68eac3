import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { parseContestId } from "~/.server/contest/live/access";
import { submitAnswer } from "~/.server/contest/live/play";
import { type LiveAnswerReply } from "~/lib/live-events";
import { readForm } from "~/.server/http/form-body";
import { jsonRefusal } from "~/.server/http/refusal";
import { AppError } from "~/lib/app-error";

// A phone's answer (POST, form-encoded: roundId, position, answer repeated for several options),
// answered in JSON. The round's players are its scope (checked in submitAnswer, inside the write).

const AnswerSchema = z.object({
  roundId: z.number().int().positive(),
  position: z.number().int().positive(),
  answer: z.array(z.string().max(8)).max(6),
});

export async function action({ request, params }: ActionFunctionArgs) {
  // The server's clock when the answer arrived is what counts, not when its checks finished.
  const now = new Date();
  const user = await requireUser(request);
  const contestId = parseContestId(params.contestId);
  const submission = parseWithZod(await readForm(request), { schema: AnswerSchema });
  if (submission.status !== "success") return jsonRefusal(new AppError("malformed", "提交的答案不完整，请重新选择"));
  const { roundId, position: asked, answer } = submission.value;
  try {
    const { position } = await submitAnswer(user.id, contestId, roundId, asked, answer, now);
    return Response.json({ ok: true, position } satisfies LiveAnswerReply);
  } catch (e) {
    return jsonRefusal(e);
  }
}
