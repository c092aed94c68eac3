import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { contestForPerson, requireEntryOfContest, setShowName, startEntry, submitEntry } from "~/.server/contest/entries";
import { contestPage } from "~/.server/contest/page";
import { CONTEST_ANSWER_INTENT, ContestAnswering } from "~/components/contest/answering";
import { contestIntake } from "~/.server/contest/intake";
import { Countdown } from "~/components/quiz/countdown";
import { ShowNameChoice } from "~/components/contest/show-name-choice";
import { FormMessage, buttonClass, secondaryButtonClass } from "~/components/ui/form";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, refuse } from "~/.server/http/refusal";
import { idParam, searchParamsOf } from "~/.server/http/request-params";
import { BackLink } from "~/components/nav/back-link";
import { pageMeta } from "~/lib/page-meta";
import { PAGE_IN_REPLY, changesNoLoaderData, pageInReply, pageText } from "~/lib/autosave";
import { useHydrated } from "~/components/ui/use-hydrated";

// A contest for the learner, on one address: the introduction and "开始答题"; the paper while the entry
// is in progress (answers go to POST /api/contests/answer, one at a time, each kept once committed);
// the result once handed in or closed at the deadline. While answering, the loader sends stems and
// options in the entry's order, never a key. With the script, 开始答题 is answered with the paper itself
// and 交卷 with the result (PAGE_IN_REPLY), and nothing reloads after either. /contests/:contestId

export const meta: MetaFunction<typeof loader> = ({ data: d }) =>
  pageMeta(`${d?.contest.title ?? "知识竞赛"} · 网上党校`, "知识竞赛：参赛说明、开始答题与排名。");

const contestIdOf = (params: LoaderFunctionArgs["params"]) => idParam(params.contestId, "没有找到这个竞赛");

const entryId = z.number({ error: "没有找到这次参赛" }).int("没有找到这次参赛").positive("没有找到这次参赛");
/** The script's ask for the page in the reply (PAGE_IN_REPLY); any other value is refused, not ignored. */
const pageInReplyField = z.literal(PAGE_IN_REPLY.value, { error: "无法识别的操作" }).optional();
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("start"), [PAGE_IN_REPLY.name]: pageInReplyField }),
    z.object({ intent: z.literal("submit"), entryId, [PAGE_IN_REPLY.name]: pageInReplyField }),
    // The paper's answer without the script (its values are the repeated `answer` fields, read below).
    z.object({
      intent: z.literal(CONTEST_ANSWER_INTENT),
      entryId,
      position: z.number({ error: "这道题不在您的试卷中" }).int("这道题不在您的试卷中").positive("这道题不在您的试卷中"),
    }),
    // An unticked box sends nothing: no consent.
    z.object({ intent: z.literal("showName"), entryId, showName: z.boolean().optional() }),
  ],
  { error: "无法识别的操作" },
);

// The question the paper opens on (its 上一题/下一题 links without the script).
const PlaceSchema = z.object({ q: z.coerce.number().int().positive().optional() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const opening = searchParamsOf(request, PlaceSchema);
  const now = new Date();
  return contestPage(user.id, await readContest(user.id, contestIdOf(params), now), now, opening.q ?? null);
}

/** The contest and the person's entry as the page reads them (404 for one that is not theirs to see). */
const readContest = (personId: number, contestId: number, now: Date) => contestForPerson(personId, contestId, now).catch(refuse);

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const contestId = contestIdOf(params);
  const receivedAt = new Date(); // the server's clock decides lateness, on arrival (as at the endpoint)
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  try {
    // An entry id from the form must be the caller's own entry of the contest in the address (404 otherwise).
    if (input.intent !== "start") await requireEntryOfContest(user.id, input.entryId, contestId);
    if (input.intent === CONTEST_ANSWER_INTENT) {
      const values = form.getAll("answer").filter((v): v is string => typeof v === "string");
      if (values.every((v) => v.trim() === "")) return data({ result: submission.reply({ formErrors: ["请先选择或填写答案"] }) }, { status: 400 });
      // The same intake as the script's endpoint: the entry must be the caller's and in progress, in time.
      await contestIntake().answer(user.id, input.entryId, input.position, values, receivedAt);
    } else if (input.intent === "start") {
      const started = await startEntry(user.id, contestId);
      if (input[PAGE_IN_REPLY.name] === PAGE_IN_REPLY.value)
        return { page: pageText(await contestPage(user.id, started.contest, new Date(), null, started.paper)) };
    } else if (input.intent === "submit") {
      await submitEntry(user.id, input.entryId);
      if (input[PAGE_IN_REPLY.name] === PAGE_IN_REPLY.value) {
        const now = new Date();
        return { page: pageText(await contestPage(user.id, await readContest(user.id, contestId, now), now, null)) };
      }
    } else await setShowName(user.id, input.entryId, input.showName === true);
  } catch (e) {
    return formRefusal(submission, e);
  }
  return redirect(`/contests/${contestId}`);
}

