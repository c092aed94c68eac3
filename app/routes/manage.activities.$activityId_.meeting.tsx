import { type SubmissionResult, getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { activityDetail, activityUnitId } from "~/.server/activities/activities";
import { chooseInvitees, inviteeChoices, resetInvitees } from "~/.server/activities/invitees";
import { absenteesOf, assignMakeup, lessonChoices } from "~/.server/activities/makeup";
import { decideLeave, leavesOf, meetingFiles, postponeActivity, saveMinutes } from "~/.server/activities/meetings";
import { requireManagerOf } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { parseUploadForm } from "~/.server/http/upload";
import { MAX_MINUTES_FILE_BYTES, MINUTES_FILE_FIELD, addMinutesFile, removeMinutesFile } from "~/.server/activities/minutes-files";
import { Field, FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { ACTIVITY_KIND_LABELS, ACTIVITY_STATUS_LABELS } from "~/lib/activities";
import { RequiredDateTime } from "~/lib/contest-settings";
import { formatChinaDateTime } from "~/lib/dates";
import { multiLineText, singleLineText } from "~/lib/form-text";
import { toLocalInput } from "~/lib/quiz-settings";
import { pageMeta } from "~/lib/page-meta";

// The record of one meeting beyond its attendance (decision 056): 请假 to decide, the minutes (纪要)
// and decisions, 补学 for the absentees, and postponing a meeting not yet held.
// /manage/activities/:activityId/meeting, for a manager of activities over the meeting's unit.

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.activity.title ?? "会议"} · 会议记录`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id } = await requireManagerOf(request, "activities:manage", params.activityId, activityUnitId);
  const a = (await activityDetail(id))!;
  const [leaves, absentees, lessons] = await Promise.all([leavesOf(id), a.status === "confirmed" ? absenteesOf(id) : [], lessonChoices()]);
  return {
    activity: {
      id: a.id,
      title: a.title,
      kind: ACTIVITY_KIND_LABELS[a.kind],
      status: a.status,
      startsAt: formatChinaDateTime(a.startsAt),
      started: a.startsAt <= new Date(),
      place: a.place,
      postponedFrom: a.postponedFrom ? formatChinaDateTime(a.postponedFrom) : null,
      statusReason: a.statusReason,
      minutesAt: a.minutesAt ? formatChinaDateTime(a.minutesAt) : null,
      hasMinutes: a.minutes !== null,
    },
    files: await meetingFiles(id),
    invitees: (await inviteeChoices(id))!,
    minutes: { minutes: a.minutes ?? "", decisions: a.decisions ?? "" },
    postponeDefault: toLocalInput(new Date(a.startsAt.getTime() + 7 * 86400_000)),
    leaves: leaves.map((l) => ({ ...l, name: l.person.name, createdAt: formatChinaDateTime(l.createdAt) })),
    absentees,
    lessons: lessons.map((l) => ({ id: l.id, label: `${l.course.title} · ${l.title}` })),
  };
}

const MinutesSchema = z.object({
  intent: z.literal("minutes"),
  minutes: multiLineText({ label: "会议纪要", min: 10, tooShort: "会议纪要至少 10 个字", max: 20000 }),
  decisions: multiLineText({ label: "议定事项", max: 5000 }).default(""),
});
const PostponeSchema = z.object({
  intent: z.literal("postpone"),
  startsAt: RequiredDateTime("请填写新的开始时间"),
  reason: singleLineText({ label: "改期原因", min: 2, max: 200 }),
});
const LeaveSchema = z.object({
  intent: z.literal("leave"),
  personId: z.number({ error: "请选择请假人员" }).int().positive(),
  decision: z.enum(["approve", "reject"], { error: "请选择批准或不批准" }),
  reason: singleLineText({ label: "审批意见", max: 200 }).default(""),
});
const MakeupSchema = z.object({ intent: z.literal("makeup"), lessonId: z.number().int().positive().optional() });
const FileSchema = z.object({ intent: z.literal("file"), file: z.unknown() });
const RemoveFileSchema = z.object({
  intent: z.literal("remove-file"),
  fileId: z.number({ error: "请选择要删除的文件" }).int().positive(),
  reason: singleLineText({ label: "删除原因", min: 2, max: 200 }),
});
const InviteesSchema = z.object({
  intent: z.literal("invitees"),
  personId: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.coerce.number().int().positive()).min(1, "请至少选择一名应到人员").max(1000, "应到人员最多 1000 人"),
  ),
});
const ResetInviteesSchema = z.object({ intent: z.literal("invitees-reset") });
const ActionSchema = z.discriminatedUnion(
  "intent",
  [MinutesSchema, PostponeSchema, LeaveSchema, MakeupSchema, RemoveFileSchema, InviteesSchema, ResetInviteesSchema],
  { error: "未知的操作" },
);

type Reply = { result: SubmissionResult<string[]>; form: string | null; message?: string };

function formOf(formData: FormData): string | null {
  const intent = formData.get("intent");
  if (typeof intent !== "string") return null;
  if (intent === "leave") return `leave-${String(formData.get("personId"))}`;
  if (intent === "invitees-reset") return "invitees";
  return intent === "remove-file" ? `remove-file-${String(formData.get("fileId"))}` : intent;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id } = await requireManagerOf(request, "activities:manage", params.activityId, activityUnitId);
  // The minutes' photos and attachments come as a multipart form of their own.
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    const formData = await orRefuse(() =>
      parseUploadForm(request, { fileField: MINUTES_FILE_FIELD, textFields: ["intent"], maxFileBytes: MAX_MINUTES_FILE_BYTES }),
    );
    const submission = parseWithZod(formData, { schema: FileSchema });
    if (submission.status !== "success") return data<Reply>({ result: submission.reply(), form: "file" }, { status: 400 });
    try {
      const file = submission.value.file;
      const row = await addMinutesFile(user.id, id, file instanceof File ? file : null);
      return data<Reply>({ result: submission.reply({ resetForm: true }), form: "file", message: row.kind === "photo" ? "照片已上传" : "附件已上传" });
    } catch (e) {
      return formRefusal(submission, e, { form: "file" });
    }
  }
  const formData = await readForm(request);
  const form = formOf(formData);
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), form }, { status: 400 });
  const done = (message: string) => data<Reply>({ result: submission.reply(), form, message });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "minutes":
        await saveMinutes(user.id, id, input.minutes, input.decisions);
        return done("会议纪要已保存");
      case "postpone":
        await postponeActivity(user.id, id, input.startsAt, input.reason);
        return done("会议已改期");
      case "leave":
        await decideLeave(user.id, id, input.personId, input.decision === "approve", input.reason);
        return done(input.decision === "approve" ? "已批准请假" : "已不批准请假");
      case "makeup": {
        const r = await assignMakeup(user.id, id, null, input.lessonId ?? null);
        return done(`已为 ${r.assigned} 名缺席人员布置补学`);
      }
      case "invitees":
        await chooseInvitees(user.id, id, input.personId);
        return done(`已设定应到人员 ${new Set(input.personId).size} 人`);
      case "invitees-reset":
        await resetInvitees(user.id, id);
        return done("应到人员已恢复为按会议类型确定");
      case "remove-file": {
        const removed = await removeMinutesFile(user.id, id, input.fileId, input.reason);
        return done(`已删除${removed.kind === "photo" ? "照片" : "附件"}“${removed.name}”`);
      }
    }
  } catch (e) {
    return formRefusal(submission, e, { form });
  }
}

const LEAVE_LABELS: Record<string, string> = { pending: "待审批", approved: "已批准", rejected: "未批准" };

function LeaveDecision({ personId, lastResult }: { personId: number; lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useForm({ id: `leave-${personId}`, lastResult, onValidate: ({ formData }) => parseWithZod(formData, { schema: LeaveSchema }) });
  return (
    <Form method="post" {...getFormProps(form)} className="flex flex-wrap items-center gap-1">
      <input type="hidden" name="intent" value="leave" />
      <input type="hidden" name="personId" value={personId} />
      <input
        {...getInputProps(fields.reason, { type: "text" })}
        placeholder="意见（不批准时必填）"
        aria-label="审批意见"
        maxLength={200}
        className="w-44 rounded border border-stone-300 px-2 py-1 text-sm"
      />
      <button name="decision" value="approve" className={secondaryButtonClass}>
        批准
      </button>
      <button name="decision" value="reject" className={secondaryButtonClass}>
        不批准
      </button>
      <FieldError field={fields.reason} />
    </Form>
  );
}

/**
 * Removing a file asks twice without any script: the 删除 summary opens a form that wants the reason
 * and a second button, so one stray tap removes nothing.
 */
function RemoveFile({ file, lastResult }: { file: { id: number; kind: string; name: string }; lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useForm({
    id: `remove-file-${file.id}`,
    lastResult,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RemoveFileSchema }),
  });
  const what = `${file.kind === "photo" ? "照片" : "附件"}“${file.name}”`;
  return (
    <details className="inline-block" open={fields.reason.errors ? true : undefined}>
      <summary className="cursor-pointer text-xs text-red-700 hover:underline">
        删除<span className="sr-only">{what}</span>
      </summary>
      <Form method="post" {...getFormProps(form)} className="mt-1 flex flex-wrap items-center gap-1">
        <input type="hidden" name="intent" value="remove-file" />
        <input type="hidden" name="fileId" value={file.id} />
        <input
          {...getInputProps(fields.reason, { type: "text" })}
          placeholder="删除原因"
          aria-label={`删除${what}的原因`}
          maxLength={200}
          className="w-44 rounded border border-stone-300 px-2 py-1 text-sm"
        />
        <button type="submit" className={secondaryButtonClass}>
          确认删除
        </button>
        <FieldError field={fields.reason} />
      </Form>
    </details>
  );
}

type InviteeChoices = NonNullable<Awaited<ReturnType<typeof inviteeChoices>>>;

/** Who is expected, and while the meeting is open the secretary's choice of them by hand (any kind of meeting). */
function Invitees({ invitees, open, lastResult }: { invitees: InviteeChoices; open: boolean; lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useForm({ id: "invitees", lastResult, onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteesSchema }) });
  return (
    <section className="space-y-2 rounded-lg bg-white p-4 shadow">
      <h2 className="font-bold">应到人员</h2>
      <p className="text-sm text-stone-600" data-testid="invitee-summary">
        {invitees.byHand ? "由书记手动选定" : "按会议类型确定（本组织及下级的党员；支委会为支部委员）"}，共 {invitees.expectedCount} 人。
      </p>
      {open ? (
        <details className="rounded border border-stone-200 p-2" open={fields.personId.errors ? true : undefined}>
          <summary className="cursor-pointer text-sm font-medium text-party">手动选择应到人员</summary>
          <Form method="post" {...getFormProps(form)} className="mt-2 space-y-2">
            <fieldset>
              <legend className="text-sm text-stone-600">勾选本次会议的应到人员（本组织及下级组织的在册人员）：</legend>
              <ul className="mt-1 grid gap-1 text-sm sm:grid-cols-2">
                {invitees.candidates.map((p) => (
                  <li key={p.id}>
                    <label className="inline-flex items-center gap-2">
                      <input type="checkbox" name="personId" value={p.id} defaultChecked={p.expected} />
                      {p.name}
                      <span className="text-xs text-stone-600">
                        {p.status}
                        {p.role ? ` · ${p.role}` : ""} · {p.unitName}
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            {invitees.truncated ? <p className="text-xs text-stone-600">人数较多，只列出前 {invitees.candidates.length} 人；请在下级组织安排会议。</p> : null}
            <FieldError field={fields.personId} />
            <button type="submit" name="intent" value="invitees" className={buttonClass}>
              保存应到人员
            </button>
          </Form>
          {invitees.byHand ? (
            <Form method="post" className="mt-2">
              <button type="submit" name="intent" value="invitees-reset" className={secondaryButtonClass}>
                恢复按会议类型确定
              </button>
            </Form>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}

export default function MeetingRecordPage() {
  const { activity: a, minutes, postponeDefault, leaves, absentees, lessons, files, invitees } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const resultFor = (form: string) => (reply?.form === form ? reply.result : undefined);
  const [minutesForm, minutesFields] = useForm<z.input<typeof MinutesSchema>>({
    id: "minutes",
    lastResult: resultFor("minutes"),
    defaultValue: minutes,
    constraint: getZodConstraint(MinutesSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MinutesSchema }),
  });
  const [postponeForm, postponeFields] = useForm<z.input<typeof PostponeSchema>>({
    id: "postpone",
    lastResult: resultFor("postpone"),
    defaultValue: { startsAt: postponeDefault },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PostponeSchema }),
  });
  const pendingMakeups = absentees.filter((p) => !p.makeup?.done);
  return (
    <div className="space-y-4">
      <Link to={`/manage/activities/${a.id}`} className="text-sm text-party hover:underline">
        ← 签到与名单
      </Link>
      <section className="rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">{a.title} · 会议记录</h1>
        <p className="text-sm text-stone-600">
          {a.kind} · {a.startsAt}
          {a.place ? ` · ${a.place}` : ""} · {ACTIVITY_STATUS_LABELS[a.status] ?? a.status}
          {a.postponedFrom ? `（原定 ${a.postponedFrom}，改期原因：${a.statusReason ?? ""}）` : ""}
        </p>
      </section>

      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      <FormMessage messages={reply?.result.error?.[""]} />

      <Invitees invitees={invitees} open={a.status === "open"} lastResult={resultFor("invitees")} />

      <section className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h2 className="font-bold">请假</h2>
        {leaves.length === 0 ? <p className="text-sm text-stone-500">没有请假申请。</p> : null}
        <ul className="divide-y divide-stone-100" data-testid="leave-list">
          {leaves.map((l) => (
            <li key={l.personId} className="flex flex-wrap items-center gap-2 py-2 text-sm">
              <span className="flex-1">
                {l.name}：{l.reason}
                <span className="ml-2 text-xs text-stone-500">
                  {l.createdAt} · {LEAVE_LABELS[l.status] ?? l.status}
                  {l.decisionReason ? `（${l.decisionReason}）` : ""}
                </span>
              </span>
              {l.status === "pending" ? <LeaveDecision personId={l.personId} lastResult={resultFor(`leave-${l.personId}`)} /> : null}
            </li>
          ))}
        </ul>
      </section>

      {a.status !== "cancelled" && a.started ? (
        <section className="rounded-lg bg-white p-4 shadow">
          <h2 className="mb-2 font-bold">
            会议纪要{a.minutesAt ? <span className="ml-2 text-xs font-normal text-stone-500">最近保存于 {a.minutesAt}</span> : null}
          </h2>
          <Form method="post" {...getFormProps(minutesForm)} className="space-y-3">
            <input type="hidden" name="intent" value="minutes" />
            <Field label="纪要" htmlFor={minutesFields.minutes.id} errors={minutesFields.minutes.errors} errorId={minutesFields.minutes.errorId}>
              <textarea {...getTextareaProps(minutesFields.minutes)} rows={8} className={inputClass} maxLength={20000} />
            </Field>
            <Field
              label="议定事项（每行一项）"
              htmlFor={minutesFields.decisions.id}
              errors={minutesFields.decisions.errors}
              errorId={minutesFields.decisions.errorId}
            >
              <textarea {...getTextareaProps(minutesFields.decisions)} rows={4} className={inputClass} maxLength={5000} />
            </Field>
            <button type="submit" className={buttonClass}>
              保存纪要
            </button>
          </Form>
        </section>
      ) : null}

      {a.status !== "cancelled" && a.started ? (
        <section className="space-y-2 rounded-lg bg-white p-4 shadow">
          <h2 className="font-bold">照片与附件</h2>
          <ul className="space-y-1 text-sm" data-testid="minutes-files">
            {files.map((f) => (
              <li key={f.id} className="flex flex-wrap items-start gap-2">
                <a href={`/meetings/${a.id}/files/${f.id}`} className="text-party hover:underline">
                  {f.kind === "photo" ? "照片" : "附件"}：{f.name}
                </a>
                <RemoveFile file={f} lastResult={resultFor(`remove-file-${f.id}`)} />
              </li>
            ))}
          </ul>
          <Form method="post" encType="multipart/form-data" className="flex flex-wrap items-center gap-2">
            <input type="hidden" name="intent" value="file" />
            <input
              type="file"
              name="file"
              required
              accept="image/jpeg,image/png,image/webp,application/pdf,.docx"
              aria-label="选择照片或附件"
              className="text-sm"
            />
            <button type="submit" className={secondaryButtonClass}>
              上传
            </button>
            <p className="w-full text-xs text-stone-500">照片（JPEG、PNG、WebP）会去除拍摄信息并缩小；附件限 PDF、Word（.docx），每个不超过 10 MB。</p>
          </Form>
        </section>
      ) : null}

      {a.status === "confirmed" ? (
        <section className="space-y-2 rounded-lg bg-white p-4 shadow">
          <h2 className="font-bold">缺席与补学</h2>
          {absentees.length === 0 ? <p className="text-sm text-stone-500">应到人员全部出席。</p> : null}
          <ul className="text-sm" data-testid="absentee-list">
            {absentees.map((p) => (
              <li key={p.id}>
                {p.name} <span className="text-xs text-stone-500">{p.unitName}</span>
                <span className="ml-2 text-xs">
                  {p.leave === "approved" ? "已请假" : "缺席"} · {p.makeup ? (p.makeup.done ? "已补学" : "待补学") : "未布置补学"}
                </span>
              </li>
            ))}
          </ul>
          {pendingMakeups.length > 0 ? (
            <Form method="post" className="flex flex-wrap items-end gap-2 border-t border-stone-200 pt-3">
              <input type="hidden" name="intent" value="makeup" />
              <label className="text-sm">
                补学课程（可选）
                <select name="lessonId" className={inputClass} defaultValue="">
                  <option value="">只阅读会议纪要</option>
                  {lessons.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.label}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className={buttonClass} disabled={!a.hasMinutes}>
                为全部缺席人员布置补学
              </button>
              {!a.hasMinutes ? <p className="w-full text-xs text-stone-500">请先保存会议纪要：补学须阅读纪要。</p> : null}
            </Form>
          ) : null}
        </section>
      ) : null}

      {a.status === "open" ? (
        <details className="rounded-lg bg-white p-4 shadow">
          <summary className="cursor-pointer font-bold">会议改期</summary>
          <Form method="post" {...getFormProps(postponeForm)} className="mt-3 space-y-2">
            <input type="hidden" name="intent" value="postpone" />
            <Field label="新的开始时间" htmlFor={postponeFields.startsAt.id} errors={postponeFields.startsAt.errors} errorId={postponeFields.startsAt.errorId}>
              <input {...getInputProps(postponeFields.startsAt, { type: "datetime-local" })} className={inputClass} />
            </Field>
            <Field label="改期原因" htmlFor={postponeFields.reason.id} errors={postponeFields.reason.errors} errorId={postponeFields.reason.errorId}>
              <input {...getInputProps(postponeFields.reason, { type: "text" })} className={inputClass} maxLength={200} />
            </Field>
            <button type="submit" className={secondaryButtonClass}>
              改期
            </button>
          </Form>
        </details>
      ) : null}
    </div>
  );
}
