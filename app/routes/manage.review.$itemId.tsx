import { type SubmissionResult, getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { approveCourseRevision } from "~/.server/content/course-approval";
import { approveDocument } from "~/.server/library/documents";
import { approveReview, resubmitReview, returnReview, reviewItemFor } from "~/.server/review/review";
import { PdfPreview } from "~/components/library/pdf-preview";
import { FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { type LessonComparison } from "~/lib/course-review";
import { formatChinaDateTime } from "~/lib/dates";
import { AUDIENCE_LABELS, type Audience } from "~/lib/library";
import { MAX_BODY_CHARS } from "~/lib/org-pages";
import { type LineChange, RESUBMITTABLE_KINDS, REVIEW_KIND_LABELS, REVIEW_STATE_LABELS, type ReviewKind } from "~/lib/review-rules";
import { pageMeta } from "~/lib/page-meta";

// One item under review (docs/decisions/052). A reviewer in scope sees the proposed text against
// what is published and approves or returns it with a reason; the author sees its state and, once
// returned, edits and resubmits it. Anyone else gets 404, whatever the id. A course revision shows
// the course text and each lesson against the published revision; a document, its file (decision 053).

export const meta: MetaFunction = () => pageMeta("发布审核 · 网上党校");

const NOT_FOUND = "没有找到该审核事项";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.itemId, NOT_FOUND);
  const found = await orRefuse(() => reviewItemFor(user, id));
  const { item } = found;
  return {
    ...found,
    item: {
      ...item,
      kindLabel: REVIEW_KIND_LABELS[item.kind],
      stateLabel: REVIEW_STATE_LABELS[item.state],
      submittedAt: formatChinaDateTime(item.submittedAt),
      decidedAt: item.decidedAt ? formatChinaDateTime(item.decidedAt) : null,
    },
  };
}

const title = z.string({ error: "请填写标题" }).trim().min(1, "请填写标题").max(100, "标题最多 100 字");
const body = z.string({ error: "请填写正文" }).trim().min(1, "请填写正文").max(MAX_BODY_CHARS, `正文最多 ${MAX_BODY_CHARS} 字`);
const ApproveSchema = z.object({ intent: z.literal("approve") });
const ReturnSchema = z.object({
  intent: z.literal("return"),
  reason: z.string({ error: "请填写退回理由" }).trim().min(1, "请填写退回理由").max(500, "退回理由最多 500 字"),
});
const ResubmitSchema = z.object({ intent: z.literal("resubmit"), title, body, pinned: z.boolean().default(false) });
const ActionSchema = z.discriminatedUnion("intent", [ApproveSchema, ReturnSchema, ResubmitSchema], { error: "未知的操作" });
type Reply = { result: SubmissionResult<string[]>; formId: string; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.itemId, NOT_FOUND);
  // Not in scope and not the author: 404 before the form is even read.
  const { item } = await orRefuse(() => reviewItemFor(user, id));
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  const formId = String((submission.payload as { intent?: unknown }).intent ?? "");
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), formId }, { status: 400 });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "approve":
        await APPROVE[item.kind](user, id);
        return data<Reply>({ result: submission.reply(), formId, message: "已审核通过，内容已发布" });
      case "return":
        await returnReview(user, id, input.reason);
        return data<Reply>({ result: submission.reply({ resetForm: true }), formId, message: "已退回，作者可修改后重新提交" });
      case "resubmit":
        await resubmitReview(user, id, { title: input.title, body: input.body, pinned: input.pinned });
        return data<Reply>({ result: submission.reply(), formId, message: "已重新提交审核" });
    }
  } catch (e) {
    return formRefusal(submission, e, { formId });
  }
}

// Each kind is published by the folder that owns it (review/ sits below content/ and library/).
const APPROVE: Record<ReviewKind, (user: Awaited<ReturnType<typeof requireUser>>, id: number) => Promise<unknown>> = {
  notice: approveReview,
  page_article: approveReview,
  course_revision: approveCourseRevision,
  document: approveDocument,
};

