import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { activityDetail, activityUnitId, cancelActivity, sessionClassUnitPaths, updateActivity } from "~/.server/activities/activities";
import { addAttendee, confirmActivity, removeAttendee, searchUnitPeople, uncreditedAttendees } from "~/.server/activities/attendance";
import { checkinOpen, projectorCode } from "~/.server/activities/projector";
import { requireManagerOf, requireManagerOrLinked } from "~/.server/auth/guard";
import { publicOrigin } from "~/.server/http/public-link";
import { AutoRefresh } from "~/components/activity/auto-refresh";
import { ActivitySettingsFields } from "~/components/activity/settings-fields";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass, FieldError } from "~/components/ui/form";
import { ACTIVITY_KIND_LABELS, ACTIVITY_STATUS_LABELS, ActivitySettingsSchema } from "~/lib/activities";
import { formatChinaDateTime } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { toLocalInput } from "~/lib/quiz-settings";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// One activity: the projector view with the rotating check-in QR code and the live count, the
// attendance list (add someone with a reason, remove, correct after confirmation), confirmation that
// credits the hours, settings and cancellation. /manage/activities/:activityId
// A class's organiser (classes:manage over the class's unit) reaches the sessions on the class's
// schedule for the check-in and the attendance only: the settings and the cancellation stay with
// activities:manage (decision 042, amended).

