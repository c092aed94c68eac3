import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import {
  type ClientActionFunctionArgs,
  Form,
  Link,
  type ShouldRevalidateFunction,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { type FormEvent, useEffect, useRef } from "react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { getAttemptForTaking, getReview, saveAnswer, submitAttempt } from "~/.server/quiz/attempts";
import { Countdown } from "~/components/quiz/countdown";
import { QuizErrorBoundary, formatPercent } from "~/components/quiz/quiz-ui";
import { FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { AUTOSAVE_INTENT, UNSENT_SAVE, changesNoLoaderData } from "~/lib/autosave";
import { formatChinaDateTime } from "~/lib/dates";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, refusalBody, refuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { isAppError } from "~/lib/app-error";
import { pageMeta } from "~/lib/page-meta";

// Taking an attempt and, once it is finished, its result on the same address. While the attempt is
// in progress the loader sends stems, options in the attempt's order and the learner's saved answers:
// never a key or an explanation (the integration tests read this page's HTML and its .data to check).

export const meta: MetaFunction<typeof loader> = ({ data: d }) =>
  pageMeta(`${d?.quizTitle ?? "作答"} · 网上党校`, "在线答题：逐题作答，自动保存，交卷后查看成绩。");

const NOT_FOUND = "没有找到这次作答";

function parseIds(params: LoaderFunctionArgs["params"]) {
  return { quizId: idParam(params.quizId, NOT_FOUND), attemptId: idParam(params.attemptId, NOT_FOUND) };
}

// Both forms carry the answers as `q<position>` fields, one name per question, read by position
// (their names depend on the paper, so no schema lists them).
const AutosaveSchema = z.object({
  intent: z.literal(AUTOSAVE_INTENT),
  position: z.number({ error: "这道题不在本次作答中" }).int("这道题不在本次作答中").positive("这道题不在本次作答中"),
});
const SubmitSchema = z.object({ intent: z.literal("submit") });
const ActionSchema = z.discriminatedUnion("intent", [AutosaveSchema, SubmitSchema], { error: "无法识别的操作" });

const TYPE_LABELS: Record<string, string> = { single: "单选题", multiple: "多选题", judge: "判断题", fill: "填空题" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { quizId, attemptId } = parseIds(params);
  const now = new Date();
  const attempt = await getAttemptForTaking(user.id, attemptId, now).catch(refuse);
  // The quiz in the address must be the attempt's: no reaching an attempt through another quiz's page.
  if (attempt.quiz.id !== quizId) throw new Response("没有找到这次作答", { status: 404 });
  if (attempt.state === "in_progress") {
    return {
      mode: "taking" as const,
      quizTitle: attempt.quiz.title,
      number: attempt.number,
      deadlineAt: attempt.deadlineAt?.toISOString() ?? null,
      deadlineText: formatChinaDateTime(attempt.deadlineAt),
      serverNow: now.toISOString(),
      items: attempt.items,
      review: null,
    };
  }
  const review = await getReview(user.id, attemptId, now).catch(refuse);
  return {
    mode: "review" as const,
    quizTitle: review.quiz.title,
    number: review.number,
    deadlineAt: null,
    deadlineText: "",
    serverNow: now.toISOString(),
    items: null,
    review: { ...review, finishedAt: formatChinaDateTime(review.finishedAt) },
  };
}

/** The autosave's answer, read by each question's fetcher (the position it saved, or why not). */
type SaveReply = { ok: true; position: number } | { ok: false; position?: number; error: string; code: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { attemptId } = parseIds(params);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ActionSchema });
  const values = (position: number) => form.getAll(`q${position}`).filter((v): v is string => typeof v === "string");

  if (submission.status !== "success") {
    // An autosave is the script's: it reads `{ ok, error, code }`; anything else is the page's form.
    if (form.get("intent") !== AUTOSAVE_INTENT) return data({ result: submission.reply() }, { status: 400 });
    const error = Object.values(submission.error ?? {}).flat()[0] ?? "无法识别的操作";
    return data<SaveReply>({ ok: false, error, code: "malformed" }, { status: 400 });
  }
  const input = submission.value;
  if (input.intent === AUTOSAVE_INTENT) {
    try {
      await saveAnswer(user.id, attemptId, input.position, values(input.position));
      return data<SaveReply>({ ok: true, position: input.position });
    } catch (e) {
      if (!isAppError(e)) throw e;
      return data<SaveReply>({ ...refusalBody(e), position: input.position }, { status: e.status });
    }
  }
  try {
    // Without JavaScript nothing was saved yet: save every answered field, then submit. With it,
    // the fields repeat what was saved and saveAnswer leaves them (and their times) alone.
    const positions = [...new Set([...form.keys()].flatMap((k) => (/^q\d+$/.test(k) ? [Number(k.slice(1))] : [])))].sort((a, b) => a - b);
    for (const position of positions) await saveAnswer(user.id, attemptId, position, values(position));
    await submitAttempt(user.id, attemptId);
  } catch (e) {
    return formRefusal(submission, e);
  }
  return redirect(new URL(request.url).pathname);
}

