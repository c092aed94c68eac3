import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermissionAtRoot } from "~/.server/auth/guard";
import { addSensitiveWord, removeSensitiveWord, sensitiveWords } from "~/.server/discussion/moderation";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { formatDate } from "~/lib/dates";
import { pageMeta } from "~/lib/page-meta";

// The school's sensitive-word list, kept by whoever moderates at the root. A post containing a word
// is held for a moderator, never dropped or altered (decision 049). /manage/discussion/words

export const meta: MetaFunction = () => pageMeta("敏感词表 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermissionAtRoot(request, "discussion:moderate");
  const words = await sensitiveWords();
  return { words: words.map((w) => ({ id: w.id, word: w.word, addedBy: w.addedBy.name, createdAt: formatDate(w.createdAt) })) };
}

const AddSchema = z.object({ intent: z.literal("add"), word: z.string({ error: "请填写敏感词" }).max(30, "敏感词最多 30 个字") });
const ActionSchema = z.discriminatedUnion("intent", [AddSchema, z.object({ intent: z.literal("remove"), wordId: z.number().int().positive() })], {
  error: "未知的操作",
});

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermissionAtRoot(request, "discussion:moderate");
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data<{ result: SubmissionResult<string[]>; message?: string }>({ result: submission.reply() }, { status: 400 });
  try {
    if (submission.value.intent === "add") await addSensitiveWord(user.id, submission.value.word);
    else await removeSensitiveWord(user.id, submission.value.wordId);
  } catch (e) {
    return formRefusal(submission, e);
  }
  return data({ result: submission.reply({ resetForm: true }), message: submission.value.intent === "add" ? "已添加" : "已删除" });
}

export default function WordsPage() {
  const { words } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "word",
    lastResult: reply?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddSchema }),
  });
  return (
    <div className="max-w-2xl space-y-4">
      <Link to="/manage/discussion" className="text-sm text-party underline">
        讨论审核
      </Link>
      <h1 className="text-xl font-bold">敏感词表</h1>
      <p className="text-sm text-stone-600">发言中含有词表中的词语时，内容原样保存并转入审核，审核通过后才公开；作者会看到“待审核”。</p>
      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="flex items-start gap-2">
        <input type="hidden" name="intent" value="add" />
        <div className="flex-1">
          <input {...getInputProps(fields.word, { type: "text" })} aria-label="敏感词" placeholder="敏感词" className={inputClass} maxLength={30} />
          <FieldError field={fields.word} />
        </div>
        <button type="submit" className={buttonClass}>
          添加
        </button>
      </Form>
      <FormMessage messages={form.errors} />
      <ul className="divide-y divide-stone-200 text-sm">
        {words.map((w) => (
          <li key={w.id} className="flex items-center gap-3 py-1.5">
            <span className="flex-1 break-all">{w.word}</span>
            <span className="text-xs text-stone-500">
              {w.addedBy} · {w.createdAt}
            </span>
            <Form method="post">
              <input type="hidden" name="wordId" value={w.id} />
              <button name="intent" value="remove" className={secondaryButtonClass}>
                删除
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </div>
  );
}
