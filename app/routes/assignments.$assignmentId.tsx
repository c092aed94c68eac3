import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { assignmentForMember } from "~/.server/assignments/access";
import { attachFile, handIn, mySubmission, removeAttachment, saveDraft } from "~/.server/assignments/submissions";
import { type CurrentUser, requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse, refusalBody } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { parseUploadForm } from "~/.server/http/upload";
import { Editor } from "~/components/assignments/editor";
import { Field, FormMessage, Notice, secondaryButtonClass } from "~/components/ui/form";
import { isAppError } from "~/lib/app-error";
import {
  ASSIGNMENT_KIND_LABELS,
  ATTACHMENT_FIELD,
  MAX_ATTACHMENT_BYTES,
  type AssignmentKind,
  SubmissionTextSchema,
  SUBMISSION_STATUS_LABELS,
  type SubmissionStatus,
  lateRuleText,
  pointsText,
  attachmentHref,
} from "~/lib/assignments";
import { AUTOSAVE_INTENT, changesNoLoaderData } from "~/lib/autosave";
import { formatChinaDateTime } from "~/lib/dates";
import { formatWordCount } from "~/lib/word-count";
import { pageMeta } from "~/lib/page-meta";

// A member's written assignment (心得体会, 读书报告) on their phone: the prompt, the dates and the late
// rule, the editor with the count as the server counts it, the draft saved as they type, the hand-in,
// and then the return reason or the grade by the rubric. /assignments/:assignmentId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.assignment.title ?? "作业"} · 网上党校`);

const NOT_FOUND = "没有找到这份作业";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.assignmentId, NOT_FOUND);
  const { assignment: a, submission: s } = await orRefuse(() => mySubmission(user, id));
  const now = new Date();
  const scores: number[] = s?.rubricScores ? JSON.parse(s.rubricScores) : [];
  return {
    assignment: {
      id: a.id,
      title: a.title,
      kind: ASSIGNMENT_KIND_LABELS[a.kind as AssignmentKind] ?? a.kind,
      className: a.trainingClass?.title ?? "",
      classId: a.classId,
      prompt: a.prompt,
      minChars: a.minChars,
      maxChars: a.maxChars,
      opensAt: formatChinaDateTime(a.opensAt),
      dueAt: formatChinaDateTime(a.dueAt),
      lateRule: lateRuleText(a),
      notOpenYet: now < a.opensAt,
      allowAttachments: a.allowAttachments,
      maxAttachmentMb: MAX_ATTACHMENT_BYTES / 1024 / 1024,
      rubric: a.rubric.map((c, i) => ({ label: c.label, max: pointsText(c.max), score: scores[i] === undefined ? null : pointsText(scores[i]) })),
    },
    submission: s
      ? {
          status: s.status as SubmissionStatus,
          text: s.text,
          version: s.version,
          submittedAt: formatChinaDateTime(s.submittedAt),
          late: s.late,
          attachmentName: s.attachmentName,
          attachmentUrl: s.attachmentName ? attachmentHref(s.id) : null,
          score: s.score === null ? null : pointsText(s.score),
          comment: s.comment,
          gradedAt: formatChinaDateTime(s.gradedAt),
          returnReason: s.returnReason,
          resubmitBy: formatChinaDateTime(s.resubmitBy),
          savedAt: formatChinaDateTime(s.updatedAt),
          versions: s.versions.map((v) => ({
            version: v.version,
            chars: v.chars,
            submittedAt: formatChinaDateTime(v.submittedAt),
            attachmentName: v.attachmentName,
            attachmentUrl: v.attachmentName ? attachmentHref(s.id, v.version) : null,
          })),
        }
      : null,
  };
}

const Text = SubmissionTextSchema;
const WorkSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal(AUTOSAVE_INTENT), text: Text }),
    z.object({ intent: z.literal("draft"), text: Text }),
    z.object({ intent: z.literal("submit"), text: Text }),
    z.object({ intent: z.literal("detach") }),
  ],
  { error: "无法识别的操作" },
);
const AttachSchema = z.object({ intent: z.literal("attach"), [ATTACHMENT_FIELD]: z.instanceof(File, { error: "请选择附件" }) });

type FormName = "work" | "attachment";
type Reply = { form: FormName; result: SubmissionResult<string[]>; message?: string };
/** The autosave's answer, read by the editor's fetcher. */
type SaveReply = { ok: true; chars: number; savedAt: string } | { ok: false; error: string; code: string };

