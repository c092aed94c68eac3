import { type SubmissionResult, getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { gradeSubmission, gradingQueue, returnSubmission, submissionForGrading } from "~/.server/assignments/grading";
import { requireUser } from "~/.server/auth/guard";
import { similarityReportFor } from "~/.server/similarity/reports";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam, searchParamsOf } from "~/.server/http/request-params";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { SUBMISSION_STATUSES, SUBMISSION_STATUS_LABELS, type SubmissionStatus, attachmentHref, pointsText } from "~/lib/assignments";
import { formatChinaDateTime } from "~/lib/dates";
import { DateTimeLocalSchema } from "~/lib/date-fields";
import { numberField } from "~/lib/form-number";
import { formatWordCount } from "~/lib/word-count";
import { SimilarityReport } from "~/components/similarity/similarity-report";
import { WIDE_PAGE } from "~/lib/wide-page";
import { pageMeta } from "~/lib/page-meta";

// The grading queue of one assignment: the submissions of the members the caller may grade (the
// groups they tutor; the whole class for the organiser), filtered by state, and for the one chosen
// (?s=) its text, attachment, earlier versions and history, the rubric form and the return form.
// Outside the /manage layout on purpose: a tutor (ClassTutor) need not hold any role in the school.
// /manage/assignments/:assignmentId

// A desk page: the whole window's width (decision 065).
export const handle = WIDE_PAGE;

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`批阅 · ${d?.assignment.title ?? "作业"} · 网上党校`);

const NOT_FOUND = "没有找到这份作业";
const QuerySchema = z.object({ status: z.enum(SUBMISSION_STATUSES).optional(), s: z.coerce.number().int().positive().optional() });

/** A version's attachment as the page links it (scoped and audited by the download route). */
function handedIn(submissionId: number, v: { version: number; attachmentName: string | null } | undefined) {
  return { attachmentName: v?.attachmentName ?? null, attachmentUrl: v?.attachmentName ? attachmentHref(submissionId, v.version) : null };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.assignmentId, NOT_FOUND);
  const query = searchParamsOf(request, QuerySchema);
  const { access, rubric, submissions } = await orRefuse(() => gradingQueue(user, id, query.status ?? null));
  const chosen = query.s ? await orRefuse(() => submissionForGrading(user, access, query.s!)) : null;
  // Read only once submissionForGrading has checked that the caller may grade this submission.
  const similarity = chosen ? await similarityReportFor(chosen.id) : null;
  const a = access.assignment;
  const scores: number[] = chosen?.rubricScores ? JSON.parse(chosen.rubricScores) : [];
  return {
    assignment: {
      id: a.id,
      title: a.title,
      classId: a.classId,
      className: a.trainingClass?.title ?? "",
      dueAt: formatChinaDateTime(a.dueAt),
      organiser: access.organiser,
    },
    rubric: rubric.map((c, i) => ({ label: c.label, max: pointsText(c.max), score: scores[i] === undefined ? "" : pointsText(scores[i]) })),
    rubricTotal: pointsText(rubric.reduce((t, c) => t + c.max, 0)),
    status: query.status ?? null,
    submissions: submissions.map((s) => ({
      id: s.id,
      name: s.person.name,
      unitName: s.person.unit.name,
      status: s.status as SubmissionStatus,
      chars: s.chars,
      version: s.version,
      late: s.late,
      submittedAt: formatChinaDateTime(s.submittedAt),
      score: s.score === null ? null : pointsText(s.score),
    })),
    chosen: chosen
      ? {
          id: chosen.id,
          name: chosen.person.name,
          unitName: chosen.person.unit.name,
          status: chosen.status as SubmissionStatus,
          text: chosen.text,
          chars: chosen.chars,
          version: chosen.version,
          late: chosen.late,
          submittedAt: formatChinaDateTime(chosen.submittedAt),
          // The file handed in with the version being graded, not one the author attached since.
          ...handedIn(
            chosen.id,
            chosen.versions.find((v) => v.version === chosen.version),
          ),
          comment: chosen.comment ?? "",
          returnReason: chosen.returnReason,
          resubmitBy: formatChinaDateTime(chosen.resubmitBy),
          earlier: chosen.versions
            .filter((v) => v.version !== chosen.version)
            .map((v) => ({ version: v.version, text: v.text, chars: v.chars, submittedAt: formatChinaDateTime(v.submittedAt), ...handedIn(chosen.id, v) })),
          similarity: similarity ?? { status: "none" as const },
          reviews: chosen.reviews.map((r) => ({
            version: r.version,
            action: r.action,
            score: r.score === null ? null : pointsText(r.score),
            comment: r.comment,
            reason: r.reason,
            at: formatChinaDateTime(r.at),
          })),
        }
      : null,
  };
}

