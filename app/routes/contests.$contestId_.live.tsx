import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { parseContestId, requireLivePlayer } from "~/.server/contest/live/access";
import { joinRound, roundOfPlayer, setLiveShowName } from "~/.server/contest/live/play";
import { meEvent, playerNameChoice, readRound, stateEvent } from "~/.server/contest/live/snapshot";
import { Countdown, QuestionHeading, optionText } from "~/components/live/live-ui";
import { useLiveStream, useSecondsLeft } from "~/components/live/use-live-stream";
import { ShowNameChoice } from "~/components/contest/show-name-choice";
import { buttonClass, inputClass } from "~/components/ui/form";
import { useHydrated } from "~/components/ui/use-hydrated";
import { type LiveAnswerReply, type LiveMeEvent, type LiveStateEvent } from "~/lib/live-events";
import { LIVE_SCORING_RULE, formatLivePoints } from "~/lib/live-scoring";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// A player's phone in a live round: the join code first, then whatever the round is doing, as the
// event stream says: waiting, the question with big buttons and the server's countdown, "已提交", and
// after the reveal the right answer, the points won, the total and the place. The player's name reaches
// the big screen and the leaderboards only with their consent, asked at joining (decision 033).

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.title ?? "现场赛"} · 现场赛 · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, contestId, title } = await requireLivePlayer(request, params.contestId);
  const roundId = await roundOfPlayer(user.id, contestId);
  const round = roundId === null ? null : (await readRound(roundId))!;
  return {
    contestId,
    title,
    round: round
      ? { state: await stateEvent(round, new Date()), me: await meEvent(round, user.id), nameChoice: await playerNameChoice(round.id, user.id) }
      : null,
  };
}

const CODE_MESSAGE = "请输入大屏幕上的 6 位数字加入码";
// Joining posts the code without an intent (the form predates intents); the consent box posts `showName`.
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("join").optional(),
      code: z
        .string({ error: CODE_MESSAGE })
        .transform((v) => v.replace(/\s/g, ""))
        .pipe(z.string().regex(/^\d{6}$/, CODE_MESSAGE)),
      showName: z.boolean().optional(),
    }),
    z.object({ intent: z.literal("showName"), showName: z.boolean().optional() }),
  ],
  { error: "无法识别的操作" },
);

export async function action({ request, params }: ActionFunctionArgs) {
  // joinRound checks the contest's audience itself (after the code, so a wrong code says so).
  const user = await requireUser(request);
  const contestId = parseContestId(params.contestId);
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  // An unticked box sends nothing: no consent.
  const showName = input.showName === true;
  try {
    if (input.intent === "showName") await setLiveShowName(user.id, contestId, showName);
    else await joinRound(user.id, contestId, input.code, showName);
  } catch (e) {
    return formRefusal(submission, e);
  }
  return redirect(`/contests/${contestId}/live`);
}

export default function LivePhone() {
  const { contestId, title, round } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-lg font-bold">{title} · 现场赛</h1>
      {round ? <Playing key={round.state.roundId} contestId={contestId} state={round.state} me={round.me} /> : null}
      {round?.nameChoice ? (
        <ShowNameChoice
          showName={round.nameChoice.showName}
          label={`在大屏幕和排行榜上显示我的姓名（不勾选则显示为“${round.nameChoice.anonymousLabel}”）`}
          testId="live-name-choice"
        />
      ) : null}
      {!round || round.state.state === "finished" ? <JoinForm /> : null}
    </div>
  );
}

function JoinForm() {
  const [form, fields] = useForm({ id: "join", lastResult: useActionData<typeof action>()?.result });
  const busy = useNavigation().state !== "idle";
  // The code's own errors and the round's refusals (a wrong code, not in the audience) sit under the code.
  const errors = [...(fields.code.errors ?? []), ...(form.errors ?? [])];
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-lg bg-white p-4 shadow">
      <label htmlFor={fields.code.id} className="block font-medium">
        加入码
      </label>
      <input
        {...getInputProps(fields.code, { type: "text" })}
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={errors.length ? fields.code.errorId : undefined}
        inputMode="numeric"
        autoComplete="off"
        pattern="[0-9]{6}"
        maxLength={6}
        placeholder="大屏幕上的 6 位数字"
        className={`${inputClass} text-center text-2xl tracking-[0.4em]`}
        required
      />
      {errors.length ? (
        <p id={fields.code.errorId} className="text-sm text-red-700" role="alert">
          {errors.join("；")}
        </p>
      ) : null}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="showName" />
        在大屏幕和排行榜上显示我的姓名（不勾选则显示为“参赛者 #编号”和所在党组织）
      </label>
      <button type="submit" className={`${buttonClass} w-full py-3 text-lg`} disabled={busy}>
        加入
      </button>
    </Form>
  );
}