/** After 开始 or 交卷 with the page in its reply, the loaders do not run again: the reply is the page's data. */
export const shouldRevalidate: ShouldRevalidateFunction = (args) => (changesNoLoaderData(args) ? false : args.defaultShouldRevalidate);

/** The page's one form (start, hand in): its id, and the action's reply to it. */
function usePageForm() {
  const reply = useActionData<typeof action>();
  return useForm({ id: "contest", lastResult: reply && "result" in reply ? reply.result : undefined });
}

const STAGE = { intro: 0, answering: 1, result: 2 } as const;

/**
 * The page's data: the loader's, or the page 开始's or 交卷's reply brought (PAGE_IN_REPLY) while the
 * loader's is of an earlier stage. A contest only moves forward; of two of the same stage the loader's
 * is the later (a reload at the deadline, another phone's answers).
 */
function usePageData(): Loaded {
  const loaded = useLoaderData<typeof loader>();
  const replied = pageInReply<Loaded>(useActionData<typeof action>());
  return replied && STAGE[replied.mode] > STAGE[loaded.mode] ? replied : loaded;
}

export default function ContestPage() {
  const d = usePageData();
  if (d.mode === "answering") return <Answering />;
  return d.mode === "result" ? <Result /> : <Intro />;
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function Header({ contest }: { contest: Loaded["contest"] }) {
  return (
    <header className="rounded-lg bg-white p-4 shadow">
      <h1 className="text-xl font-bold">{contest.title}</h1>
      <p className="mt-1 text-sm text-stone-600">
        {contest.opensAt} 至 {contest.closesAt}
      </p>
      <p className="text-sm text-stone-600">
        共 {contest.questionCount} 题、满分 {contest.maxScore / 100} 分，限时 {contest.minutes} 分钟，每人限参赛一次
        {contest.credit ? `；参赛计 ${contest.credit} 学时` : ""}
      </p>
      {contest.selfCreditNotice ? (
        <p className="mt-2 rounded bg-amber-50 p-2 text-sm text-amber-900" data-testid="self-credit-notice">
          {contest.selfCreditNotice}
        </p>
      ) : null}
    </header>
  );
}

function Intro() {
  const { contest } = usePageData();
  const [form] = usePageForm();
  const busy = useNavigation().state !== "idle";
  const hydrated = useHydrated();
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <BackLink to="/contests">全部竞赛</BackLink>
      <Header contest={contest} />
      {contest.description ? <p className="whitespace-pre-line rounded-lg bg-white p-4 text-stone-700 shadow">{contest.description}</p> : null}
      <FormMessage messages={form.errors} />
      <p className="text-sm">
        <Link to={`/contests/${contest.id}/live`} className="text-party underline">
          参加现场赛（凭主持人公布的加入码加入）
        </Link>
      </p>
      {contest.window === "open" ? (
        <Form method="post" {...getFormProps(form)} className="space-y-2">
          <p className="text-sm text-stone-600">开始后计时，每题提交后不能修改；按得分排名，得分相同时用时少者在前。</p>
          {hydrated ? <input type="hidden" name={PAGE_IN_REPLY.name} value={PAGE_IN_REPLY.value} /> : null}
          <button type="submit" name="intent" value="start" className={`${buttonClass} w-full`} disabled={busy}>
            开始答题
          </button>
        </Form>
      ) : (
        <p className="rounded-lg bg-stone-100 p-4 text-stone-700">{contest.window === "upcoming" ? `竞赛将于 ${contest.opensAt} 开始。` : "竞赛已经结束。"}</p>
      )}
    </div>
  );
}

