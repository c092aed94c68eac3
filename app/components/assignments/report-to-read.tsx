import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { FieldError, FormMessage, Notice, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { type ReportToRead } from "~/lib/assignments";
import { formatWordCount } from "~/lib/word-count";

// One 思想汇报 to read, with its comment form: the secretaries' reading page and the 培养联系人's share it.

export type CommentReply = { submissionId: number | null; result: SubmissionResult<string[]>; message?: string };

export function ReportToReadCard({ r, reply }: { r: ReportToRead; reply: CommentReply | undefined }) {
  const mine = reply?.submissionId === r.id ? reply : undefined;
  const [form, fields] = useForm({ id: `comment-${r.id}`, lastResult: mine?.result, defaultValue: { comment: r.comment } });
  return (
    <section className="rounded-lg bg-white p-4 shadow" data-testid="report-to-read">
      <p>
        <span className="font-semibold">{r.name}</span> <span className="text-sm text-stone-500">{r.unitName}</span>
      </p>
      <p className="text-sm text-stone-600">
        {r.title} · {r.submittedAt} · {formatWordCount(r.chars)} · {r.read ? "已阅" : "待阅"}
      </p>
      <div className="mt-2 max-h-96 overflow-y-auto whitespace-pre-wrap rounded bg-stone-50 p-2 text-sm">{r.text}</div>
      <Form method="post" {...getFormProps(form)} className="mt-2 space-y-2">
        {mine?.message ? <Notice>{mine.message}</Notice> : null}
        <FormMessage messages={form.errors} />
        <input type="hidden" name="intent" value="comment" />
        <input type="hidden" name="submissionId" value={r.id} />
        <textarea {...getTextareaProps(fields.comment)} aria-label={`对${r.name}的思想汇报的意见`} rows={2} maxLength={2000} className={inputClass} />
        <FieldError field={fields.comment} />
        <button type="submit" className={secondaryButtonClass}>
          {r.read ? "修改意见" : "已阅并留下意见"}
        </button>
      </Form>
    </section>
  );
}