async function attachAction(request: Request, user: CurrentUser, id: number) {
  // Authorise before reading the body: only a member of the class may make the server take a file.
  await orRefuse(() => assignmentForMember(user, id));
  let form: FormData;
  try {
    form = await parseUploadForm(request, { fileField: ATTACHMENT_FIELD, textFields: ["intent"], maxFileBytes: MAX_ATTACHMENT_BYTES });
  } catch (e) {
    // Refused before its fields could be read (too large, not a form): the sentence is the file's.
    if (!isAppError(e)) throw e;
    return data<Reply>({ form: "attachment", result: { status: "error", error: { [ATTACHMENT_FIELD]: [e.message] } } }, { status: e.status });
  }
  const submission = parseWithZod(form, { schema: AttachSchema });
  if (submission.status !== "success") return data<Reply>({ form: "attachment", result: submission.reply() }, { status: 400 });
  try {
    await attachFile(user, id, submission.value[ATTACHMENT_FIELD]);
  } catch (e) {
    return formRefusal(submission, e, { form: "attachment" as FormName });
  }
  return data<Reply>({ form: "attachment", result: submission.reply({ resetForm: true }), message: "附件已上传" });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.assignmentId, NOT_FOUND);
  if ((request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) return attachAction(request, user, id);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: WorkSchema });
  if (submission.status !== "success") {
    if (form.get("intent") === AUTOSAVE_INTENT) {
      const error = Object.values(submission.error ?? {}).flat()[0] ?? "无法识别的操作";
      return data<SaveReply>({ ok: false, error, code: "malformed" }, { status: 400 });
    }
    return data<Reply>({ form: "work", result: submission.reply() }, { status: 400 });
  }
  const input = submission.value;
  if (input.intent === AUTOSAVE_INTENT) {
    try {
      const saved = await saveDraft(user, id, input.text);
      return data<SaveReply>({ ok: true, chars: saved.chars, savedAt: formatChinaDateTime(saved.savedAt) });
    } catch (e) {
      if (!isAppError(e)) throw e;
      return data<SaveReply>(refusalBody(e), { status: e.status });
    }
  }
  try {
    if (input.intent === "draft") {
      const saved = await saveDraft(user, id, input.text);
      return data<Reply>({ form: "work", result: submission.reply(), message: `草稿已保存（${formatWordCount(saved.chars)}）` });
    }
    if (input.intent === "detach") {
      await removeAttachment(user, id);
      return data<Reply>({ form: "attachment", result: submission.reply(), message: "附件已删除" });
    }
    const done = await handIn(user, id, input.text);
    return data<Reply>({
      form: "work",
      result: submission.reply(),
      message: `已提交第 ${done.version} 稿（${formatWordCount(done.chars)}）${done.late ? "，超过截止时间，记为迟交" : ""}`,
    });
  } catch (e) {
    return formRefusal(submission, e, { form: (input.intent === "detach" ? "attachment" : "work") as FormName });
  }
}

export const shouldRevalidate: ShouldRevalidateFunction = (args) => (changesNoLoaderData(args) ? false : args.defaultShouldRevalidate);

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function replyOf(reply: unknown, form: FormName): (Reply & { message?: string }) | undefined {
  return reply && typeof reply === "object" && "form" in reply && (reply as Reply).form === form ? (reply as Reply) : undefined;
}