function DiffLines({ lines }: { lines: LineChange[] }) {
  return (
    <ol className="font-mono text-sm">
      {lines.map((line, i) => (
        <li
          key={i}
          className={`whitespace-pre-wrap break-words px-2 ${line.kind === "added" ? "bg-green-50" : line.kind === "removed" ? "bg-red-50 line-through" : ""}`}
        >
          <span aria-label={line.kind === "added" ? "新增" : line.kind === "removed" ? "删除" : "未改"}>
            {line.kind === "added" ? "+ " : line.kind === "removed" ? "− " : "  "}
          </span>
          {line.text}
        </li>
      ))}
    </ol>
  );
}

const LESSON_CHANGE: Record<LessonComparison["change"], string> = { added: "新增课时", removed: "删除课时", changed: "有修改", same: "未改" };

function Paragraphs({ text }: { text: string }) {
  return <div className="whitespace-pre-wrap break-words text-sm">{text}</div>;
}

export default function ReviewItemPage() {
  const { item, published, diff, course, document, isAuthor, mayDecide } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const message = reply?.message ? <Notice>{reply.message}</Notice> : null;
  const [returnForm, returnFields] = useForm({
    id: "return",
    lastResult: reply?.formId === "return" ? reply.result : undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReturnSchema }),
  });
  const [editForm, editFields] = useForm({
    id: "resubmit",
    lastResult: reply?.formId === "resubmit" ? reply.result : undefined,
    defaultValue: { title: item.title, body: item.body, pinned: item.pinned ? "on" : undefined },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResubmitSchema }),
  });
  // Refusals of a form the page does not show (approve; resubmit of a kind sent again from elsewhere) are shown at the top.
  const shownAtTop = reply?.formId === "approve" || (reply?.formId === "resubmit" && !RESUBMITTABLE_KINDS.includes(item.kind));
  const refused = reply && !reply.message && shownAtTop ? reply.result.error?.[""] : undefined;
  return (
    <div className="space-y-4">
      <p>
        <Link to="/manage/review" className="text-sm text-party underline">
          返回发布审核
        </Link>
      </p>
      <h1 className="text-xl font-bold">
        {item.kindLabel}
        {item.kind === "course_revision" ? `（${course?.note ?? "发布"}）` : item.targetId === null ? "（新发布）" : "（修改已发布的内容）"}：{item.stateLabel}
      </h1>
      <p className="text-sm text-stone-600">
        {item.unit.name} · 提交人 {item.author.name} · {item.submittedAt}
        {item.reviewer ? ` · 审核人 ${item.reviewer.name}` : ""}
        {item.decidedAt ? ` · ${item.decidedAt}` : ""}
      </p>
      {item.reason ? (
        <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" role="note">
          {item.state === "returned" ? "退回理由" : "上次退回理由"}：{item.reason}
        </p>
      ) : null}
      {message}
      <FormMessage messages={refused} />

      {course ? (
        <section className="space-y-3 rounded-lg bg-white p-4 shadow" aria-label="课程对比">
          <h2 className="font-bold">{course.publishedTitle === null ? "待发布的课程（尚未发布过）" : `与已发布的《${course.publishedTitle}》对比`}</h2>
          <h3 className="text-sm font-semibold">课程设置与介绍</h3>
          <DiffLines lines={course.course} />
          {course.lessons.map((l) => (
            <details key={l.key} open={l.change !== "same"} className="rounded border border-stone-200 p-2">
              <summary className="cursor-pointer text-sm font-semibold">
                第 {l.position} 课时《{l.title}》：{LESSON_CHANGE[l.change]}
              </summary>
              <DiffLines lines={l.diff} />
            </details>
          ))}
        </section>
      ) : item.kind === "document" ? (
        <section className="space-y-2 rounded-lg bg-white p-4 shadow" aria-label="待发布文件">
          <h2 className="font-bold">{item.title}</h2>
          {document && !document.deleted ? (
            <>
              <p className="text-sm text-stone-600">
                {document.fileName} · {Math.ceil(document.size / 1024)} KB · 可见范围：{AUDIENCE_LABELS[document.audience as Audience] ?? document.audience}
                {document.statuses ? `（${document.statuses}）` : ""}
              </p>
              <p>
                <a href={`/manage/review/${item.id}/download`} className="text-sm text-party underline">
                  下载文件
                </a>
              </p>
              {document.kind === "pdf" ? <PdfPreview src={`/manage/review/${item.id}/pdf`} /> : null}
            </>
          ) : (
            <p className="text-sm text-red-800">该文件已被删除。</p>
          )}
        </section>
      ) : published ? (
        <section className="space-y-2 rounded-lg bg-white p-4 shadow" aria-label="修改对比">
          <h2 className="font-bold">与已发布内容对比</h2>
          <div className="grid gap-2 sm:grid-cols-2">
            <div>
              <p className="text-xs text-stone-500">已发布的标题</p>
              <p className={published.title === item.title ? "" : "bg-red-50 line-through"}>{published.title}</p>
            </div>
            <div>
              <p className="text-xs text-stone-500">修改后的标题</p>
              <p className={published.title === item.title ? "" : "bg-green-50"}>{item.title}</p>
            </div>
          </div>
          {published.pinned !== item.pinned ? (
            <p className="text-sm">
              置顶：{published.pinned ? "是" : "否"} → {item.pinned ? "是" : "否"}
            </p>
          ) : null}
          <DiffLines lines={diff ?? []} />
        </section>
      ) : (
        <section className="space-y-2 rounded-lg bg-white p-4 shadow" aria-label="待发布内容">
          <h2 className="font-bold">{item.title}</h2>
          {item.pinned ? <p className="text-xs text-stone-500">置顶</p> : null}
          <Paragraphs text={item.body} />
          {item.targetId !== null ? <p className="text-sm text-red-800">原内容已被撤下。</p> : null}
        </section>
      )}

      {mayDecide ? (
        <div className="flex flex-col gap-4 sm:flex-row sm:items-start">
          <Form method="post">
            <button type="submit" name="intent" value="approve" className={buttonClass}>
              审核通过并发布
            </button>
          </Form>
          <Form method="post" {...getFormProps(returnForm)} className="flex-1 space-y-2">
            <FormMessage messages={returnForm.errors} />
            <input type="hidden" name="intent" value="return" />
            <textarea
              {...getTextareaProps(returnFields.reason)}
              aria-label="退回理由"
              placeholder="退回理由（必填）"
              rows={3}
              className={inputClass}
              maxLength={500}
            />
            <FieldError field={returnFields.reason} />
            <button type="submit" className={secondaryButtonClass}>
              退回修改
            </button>
          </Form>
        </div>
      ) : null}
      {isAuthor && item.state === "pending" ? <p className="text-sm text-stone-600">待另一位有权限的同志审核；本人不能审核自己提交的内容。</p> : null}

      {isAuthor && item.state === "returned" && !RESUBMITTABLE_KINDS.includes(item.kind) ? (
        <p className="text-sm text-stone-600">
          {item.kind === "document" ? "请按退回理由修改文件后，在文件库重新上传。" : "请按退回理由在课程管理中修改后重新发布。"}
        </p>
      ) : null}
      {isAuthor && item.state === "returned" && RESUBMITTABLE_KINDS.includes(item.kind) ? (
        <Form method="post" {...getFormProps(editForm)} className="space-y-2 rounded-lg bg-white p-4 shadow">
          <h2 className="font-bold">修改后重新提交</h2>
          <FormMessage messages={editForm.errors} />
          <input type="hidden" name="intent" value="resubmit" />
          <input {...getInputProps(editFields.title, { type: "text" })} aria-label="标题" className={inputClass} maxLength={100} required />
          <FieldError field={editFields.title} />
          <textarea {...getTextareaProps(editFields.body)} aria-label="正文" rows={10} className={inputClass} maxLength={MAX_BODY_CHARS} required />
          <FieldError field={editFields.body} />
          <label className="flex items-center gap-2 text-sm">
            <input {...getInputProps(editFields.pinned, { type: "checkbox" })} /> 置顶
          </label>
          <button type="submit" className={buttonClass}>
            重新提交审核
          </button>
        </Form>
      ) : null}
    </div>
  );
}