function Answering() {
  const d = usePageData() as Extract<Loaded, { mode: "answering" }>;
  const [form] = usePageForm();
  const submitting = useNavigation().state === "submitting";
  const hydrated = useHydrated();
  const [done, setDone] = useState(() => d.items.filter((i) => i.answered).length);
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <header className="sticky top-0 z-10 -mx-4 border-b bg-stone-50/95 px-4 py-2 backdrop-blur">
        <h1 className="font-bold">{d.contest.title}</h1>
        <p className="text-sm text-stone-600">
          {`已答 ${done}/${d.items.length} 题`} · <Countdown deadlineAt={d.deadlineAt} serverNow={d.serverNow} deadlineText={d.deadlineText} />
        </p>
      </header>
      <ContestAnswering entryId={d.entryId} items={d.items} opened={d.opened} onAnswered={setDone} />
      <FormMessage messages={form.errors} />
      <Form
        method="post"
        {...getFormProps(form)}
        onSubmit={(e) => {
          if (done < d.items.length && !window.confirm(`还有 ${d.items.length - done} 题未作答，确定交卷吗？`)) e.preventDefault();
        }}
      >
        <input type="hidden" name="entryId" value={d.entryId} />
        {hydrated ? <input type="hidden" name={PAGE_IN_REPLY.name} value={PAGE_IN_REPLY.value} /> : null}
        <button
          type="submit"
          name="intent"
          value="submit"
          className={`${done === d.items.length ? buttonClass : secondaryButtonClass} w-full`}
          disabled={submitting}
        >
          {submitting ? "正在交卷…" : "交卷"}
        </button>
      </Form>
    </div>
  );
}

function Result() {
  const { contest, result } = usePageData() as Extract<Loaded, { mode: "result" }>;
  const minutes = Math.floor(result.seconds / 60);
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <Header contest={contest} />
      <section className="rounded-lg bg-white p-4 shadow" aria-label="我的成绩">
        <p className="text-sm text-stone-600">{result.state === "expired" ? "作答时间已到，系统已按时交卷" : "已交卷"}</p>
        <p className="mt-1 text-3xl font-bold text-party" data-testid="contest-score">
          {result.score / 100} <span className="text-base font-normal text-stone-600">/ {result.maxScore / 100} 分</span>
        </p>
        <p className="text-sm text-stone-600">
          {`答对 ${result.correct}/${contest.questionCount} 题 · 用时 ${minutes > 0 ? `${minutes} 分 ` : ""}${result.seconds % 60} 秒`}
        </p>
        {result.place ? (
          <p className="mt-2 font-semibold" data-testid="contest-place">
            {`当前排名 第 ${result.place.place} 名（共 ${result.place.total} 人交卷）`}
          </p>
        ) : null}
      </section>
      {result.ranking.length ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="ranking-heading">
          <h2 id="ranking-heading" className="mb-2 font-semibold">
            排行榜（前 10 名）
          </h2>
          <ol className="divide-y text-sm">
            {result.ranking.map((r, i) => (
              <li key={i} className="flex items-center gap-2 py-1.5">
                <span className="w-8 font-semibold text-party">{r.place}</span>
                <span className="flex-1">
                  {r.name}
                  <span className="block text-xs text-stone-500">{r.unitName}</span>
                </span>
                <span>{`${r.score / 100} 分 · ${r.seconds} 秒`}</span>
              </li>
            ))}
          </ol>
          <p className="mt-2 text-xs text-stone-500">得分相同时用时少者在前；未同意显示姓名的参赛者显示为“匿名参赛者”。</p>
        </section>
      ) : null}
      <ShowNameChoice showName={result.showName} label="在排行榜上显示我的姓名（不勾选则显示为“匿名参赛者”）" hidden={{ entryId: result.entryId }} />
    </div>
  );
}

export { ContestErrorBoundary as ErrorBoundary } from "~/components/quiz/quiz-ui";