export default function AssignmentPage() {
  const { assignment: a, submission: s } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const editable = !s || s.status === "draft" || s.status === "returned";
  const workReply = replyOf(reply, "work");
  return (
    <div className="mx-auto max-w-lg space-y-4">
      {a.classId ? (
        <Link to={`/classes/${a.classId}`} className="text-sm text-party hover:underline">
          ← {a.className}
        </Link>
      ) : null}
      <section className="rounded-lg bg-white p-4 shadow">
        <p className="text-xs text-stone-500">{a.kind}</p>
        <h1 className="text-xl font-bold">{a.title}</h1>
        <p className="mt-2 whitespace-pre-line text-stone-800" data-testid="prompt">
          {a.prompt}
        </p>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-stone-500">字数</dt>
          <dd>{a.minChars > 0 ? `${a.minChars}–${a.maxChars} 字` : `不超过 ${a.maxChars} 字`}</dd>
          <dt className="text-stone-500">开放</dt>
          <dd>{a.opensAt}</dd>
          <dt className="text-stone-500">截止</dt>
          <dd data-testid="due">{a.dueAt}</dd>
          <dt className="text-stone-500">迟交</dt>
          <dd>{a.lateRule}</dd>
        </dl>
        <p className="mt-2 text-xs text-stone-500">字数按学校惯例计算：每个汉字计 1 字，连续的英文字母或数字计 1 字，标点和空格不计。</p>
      </section>
      {/* A hand-in's confirmation: the editor that would show it is gone once the work is handed in. */}
      {!editable && workReply?.message ? <Notice>{workReply.message}</Notice> : null}
      {s ? <Standing s={s} a={a} /> : null}
      {a.notOpenYet ? (
        <Notice>作业将于 {a.opensAt} 开放。</Notice>
      ) : editable ? (
        <Editor
          key={s?.version ?? 0}
          text={s?.text ?? ""}
          savedAt={s?.savedAt ?? null}
          minChars={a.minChars}
          maxChars={a.maxChars}
          again={s?.status === "returned"}
          reply={workReply}
        />
      ) : null}
      {a.allowAttachments && !a.notOpenYet ? <Attachment editable={editable} reply={replyOf(reply, "attachment")} /> : null}
      {s && s.versions.length > 0 ? (
        <section className="rounded-lg bg-white p-4 text-sm shadow">
          <h2 className="font-bold">提交记录</h2>
          <ul className="mt-1 space-y-1" data-testid="versions">
            {s.versions.map((v) => (
              <li key={v.version} data-testid={`version-${v.version}`}>
                第 {v.version} 稿 · {v.submittedAt} · {formatWordCount(v.chars)}
                {v.attachmentUrl ? (
                  <>
                    {" · 附件："}
                    <a href={v.attachmentUrl} className="text-party underline" data-testid="version-attachment-link">
                      {v.attachmentName}
                    </a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function Standing({ s, a }: { s: NonNullable<LoaderData["submission"]>; a: LoaderData["assignment"] }) {
  return (
    <section className="rounded-lg bg-white p-4 shadow" data-testid="standing">
      <p className="flex items-center gap-2">
        <span className="font-semibold">状态：{SUBMISSION_STATUS_LABELS[s.status]}</span>
        {s.late && s.status !== "draft" ? <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-800">迟交</span> : null}
      </p>
      {s.submittedAt ? <p className="text-sm text-stone-600">最近提交：{s.submittedAt}</p> : null}
      {s.status === "returned" ? (
        <div className="mt-2 rounded border border-amber-200 bg-amber-50 p-2 text-sm" data-testid="return-reason">
          <p className="font-semibold text-amber-900">退回修改的原因</p>
          <p className="whitespace-pre-line">{s.returnReason}</p>
          {s.resubmitBy ? <p className="mt-1">请在 {s.resubmitBy} 前修改后重新提交。</p> : <p className="mt-1">请在作业截止前修改后重新提交。</p>}
        </div>
      ) : null}
      {s.status === "graded" ? (
        <div className="mt-2" data-testid="grade">
          <p>
            得分 <strong className="text-2xl text-party">{s.score}</strong> 分
          </p>
          <table className="mt-2 w-full text-sm">
            <tbody>
              {a.rubric.map((c) => (
                <tr key={c.label} className="border-t">
                  <td className="py-1">{c.label}</td>
                  <td className="py-1 text-right">
                    {c.score ?? "—"} / {c.max}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.comment ? <p className="mt-2 whitespace-pre-line rounded bg-stone-50 p-2 text-sm">评语：{s.comment}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function Attachment({ editable, reply }: { editable: boolean; reply: Reply | undefined }) {
  const { assignment: a, submission: s } = useLoaderData<typeof loader>();
  const [form, fields] = useForm({ id: "attachment", lastResult: reply?.result });
  const file = fields[ATTACHMENT_FIELD as "attachment"];
  return (
    <section className="rounded-lg bg-white p-4 shadow">
      <h2 className="font-bold">附件</h2>
      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      <FormMessage messages={form.errors} />
      {s?.attachmentUrl ? (
        <p className="mb-2 flex items-center gap-2 text-sm">
          <a href={s.attachmentUrl} className="flex-1 text-party underline" data-testid="attachment-link">
            {s.attachmentName}
          </a>
          {editable ? (
            <Form method="post">
              <button type="submit" name="intent" value="detach" className={secondaryButtonClass}>
                删除
              </button>
            </Form>
          ) : null}
        </p>
      ) : (
        <p className="mb-2 text-sm text-stone-500">未上传附件。</p>
      )}
      {editable ? (
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
          <Field
            label={`PDF、Word 文档或图片，不超过 ${a.maxAttachmentMb} MB（上传新附件会替换原附件）`}
            htmlFor={file.id}
            errors={file.errors}
            errorId={file.errorId}
          >
            <input
              {...getInputProps(file, { type: "file" })}
              accept=".pdf,.doc,.docx,image/jpeg,image/png,image/webp,application/pdf,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              className="block w-full text-sm"
              required
            />
          </Field>
          <button type="submit" name="intent" value="attach" className={secondaryButtonClass}>
            上传附件
          </button>
        </Form>
      ) : null}
    </section>
  );
}
