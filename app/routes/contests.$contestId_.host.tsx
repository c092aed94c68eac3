import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireLiveHost } from "~/.server/contest/live/access";
import { finishRound, revealAnswer, startNextQuestion } from "~/.server/contest/live/host";
import { banksForRound, contestForHost, createRound, latestRound } from "~/.server/contest/live/rounds";
import { readRound, stateEvent, stats } from "~/.server/contest/live/snapshot";
import { AnswerDistribution, Countdown, Leaderboard, QuestionHeading, optionTag } from "~/components/live/live-ui";
import { useLiveStream, useSecondsLeft } from "~/components/live/use-live-stream";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { LIVE_SCORING_RULE } from "~/lib/live-scoring";
import { readForm } from "~/.server/http/form-body";
import { numberField } from "~/lib/form-number";
import { AppError } from "~/lib/app-error";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// The big screen of a live round (a desktop in the hall): the join code, players joined, the host's
// buttons, each question with its countdown, and after each reveal the answer distribution and the top
// ten. Its state comes over the host event stream; the buttons post to this route's action.

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.contest.title ?? "现场赛"} · 大屏幕 · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { contestId } = await requireLiveHost(request, params.contestId);
  const contest = await contestForHost(contestId);
  const latest = await latestRound(contestId);
  const round = latest ? (await readRound(latest.id))! : null;
  const now = new Date();
  return {
    contest: { id: contest.id, title: contest.title, published: contest.status === "published" },
    round: round
      ? { id: round.id, code: round.state === "finished" ? null : round.code, state: await stateEvent(round, now), stats: await stats(round.id, round.current) }
      : null,
    banks: await banksForRound(contest.unit.path),
  };
}

const CreateSchema = z.object({
  intent: z.literal("create"),
  bankId: z.number({ error: "请选择题库" }).int("请选择题库").positive("请选择题库"),
  count: numberField("题目数量", (n) => n.int("题目数量须为整数").min(1, "至少 1 道题").max(50, "最多 50 道题")),
  draw: z.enum(["random", "first"], { error: "请选择抽题方式" }),
  seconds: numberField("每题限时", (n) => n.int("限时须为整秒").min(5, "每题至少 5 秒").max(300, "每题最多 300 秒")),
  points: numberField("每题分值", (n) => n.int("分值须为整数").min(1, "每题至少 1 分").max(100, "每题最多 100 分")),
});
// The host's buttons name the round they were shown with; one that is missing or not a number is as
// stale as another round's (answered below).
const MOVES = { next: startNextQuestion, reveal: revealAnswer, finish: finishRound } as const;
const moveSchema = (intent: keyof typeof MOVES) => z.object({ intent: z.literal(intent), roundId: z.number().int().positive().optional().catch(undefined) });
const ActionSchema = z.discriminatedUnion("intent", [CreateSchema, moveSchema("next"), moveSchema("reveal"), moveSchema("finish")], { error: "未知的操作" });

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, contestId } = await requireLiveHost(request, params.contestId);
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  try {
    if (input.intent === "create") {
      const contest = await contestForHost(contestId);
      const { bankId, count, draw, seconds, points } = input;
      await createRound(
        user.id,
        { id: contest.id, title: contest.title, unitId: contest.unitId, unitPath: contest.unit.path },
        { bankId, count, draw, seconds, points: points * 100 },
      );
    } else {
      // A stale screen cannot move another round.
      const latest = await latestRound(contestId);
      if (!latest || latest.id !== input.roundId) throw new AppError("conflict", "这一轮已不是本竞赛当前的现场赛，请刷新页面");
      await MOVES[input.intent](latest.id);
    }
  } catch (e) {
    return formRefusal(submission, e);
  }
  return data({ result: submission.reply() });
}

export default function HostScreen() {
  const { contest, round, banks } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{contest.title} · 现场赛大屏幕</h1>
      {!contest.published ? <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">竞赛尚未发布：发布后参赛范围内的人员才能加入。</p> : null}
      {round ? <RoundScreen key={round.id} contestId={contest.id} round={round} /> : null}
      {!round || round.state.state === "finished" ? <CreateRound banks={banks} hasRound={!!round} /> : null}
    </div>
  );
}

type LoadedRound = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["round"]>;