/** Who may open the page: a manager of activities over the unit, or the organiser of a class it is a session of. */
const requireSessionManager = (request: Request, activityId: string | undefined) =>
  requireManagerOrLinked(request, "activities:manage", activityId, activityUnitId, { permission: "classes:manage", unitPathsOf: sessionClassUnitPaths });

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.activity.title ?? "活动"} · 组织生活`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, id, full } = await requireSessionManager(request, params.activityId);
  const a = (await activityDetail(id))!;
  const now = new Date();
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 30);
  const [code, matches, uncredited] = await Promise.all([
    checkinOpen(a, now) ? projectorCode(a, publicOrigin(request.url), now) : null,
    q && a.status !== "cancelled" ? searchUnitPeople(a.unit.path, q) : [],
    a.status === "confirmed" ? uncreditedAttendees(id) : [],
  ]);
  const pending = new Set(uncredited);
  const present = a.attendances.filter((x) => !x.removedAt);
  const listed = new Set(present.map((x) => x.personId));
  return {
    activity: {
      id: a.id,
      title: a.title,
      kind: a.kind,
      status: a.status,
      hours: a.hours,
      unitName: a.unit.name,
      startsAt: formatChinaDateTime(a.startsAt),
      endsAt: formatChinaDateTime(a.endsAt),
      checkinOpensAt: formatChinaDateTime(a.checkinOpensAt),
      checkinClosesAt: formatChinaDateTime(a.checkinClosesAt),
      confirmedAt: formatChinaDateTime(a.confirmedAt),
      notYetOpen: now < a.checkinOpensAt,
    },
    settings: {
      title: a.title,
      kind: a.kind,
      startsAt: toLocalInput(a.startsAt),
      endsAt: toLocalInput(a.endsAt),
      checkinOpensAt: toLocalInput(a.checkinOpensAt),
      checkinClosesAt: toLocalInput(a.checkinClosesAt),
      hours: formatHours(a.hours),
      place: a.place ?? "",
      agenda: a.agenda ?? "",
    },
    // The settings and the cancellation: for a manager of activities, not a class's organiser.
    canEdit: full,
    code,
    count: present.length,
    attendances: a.attendances.map((x) => ({
      personId: x.personId,
      name: x.person.name,
      unitName: x.person.unit.name,
      source: x.source,
      reason: x.reason,
      at: formatChinaDateTime(x.at),
      removed: x.removedAt !== null,
      pending: pending.has(x.personId),
      self: x.personId === user.id,
    })),
    // Someone else's attendance this manager may credit (their own waits for another manager).
    canCreditPending: uncredited.some((p) => p !== user.id),
    q,
    matches: matches.map((m) => ({ id: m.id, name: m.name, number: m.number, unitName: m.unit.name, listed: listed.has(m.id), self: m.id === user.id })),
  };
}

const reasonOf = (message: string) => z.string({ error: message }).trim().min(2, message).max(200, "原因最多 200 字");
const personOf = (message: string) => z.number({ error: message }).int(message).positive(message);
const ConfirmSchema = z.object({ intent: z.literal("confirm") });
const AddSchema = z.object({ intent: z.literal("add"), personId: personOf("请选择要补登的人员"), reason: reasonOf("请填写补登原因（至少 2 个字）") });
// Optional before confirmation; after it the domain asks for one (a correction is recorded with its reason).
const RemoveSchema = z.object({
  intent: z.literal("remove"),
  personId: personOf("请选择要移除的人员"),
  reason: z.string().trim().max(200, "原因最多 200 字").default(""),
});
const CancelSchema = z.object({ intent: z.literal("cancel"), reason: reasonOf("请填写取消原因（至少 2 个字）") });
const SettingsSchema = ActivitySettingsSchema.safeExtend({ intent: z.literal("settings") });
const ActionSchema = z.discriminatedUnion("intent", [ConfirmSchema, AddSchema, RemoveSchema, CancelSchema, SettingsSchema], { error: "未知的操作" });

/** Which of the page's forms an answer belongs to: `remove-12`, `add-12`, `settings`, `cancel`. */
function formOf(formData: FormData): string | null {
  const intent = formData.get("intent");
  const personId = formData.get("personId");
  if (typeof intent !== "string") return null;
  return intent === "add" || intent === "remove" ? `${intent}-${typeof personId === "string" ? personId : ""}` : intent;
}

/** What a class's organiser may do on a session of the class: the attendance and its confirmation. */
const ATTENDANCE_INTENTS = new Set(["confirm", "add", "remove"]);

type Reply = { result: SubmissionResult<string[]>; form: string | null; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id, full } = await requireSessionManager(request, params.activityId);
  const formData = await readForm(request);
  const form = formOf(formData);
  // A class's organiser changes the attendance only; anything else needs activities:manage (refused and logged).
  if (!full && !ATTENDANCE_INTENTS.has(String(formData.get("intent")))) {
    await requireManagerOf(request, "activities:manage", params.activityId, activityUnitId);
  }
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), form }, { status: 400 });
  const done = (message: string) => data<Reply>({ result: submission.reply({ resetForm: true }), form, message });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "confirm": {
        const r = await confirmActivity(user.id, id);
        const outcome = r.newlyConfirmed ? `签到名单已确认，${r.credited} 人记入学时` : r.credited > 0 ? `已为 ${r.credited} 人记入学时` : "签到名单已确认过";
        return done(r.selfPending ? `${outcome}。您本人的学时须由本组织的其他管理员确认` : outcome);
      }
      case "add": {
        const r = await addAttendee(user.id, id, input.personId, input.reason);
        return done(r.credited ? "已补登并记入学时" : "已补登");
      }
      case "remove": {
        const r = await removeAttendee(user.id, id, input.personId, input.reason);
        return done(r.reversed ? "已移除，并冲销其本次学时" : "已移出签到名单");
      }
      case "cancel": {
        await cancelActivity(user.id, id, input.reason);
        return done("活动已取消");
      }
      case "settings": {
        const { intent: _, ...settings } = input;
        await updateActivity(user.id, id, settings);
        return done("活动设置已保存");
      }
    }
  } catch (e) {
    return formRefusal(submission, e, { form });
  }
}

const VALIDATE_WHEN = { shouldValidate: "onBlur", shouldRevalidate: "onInput" } as const;

/** Adding someone to the list or removing them: a person and a reason, the reason's error beside it. */
function AttendeeForm({
  intent,
  personId,
  lastResult,
  reasonLabel,
  placeholder,
  reasonRequired,
}: {
  intent: "add" | "remove";
  personId: number;
  lastResult: SubmissionResult<string[]> | undefined;
  reasonLabel: string;
  placeholder: string;
  reasonRequired: boolean;
}) {
  const [form, fields] = useForm({
    id: `${intent}-${personId}`,
    lastResult,
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: intent === "add" ? AddSchema : RemoveSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <div className="flex items-center gap-1">
        <input type="hidden" name="personId" value={personId} />
        <input
          {...getInputProps(fields.reason, { type: "text" })}
          aria-label={reasonLabel}
          placeholder={placeholder}
          required={reasonRequired}
          minLength={intent === "add" ? 2 : undefined}
          maxLength={200}
          className={`${intent === "add" ? "w-48" : "w-40"} rounded border border-stone-300 px-2 py-1 text-sm`}
        />
        <button name="intent" value={intent} className={secondaryButtonClass}>
          {intent === "add" ? "补登" : "移除"}
        </button>
      </div>
      <FieldError field={fields.reason} />
    </Form>
  );
}

const SOURCE_LABELS: Record<string, string> = { checkin: "扫码签到", added: "补登" };

export default function ActivityPage() {
  const { activity: a, settings, canEdit, code, count, attendances, canCreditPending, q, matches } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const resultFor = (form: string) => (reply?.form === form ? reply.result : undefined);
  const [settingsForm, settingsFields] = useForm<z.input<typeof SettingsSchema>>({
    id: "settings",
    lastResult: resultFor("settings"),
    defaultValue: settings,
    constraint: getZodConstraint(SettingsSchema),
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SettingsSchema }),
  });
  const [cancelForm, cancelFields] = useForm({
    id: "cancel",
    lastResult: resultFor("cancel"),
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CancelSchema }),
  });
  // A refusal shows at the top of the page: the row whose form was refused may have changed since.
  const formErrors = reply?.result.error?.[""] ?? undefined;
  const open = a.status === "open";
  const confirmed = a.status === "confirmed";
  return (
    <div className="space-y-4">
      {/* The projector follows the code and the count while check-in is open or about to open; after that nothing on it moves. */}
      {open && (code || a.notYetOpen) ? <AutoRefresh seconds={5} /> : null}
      {canEdit ? (
        <Link to="/manage/activities" className="text-sm text-party hover:underline">
          ← 组织生活
        </Link>
      ) : null}
      <section className="rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">{a.title}</h1>
        <p className="text-sm text-stone-600">
          {ACTIVITY_KIND_LABELS[a.kind]} · {a.unitName} · {a.startsAt} 至 {a.endsAt} · 每人 {formatHours(a.hours)} 学时 ·{" "}
          <span data-testid="activity-status">{ACTIVITY_STATUS_LABELS[a.status] ?? a.status}</span>
          {confirmed ? `（${a.confirmedAt} 确认）` : null}
        </p>
        <p className="text-xs text-stone-500">
          签到时间：{a.checkinOpensAt} 至 {a.checkinClosesAt}
        </p>
        {canEdit ? (
          <Link to={`/manage/activities/${a.id}/meeting`} className="text-sm text-party hover:underline">
            请假、纪要与补学 →
          </Link>
        ) : null}
      </section>

      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      <FormMessage messages={formErrors} />

      <section className="rounded-lg bg-white p-4 text-center shadow" aria-label="签到二维码">
        <p className="text-3xl font-bold" data-testid="checkin-count">
          已签到 {count} 人
        </p>
        {code ? (
          <>
            <img src={code.qr} alt="签到二维码" data-testid="checkin-qr" className="mx-auto my-4 w-full max-w-md" />
            <p className="text-lg">请用手机扫码签到（二维码每 30 秒更新）</p>
            <a href={code.url} data-testid="checkin-link" data-checkin-url={code.url} className="text-xs break-all text-stone-400">
              {code.url}
            </a>
          </>
        ) : (
          <p className="mt-2 text-stone-600">
            {a.status === "cancelled" ? "活动已取消。" : confirmed ? "签到名单已确认。" : a.notYetOpen ? `签到将于 ${a.checkinOpensAt} 开始。` : "签到已结束。"}
          </p>
        )}
      </section>

      {a.status !== "cancelled" ? (
        <section className="space-y-3 rounded-lg bg-white p-4 shadow">
          <h2 className="font-bold">签到名单</h2>
          <ul className="divide-y divide-stone-100" data-testid="attendance-list">
            {attendances.length === 0 ? <li className="py-2 text-sm text-stone-500">还没有人签到。</li> : null}
            {attendances.map((x) => (
              <li key={x.personId} className="flex flex-wrap items-center gap-2 py-2 text-sm" data-testid="attendance-row">
                <span className={`flex-1 ${x.removed ? "text-stone-400 line-through" : ""}`}>
                  {x.name}
                  <span className="ml-2 text-xs text-stone-500">
                    {x.unitName} · {SOURCE_LABELS[x.source] ?? x.source}
                    {x.reason ? `（${x.reason}）` : ""} · {x.at}
                  </span>
                  {x.pending ? (
                    <span className="ml-2 text-xs text-amber-700" data-testid="attendance-pending">
                      {x.self ? "学时待本组织其他管理员确认（不能为自己记入学时）" : "学时待确认"}
                    </span>
                  ) : null}
                </span>
                {x.removed ? (
                  <span className="text-xs text-stone-500">已移除</span>
                ) : (
                  <AttendeeForm
                    intent="remove"
                    personId={x.personId}
                    lastResult={resultFor(`remove-${x.personId}`)}
                    reasonLabel={`移除${x.name}的原因`}
                    placeholder={confirmed ? "更正原因（必填）" : "原因（可选）"}
                    reasonRequired={confirmed}
                  />
                )}
              </li>
            ))}
          </ul>

          <div className="border-t border-stone-200 pt-3">
            <h3 className="mb-2 text-sm font-semibold">补登未扫码的参会人员</h3>
            <Form method="get" className="flex gap-2">
              <input name="q" defaultValue={q} placeholder="姓名或学号/工号" aria-label="查找人员" className={inputClass} maxLength={30} />
              <button type="submit" className={`${secondaryButtonClass} shrink-0 whitespace-nowrap`}>
                查找
              </button>
            </Form>
            {q && matches.length === 0 ? <p className="mt-2 text-sm text-stone-500">本组织内没有找到此人。</p> : null}
            <ul className="mt-2 space-y-2">
              {matches.map((m) => (
                <li key={m.id} className="flex flex-wrap items-center gap-2 text-sm" data-testid="person-match">
                  <span className="flex-1">
                    {m.name} <span className="font-mono text-xs text-stone-500">{m.number}</span> <span className="text-xs text-stone-500">{m.unitName}</span>
                  </span>
                  {m.listed ? (
                    <span className="text-xs text-green-700">已在名单中</span>
                  ) : m.self ? (
                    <span className="text-xs text-stone-500">不能为自己补登，请由其他管理员补登</span>
                  ) : (
                    <AttendeeForm
                      intent="add"
                      personId={m.id}
                      lastResult={resultFor(`add-${m.id}`)}
                      reasonLabel={`补登${m.name}的原因`}
                      placeholder="补登原因，如：未带手机"
                      reasonRequired
                    />
                  )}
                </li>
              ))}
            </ul>
          </div>

          {open ? (
            <Form method="post" className="border-t border-stone-200 pt-3">
              <button name="intent" value="confirm" className={buttonClass}>
                确认名单并记入学时
              </button>
              <p className="mt-1 text-xs text-stone-500">
                确认后，名单上的每个人记入 {formatHours(a.hours)}{" "}
                学时；之后的更正以冲销和补记的方式记录，不删除任何记录。您本人如在名单上，学时须由本组织的其他管理员确认。
              </p>
            </Form>
          ) : confirmed && canCreditPending ? (
            <Form method="post" className="border-t border-stone-200 pt-3">
              <button name="intent" value="confirm" className={buttonClass}>
                确认待确认人员的学时
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      {open && canEdit ? (
        <details className="rounded-lg bg-white p-4 shadow">
          <summary className="cursor-pointer font-bold">修改设置或取消活动</summary>
          <Form method="post" {...getFormProps(settingsForm)} className="mt-3 space-y-3">
            <ActivitySettingsFields fields={settingsFields} />
            <button name="intent" value="settings" className={buttonClass}>
              保存设置
            </button>
          </Form>
          <Form method="post" {...getFormProps(cancelForm)} className="mt-4 border-t border-stone-200 pt-3">
            <div className="flex gap-2">
              <input
                {...getInputProps(cancelFields.reason, { type: "text" })}
                placeholder="取消原因"
                aria-label="取消原因"
                required
                minLength={2}
                maxLength={200}
                className={inputClass}
              />
              <button name="intent" value="cancel" className={secondaryButtonClass}>
                取消活动
              </button>
            </div>
            <FieldError field={cancelFields.reason} />
          </Form>
        </details>
      ) : null}
    </div>
  );
}