function Playing({ contestId, state: initialState, me: initialMe }: { contestId: number; state: LiveStateEvent; me: LiveMeEvent | null }) {
  const live = useLiveStream(`/contests/${contestId}/live/events`, { state: initialState, me: initialMe, stats: null });
  const state = live.state ?? initialState;
  const me = live.me;
  const left = useSecondsLeft(state.state === "question" ? state.deadlineAt : null, live.offset);
  const [sent, setSent] = useState<{ roundId: number; position: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  // The options answer through the script: a tap before it has loaded would be lost.
  const hydrated = useHydrated();
  const q = state.question;
  // A new question starts with nothing chosen and no message.
  useEffect(() => {
    setChosen([]);
    setError(null);
  }, [state.roundId, state.position]);
  const answered = (me?.answer?.position === state.position && state.position > 0) || (sent?.roundId === state.roundId && sent.position === state.position);

  async function submit(values: string[]) {
    setSending(true);
    setError(null);
    const body = new URLSearchParams({ roundId: String(state.roundId), position: String(state.position) });
    for (const v of values) body.append("answer", v);
    try {
      const res = await fetch(`/contests/${contestId}/live/answer`, { method: "POST", body });
      const reply = (await res.json()) as LiveAnswerReply;
      if (reply.ok) setSent({ roundId: state.roundId, position: reply.position });
      else setError(reply.error);
    } catch {
      setError("网络不稳定，答案没有送达，请再点一次");
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="space-y-4" data-testid="live-phone" data-state={state.state}>
      {!live.connected ? <p className="text-sm text-stone-500">正在连接…</p> : null}
      {state.state === "lobby" ? (
        <section className="rounded-lg bg-white p-6 text-center shadow" data-testid="live-waiting">
          <p className="text-xl font-bold">已加入，等待主持人出题</p>
          <p className="mt-2 text-stone-600">
            本轮共 {state.total} 道题。{LIVE_SCORING_RULE}。
          </p>
        </section>
      ) : null}

      {q && state.state === "question" ? (
        <section className="space-y-4 rounded-lg bg-white p-4 shadow">
          <div className="flex items-start justify-between gap-3">
            <div className="min-w-0 flex-1">
              <QuestionHeading q={q} total={state.total} />
            </div>
            <Countdown seconds={left} />
          </div>
          <p className="text-xs text-stone-500">{LIVE_SCORING_RULE}</p>
          {answered ? (
            <p className="rounded-md bg-green-50 px-3 py-4 text-center text-lg font-bold text-green-800" role="status" data-testid="live-submitted">
              已提交，等待公布答案
            </p>
          ) : left === 0 ? (
            <p className="rounded-md bg-stone-100 px-3 py-4 text-center text-lg" role="status">
              时间到，等待公布答案
            </p>
          ) : (
            <div className="space-y-3">
              {q.options.map((o) => {
                const on = chosen.includes(o.value);
                return (
                  <button
                    key={o.value}
                    type="button"
                    disabled={!hydrated || sending}
                    aria-pressed={q.type === "multiple" ? on : undefined}
                    className={`block min-h-14 w-full rounded-lg border-2 px-4 py-3 text-left text-lg ${on ? "border-party bg-red-50" : "border-stone-300 bg-white"} active:bg-red-50`}
                    onClick={() => (q.type === "multiple" ? setChosen((c) => (on ? c.filter((v) => v !== o.value) : [...c, o.value])) : submit([o.value]))}
                  >
                    {q.type === "judge" ? o.label : `${o.value}. ${o.label}`}
                  </button>
                );
              })}
              {q.type === "multiple" ? (
                <button type="button" className={`${buttonClass} w-full py-3 text-lg`} disabled={sending || chosen.length === 0} onClick={() => submit(chosen)}>
                  提交
                </button>
              ) : null}
            </div>
          )}
          {error ? (
            <p className="text-sm text-red-700" role="alert">
              {error}
            </p>
          ) : null}
        </section>
      ) : null}

      {q && state.state === "reveal" && state.reveal ? (
        <section className="space-y-3 rounded-lg bg-white p-4 shadow" data-testid="live-result">
          <QuestionHeading q={q} total={state.total} />
          <p className="text-lg" data-testid="live-correct-answer">
            正确答案：{state.reveal.answer.map((v) => optionText(q, v)).join("、")}
          </p>
          <MyResult me={me} position={state.position} />
        </section>
      ) : null}

      {state.state === "finished" ? (
        <section className="space-y-2 rounded-lg bg-white p-6 text-center shadow" data-testid="live-final">
          <p className="text-xl font-bold">本轮已结束</p>
          {me ? (
            <p className="text-lg">
              总分 {formatLivePoints(me.score)} 分{me.place ? `，第 ${me.place} 名（共 ${me.players} 人）` : ""}
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function MyResult({ me, position }: { me: LiveMeEvent | null; position: number }) {
  if (!me) return null;
  const mine = me.answer?.position === position ? me.answer : null;
  return (
    <div className="rounded-md bg-stone-50 p-3" data-testid="my-result">
      <p className={`text-xl font-bold ${mine?.correct ? "text-green-800" : "text-stone-800"}`}>
        {mine ? (mine.correct ? `回答正确 +${formatLivePoints(mine.points ?? 0)} 分` : "回答错误") : "未作答"}
      </p>
      <p className="mt-1">
        总分 {formatLivePoints(me.score)} 分{me.place ? ` · 第 ${me.place} 名（共 ${me.players} 人）` : ""}
      </p>
    </div>
  );
}
