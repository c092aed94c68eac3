import { type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { parseContestId } from "~/.server/contest/live/access";
import { submitAnswer } from "~/.server/contest/live/play";
import { type LiveAnswerReply } from "~/lib/live-events";
import { readForm } from "~/.server/http/form-body";
import { jsonRefusal } from "~/.server/http/refusal";

// A phone's answer (POST, form-encoded: roundId, position, answer repeated for several options),
// answered in JSON. The round's players are its scope (checked in submitAnswer, inside the write).

const AnswerSchema = z.object({
  roundId: z.coerce.number().int().positive(),
  position: z.coerce.number().int().positive(),
  answer: z.array(z.string().max(8)).max(6),
});

export async function action({ request, params }: ActionFunctionArgs) {
  // The server's clock when the answer arrived is what counts, not when its checks finished.
  const now = new Date();
  const user = await requireUser(request);
  const contestId = parseContestId(params.contestId);
  const form = await readForm(request);
  const parsed = AnswerSchema.safeParse({
    roundId: form.get("roundId"),
    position: form.get("position"),
    answer: form.getAll("answer").filter((v) => typeof v === "string"),
  });
  if (!parsed.success) return Response.json({ ok: false, code: "malformed", error: "提交的答案不完整，请重新选择" } satisfies LiveAnswerReply, { status: 400 });
  try {
    const { position } = await submitAnswer(user.id, contestId, parsed.data.roundId, parsed.data.position, parsed.data.answer, now);
    return Response.json({ ok: true, position } satisfies LiveAnswerReply);
  } catch (e) {
    return jsonRefusal(e);
  }
}
