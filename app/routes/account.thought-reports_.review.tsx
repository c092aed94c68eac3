import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { commentThoughtReport, thoughtReportsToRead } from "~/.server/assignments/thought-reports";
import { requirePermission } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { FieldError, FormMessage, Notice, secondaryButtonClass, inputClass } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { formatWordCount } from "~/lib/word-count";

// The 思想汇报 of the people under a secretary's units, to read and comment (已阅 with a comment).
// Secretaries and admins (people:view); the 培养联系人 will read them too once the pipeline names them.
// /account/thought-reports/review

export const meta: MetaFunction = () => [{ title: "阅读思想汇报 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:view");
  const reports = await thoughtReportsToRead(user);
  return {
    reports: reports.map((r) => ({
      id: r.id,
      name: r.person.name,
      unitName: r.person.unit.name,
      title: r.assignment.title,
      read: r.status === "graded",
      chars: r.chars,
      submittedAt: formatChinaDateTime(r.submittedAt),
      text: r.text,
      comment: r.comment ?? "",
    })),
  };
}

const CommentSchema = z.object({
  intent: z.literal("comment"),
  submissionId: z.number().int().positive(),
  comment: z.string({ error: "请填写意见" }).trim().min(1, "请填写意见").max(2000, "意见不超过 2000 个字"),
});
type Reply = { submissionId: number | null; result: SubmissionResult<string[]>; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "people:view");
  const submission = parseWithZod(await readForm(request), { schema: CommentSchema });
  const submissionId = submission.payload.submissionId ? Number(submission.payload.submissionId) : null;
  if (submission.status !== "success") return data<Reply>({ submissionId, result: submission.reply() }, { status: 400 });
  try {
    await commentThoughtReport(user, submission.value.submissionId, submission.value.comment);
  } catch (e) {
    return formRefusal(submission, e, { submissionId });
  }
  return data<Reply>({ submissionId, result: submission.reply(), message: "已阅，意见已保存" });
}

export default function ReadThoughtReports() {
  const { reports } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-3xl space-y-3">
      <h1 className="text-xl font-bold">阅读思想汇报</h1>
      {reports.length === 0 ? <p className="text-sm text-stone-500">没有待阅读的思想汇报。</p> : null}
      {reports.map((r) => (
        <Report key={r.id} r={r} />
      ))}
    </div>
  );
}

function Report({ r }: { r: ReturnType<typeof useLoaderData<typeof loader>>["reports"][number] }) {
  const reply = useActionData<typeof action>() as Reply | undefined;
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
