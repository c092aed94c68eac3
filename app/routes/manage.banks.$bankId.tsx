import { type SubmissionResult, getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { QUESTION_SORTS, archiveQuestion, bankTags, getBank, getQuestion, listQuestions, restoreQuestion, saveQuestion } from "~/.server/quiz/banks";
import { tableQuery } from "~/.server/http/table-query";
import { KeepTableParams, Pagination } from "~/components/ui/data-table";
import { env } from "~/.server/env";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions } from "~/components/ui/options";
import { DIFFICULTY_LABELS, TYPE_LABELS, formatAnswer } from "~/lib/bank-import";
import { EMPTY_QUESTION_FORM, type QuestionFormValues, formValuesFrom, formValuesOf, questionFromForm } from "~/lib/question-form";
import { OPTION_LETTERS, type QuestionType } from "~/lib/quiz-grading";
import { readForm } from "~/.server/http/form-body";
import { idParam, searchParamsOf } from "~/.server/http/request-params";
import { useHydrated } from "~/components/ui/use-hydrated";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.bank.title ?? "题库"} · 网上党校`);

/** The bank named in the URL, after checking the caller may manage it; 404 before 403 only when it does not exist at all. */
async function bankInScope(request: Request, bankIdParam: string | undefined) {
  const bank = await getBank(idParam(bankIdParam, "题库不存在"));
  if (!bank) throw new Response("题库不存在", { status: 404 });
  const user = await requirePermission(request, "banks:manage", bank.unitId);
  return { user, bank };
}

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
const FilterSchema = z.object({
  type: z.preprocess(emptyToUndefined, z.enum(["single", "multiple", "judge", "fill"]).optional()),
  difficulty: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .pipe(z.union([z.literal(1), z.literal(2), z.literal(3)]))
      .optional(),
  ),
  tag: z.preprocess(emptyToUndefined, z.string().trim().max(50).optional()),
  q: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  archived: z.preprocess(emptyToUndefined, z.literal("1").optional()),
  edit: z.preprocess(emptyToUndefined, z.union([z.literal("new"), z.coerce.number().int().positive()]).optional()),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { bank } = await bankInScope(request, params.bankId);
  const f = searchParamsOf(request, FilterSchema, "筛选条件有误");
  const query = tableQuery(request, { sorts: QUESTION_SORTS, defaultSort: "id", defaultSize: 20 });
  const [list, tags, editing] = await Promise.all([
    listQuestions(bank.id, { type: f.type, difficulty: f.difficulty, tag: f.tag, text: f.q, archived: f.archived === "1" }, query),
    bankTags(bank.id),
    typeof f.edit === "number" ? getQuestion(bank.id, f.edit) : null,
  ]);
  if (typeof f.edit === "number" && !editing) throw new Response("题目不存在", { status: 404 });
  return {
    bank: { id: bank.id, slug: bank.slug, title: bank.title, description: bank.description, unitName: bank.unit.name, fromContent: bank.contentHash !== null },
    ...list,
    rows: list.rows.map((r) => ({ ...r, answerText: formatAnswer(r.question) })),
    tags,
    editor:
      f.edit === undefined
        ? null
        : editing
          ? { id: editing.id, key: editing.question.id, values: formValuesOf(editing.question) }
          : { id: null, key: null, values: EMPTY_QUESTION_FORM },
  };
}

const questionRef = (message: string) => z.number({ error: message }).int(message).positive(message);
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    // The question's own fields (which ones depends on its type) are checked by questionFromForm,
    // with the fields this site requires besides.
    z.object({ intent: z.literal("save"), questionId: questionRef("题目编号有误").optional() }),
    z.object({ intent: z.literal("archive"), questionId: questionRef("请选择题目") }),
    z.object({ intent: z.literal("restore"), questionId: questionRef("请选择题目") }),
  ],
  { error: "未知操作" },
);

/** Every answer: the form's reply, the sentence shown on success, and a refused save's values (the editor shows them again). */
type Reply = { result: SubmissionResult<string[]>; message: string | null; values: QuestionFormValues | null; questionId: number | null };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, bank } = await bankInScope(request, params.bankId);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), message: null, values: null, questionId: null }, { status: 400 });
  const input = submission.value;
  const done = (message: string) => data<Reply>({ result: submission.reply(), message, values: null, questionId: null });
  const values = input.intent === "save" ? formValuesFrom(form) : null;
  const refused = { message: null, values, questionId: input.questionId ?? null };
  try {
    switch (input.intent) {
      case "save": {
        const checked = questionFromForm(values!, env.questionRequiredFields);
        if (!checked.ok) {
          const { form: formErrors, ...fieldErrors } = checked.errors;
          return data<Reply>({ ...refused, result: submission.reply({ formErrors, fieldErrors }) }, { status: 400 });
        }
        const saved = await saveQuestion(user.id, bank, input.questionId ?? null, checked.question);
        // Back to the list with the saved question shown first: a reload does not submit again.
        return redirect(`/manage/banks/${bank.id}?q=${encodeURIComponent(saved.key)}`);
      }
      case "archive": {
        const outcome = await archiveQuestion(user.id, bank.id, input.questionId);
        return done(outcome === "archived" ? "题目已有作答或已用于测验，已归档（可在“已归档”中恢复）" : "题目尚未被作答，已删除");
      }
      case "restore":
        await restoreQuestion(user.id, bank.id, input.questionId);
        return done("题目已恢复");
    }
  } catch (e) {
    // A duplicate stem names its field.
    return formRefusal(submission, e, refused);
  }
}

export default function BankPage() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  const link = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    return `?${next}`;
  };
  // Archiving and restoring answer at the top of the page.
  const [pageForm] = useForm({ id: "bank-page", lastResult: reply && !reply.values ? reply.result : undefined });
  // A failed save shows the editor again with what was typed, even when the URL has no ?edit.
  const editor = reply?.values
    ? { id: reply.questionId, key: d.editor?.key ?? null, values: reply.values, result: reply.result }
    : d.editor
      ? { ...d.editor, result: undefined }
      : null;
  const archivedView = params.get("archived") === "1";

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <div>
          <h1 className="text-xl font-bold">{d.bank.title}</h1>
          <p className="text-xs text-stone-500">
            {d.bank.unitName} · 编号 <span className="font-mono">{d.bank.slug}</span>
            {d.bank.fromContent ? " · 内置题库：题库文件更新后，修改会被文件内容覆盖" : ""}
          </p>
        </div>
        <div className="ml-auto flex flex-wrap gap-2">
          <Link to="/manage/banks" className={secondaryButtonClass}>
            返回题库列表
          </Link>
          <Link to={link({ edit: "new" })} className={secondaryButtonClass}>
            添加题目
          </Link>
          <Link to={`/manage/banks/${d.bank.id}/import`} className={secondaryButtonClass}>
            Excel 导入
          </Link>
          <a href={`/manage/banks/${d.bank.id}/export`} className={secondaryButtonClass} download>
            导出 Excel
          </a>
        </div>
      </div>

      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      <FormMessage messages={pageForm.errors} />

      {editor ? <QuestionEditor key={`${editor.id ?? "new"}`} editor={editor} cancelTo={link({ edit: null })} /> : null}

      <Form method="get" className="grid grid-cols-2 gap-2 rounded-lg bg-white p-3 shadow sm:grid-cols-4" role="search" aria-label="筛选题目">
        <KeepTableParams />
        <input
          name="q"
          defaultValue={params.get("q") ?? ""}
          placeholder="题干或编号"
          aria-label="题干或编号"
          className={`${inputClass} col-span-2 sm:col-span-4`}
        />
        <select name="type" defaultValue={params.get("type") ?? ""} aria-label="题型" className={inputClass}>
          <option value="">全部题型</option>
          <LabelOptions labels={TYPE_LABELS} />
        </select>
        <select name="difficulty" defaultValue={params.get("difficulty") ?? ""} aria-label="难度" className={inputClass}>
          <option value="">全部难度</option>
          <LabelOptions labels={DIFFICULTY_LABELS} />
        </select>
        <select name="tag" defaultValue={params.get("tag") ?? ""} aria-label="标签" className={inputClass}>
          <option value="">全部标签</option>
          {d.tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="archived" value="1" defaultChecked={archivedView} />
          只看已归档
        </label>
        <button type="submit" className={`${secondaryButtonClass} col-span-2 sm:col-span-1`}>
          查询
        </button>
      </Form>

      <p className="text-sm text-stone-600" data-testid="question-total">
        共 {d.paging.total} 题
      </p>
      <ul className="space-y-2">
        {d.rows.map((r) => (
          <li key={r.id} className="rounded-lg bg-white p-3 text-sm shadow" data-testid="question-row">
            <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-stone-500">
              <span className="rounded bg-stone-100 px-1.5 py-0.5 text-stone-700">{TYPE_LABELS[r.question.type]}</span>
              <span>{DIFFICULTY_LABELS[r.question.difficulty]}</span>
              <span className="font-mono">{r.question.id}</span>
              <span>{r.question.tags.join("、")}</span>
              {r.answered ? <span>已作答 {r.answered} 次</span> : null}
            </div>
            <p className="mb-1 whitespace-pre-wrap">{r.question.stem}</p>
            {r.question.type === "single" || r.question.type === "multiple" ? (
              <ol className="mb-1 text-stone-700">
                {Object.entries(r.question.options).map(([l, t]) => (
                  <li key={l}>
                    {l}. {t}
                  </li>
                ))}
              </ol>
            ) : null}
            <p className="text-green-800">答案：{r.answerText}</p>
            <div className="mt-2 flex gap-2">
              {!r.archived ? (
                <Link to={link({ edit: String(r.id) })} className={secondaryButtonClass}>
                  编辑
                </Link>
              ) : null}
              <Form method="post">
                <input type="hidden" name="questionId" value={r.id} />
                {r.archived ? (
                  <button name="intent" value="restore" className={secondaryButtonClass}>
                    恢复
                  </button>
                ) : (
                  <button name="intent" value="archive" className={secondaryButtonClass}>
                    {r.answered ? "归档" : "删除"}
                  </button>
                )}
              </Form>
            </div>
          </li>
        ))}
      </ul>
      {d.rows.length === 0 ? <p className="rounded-lg bg-white p-4 text-sm text-stone-500 shadow">没有符合条件的题目。</p> : null}
      <Pagination paging={d.paging} unit="题" />
    </div>
  );
}

function QuestionEditor({
  editor,
  cancelTo,
}: {
  editor: { id: number | null; key: string | null; values: QuestionFormValues; result: SubmissionResult<string[]> | undefined };
  cancelTo: string;
}) {
  const { values: v } = editor;
  // The errors of a refused save, by field (questionFromForm names "options" and "answer" for the groups).
  const [form] = useForm({ id: "question", lastResult: editor.result });
  const errors: Record<string, string[] | undefined> = { ...form.allErrors, form: form.errors };
  // Only once React runs in the browser are the other types' answer inputs hidden.
  const hydrated = useHydrated();
  const [type, setType] = useState(v.type);
  // Before hydration every answer input is shown, each labelled with its type: the form still works.
  const shown = (t: QuestionType) => !hydrated || type === t;
  const hasOptions = shown("single") || shown("multiple");
  return (
    <Form method="post" {...getFormProps(form)} className="rounded-lg bg-white p-4 shadow" aria-label="题目编辑">
      <h2 className="mb-3 font-bold">{editor.id ? `编辑题目 ${editor.key ?? ""}` : "添加题目"}</h2>
      <FormMessage messages={errors.form} />
      <input type="hidden" name="questionId" value={editor.id ?? ""} />
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field label="题型" htmlFor="q-type" errors={errors.type}>
          <select id="q-type" name="type" value={type} onChange={(e) => setType(e.target.value)} className={inputClass}>
            <LabelOptions labels={TYPE_LABELS} />
          </select>
        </Field>
        <Field label="难度" htmlFor="q-difficulty" errors={errors.difficulty}>
          <select id="q-difficulty" name="difficulty" defaultValue={v.difficulty} className={inputClass}>
            <LabelOptions labels={DIFFICULTY_LABELS} />
          </select>
        </Field>
      </div>
      <Field label="题干（填空题用 ＿＿ 或 ____ 标出一个空）" htmlFor="q-stem" errors={errors.stem} errorId="q-stem-error">
        <textarea
          id="q-stem"
          name="stem"
          defaultValue={v.stem}
          rows={3}
          className={inputClass}
          required
          aria-invalid={errors.stem ? true : undefined}
          aria-describedby={errors.stem ? "q-stem-error" : undefined}
        />
      </Field>
      {hasOptions ? (
        <fieldset className="mb-4">
          <legend className="mb-1 text-sm font-medium text-stone-700">选项（单选、多选题填写，从 A 起连续填写 2 到 6 个）</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {OPTION_LETTERS.map((l) => (
              <label key={l} className="flex items-center gap-2">
                <span className="w-4 font-mono">{l}</span>
                <input name={`option${l}`} defaultValue={v.options[l] ?? ""} aria-label={`选项${l}`} className={inputClass} />
              </label>
            ))}
          </div>
          {errors.options?.length ? (
            <p className="mt-1 text-sm text-red-700" role="alert">
              {errors.options.join("；")}
            </p>
          ) : null}
        </fieldset>
      ) : null}
      <fieldset className="mb-4 space-y-2">
        <legend className="mb-1 text-sm font-medium text-stone-700">正确答案</legend>
        {shown("single") ? (
          <div className="flex flex-wrap items-center gap-3 text-sm">
            {!hydrated ? <span className="text-stone-500">单选题：</span> : null}
            {OPTION_LETTERS.map((l) => (
              <label key={l} className="flex items-center gap-1">
                <input type="radio" name="answerSingle" value={l} defaultChecked={v.answerSingle === l} /> {l}
              </label>
            ))}
          </div>
        ) : null}
        {shown("multiple") ? (
          <div className="flex flex-wrap items-center gap-3 text-sm">
            {!hydrated ? <span className="text-stone-500">多选题：</span> : null}
            {OPTION_LETTERS.map((l) => (
              <label key={l} className="flex items-center gap-1">
                <input type="checkbox" name="answerMultiple" value={l} defaultChecked={v.answerMultiple.includes(l)} /> {l}
              </label>
            ))}
          </div>
        ) : null}
        {shown("judge") ? (
          <div className="flex flex-wrap items-center gap-3 text-sm">
            {!hydrated ? <span className="text-stone-500">判断题：</span> : null}
            <label className="flex items-center gap-1">
              <input type="radio" name="answerJudge" value="true" defaultChecked={v.answerJudge === "true"} /> 正确
            </label>
            <label className="flex items-center gap-1">
              <input type="radio" name="answerJudge" value="false" defaultChecked={v.answerJudge === "false"} /> 错误
            </label>
          </div>
        ) : null}
        {shown("fill") ? (
          <label className="block text-sm">
            <span className="text-stone-500">填空题：可接受的答案，每行一个</span>
            <textarea name="answerFill" defaultValue={v.answerFill} rows={2} className={inputClass} aria-label="填空题答案" />
          </label>
        ) : null}
        {errors.answer?.length ? (
          <p className="text-sm text-red-700" role="alert">
            {errors.answer.join("；")}
          </p>
        ) : null}
      </fieldset>
      <Field label="解析（说明依据）" htmlFor="q-explanation" errors={errors.explanation}>
        <textarea id="q-explanation" name="explanation" defaultValue={v.explanation} rows={3} className={inputClass} required />
      </Field>
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field label="标签（用 、 ， 或空格分隔）" htmlFor="q-tags" errors={errors.tags}>
          <input id="q-tags" name="tags" defaultValue={v.tags} className={inputClass} required />
        </Field>
        <Field label="出处（选填）" htmlFor="q-source" errors={errors.source}>
          <input id="q-source" name="source" defaultValue={v.source} className={inputClass} />
        </Field>
      </div>
      <div className="flex gap-2">
        <button type="submit" name="intent" value="save" className={buttonClass}>
          保存
        </button>
        <Link to={cancelTo} className={secondaryButtonClass}>
          取消
        </Link>
      </div>
    </Form>
  );
}
