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
import { type FormEvent, memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { getAttemptPage, requireAttemptOfQuiz, saveAnswer, saveAnswers, setMarks, submitAttempt } from "~/.server/quiz/attempts";
import { AnswerSheet, SAVE_FORM_INTENT, saveAndOpen } from "~/components/quiz/answer-sheet";
import { Countdown } from "~/components/quiz/countdown";
import { QuizErrorBoundary, formatPercent } from "~/components/quiz/quiz-ui";
import { FormMessage, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { useHydrated } from "~/components/ui/use-hydrated";
import { AUTOSAVE_INTENT, MARK_INTENT, UNSENT_SAVE, changesNoLoaderData } from "~/lib/autosave";
import { formatChinaDateTime } from "~/lib/dates";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, refusalBody, refuse } from "~/.server/http/refusal";
import { idParam, searchParamsOf } from "~/.server/http/request-params";
import { isAppError } from "~/lib/app-error";
import { pageMeta } from "~/lib/page-meta";
import { useSubmitInTurn } from "~/components/ui/use-submit-in-turn";

// Taking an attempt and, once it is finished, its result on the same address. While the attempt is
// in progress the loader sends stems, options in the attempt's order and the learner's saved answers:
// never a key or an explanation (the integration tests read this page's HTML and its .data to check).

export const meta: MetaFunction<typeof loader> = ({ data: d }) =>
  pageMeta(`${d?.quizTitle ?? "作答"} · 网上党校`, "在线答题：逐题作答，自动保存，交卷后查看成绩。");

const NOT_FOUND = "没有找到这次作答";

function parseIds(params: LoaderFunctionArgs["params"]) {
  return { quizId: idParam(params.quizId, NOT_FOUND), attemptId: idParam(params.attemptId, NOT_FOUND) };
}

// The forms carry the answers as `q<position>` fields, one name per question, read by position (their
// names depend on the paper, so no schema lists them); the no-script save also carries each question's
// 标记 as `m<position>`, with a `shown=<position>` for every question on the form (an unticked box sends nothing).
const position = z.number({ error: "这道题不在本次作答中" }).int("这道题不在本次作答中").positive("这道题不在本次作答中");
const AutosaveSchema = z.object({ intent: z.literal(AUTOSAVE_INTENT), position });
// An unticked box sends nothing: the mark is cleared.
const MarkSchema = z.object({ intent: z.literal(MARK_INTENT), position, marked: z.boolean().optional() });
// `shown` is read by the schema so that a made-up position is refused before any answer of the post is saved.
const SaveFormSchema = z.object({ intent: z.literal(SAVE_FORM_INTENT), shown: z.array(position).optional() });
const SubmitSchema = z.object({ intent: z.literal("submit") });
const ActionSchema = z.discriminatedUnion("intent", [AutosaveSchema, MarkSchema, SaveFormSchema, SubmitSchema], { error: "无法识别的操作" });
// Which question a page opens on (`q`), and which a no-script save returns to (`at`, from its button).
const PlaceSchema = z.object({ q: z.coerce.number().int().positive().optional(), at: z.coerce.number().int().positive().optional() });

const TYPE_LABELS: Record<string, string> = { single: "单选题", multiple: "多选题", judge: "判断题", fill: "填空题" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { quizId, attemptId } = parseIds(params);
  const place = searchParamsOf(request, PlaceSchema);
  const now = new Date();
  const attempt = await getAttemptPage(user.id, attemptId, now).catch(refuse);
  // The quiz in the address must be the attempt's: no reaching an attempt through another quiz's page.
  if (attempt.quiz.id !== quizId) throw new Response("没有找到这次作答", { status: 404 });
  if (attempt.mode === "taking") {
    const current = place.q !== undefined && place.q <= attempt.items.length ? place.q : 1;
    return {
      mode: "taking" as const,
      quizTitle: attempt.quiz.title,
      layout: attempt.quiz.layout,
      current,
      number: attempt.number,
      deadlineAt: attempt.deadlineAt?.toISOString() ?? null,
      deadlineText: formatChinaDateTime(attempt.deadlineAt),
      serverNow: now.toISOString(),
      items: attempt.items,
      review: null,
    };
  }
  const { review } = attempt;
  return {
    mode: "review" as const,
    quizTitle: review.quiz.title,
    layout: attempt.quiz.layout,
    current: 1,
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
  const { quizId, attemptId } = parseIds(params);
  const place = searchParamsOf(request, PlaceSchema);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ActionSchema });
  const values = (position: number) => form.getAll(`q${position}`).filter((v): v is string => typeof v === "string");
  const fetched = (intent: unknown) => intent === AUTOSAVE_INTENT || intent === MARK_INTENT;

  if (submission.status !== "success") {
    // An autosave or a mark is the script's: it reads `{ ok, error, code }`; anything else is the page's form.
    if (!fetched(form.get("intent"))) return data({ result: submission.reply() }, { status: 400 });
    const error = Object.values(submission.error ?? {}).flat()[0] ?? "无法识别的操作";
    return data<SaveReply>({ ok: false, error, code: "malformed" }, { status: 400 });
  }
  const input = submission.value;
  if (input.intent === AUTOSAVE_INTENT || input.intent === MARK_INTENT) {
    try {
      // The attempt must be the caller's at the quiz in the address (404 otherwise, nothing saved).
      await requireAttemptOfQuiz(user.id, attemptId, quizId);
      if (input.intent === AUTOSAVE_INTENT) await saveAnswer(user.id, attemptId, input.position, values(input.position));
      else await setMarks(user.id, attemptId, [{ position: input.position, marked: input.marked === true }]);
      return data<SaveReply>({ ok: true, position: input.position });
    } catch (e) {
      if (!isAppError(e)) throw e;
      return data<SaveReply>({ ...refusalBody(e), position: input.position }, { status: e.status });
    }
  }
  try {
    await requireAttemptOfQuiz(user.id, attemptId, quizId);
    // Without JavaScript nothing was saved yet: save every answered field (then the marks, or submit).
    // With it, the fields repeat what was saved and saveAnswers leaves them (and their times) alone.
    const positions = [...new Set([...form.keys()].flatMap((k) => (/^q\d+$/.test(k) ? [Number(k.slice(1))] : [])))].sort((a, b) => a - b);
    await saveAnswers(
      user.id,
      attemptId,
      positions.map((position) => ({ position, values: values(position) })),
    );
    if (input.intent === SAVE_FORM_INTENT) {
      const shown = [...new Set(input.shown ?? [])];
      if (shown.length)
        await setMarks(
          user.id,
          attemptId,
          shown.map((p) => ({ position: p, marked: form.has(`m${p}`) })),
        );
    } else await submitAttempt(user.id, attemptId);
  } catch (e) {
    return formRefusal(submission, e);
  }
  const path = new URL(request.url).pathname;
  // Back to the question the button named (the same one for 保存), scrolled to on a long page.
  return redirect(input.intent === SAVE_FORM_INTENT && place.at ? `${path}?q=${place.at}#q${place.at}` : path);
}