// An answer that cannot reach the server (a phone gone offline) is not saved, and says so beside the
// question; the hand-in fails as any navigation does (decision 055).
export async function clientAction({ request, serverAction }: ClientActionFunctionArgs) {
  const form = await request.clone().formData();
  try {
    return await serverAction<typeof action>();
  } catch (error) {
    // fetch() fails with a TypeError when the request could not be sent or its answer not received.
    if (form.get("intent") !== AUTOSAVE_INTENT || !(error instanceof TypeError)) throw error;
    return { ok: false, position: Number(form.get("position")), ...UNSENT_SAVE } satisfies SaveReply;
  }
}

type ActionData = Awaited<ReturnType<typeof useActionData<typeof action>>>;

/** The refusal's code, from the autosave's answer or the hand-in form's. */
function refusalCode(result: ActionData | undefined): string | undefined {
  if (!result) return undefined;
  if ("refusal" in result) return (result.refusal as { code: string }).code;
  return "ok" in result && !result.ok ? result.code : undefined;
}

/** The hand-in form's reply (the autosave's answers are its fetchers'). */
function handInResult(result: ActionData | undefined) {
  return result && "result" in result ? result.result : undefined;
}

// A refused answer or submit because the attempt has closed (deadline, another tab) reloads the page,
// which then shows the result with the refusal above it; other refusals leave the form as it is.
// A saved answer changes nothing the page's loaders show (lib/autosave.ts).
export const shouldRevalidate: ShouldRevalidateFunction = (args) => {
  const code = refusalCode(args.actionResult as ActionData | undefined);
  if (code === "closed" || code === "deadline") return true;
  return changesNoLoaderData(args) ? false : args.defaultShouldRevalidate;
};

export default function AttemptPage() {
  const d = useLoaderData<typeof loader>();
  return d.mode === "taking" ? <Taking /> : <Review />;
}

type TakingData = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { mode: "taking" }>;
type Item = TakingData["items"][number];

function Taking() {
  const d = useLoaderData<typeof loader>() as TakingData;
  const [form] = useForm({ id: "attempt", lastResult: handInResult(useActionData<typeof action>()) });
  const submitting = useNavigation().state === "submitting";
  const confirmSubmit = (e: FormEvent<HTMLFormElement>) => {
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value === "submit" && !window.confirm("确定交卷吗？交卷后不能再修改答案。")) e.preventDefault();
  };
  return (
    <div className="mx-auto max-w-lg">
      <header className="sticky top-0 z-10 -mx-4 mb-4 border-b bg-stone-50/95 px-4 py-2 backdrop-blur">
        <h1 className="font-bold">{d.quizTitle}</h1>
        <p className="text-sm text-stone-600">
          第 {d.number} 次作答 · 共 {d.items.length} 题
          {d.deadlineAt ? (
            <>
              {" "}
              · <Countdown deadlineAt={d.deadlineAt} serverNow={d.serverNow} deadlineText={d.deadlineText} />
            </>
          ) : null}
        </p>
      </header>
      <FormMessage messages={form.errors} />
      <Form method="post" {...getFormProps(form)} onSubmit={confirmSubmit} className="space-y-4">
        {d.items.map((item) => (
          <Question key={item.position} item={item} />
        ))}
        <p className="text-sm text-stone-600">答案在选择后自动保存；交卷前可以修改。</p>
        <button type="submit" name="intent" value="submit" className={`${buttonClass} w-full`} disabled={submitting}>
          {submitting ? "正在交卷…" : "交卷"}
        </button>
      </Form>
    </div>
  );
}

