import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { archiveNotice, noticeUnitId, noticesOfUnits, postNotice } from "~/.server/notices/notices";
import { unitsUnder } from "~/.server/org/units";
import { openSubmissionsOf } from "~/.server/review/review";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass, FieldError } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { formatDate } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { REVIEW_STATE_LABELS, type ReviewState, SUBMITTED_FOR_REVIEW } from "~/lib/review-rules";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("通知公告 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "notices:post");
  const units = await unitsUnder(scopePaths(user.grants, "notices:post"));
  const [notices, waiting] = await Promise.all([noticesOfUnits(units.map((u) => u.id)), openSubmissionsOf(user.id, "notice")]);
  return {
    waiting: waiting.map((w) => ({
      id: w.id,
      title: w.title,
      unit: w.unit.name,
      state: REVIEW_STATE_LABELS[w.state as ReviewState],
      returned: w.state === "returned",
      reason: w.reason,
    })),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    notices: notices.map((n) => ({ ...n, publishedAt: formatDate(n.publishedAt) })),
  };
}

const PostSchema = z.object({
  intent: z.literal("post"),
  unitId: z.number().int().positive(),
  title: z.string({ error: "请填写标题" }).trim().min(1, "请填写标题").max(100, "标题最多 100 字"),
  body: z.string({ error: "请填写正文" }).trim().min(1, "请填写正文").max(5000, "正文最多 5000 字"),
  pinned: z.boolean().default(false),
});
const ArchiveSchema = z.object({ intent: z.literal("archive"), noticeId: z.number().int().positive() });
const ActionSchema = z.discriminatedUnion("intent", [PostSchema, ArchiveSchema], { error: "未知的操作" });
type Reply = { result: SubmissionResult<string[]>; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  // Authorise before reading the input; the unit named in the form is checked below.
  await requirePermission(request, "notices:post");
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply() }, { status: 400 });
  const done = (message: string) => data<Reply>({ result: submission.reply({ resetForm: true }), message });
  const input = submission.value;
  if (input.intent === "post") {
    const user = await requirePermission(request, "notices:post", input.unitId);
    try {
      const outcome = await postNotice(user.id, { unitId: input.unitId, title: input.title, body: input.body, pinned: input.pinned });
      return done(outcome.published ? "通知已发布" : SUBMITTED_FOR_REVIEW);
    } catch (e) {
      return formRefusal(submission, e);
    }
  }
  const unitId = await noticeUnitId(input.noticeId);
  if (unitId === null) throw new Response("通知不存在", { status: 404 });
  const user = await requirePermission(request, "notices:post", unitId);
  await archiveNotice(user.id, input.noticeId);
  return done("通知已撤下");
}

export default function NoticesPage() {
  const { units, notices, waiting } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "notice",
    lastResult: reply?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PostSchema }),
  });
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">通知公告</h1>
      <Form method="post" {...getFormProps(form)} className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h2 className="font-bold">发布通知</h2>
        {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
        <FormMessage messages={form.errors} />
        <input type="hidden" name="intent" value="post" />
        <select {...getSelectProps(fields.unitId)} aria-label="发布范围" className={inputClass}>
          <UnitOptions units={units} />
        </select>
        <FieldError field={fields.unitId} />
        <input {...getInputProps(fields.title, { type: "text" })} placeholder="标题" aria-label="标题" className={inputClass} maxLength={100} required />
        <FieldError field={fields.title} />
        <textarea {...getTextareaProps(fields.body)} placeholder="正文" aria-label="正文" rows={5} className={inputClass} maxLength={5000} required />
        <FieldError field={fields.body} />
        <label className="flex items-center gap-2 text-sm">
          <input {...getInputProps(fields.pinned, { type: "checkbox" })} /> 置顶
        </label>
        <button type="submit" className={buttonClass}>
          发布
        </button>
        <p className="text-xs text-stone-500">通知对所选党组织及其下级组织的全体人员可见。</p>
      </Form>
      {waiting.length > 0 ? (
        <section className="space-y-2" aria-labelledby="notices-waiting">
          <h2 id="notices-waiting" className="font-bold">
            我提交审核的通知
          </h2>
          <ul className="space-y-2">
            {waiting.map((w) => (
              <li key={w.id} className="rounded-lg bg-white p-3 shadow">
                <p className="font-semibold">
                  <span className="mr-1 rounded bg-stone-200 px-1.5 py-0.5 text-xs">{w.state}</span>
                  <Link to={`/manage/review/${w.id}`} className="text-party underline">
                    {w.title}
                  </Link>
                </p>
                <p className="text-xs text-stone-500">{w.unit}</p>
                {w.returned && w.reason ? <p className="mt-1 text-sm text-red-800">{`退回理由：${w.reason}`}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ul className="space-y-2">
        {notices.map((n) => (
          <li key={n.id} className="flex items-start gap-2 rounded-lg bg-white p-3 shadow">
            <div className="flex-1">
              <p className="font-semibold">
                {n.pinned ? <span className="mr-1 rounded bg-party px-1.5 py-0.5 text-xs text-white">置顶</span> : null}
                {n.title}
              </p>
              <p className="text-xs text-stone-500">
                {n.unit.name} · {n.author.name} · {n.publishedAt}
              </p>
            </div>
            <Form method="post">
              <input type="hidden" name="noticeId" value={n.id} />
              <button name="intent" value="archive" className={secondaryButtonClass}>
                撤下
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </div>
  );
}