function RoundScreen({ contestId, round }: { contestId: number; round: LoadedRound }) {
  const live = useLiveStream(`/contests/${contestId}/host/events`, { state: round.state, me: null, stats: round.stats });
  const state = live.state ?? round.state;
  const counters = live.stats ?? round.stats;
  const left = useSecondsLeft(state.state === "question" ? state.deadlineAt : null, live.offset);
  const fetcher = useFetcher<typeof action>();
  // The buttons are several small forms; their refusals show once, above them.
  const [moves] = useForm({ id: "round-move", lastResult: fetcher.data?.result });
  const busy = fetcher.state !== "idle";
  const button = (intent: string, label: string) => (
    <fetcher.Form method="post">
      <input type="hidden" name="roundId" value={round.id} />
      <button type="submit" name="intent" value={intent} className={`${buttonClass} px-8 py-3 text-xl`} disabled={busy}>
        {label}
      </button>
    </fetcher.Form>
  );
  const q = state.question;
  return (
    <div className="space-y-4" data-testid="host-screen" data-state={state.state}>
      {round.code && state.state !== "finished" ? (
        <section className="flex flex-wrap items-center gap-6 rounded-lg bg-white p-4 shadow">
          <div>
            <p className="text-stone-600">手机打开“知识竞赛 · 现场赛”，输入加入码</p>
            <p className="text-6xl font-bold tracking-[0.3em] text-party tabular-nums" data-testid="join-code">
              {round.code}
            </p>
          </div>
          <div className="ml-auto text-right">
            <p className="text-4xl font-bold tabular-nums" data-testid="player-count">
              {counters.players}
            </p>
            <p className="text-stone-600">人已加入</p>
          </div>
        </section>
      ) : null}
      <p className="text-stone-600">
        计分规则：{LIVE_SCORING_RULE}。{live.connected ? "" : "（正在连接服务器…）"}
      </p>
      <FormMessage messages={moves.errors} />

      {state.state === "lobby" ? (
        <section className="space-y-3 rounded-lg bg-white p-6 shadow">
          <p className="text-xl">本轮共 {state.total} 道题。选手到齐后开始第一题。</p>
          <div className="flex gap-3">
            {button("next", "开始第一题")}
            {button("finish", "取消本轮")}
          </div>
        </section>
      ) : null}

      {q && (state.state === "question" || state.state === "reveal") ? (
        <section className="space-y-4 rounded-lg bg-white p-6 shadow">
          <div className="flex items-start gap-6">
            <div className="flex-1">
              <QuestionHeading q={q} total={state.total} big />
            </div>
            {state.state === "question" ? <Countdown seconds={left} big /> : null}
          </div>
          {state.state === "question" ? (
            <>
              <ul className="grid gap-3 sm:grid-cols-2">
                {q.options.map((o) => (
                  <li key={o.value} className="rounded-lg border-2 border-stone-200 px-4 py-3 text-xl">
                    {q.type === "judge" ? o.label : `${o.value}. ${o.label}`}
                  </li>
                ))}
              </ul>
              <p className="text-lg" data-testid="answered-count">
                已作答 {counters.answered} / {counters.players} 人
              </p>
              <div className="flex gap-3">{button("reveal", "公布答案")}</div>
            </>
          ) : null}
          {state.state === "reveal" && state.reveal ? (
            <>
              <p className="text-xl" data-testid="correct-answer">
                正确答案：{state.reveal.answer.map((v) => optionTag(q, v)).join("、")}（答对 {state.reveal.correctCount} 人）
              </p>
              <AnswerDistribution q={q} reveal={state.reveal} />
              <div className="flex gap-3">
                {state.position < state.total ? button("next", "下一题") : null}
                {button("finish", state.position < state.total ? "提前结束" : "结束并公布排名")}
              </div>
            </>
          ) : null}
        </section>
      ) : null}

      {state.leaderboard ? <Leaderboard rows={state.leaderboard} title={state.state === "finished" ? "最终排名" : "排行榜（前十名）"} /> : null}
    </div>
  );
}

function CreateRound({ banks, hasRound }: { banks: { id: number; title: string; usable: number }[]; hasRound: boolean }) {
  const [form, fields] = useForm({
    id: "create-round",
    lastResult: useActionData<typeof action>()?.result,
    defaultValue: { count: "10", seconds: "20", points: "10", draw: "random" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateSchema }),
  });
  const busy = useNavigation().state !== "idle";
  const numberInput = (field: typeof fields.count, min: number, max: number) => (
    <input {...getInputProps(field, { type: "number" })} min={min} max={max} className={inputClass} required />
  );
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-lg bg-white p-4 shadow">
      <h2 className="text-lg font-bold">{hasRound ? "再开一轮" : "新建一轮现场赛"}</h2>
      <FormMessage messages={form.errors} />
      {banks.length === 0 ? <p className="text-stone-600">没有可用的题库：现场赛使用单选、多选和判断题。</p> : null}
      <input type="hidden" name="intent" value="create" />
      <div className="grid gap-3 sm:grid-cols-5">
        <div className="sm:col-span-2">
          <Field label="题库（单选、多选、判断题）" htmlFor={fields.bankId.id} errors={fields.bankId.errors} errorId={fields.bankId.errorId}>
            <select {...getSelectProps(fields.bankId)} className={inputClass} required>
              {banks.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.title}（{b.usable} 题）
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label="题目数量" htmlFor={fields.count.id} errors={fields.count.errors} errorId={fields.count.errorId}>
          {numberInput(fields.count, 1, 50)}
        </Field>
        <Field label="每题限时（秒）" htmlFor={fields.seconds.id} errors={fields.seconds.errors} errorId={fields.seconds.errorId}>
          {numberInput(fields.seconds, 5, 300)}
        </Field>
        <Field label="每题分值" htmlFor={fields.points.id} errors={fields.points.errors} errorId={fields.points.errorId}>
          {numberInput(fields.points, 1, 100)}
        </Field>
      </div>
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">抽题方式</legend>
        <label>
          <input {...getInputProps(fields.draw, { type: "radio", value: "random" })} id={`${fields.draw.id}-random`} /> 随机抽题
        </label>
        <label>
          <input {...getInputProps(fields.draw, { type: "radio", value: "first" })} id={`${fields.draw.id}-first`} /> 按题库顺序取前若干题
        </label>
      </fieldset>
      <button type="submit" className={buttonClass} disabled={busy || banks.length === 0}>
        生成加入码
      </button>
    </Form>
  );
}
