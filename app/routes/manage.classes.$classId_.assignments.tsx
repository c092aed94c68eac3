import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { type z } from "zod";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { assignmentsOfClass, createAssignment } from "~/.server/assignments/assignments";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { Field, FormMessage, Notice, buttonClass, inputClass } from "~/components/ui/form";
import { ASSIGNMENT_KIND_LABELS, type AssignmentKind, AssignmentSettingsSchema } from "~/lib/assignments";
import { formatChinaDateTime } from "~/lib/dates";
import { pageMeta } from "~/lib/page-meta";

// A class's assignments for its organiser (a trainer, secretary or admin over the organising unit):
// the list with how many have handed in, and a form to set a new one with its dates, late rule,
// length limits and rubric. /manage/classes/:classId/assignments

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`作业 · ${d?.trainingClass.title ?? "培训班"} · 网上党校`);

const NOT_FOUND = "没有找到这个培训班";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const classId = idParam(params.classId, NOT_FOUND);
  const { trainingClass, enrolled, assignments } = await orRefuse(() => assignmentsOfClass(user, classId));
  return {
    trainingClass: { id: trainingClass.id, title: trainingClass.title, unitName: trainingClass.unit.name },
    enrolled,
    assignments: assignments.map((a) => ({
      id: a.id,
      title: a.title,
      kind: ASSIGNMENT_KIND_LABELS[a.kind as AssignmentKind] ?? a.kind,
      chars: a.minChars > 0 ? `${a.minChars}–${a.maxChars} 字` : `≤ ${a.maxChars} 字`,
      opensAt: formatChinaDateTime(a.opensAt),
      dueAt: formatChinaDateTime(a.dueAt),
      lateUntil: formatChinaDateTime(a.lateUntil),
      handedIn: a.counts.submitted + a.counts.returned + a.counts.graded,
      toGrade: a.counts.submitted,
      graded: a.counts.graded,
      returned: a.counts.returned,
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const classId = idParam(params.classId, NOT_FOUND);
  const submission = parseWithZod(await readForm(request), { schema: AssignmentSettingsSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), message: null }, { status: 400 });
  try {
    await createAssignment(user, classId, submission.value);
  } catch (e) {
    return formRefusal(submission, e, { message: null });
  }
  return data({ result: submission.reply({ resetForm: true }), message: `已布置作业「${submission.value.title}」` });
}

type SettingsInput = { [K in keyof z.input<typeof AssignmentSettingsSchema>]: string };
const RUBRIC_EXAMPLE = "思想认识 40\n联系实际 30\n文字表达 30";

export default function ClassAssignments() {
  const { trainingClass, enrolled, assignments } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm<SettingsInput>({
    id: "assignment",
    lastResult: reply?.result,
    defaultValue: { kind: "essay", minChars: "0", maxChars: "5000", rubric: RUBRIC_EXAMPLE },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="space-y-4">
      <div>
        <Link to={`/manage/classes/${trainingClass.id}`} className="text-sm text-party hover:underline">
          ← {trainingClass.title}
        </Link>
        <h1 className="text-xl font-bold">作业（{trainingClass.unitName}）</h1>
        <p className="text-sm text-stone-600">在读学员 {enrolled} 人</p>
      </div>
      <section className="overflow-x-auto rounded-lg bg-white shadow">
        <table className="w-full text-sm" data-testid="assignment-list">
          <thead className="bg-stone-50 text-left text-stone-600">
            <tr>
              <th className="px-3 py-2">作业</th>
              <th className="px-3 py-2">字数</th>
              <th className="px-3 py-2">截止</th>
              <th className="px-3 py-2">已交</th>
              <th className="px-3 py-2">待批阅</th>
              <th className="px-3 py-2">已批阅</th>
              <th className="px-3 py-2">退回</th>
            </tr>
          </thead>
          <tbody>
            {assignments.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-3 py-4 text-stone-500">
                  还没有布置作业。
                </td>
              </tr>
            ) : null}
            {assignments.map((a) => (
              <tr key={a.id} className="border-t" data-testid="assignment-row">
                <td className="px-3 py-2">
                  <Link to={`/manage/assignments/${a.id}`} className="font-semibold text-party hover:underline">
                    {a.title}
                  </Link>
                  <span className="ml-1 text-xs text-stone-500">{a.kind}</span>
                </td>
                <td className="px-3 py-2">{a.chars}</td>
                <td className="px-3 py-2">
                  {a.dueAt}
                  {a.lateUntil ? <span className="block text-xs text-stone-500">补交至 {a.lateUntil}</span> : null}
                </td>
                <td className="px-3 py-2">
                  {a.handedIn} / {enrolled}
                </td>
                <td className="px-3 py-2">{a.toGrade}</td>
                <td className="px-3 py-2">{a.graded}</td>
                <td className="px-3 py-2">{a.returned}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Form method="post" {...getFormProps(form)} className="max-w-2xl rounded-lg bg-white p-4 shadow">
        <h2 className="mb-3 font-bold">布置作业</h2>
        {reply?.message ? <Notice>{reply.message}</Notice> : null}
        <FormMessage messages={form.errors} />
        <div className="grid gap-x-3 sm:grid-cols-[2fr_1fr]">
          <Field label="作业名称" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
            <input {...getInputProps(fields.title, { type: "text" })} maxLength={80} className={inputClass} />
          </Field>
          <Field label="类型" htmlFor={fields.kind.id} errors={fields.kind.errors} errorId={fields.kind.errorId}>
            <select {...getSelectProps(fields.kind)} className={inputClass}>
              <option value="essay">{ASSIGNMENT_KIND_LABELS.essay}</option>
              <option value="book_report">{ASSIGNMENT_KIND_LABELS.book_report}</option>
            </select>
          </Field>
        </div>
        <Field label="作业要求" htmlFor={fields.prompt.id} errors={fields.prompt.errors} errorId={fields.prompt.errorId}>
          <textarea {...getTextareaProps(fields.prompt)} rows={4} maxLength={5000} className={inputClass} />
        </Field>
        <div className="grid grid-cols-2 gap-x-3">
          <Field label="最少字数" htmlFor={fields.minChars.id} errors={fields.minChars.errors} errorId={fields.minChars.errorId}>
            <input {...getInputProps(fields.minChars, { type: "number" })} min={0} className={inputClass} />
          </Field>
          <Field label="最多字数" htmlFor={fields.maxChars.id} errors={fields.maxChars.errors} errorId={fields.maxChars.errorId}>
            <input {...getInputProps(fields.maxChars, { type: "number" })} min={1} className={inputClass} />
          </Field>
        </div>
        <div className="grid gap-x-3 sm:grid-cols-3">
          <Field label="开始时间" htmlFor={fields.opensAt.id} errors={fields.opensAt.errors} errorId={fields.opensAt.errorId}>
            <input {...getInputProps(fields.opensAt, { type: "datetime-local" })} className={inputClass} />
          </Field>
          <Field label="截止时间" htmlFor={fields.dueAt.id} errors={fields.dueAt.errors} errorId={fields.dueAt.errorId}>
            <input {...getInputProps(fields.dueAt, { type: "datetime-local" })} className={inputClass} />
          </Field>
          <Field label="补交截止（可选，记为迟交）" htmlFor={fields.lateUntil.id} errors={fields.lateUntil.errors} errorId={fields.lateUntil.errorId}>
            <input {...getInputProps(fields.lateUntil, { type: "datetime-local" })} className={inputClass} />
          </Field>
        </div>
        <Field
          label="评分标准（每行一项：标准名称 满分；总分为各项之和）"
          htmlFor={fields.rubric.id}
          errors={fields.rubric.errors}
          errorId={fields.rubric.errorId}
        >
          <textarea {...getTextareaProps(fields.rubric)} rows={4} className={inputClass} />
        </Field>
        <label className="mb-4 flex items-center gap-2 text-sm">
          <input {...getInputProps(fields.allowAttachments, { type: "checkbox" })} />
          允许上传一个附件（PDF、Word 或图片）
        </label>
        <button type="submit" className={buttonClass}>
          布置
        </button>
      </Form>
    </div>
  );
}