function Question({ item }: { item: Item }) {
  const fetcher = useFetcher<typeof action>({ key: `save-${item.position}` });
  const name = `q${item.position}`;
  const save = (el: HTMLInputElement) => {
    const form = el.form;
    if (!form) return;
    const body = new FormData();
    body.set("intent", AUTOSAVE_INTENT);
    body.set("position", String(item.position));
    for (const v of new FormData(form).getAll(name)) body.append(name, v);
    fetcher.submit(body, { method: "post" });
  };
  // An answer given before the page's script had loaded (a tap while a phone is still loading it)
  // shows as chosen but was never sent: it is saved once the script runs. A text box still being
  // typed in is saved when it is left, as always.
  const box = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    const inputs = [...box.current!.querySelectorAll<HTMLInputElement>("input")];
    const given = inputs.filter((i) => (i.type === "text" ? i.value !== "" : i.checked)).map((i) => i.value);
    const unsent = given.length !== item.response.length || given.some((v) => !item.response.includes(v));
    if (unsent && inputs[0] && document.activeElement !== inputs[0]) save(inputs[0]);
    // Once, when the page is hydrated.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const saved = fetcher.data && "ok" in fetcher.data ? fetcher.data : undefined;
  const status =
    fetcher.state !== "idle" ? (
      <span className="text-stone-500">保存中…</span>
    ) : saved && !saved.ok ? (
      <span className="text-red-700" role="alert">
        {saved.error}
      </span>
    ) : saved?.ok ? (
      <span className="text-green-700">已保存</span>
    ) : null;

  return (
    <fieldset ref={box} className="rounded-lg bg-white p-4 shadow" data-testid="question" data-position={item.position}>
      <legend className="sr-only">第 {item.position} 题</legend>
      <p className="mb-1 text-xs text-stone-500">
        {item.position}. {TYPE_LABELS[item.type]}（{item.maxMark / 100} 分）
      </p>
      <p className="mb-3 whitespace-pre-line">{item.stem}</p>
      {item.type === "fill" ? (
        <input
          type="text"
          name={name}
          defaultValue={item.response[0] ?? ""}
          maxLength={200}
          aria-label={`第 ${item.position} 题答案`}
          className={inputClass}
          onBlur={(e) => save(e.currentTarget)}
        />
      ) : (
        <div className="space-y-2">
          {item.options.map((o) => (
            <label
              key={o.value}
              className="flex items-start gap-2 rounded-md border border-stone-200 px-3 py-2 has-[:checked]:border-party has-[:checked]:bg-red-50"
            >
              <input
                type={item.type === "multiple" ? "checkbox" : "radio"}
                name={name}
                value={o.value}
                defaultChecked={item.response.includes(o.value)}
                className="mt-1"
                onChange={(e) => save(e.currentTarget)}
              />
              <span>
                {item.type === "judge" ? "" : `${o.value}. `}
                {o.label}
              </span>
            </label>
          ))}
        </div>
      )}
      <p className="mt-2 min-h-5 text-xs" aria-live="polite" data-testid="save-status">
        {status}
      </p>
    </fieldset>
  );
}

type ReviewData = NonNullable<Extract<ReturnType<typeof useLoaderData<typeof loader>>, { mode: "review" }>["review"]>;

function answerText(type: string, values: string[]): string {
  if (values.length === 0) return "未作答";
  if (type === "judge") return values[0] === "true" ? "正确" : "错误";
  return values.join(type === "fill" ? " / " : "");
}

function Review() {
  const r = useLoaderData<typeof loader>().review as ReviewData;
  // A hand-in refused because the attempt had closed reloads the page onto its result, with the refusal.
  const [form] = useForm({ id: "attempt", lastResult: handInResult(useActionData<typeof action>()) });
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <FormMessage messages={form.errors} />
      <section className="rounded-lg bg-white p-4 shadow" data-testid="result">
        <h1 className="text-xl font-bold">{r.quiz.title}</h1>
        <p className="text-sm text-stone-600">
          第 {r.number} 次作答 · {r.state === "expired" ? "作答时间已到，系统已按截止前保存的答案评分" : "已交卷"} · {r.finishedAt}
        </p>
        <p className="mt-3">
          得分{" "}
          <strong className="text-2xl text-party" data-testid="score">
            {formatPercent(r.percent)}
          </strong>{" "}
          分
          <span className="ml-2 text-sm text-stone-600">
            （{r.mark / 100} / {r.maxMark / 100}，及格线 {r.quiz.passPercent} 分）
          </span>
        </p>
        <p className={`mt-1 font-semibold ${r.passed ? "text-green-700" : "text-stone-700"}`}>{r.passed ? "已通过" : "未通过"}</p>
        {r.why ? <p className="mt-2 text-sm text-stone-600">{r.why}</p> : null}
        <Link to={`/quizzes/${r.quiz.id}`} className="mt-3 inline-block text-party underline">
          返回测验
        </Link>
      </section>
      {r.items?.map((item) => (
        <section key={item.position} className="rounded-lg bg-white p-4 shadow" data-testid="review-item">
          <p className="mb-1 text-xs text-stone-500">
            {item.position}. {TYPE_LABELS[item.type]} · {item.correct ? "正确" : "错误"}（{item.mark / 100} / {item.maxMark / 100} 分）
          </p>
          <p className="mb-2 whitespace-pre-line">{item.stem}</p>
          {item.options.length && item.type !== "judge" ? (
            <ul className="mb-2 space-y-1 text-sm">
              {item.options.map((o) => (
                <li key={o.value} className={item.correctAnswer.includes(o.value) ? "font-semibold text-green-800" : ""}>
                  {o.value}. {o.label}
                </li>
              ))}
            </ul>
          ) : null}
          <p className="text-sm">您的答案：{answerText(item.type, item.response)}</p>
          <p className="text-sm text-green-800">正确答案：{answerText(item.type, item.correctAnswer)}</p>
          <p className="mt-2 rounded bg-stone-50 p-2 text-sm text-stone-700">解析：{item.explanation}</p>
        </section>
      ))}
    </div>
  );
}

export { QuizErrorBoundary as ErrorBoundary };
