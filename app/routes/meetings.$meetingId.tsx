import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { completeMakeup, makeupLesson } from "~/.server/activities/makeup";
import { canReadMeeting, meetingForReader, requestLeave } from "~/.server/activities/meetings";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { MeetingStateBadges } from "~/components/meeting/meeting-state";
import { Field, FormMessage, Notice, buttonClass, inputClass } from "~/components/ui/form";
import { ACTIVITY_KIND_LABELS, textItems } from "~/lib/activities";
import { formatChinaDateTime } from "~/lib/dates";
import { multiLineText } from "~/lib/form-text";
import { formatHours } from "~/lib/hours";
import { pageMeta } from "~/lib/page-meta";

// One meeting as a member sees it: the plan (time, place, agenda), her state, 请假 before it starts,
// the minutes and decisions afterwards, and her 补学 when she was absent. /meetings/:meetingId
// Someone who may not read the meeting gets the same 404 as for a meeting that does not exist.

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.meeting.title ?? "会议"} · 网上党校`);

async function admit(request: Request, raw: string | undefined) {
  const user = await requireUser(request);
  const id = idParam(raw, "会议不存在");
  if (!(await canReadMeeting(user, id))) throw new Response("会议不存在或您无权查看", { status: 404 });
  return { user, id };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, id } = await admit(request, params.meetingId);
  const now = new Date();
  const m = (await meetingForReader(user.id, id, now))!;
  const lesson = m.state.makeup?.lessonId ? await makeupLesson(m.state.makeup.lessonId) : null;
  return {
    meeting: {
      id: m.id,
      title: m.title,
      kind: ACTIVITY_KIND_LABELS[m.kind],
      status: m.status,
      unitName: m.unit.name,
      startsAt: formatChinaDateTime(m.startsAt),
      endsAt: formatChinaDateTime(m.endsAt),
      postponedFrom: m.postponedFrom ? formatChinaDateTime(m.postponedFrom) : null,
      statusReason: m.statusReason,
      place: m.place,
      hours: formatHours(m.hours),
      agenda: textItems(m.agenda),
      minutes: m.minutes,
      decisions: textItems(m.decisions),
      minutesAt: m.minutesAt ? formatChinaDateTime(m.minutesAt) : null,
      files: m.files,
    },
    state: m.state,
    canAskLeave: m.status === "open" && now < m.startsAt && !m.state.checkedIn && m.state.leave?.status !== "approved",
    lesson: lesson && { title: lesson.title, href: `/courses/${lesson.course.slug}/${lesson.key}`, course: lesson.course.title },
  };
}

const LeaveSchema = z.object({
  intent: z.literal("leave"),
  reason: multiLineText({ label: "请假原因", min: 2, max: 200 }),
});
const MakeupSchema = z.object({ intent: z.literal("makeup") });
const ActionSchema = z.discriminatedUnion("intent", [LeaveSchema, MakeupSchema], { error: "未知的操作" });

type Reply = { result: SubmissionResult<string[]>; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id } = await admit(request, params.meetingId);
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply() }, { status: 400 });
  try {
    if (submission.value.intent === "leave") {
      await requestLeave(user.id, id, submission.value.reason);
      return data<Reply>({ result: submission.reply({ resetForm: true }), message: "请假申请已提交，等待书记审批" });
    }
    const r = await completeMakeup(user.id, id);
    return data<Reply>({ result: submission.reply(), message: r.already ? "补学已完成" : "补学已完成，学时已记入" });
  } catch (e) {
    return formRefusal(submission, e);
  }
}

const LEAVE_TEXT: Record<string, string> = { pending: "请假申请待书记审批", approved: "请假已批准", rejected: "请假未获批准" };

export default function MeetingPage() {
  const { meeting: m, state, canAskLeave, lesson } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm<z.input<typeof LeaveSchema>>({
    lastResult: reply?.result,
    constraint: getZodConstraint(LeaveSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LeaveSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="mx-auto max-w-xl space-y-4">
      <p className="text-sm">
        <Link to="/meetings" className="text-party underline">
          我的会议
        </Link>
      </p>
      <section className="space-y-2 rounded-lg bg-white p-4 shadow">
        <p className="text-xs text-stone-500">
          {m.unitName} · {m.kind}
        </p>
        <h1 className="text-xl font-bold">{m.title}</h1>
        <dl className="grid grid-cols-[4em_1fr] gap-y-1 text-sm">
          <dt className="text-stone-500">时间</dt>
          <dd>
            {m.startsAt} 至 {m.endsAt}
            {m.postponedFrom ? <span className="block text-xs text-amber-800">原定 {m.postponedFrom}，已改期</span> : null}
          </dd>
          <dt className="text-stone-500">地点</dt>
          <dd>{m.place ?? "待定"}</dd>
          <dt className="text-stone-500">学时</dt>
          <dd>{m.hours}</dd>
          <dt className="text-stone-500">我的</dt>
          <dd data-testid="my-state">
            <MeetingStateBadges state={state} status={m.status} />
          </dd>
        </dl>
        {m.status === "cancelled" ? <p className="text-sm text-red-800">会议已取消{m.statusReason ? `：${m.statusReason}` : ""}</p> : null}
        {m.agenda.length > 0 ? (
          <div>
            <h2 className="mt-2 font-semibold">议程</h2>
            <ol className="list-decimal pl-6 text-sm">
              {m.agenda.map((item, i) => (
                <li key={i}>{item}</li>
              ))}
            </ol>
          </div>
        ) : null}
      </section>

      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      {/* A refusal (too late to ask leave, a lesson not finished) shows here, once, for either form. */}
      <FormMessage messages={reply?.result.error?.[""]} />

      {state.leave ? (
        <section className="rounded-lg bg-white p-4 text-sm shadow" data-testid="leave-state">
          <p className="font-medium">{LEAVE_TEXT[state.leave.status]}</p>
          <p className="text-stone-600">原因：{state.leave.reason}</p>
          {state.leave.decisionReason ? <p className="text-stone-600">书记意见：{state.leave.decisionReason}</p> : null}
        </section>
      ) : null}

      {canAskLeave ? (
        <section className="rounded-lg bg-white p-4 shadow">
          <h2 className="mb-2 font-semibold">{state.leave ? "重新请假" : "请假"}</h2>
          <Form method="post" {...getFormProps(form)} className="space-y-2">
            <input type="hidden" name="intent" value="leave" />
            <Field label="请假原因" htmlFor={fields.reason.id} errors={fields.reason.errors} errorId={fields.reason.errorId}>
              <textarea {...getTextareaProps(fields.reason)} rows={3} className={inputClass} maxLength={200} />
            </Field>
            <button type="submit" className={buttonClass}>
              提交请假
            </button>
          </Form>
        </section>
      ) : null}

      {state.makeup ? (
        <section className="space-y-2 rounded-lg bg-amber-50 p-4 text-sm shadow" data-testid="makeup">
          <h2 className="font-semibold">补学</h2>
          {state.makeup.done ? (
            <p>补学已完成。</p>
          ) : (
            <>
              <p>请阅读下方会议纪要{lesson ? "，并学完指定课程" : ""}，然后点击“完成补学”。完成后记入本次会议的学时。</p>
              {lesson ? (
                <p>
                  指定课程：
                  <Link to={lesson.href} className="text-party underline">
                    {lesson.course} · {lesson.title}
                  </Link>
                </p>
              ) : null}
              <Form method="post">
                <input type="hidden" name="intent" value="makeup" />
                <button type="submit" className={buttonClass}>
                  完成补学
                </button>
              </Form>
            </>
          )}
        </section>
      ) : null}

      {m.minutes ? (
        <section className="space-y-2 rounded-lg bg-white p-4 shadow" data-testid="minutes">
          <h2 className="font-semibold">会议纪要</h2>
          <p className="whitespace-pre-wrap text-sm">{m.minutes}</p>
          {m.decisions.length > 0 ? (
            <>
              <h3 className="font-medium">议定事项</h3>
              <ol className="list-decimal pl-6 text-sm">
                {m.decisions.map((d, i) => (
                  <li key={i}>{d}</li>
                ))}
              </ol>
            </>
          ) : null}
          {m.files.length > 0 ? (
            <ul className="space-y-2 text-sm">
              {m.files.map((f) =>
                f.kind === "photo" ? (
                  <li key={f.id}>
                    <img src={`/meetings/${m.id}/files/${f.id}`} alt={f.name} className="max-h-64 rounded" loading="lazy" />
                  </li>
                ) : (
                  <li key={f.id}>
                    <a href={`/meetings/${m.id}/files/${f.id}`} className="text-party underline">
                      {f.name}
                    </a>
                  </li>
                ),
              )}
            </ul>
          ) : null}
          {m.minutesAt ? <p className="text-xs text-stone-500">记录于 {m.minutesAt}</p> : null}
        </section>
      ) : null}
    </div>
  );
}