const GradeSchema = z.object({
  intent: z.literal("grade"),
  submissionId: z.number().int().positive(),
  points: z.array(
    numberField("得分", (n) => n.min(0, "得分不能为负数")),
    { error: "请为每一项评分标准打分" },
  ),
  comment: z.string().trim().max(2000, "评语不超过 2000 个字").optional(),
});
const ReturnSchema = z.object({
  intent: z.literal("return"),
  submissionId: z.number().int().positive(),
  reason: z.string({ error: "请填写退回修改的原因" }).trim().min(1, "请填写退回修改的原因").max(1000, "原因不超过 1000 个字"),
  resubmitBy: DateTimeLocalSchema.optional().transform((d) => d ?? null),
});
const ActionSchema = z.discriminatedUnion("intent", [GradeSchema, ReturnSchema], { error: "无法识别的操作" });

type Reply = { form: "grade" | "return"; result: SubmissionResult<string[]>; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  idParam(params.assignmentId, NOT_FOUND);
  const form = await readForm(request);
  const which = form.get("intent") === "return" ? "return" : "grade";
  const submission = parseWithZod(form, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ form: which, result: submission.reply() }, { status: 400 });
  const input = submission.value;
  try {
    if (input.intent === "grade") {
      const { score } = await gradeSubmission(user, input.submissionId, { points: input.points, comment: input.comment || null });
      return data<Reply>({ form: which, result: submission.reply(), message: `已评分：${pointsText(score)} 分` });
    }
    await returnSubmission(user, input.submissionId, { reason: input.reason, resubmitBy: input.resubmitBy });
    return data<Reply>({ form: which, result: submission.reply({ resetForm: true }), message: "已退回修改" });
  } catch (e) {
    return formRefusal(submission, e, { form: which });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function GradingQueue() {
  const d = useLoaderData<typeof loader>();
  const link = (params: { status?: string | null; s?: number }) => {
    const q = new URLSearchParams();
    if (params.status) q.set("status", params.status);
    if (params.s) q.set("s", String(params.s));
    const text = q.toString();
    return text ? `?${text}` : ".";
  };
  return (
    <div className="mx-auto max-w-5xl space-y-4">
      <div>
        {d.assignment.organiser && d.assignment.classId ? (
          <Link to={`/manage/classes/${d.assignment.classId}/assignments`} className="text-sm text-party hover:underline">
            ← {d.assignment.className} · 作业
          </Link>
        ) : (
          <p className="text-sm text-stone-600">{d.assignment.className}</p>
        )}
        <h1 className="text-xl font-bold">批阅：{d.assignment.title}</h1>
        <p className="text-sm text-stone-600">截止 {d.assignment.dueAt}</p>
      </div>
      <nav className="flex flex-wrap gap-1 text-sm" aria-label="按状态筛选">
        {[null, "submitted", "returned", "graded"].map((st) => (
          <Link
            key={st ?? "all"}
            to={link({ status: st })}
            className={`rounded-full border px-3 py-1 ${d.status === st ? "border-party bg-red-50 text-party" : "border-stone-300 text-stone-700"}`}
          >
            {st ? SUBMISSION_STATUS_LABELS[st as SubmissionStatus] : "全部"}
          </Link>
        ))}
      </nav>
      <div className="grid gap-4 lg:grid-cols-[18rem_1fr]">
        <ul className="space-y-1" data-testid="queue">
          {d.submissions.length === 0 ? <li className="text-sm text-stone-500">没有符合条件的提交。</li> : null}
          {d.submissions.map((s) => (
            <li key={s.id}>
              <Link
                to={link({ status: d.status, s: s.id })}
                className={`block rounded-md border bg-white px-3 py-2 text-sm ${d.chosen?.id === s.id ? "border-party" : "border-stone-200"}`}
                data-testid="queue-row"
              >
                <span className="font-semibold">{s.name}</span> <span className="text-xs text-stone-500">{s.unitName}</span>
                <span className="block text-xs text-stone-600">
                  {SUBMISSION_STATUS_LABELS[s.status]}
                  {s.score !== null && s.status === "graded" ? ` · ${s.score} 分` : ""} · 第 {s.version} 稿 · {formatWordCount(s.chars)}
                  {s.late ? " · 迟交" : ""}
                </span>
              </Link>
            </li>
          ))}
        </ul>
        {d.chosen ? <Grading key={d.chosen.id} chosen={d.chosen} /> : <p className="text-sm text-stone-500">从左侧选择一份提交开始批阅。</p>}
      </div>
    </div>
  );
}

function Grading({ chosen: c }: { chosen: NonNullable<LoaderData["chosen"]> }) {
  const { rubric, rubricTotal } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const gradeReply = reply?.form === "grade" ? (reply as Reply) : undefined;
  const returnReply = reply?.form === "return" ? (reply as Reply) : undefined;
  const [gradeForm, gradeFields] = useForm<{ intent: string; submissionId: string; points: string[]; comment: string }>({
    id: `grade-${c.id}`,
    lastResult: gradeReply?.result,
    defaultValue: { points: rubric.map((r) => r.score), comment: c.comment },
  });
  const [returnForm, returnFields] = useForm<{ intent: string; submissionId: string; reason: string; resubmitBy: string }>({
    id: `return-${c.id}`,
    lastResult: returnReply?.result,
  });
  const points = gradeFields.points.getFieldList();
  const canJudge = c.status === "submitted" || c.status === "graded";
  return (
    <div className="space-y-4" data-testid="grading">
      <section className="rounded-lg bg-white p-4 shadow">
        <h2 className="font-bold">
          {c.name} <span className="text-sm font-normal text-stone-500">{c.unitName}</span>
        </h2>
        <p className="text-sm text-stone-600">
          {SUBMISSION_STATUS_LABELS[c.status]} · 第 {c.version} 稿 · {c.submittedAt} · {formatWordCount(c.chars)}
          {c.late ? <span className="ml-1 rounded bg-amber-100 px-1.5 text-xs text-amber-800">迟交</span> : null}
        </p>
        {c.attachmentUrl ? (
          <p className="mt-1 text-sm">
            附件：
            <a href={c.attachmentUrl} className="text-party underline" data-testid="attachment-link">
              {c.attachmentName}
            </a>
          </p>
        ) : null}
        <div className="mt-3 whitespace-pre-wrap rounded border border-stone-200 bg-stone-50 p-3 leading-relaxed" data-testid="submission-text">
          {c.text}
        </div>
      </section>

      <section className="rounded-lg bg-white p-4 shadow">
        <SimilarityReport report={c.similarity} />
      </section>

      {canJudge ? (
        <Form method="post" {...getFormProps(gradeForm)} className="rounded-lg bg-white p-4 shadow">
          <h3 className="mb-2 font-bold">评分（满分 {rubricTotal}）</h3>
          {gradeReply?.message ? <Notice>{gradeReply.message}</Notice> : null}
          <FormMessage messages={gradeForm.errors} />
          <input type="hidden" name="intent" value="grade" />
          <input type="hidden" name="submissionId" value={c.id} />
          <div className="grid gap-x-3 sm:grid-cols-2">
            {rubric.map((r, i) => (
              <Field key={r.label} label={`${r.label}（0–${r.max}）`} htmlFor={points[i].id} errors={points[i].errors} errorId={points[i].errorId}>
                <input {...getInputProps(points[i], { type: "text" })} inputMode="decimal" className={inputClass} />
              </Field>
            ))}
          </div>
          <Field label="评语" htmlFor={gradeFields.comment.id} errors={gradeFields.comment.errors} errorId={gradeFields.comment.errorId}>
            <textarea {...getTextareaProps(gradeFields.comment)} rows={3} maxLength={2000} className={inputClass} />
          </Field>
          <button type="submit" className={buttonClass}>
            {c.status === "graded" ? "修改评分" : "提交评分"}
          </button>
        </Form>
      ) : null}

      {canJudge ? (
        <Form method="post" {...getFormProps(returnForm)} className="rounded-lg bg-white p-4 shadow">
          <h3 className="mb-2 font-bold">退回修改</h3>
          {returnReply?.message ? <Notice>{returnReply.message}</Notice> : null}
          <FormMessage messages={returnForm.errors} />
          <input type="hidden" name="intent" value="return" />
          <input type="hidden" name="submissionId" value={c.id} />
          <Field label="原因" htmlFor={returnFields.reason.id} errors={returnFields.reason.errors} errorId={returnFields.reason.errorId}>
            <textarea {...getTextareaProps(returnFields.reason)} rows={2} maxLength={1000} className={inputClass} />
          </Field>
          <Field
            label="重新提交截止（可选；不填则按作业的截止时间）"
            htmlFor={returnFields.resubmitBy.id}
            errors={returnFields.resubmitBy.errors}
            errorId={returnFields.resubmitBy.errorId}
          >
            <input {...getInputProps(returnFields.resubmitBy, { type: "datetime-local" })} className={inputClass} />
          </Field>
          <button type="submit" className={secondaryButtonClass}>
            退回修改
          </button>
        </Form>
      ) : c.status === "returned" ? (
        <Notice>
          已退回修改：{c.returnReason}
          {c.resubmitBy ? `（重新提交截止 ${c.resubmitBy}）` : ""}
        </Notice>
      ) : null}

      {c.reviews.length > 0 ? (
        <section className="rounded-lg bg-white p-4 text-sm shadow">
          <h3 className="font-bold">批阅记录</h3>
          <ul className="mt-1 space-y-1" data-testid="reviews">
            {c.reviews.map((r, i) => (
              <li key={i}>
                第 {r.version} 稿 · {r.at} · {r.action === "graded" ? `评分 ${r.score} 分${r.comment ? `：${r.comment}` : ""}` : `退回：${r.reason}`}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {c.earlier.length > 0 ? (
        <section className="rounded-lg bg-white p-4 text-sm shadow">
          <h3 className="font-bold">此前的版本</h3>
          {c.earlier.map((v) => (
            <details key={v.version} className="mt-2" data-testid="earlier-version">
              <summary>
                第 {v.version} 稿 · {v.submittedAt} · {formatWordCount(v.chars)}
              </summary>
              {v.attachmentUrl ? (
                <p className="mt-1">
                  附件：
                  <a href={v.attachmentUrl} className="text-party underline" data-testid="version-attachment-link">
                    {v.attachmentName}
                  </a>
                </p>
              ) : null}
              <div className="mt-1 whitespace-pre-wrap rounded bg-stone-50 p-2">{v.text}</div>
            </details>
          ))}
        </section>
      ) : null}
    </div>
  );
}
