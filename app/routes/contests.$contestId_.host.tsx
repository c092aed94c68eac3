import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireLiveHost } from "~/.server/contest/live/access";
import { finishRound, revealAnswer, startNextQuestion } from "~/.server/contest/live/host";
import { banksForRound, contestForHost, createRound, latestRound } from "~/.server/contest/live/rounds";
import { readRound, stateEvent, stats } from "~/.server/contest/live/snapshot";
import { AnswerDistribution, Countdown, Leaderboard, QuestionHeading, optionTag } from "~/components/live/live-ui";
import { useLiveStream, useSecondsLeft } from "~/components/live/use-live-stream";
import { FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { LIVE_SCORING_RULE } from "~/lib/live-scoring";
import { readForm } from "~/.server/http/form-body";
import { numberField } from "~/lib/form-number";
import { isAppError } from "~/lib/app-error";

// The big screen of a live round (a desktop in the hall): the join code, players joined, the host's
// buttons, each question with its countdown, and after each reveal the answer distribution and the top
// ten. Its state comes over the host event stream; the buttons post to this route's action.

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [{ title: `${d?.contest.title ?? "现场赛"} · 大屏幕 · 网上党校` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { contestId } = await requireLiveHost(request, params.contestId);
  const contest = await contestForHost(contestId);
  const latest = await latestRound(contestId);
  const round = latest ? readRound(latest.id)! : null;
  const now = new Date();
  return {
    contest: { id: contest.id, title: contest.title, published: contest.status === "published" },
    round: round
      ? { id: round.id, code: round.state === "finished" ? null : round.code, state: stateEvent(round, now), stats: stats(round.id, round.current) }
      : null,
    banks: await banksForRound(contest.unit.path),
  };
}

const CreateSchema = z.object({
  bankId: z.coerce.number({ message: "请选择题库" }).int().positive("请选择题库"),
  count: numberField("题目数量", (n) => n.int("题目数量须为整数").min(1, "至少 1 道题").max(50, "最多 50 道题")),
  draw: z.enum(["random", "first"], { message: "请选择抽题方式" }),
  seconds: numberField("每题限时", (n) => n.int("限时须为整秒").min(5, "每题至少 5 秒").max(300, "每题最多 300 秒")),
  points: numberField("每题分值", (n) => n.int("分值须为整数").min(1, "每题至少 1 分").max(100, "每题最多 100 分")),
});
const RoundId = z.coerce.number().int().positive();

type ActionReply = { ok: true } | { ok: false; errors: string[] };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, contestId } = await requireLiveHost(request, params.contestId);
  const form = Object.fromEntries(await readForm(request));
  const refused = (e: unknown) => {
    if (!isAppError(e)) throw e;
    return data<ActionReply>({ ok: false, errors: [e.message] }, { status: e.status });
  };
  if (form.intent === "create") {
    const parsed = CreateSchema.safeParse(form);
    if (!parsed.success) return data<ActionReply>({ ok: false, errors: parsed.error.issues.map((i) => i.message) }, { status: 400 });
    const contest = await contestForHost(contestId);
    try {
      await createRound(
        user.id,
        { id: contest.id, title: contest.title, unitId: contest.unitId, unitPath: contest.unit.path },
        { ...parsed.data, points: parsed.data.points * 100 },
      );
    } catch (e) {
      return refused(e);
    }
    return data<ActionReply>({ ok: true });
  }
  // The buttons name the round they were shown with: a stale screen cannot move another round.
  const roundId = RoundId.safeParse(form.roundId);
  const latest = await latestRound(contestId);
  if (!roundId.success || !latest || latest.id !== roundId.data) {
    return data<ActionReply>({ ok: false, errors: ["这一轮已不是本竞赛当前的现场赛，请刷新页面"] }, { status: 409 });
  }
  const moves: Record<string, (id: number) => Promise<void>> = { next: startNextQuestion, reveal: revealAnswer, finish: finishRound };
  const move = typeof form.intent === "string" ? moves[form.intent] : undefined;
  if (!move) return data<ActionReply>({ ok: false, errors: ["未知的操作"] }, { status: 400 });
  try {
    await move(roundId.data);
  } catch (e) {
    return refused(e);
  }
  return data<ActionReply>({ ok: true });
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
  const fetcher = useFetcher<ActionReply>();
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
      <FormMessage messages={fetcher.data && !fetcher.data.ok ? fetcher.data.errors : null} />

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
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <Form method="post" className="space-y-3 rounded-lg bg-white p-4 shadow">
      <h2 className="text-lg font-bold">{hasRound ? "再开一轮" : "新建一轮现场赛"}</h2>
      <FormMessage messages={reply && !reply.ok ? reply.errors : null} />
      {banks.length === 0 ? <p className="text-stone-600">没有可用的题库：现场赛使用单选、多选和判断题。</p> : null}
      <div className="grid gap-3 sm:grid-cols-5">
        <label className="block text-sm sm:col-span-2">
          题库（单选、多选、判断题）
          <select name="bankId" className={inputClass} required>
            {banks.map((b) => (
              <option key={b.id} value={b.id}>
                {b.title}（{b.usable} 题）
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          题目数量
          <input name="count" type="number" min={1} max={50} defaultValue={10} className={inputClass} required />
        </label>
        <label className="block text-sm">
          每题限时（秒）
          <input name="seconds" type="number" min={5} max={300} defaultValue={20} className={inputClass} required />
        </label>
        <label className="block text-sm">
          每题分值
          <input name="points" type="number" min={1} max={100} defaultValue={10} className={inputClass} required />
        </label>
      </div>
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">抽题方式</legend>
        <label>
          <input type="radio" name="draw" value="random" defaultChecked /> 随机抽题
        </label>
        <label>
          <input type="radio" name="draw" value="first" /> 按题库顺序取前若干题
        </label>
      </fieldset>
      <button type="submit" name="intent" value="create" className={buttonClass} disabled={busy || banks.length === 0}>
        生成加入码
      </button>
    </Form>
  );
}