// An answer or a mark that cannot reach the server (a phone gone offline) is not saved, and says so
// beside the question; the hand-in fails as any navigation does (decision 055).
export async function clientAction({ request, serverAction }: ClientActionFunctionArgs) {
  const form = await request.clone().formData();
  try {
    return await serverAction<typeof action>();
  } catch (error) {
    // fetch() fails with a TypeError when the request could not be sent or its answer not received.
    const intent = form.get("intent");
    if ((intent !== AUTOSAVE_INTENT && intent !== MARK_INTENT) || !(error instanceof TypeError)) throw error;
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

/** Whether a question's fields in the form hold an answer. */
function hasAnswer(form: HTMLFormElement, position: number): boolean {
  return new FormData(form).getAll(`q${position}`).some((v) => typeof v === "string" && v.trim() !== "");
}

function toggled(set: ReadonlySet<number>, position: number, on: boolean): Set<number> {
  const next = new Set(set);
  if (on) next.add(position);
  else next.delete(position);
  return next;
}

function Taking() {
  const d = useLoaderData<typeof loader>() as TakingData;
  const [form] = useForm({ id: "attempt", lastResult: handInResult(useActionData<typeof action>()) });
  const submitting = useNavigation().state === "submitting";
  const hydrated = useHydrated();
  const single = d.layout === "single";
  const opened = d.current;
  const [current, setCurrent] = useState(opened);
  // A save without the script reloads the page on the question its button named.
  useEffect(() => setCurrent(opened), [opened]);
  const [answered, setAnswered] = useState<ReadonlySet<number>>(() => new Set(d.items.filter((i) => i.response.some((v) => v !== "")).map((i) => i.position)));
  const [marked, setMarked] = useState<ReadonlySet<number>>(() => new Set(d.items.filter((i) => i.marked).map((i) => i.position)));
  const last = d.items.length;
  // Answers ticked before the script ran count as given (their question saves them on hydration).
  useEffect(() => {
    const el = document.getElementById(form.id) as HTMLFormElement | null;
    if (!el) return;
    const given = d.items.filter((i) => hasAnswer(el, i.position)).map((i) => i.position);
    // Usually the same as the server's: then no second render of the page.
    setAnswered((a) => (given.length === a.size && given.every((p) => a.has(p)) ? a : new Set(given)));
    // Once, when the page is hydrated.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Stable (the questions are memoised: the page's own re-renders, such as the answered count, leave them alone).
  const jump = useCallback((position: number) => {
    setCurrent(position);
    // Focus the question (its legend is read), on a long page after scrolling to it.
    requestAnimationFrame(() => {
      const box = document.getElementById(`q${position}`);
      box?.scrollIntoView({ block: "start" });
      box?.focus({ preventScroll: true });
    });
  }, []);
  const onMarked = useCallback((position: number, on: boolean) => setMarked((m) => toggled(m, position, on)), []);
  // One question per screen: each question's 上一题/下一题 (they need `hydrated`, so only this layout's questions re-render with it).
  const steps = useMemo(() => (single ? { last, hydrated, onJump: jump } : null), [single, last, hydrated, jump]);
  const onChange = (e: FormEvent<HTMLFormElement>) => {
    const m = /^q(\d+)$/.exec((e.target as HTMLInputElement).name ?? "");
    if (!m) return;
    const given = hasAnswer(e.currentTarget, Number(m[1]));
    setAnswered((a) => toggled(a, Number(m[1]), given));
  };
  const confirmSubmit = (e: FormEvent<HTMLFormElement>) => {
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value !== "submit") return;
    const open = last - answered.size;
    const question = open > 0 ? `还有 ${open} 题未作答，确定交卷吗？` : "确定交卷吗？交卷后不能再修改答案。";
    if (!window.confirm(question)) e.preventDefault();
  };
  return (
    <div className="mx-auto max-w-lg">
      {/* The form's default button, first in the document (before the 答题卡's buttons, which belong to
          the form too): Enter in a fill-in box without the script saves and stays on this question
          rather than "clicking" the sheet's first button. With the script the box's Enter saves it. */}
      <button type="submit" form={form.id} name="intent" value={SAVE_FORM_INTENT} formAction={saveAndOpen(current)} formNoValidate hidden tabIndex={-1}>
        保存
      </button>
      <header className="sticky top-0 z-10 -mx-4 mb-4 border-b bg-stone-50/95 px-4 py-2 backdrop-blur">
        <h1 className="font-bold">{d.quizTitle}</h1>
        <p className="text-sm text-stone-600">
          第 {d.number} 次作答 · 共 {last} 题
          {d.deadlineAt ? (
            <>
              {" "}
              · <Countdown deadlineAt={d.deadlineAt} serverNow={d.serverNow} deadlineText={d.deadlineText} />
            </>
          ) : null}
        </p>
        <AnswerSheet
          formId={form.id}
          positions={d.items.map((i) => i.position)}
          answered={answered}
          marked={marked}
          current={single ? current : null}
          hydrated={hydrated}
          onJump={jump}
        />
      </header>
      <FormMessage messages={form.errors} />
      <Form method="post" {...getFormProps(form)} onSubmit={confirmSubmit} onChange={onChange} className="space-y-4">
        {d.items.map((item) => (
          <Question key={item.position} item={item} hidden={single && item.position !== current} onMarked={onMarked} steps={steps} />
        ))}
        <p className="text-sm text-stone-600">
          {hydrated ? "答案在选择后自动保存；交卷前可以修改。" : "点“保存”保存本题答案（浏览器未运行脚本时答案不会自动保存）；交卷前可以修改。"}
        </p>
        <button type="submit" name="intent" value="submit" className={`${buttonClass} w-full`} disabled={submitting}>
          {submitting ? "正在交卷…" : "交卷"}
        </button>
      </Form>
    </div>
  );
}

/** A button that saves the form and opens another question; with the script, it opens it in place (answers save as given). */
function PlaceButton({
  to,
  hydrated,
  onJump,
  className,
  children,
}: {
  to: number;
  hydrated: boolean;
  onJump: (p: number) => void;
  className: string;
  children: string;
}) {
  return (
    <button
      type="submit"
      name="intent"
      value={SAVE_FORM_INTENT}
      formAction={saveAndOpen(to)}
      formNoValidate
      className={className}
      onClick={(e) => {
        if (!hydrated) return;
        e.preventDefault();
        onJump(to);
      }}
    >
      {children}
    </button>
  );
}

type Steps = { last: number; hydrated: boolean; onJump: (position: number) => void };

/** One question of the paper; memoised, so it re-renders only when its own props or fetchers change. */
const Question = memo(function Question({
  item,
  hidden,
  onMarked,
  steps,
}: {
  item: Item;
  hidden: boolean;
  onMarked: (position: number, on: boolean) => void;
  steps: Steps | null;
}) {
  const fetcher = useFetcher<typeof action>({ key: `save-${item.position}` });
  const markFetcher = useFetcher<typeof action>({ key: `mark-${item.position}` });
  const submitSave = useSubmitInTurn(fetcher);
  const submitMark = useSubmitInTurn(markFetcher);
  const name = `q${item.position}`;
  const save = (el: HTMLInputElement) => {
    const form = el.form;
    if (!form) return;
    const body = new FormData();
    body.set("intent", AUTOSAVE_INTENT);
    body.set("position", String(item.position));
    for (const v of new FormData(form).getAll(name)) body.append(name, v);
    submitSave(body, { method: "post" });
  };
  const mark = (on: boolean) => {
    onMarked(item.position, on);
    const body = new FormData();
    body.set("intent", MARK_INTENT);
    body.set("position", String(item.position));
    if (on) body.set("marked", "on");
    submitMark(body, { method: "post" });
  };
  // An answer or a mark given before the page's script had loaded (a tap while a phone is still
  // loading it) shows as chosen but was never sent: it is saved once the script runs. A text box
  // still being typed in is saved when it is left, as always.
  const box = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    const inputs = [...box.current!.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)];
    const given = inputs.filter((i) => (i.type === "text" ? i.value !== "" : i.checked)).map((i) => i.value);
    const unsent = given.length !== item.response.length || given.some((v) => !item.response.includes(v));
    if (unsent && inputs[0] && document.activeElement !== inputs[0]) save(inputs[0]);
    const flag = box.current!.querySelector<HTMLInputElement>(`input[name="m${item.position}"]`);
    if (flag && flag.checked !== item.marked) mark(flag.checked);
    // Once, when the page is hydrated.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const saved = fetcher.data && "ok" in fetcher.data ? fetcher.data : undefined;
  const markRefused = markFetcher.data && "ok" in markFetcher.data && !markFetcher.data.ok ? markFetcher.data : undefined;
  const status =
    fetcher.state !== "idle" ? (
      <span className="text-stone-500">保存中…</span>
    ) : saved && !saved.ok ? (
      <span className="text-red-700" role="alert">
        {saved.error}
      </span>
    ) : saved?.ok ? (
      <span className="text-green-700">已保存</span>
    ) : markRefused ? (
      <span className="text-red-700" role="alert">
        {markRefused.error}
      </span>
    ) : null;

  return (
    <fieldset
      ref={box}
      id={`q${item.position}`}
      tabIndex={-1}
      hidden={hidden}
      className="scroll-mt-32 rounded-lg bg-white p-4 shadow"
      data-testid="question"
      data-position={item.position}
    >
      <legend className="sr-only">第 {item.position} 题</legend>
      <input type="hidden" name="shown" value={item.position} />
      <div className="mb-1 flex items-center gap-2">
        <p className="text-xs text-stone-500">
          {item.position}. {TYPE_LABELS[item.type]}（{item.maxMark / 100} 分）
        </p>
        <label className="ml-auto flex min-h-11 items-center gap-1.5 rounded-md px-2 text-sm text-stone-600 has-[:checked]:text-amber-700">
          <input type="checkbox" name={`m${item.position}`} defaultChecked={item.marked} className="size-4" onChange={(e) => mark(e.currentTarget.checked)} />
          标记
        </label>
      </div>
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
          // Enter saves this answer rather than submitting the form through its first button (a 答题卡 jump).
          onKeyDown={(e) => {
            if (e.key !== "Enter" || e.nativeEvent.isComposing) return;
            e.preventDefault();
            save(e.currentTarget);
          }}
        />
      ) : (
        <div className="space-y-2">
          {item.options.map((o) => (
            <label
              key={o.value}
              className="flex min-h-11 items-start gap-2 rounded-md border border-stone-200 px-3 py-2.5 has-[:checked]:border-party has-[:checked]:bg-red-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-party"
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
      <div className="mt-2 flex min-h-5 items-center gap-2">
        <p className="text-xs" aria-live="polite" data-testid="save-status">
          {status}
        </p>
        {/* Only without the script (the browser shows <noscript> then, and React never hydrates its
            content): a button that appeared and vanished on hydration moved every question below it. */}
        <noscript>
          <button
            type="submit"
            name="intent"
            value={SAVE_FORM_INTENT}
            formAction={saveAndOpen(item.position)}
            formNoValidate
            className={`${secondaryButtonClass} ml-auto min-h-11`}
          >
            保存
          </button>
        </noscript>
      </div>
      {steps ? (
        <div className="mt-3 flex gap-2">
          {item.position > 1 ? (
            <PlaceButton to={item.position - 1} hydrated={steps.hydrated} onJump={steps.onJump} className={`${secondaryButtonClass} min-h-11 flex-1`}>
              上一题
            </PlaceButton>
          ) : null}
          {item.position < steps.last ? (
            <PlaceButton to={item.position + 1} hydrated={steps.hydrated} onJump={steps.onJump} className={`${buttonClass} min-h-11 flex-1`}>
              下一题
            </PlaceButton>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
});

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
        <ReviewItem key={item.position} item={item} />
      ))}
    </div>
  );
}

type ReviewedItem = NonNullable<ReviewData["items"]>[number];

/**
 * One question of a result the quiz lets the learner review: each option says whether it is the key and
 * whether the learner chose it, so a wrong choice is marked against the right one (never by colour alone).
 */
function ReviewItem({ item }: { item: ReviewedItem }) {
  return (
    <section className="rounded-lg bg-white p-4 shadow" data-testid="review-item">
      <p className="mb-1 text-xs text-stone-500">
        {item.position}. {TYPE_LABELS[item.type]} ·{" "}
        <span className={item.correct ? "font-semibold text-green-800" : "font-semibold text-red-700"}>{item.correct ? "正确" : "错误"}</span>（
        {item.mark / 100} / {item.maxMark / 100} 分）
      </p>
      <p className="mb-2 whitespace-pre-line">{item.stem}</p>
      {item.options.length ? (
        <ul className="mb-2 space-y-1.5 text-sm">
          {item.options.map((o) => {
            const key = item.correctAnswer.includes(o.value);
            const chosen = item.response.includes(o.value);
            const verdict = key && chosen ? "chosen-right" : chosen ? "chosen-wrong" : key ? "missed" : "plain";
            return (
              <li
                key={o.value}
                data-testid="review-option"
                data-verdict={verdict}
                className={`flex items-start gap-2 rounded-md border px-3 py-2 ${
                  key ? "border-green-600 bg-green-50 text-green-900" : chosen ? "border-red-600 bg-red-50 text-red-900" : "border-stone-200"
                }`}
              >
                <span aria-hidden="true" className="w-4 font-bold">
                  {key ? "✓" : chosen ? "✗" : ""}
                </span>
                <span className="flex-1">
                  {item.type === "judge" ? "" : `${o.value}. `}
                  {o.label}
                </span>
                <span className="shrink-0 text-xs font-semibold">{[chosen ? "您的选择" : "", key ? "正确答案" : ""].filter(Boolean).join(" · ")}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
      <p className="text-sm">您的答案：{answerText(item.type, item.response)}</p>
      <p className="text-sm text-green-800">正确答案：{answerText(item.type, item.correctAnswer)}</p>
      {item.explanation ? <p className="mt-2 rounded bg-stone-50 p-2 text-sm text-stone-700">解析：{item.explanation}</p> : null}
    </section>
  );
}

export { QuizErrorBoundary as ErrorBoundary };
