import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { lettersOfAuthor, writableMailboxes, writeLetter } from "~/.server/mailbox/letters";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { LETTER_LIMITS, LetterSchema, letterStatusLabel } from "~/lib/mailbox";
import { pageMeta } from "~/lib/page-meta";

// 书记信箱, the writer's side (a phone first): the mailboxes of the person's branch, college and the
// committee, a form to write (signed, or anonymous where the mailbox allows it), and their own letters.
// /mailbox

export const meta: MetaFunction = () => pageMeta("书记信箱 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [mailboxes, letters] = await Promise.all([writableMailboxes(user.id), lettersOfAuthor(user.id)]);
  return {
    mailboxes,
    letters: letters.map((l) => ({
      id: l.id,
      subject: l.subject,
      status: letterStatusLabel(l.status),
      anonymous: l.anonymous,
      mailbox: l.mailbox,
      at: formatChinaDateTime(l.createdAt),
    })),
  };
}

type Reply = { result: SubmissionResult<string[]> };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readForm(request), { schema: LetterSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply() }, { status: 400 });
  try {
    const letter = await writeLetter(user.id, submission.value);
    return redirect(`/mailbox/letters/${letter.id}?sent=1`);
  } catch (e) {
    return formRefusal(submission, e);
  }
}

export default function MailboxPage() {
  const { mailboxes, letters } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "letter",
    lastResult: reply?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { mailboxId: mailboxes[0]?.id },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LetterSchema }),
  });
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <h1 className="text-xl font-bold">书记信箱</h1>
      {mailboxes.length === 0 ? (
        <p className="rounded-lg bg-white p-4 text-sm text-stone-600 shadow">你所在的党组织还没有开设信箱。</p>
      ) : (
        <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-lg bg-white p-4 shadow">
          <h2 className="font-semibold">写信</h2>
          <FormMessage messages={form.errors} />
          <Field label="写给" htmlFor={fields.mailboxId.id} errors={fields.mailboxId.errors} errorId={fields.mailboxId.errorId}>
            <select {...getSelectProps(fields.mailboxId)} className={inputClass}>
              {mailboxes.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.title}
                  {m.allowAnonymous ? "" : "（须署名）"}（{m.serviceDays} 个工作日内答复）
                </option>
              ))}
            </select>
          </Field>
          <Field label="主题" htmlFor={fields.subject.id} errors={fields.subject.errors} errorId={fields.subject.errorId}>
            <input {...getInputProps(fields.subject, { type: "text" })} maxLength={LETTER_LIMITS.subject} className={inputClass} required />
          </Field>
          <Field label={`内容（不超过 ${LETTER_LIMITS.body} 字）`} htmlFor={fields.body.id} errors={fields.body.errors} errorId={fields.body.errorId}>
            <textarea {...getTextareaProps(fields.body)} rows={8} maxLength={LETTER_LIMITS.body} className={inputClass} required />
          </Field>
          <div className="text-sm">
            <label className="flex items-start gap-2">
              <input {...getInputProps(fields.anonymous, { type: "checkbox" })} className="mt-1" />
              <span>
                匿名写信
                <span className="block text-xs text-stone-500">
                  处理人、导出表格和审计日志都看不到你的姓名；只有你自己能在这里看到这封信和答复。须署名的信箱不接受匿名来信。
                </span>
              </span>
            </label>
            {fields.anonymous.errors?.length ? (
              <p id={fields.anonymous.errorId} className="mt-1 text-sm text-red-700" role="alert">
                {fields.anonymous.errors.join("；")}
              </p>
            ) : null}
          </div>
          <button type="submit" className={buttonClass}>
            发送
          </button>
        </Form>
      )}
      <section className="space-y-2">
        <h2 className="font-bold">我的来信</h2>
        {letters.length === 0 ? <p className="text-sm text-stone-500">还没有写过信。</p> : null}
        <ul className="space-y-2">
          {letters.map((l) => (
            <li key={l.id} className="rounded-lg bg-white p-3 text-sm shadow" data-testid="letter-row">
              <Link to={`/mailbox/letters/${l.id}`} className="flex items-center gap-2">
                <span className="flex-1 break-all font-semibold text-party">{l.subject}</span>
                <span className="whitespace-nowrap text-stone-600">{l.status}</span>
              </Link>
              <p className="text-xs text-stone-500">
                {l.mailbox} · {l.at}
                {l.anonymous ? " · 匿名" : ""}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
