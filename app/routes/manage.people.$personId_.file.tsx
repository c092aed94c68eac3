import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { audit } from "~/.server/audit";
import { can, requirePersonInScope } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { parseUploadForm } from "~/.server/http/upload";
import { MAX_DOCUMENT_BYTES, uploadDocument } from "~/.server/pipeline/documents";
import { addContact, correctRecord, endContact, fileOf, recordStep } from "~/.server/pipeline/file";
import { FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { CONTACT_ROLES, CONTACT_ROLE_LABELS } from "~/lib/pipeline/contacts";
import { formatChinaDateTime, formatDate, todayInChina } from "~/lib/dates";
import { DateOnlySchema } from "~/lib/date-fields";
import { POLITICAL_STATUS_LABELS } from "~/lib/vocabulary";
import { pageMeta } from "~/lib/page-meta";

// A person's development file (发展党员档案): the 25 steps of the pack in force as a timeline — done
// with the date, who recorded it, documents and lateness; what comes next with its earliest day and
// deadline; why a step is blocked — and the forms to record, back-fill and correct a step, upload a
// document and name the 培养联系人 and 入党介绍人. Seeing it takes `people:view` over the person, like
// the person page; each step is recorded by the secretary of the level the pack names.

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.file.person.name ?? "人员"}的发展党员档案 · 网上党校`);

const personIdFrom = (params: { personId?: string }) => idParam(params.personId, "人员不存在");
const todayDate = () => new Date(`${todayInChina()}T00:00:00Z`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, person } = await requirePersonInScope(request, "people:view", personIdFrom(params));
  const file = await fileOf(user, person.id, todayDate());
  await audit({ actorId: user.id, action: "pipeline.view", targetKind: "person", targetId: person.id });
  const when = (d: Date | null) => (d ? formatDate(d) : null);
  return {
    today: todayInChina(),
    canOverrideGates: can(user, "rules:manage"),
    file: {
      ...file,
      birthDate: when(file.birthDate),
      person: { ...file.person, statusSince: when(file.person.statusSince) },
      contacts: file.contacts.map((c) => ({ ...c, since: formatDate(c.since), endedOn: when(c.endedOn) })),
      timeline: file.timeline.map((t) => ({
        key: t.step.key,
        title: t.step.title,
        stageTitle: t.stageTitle,
        cite: t.cite,
        recorder: t.recorder,
        mayRecord: t.mayRecord,
        repeatable: t.step.repeatable,
        documents: t.step.documents,
        note: t.step.note ?? null,
        sets: t.step.sets ?? null,
        length: t.step.length ? `${t.step.length.text}（${t.step.length.source ?? file.pack.source}${t.step.length.article}）` : null,
        blocked: t.blocked,
        next: t.next && { ...t.next, earliest: when(t.next.earliest), deadline: when(t.next.deadline) },
        records: t.records.map((r) => ({
          id: r.id,
          happenedOn: formatDate(r.happenedOn),
          note: r.note,
          backfilled: r.backfilled,
          late: r.late,
          recordedBy: r.recordedBy.name,
          recordedAt: formatChinaDateTime(r.recordedAt),
          correctionReason: r.correctionReason,
          changedStatus: r.statusChangeId !== null,
          months: r.months,
          documents: r.documents.map((d) => ({ id: d.id, name: d.name, fileName: d.fileName })),
          history: r.history.map((h) => ({
            id: h.id,
            happenedOn: formatDate(h.happenedOn),
            note: h.note,
            recordedBy: h.recordedBy,
            recordedAt: formatChinaDateTime(h.recordedAt),
            supersededAt: formatChinaDateTime(h.supersededAt),
          })),
        })),
      })),
    },
  };
}

const optionalText = (max: number) =>
  z.preprocess((v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? null : v), z.string().trim().max(max, `最多 ${max} 个字符`).nullable());
const optionalDate = z.preprocess((v) => (v === "" ? undefined : v), DateOnlySchema.optional());
const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());
const id = z.coerce.number({ error: "缺少编号" }).int().positive();

const RecordSchema = z.object({
  intent: z.literal("record"),
  step: z.string({ error: "请选择步骤" }).trim().min(1, "请选择步骤").max(40),
  happenedOn: DateOnlySchema,
  note: optionalText(500),
  backfilled: checkbox,
  birthDate: optionalDate,
  // 延长预备期: the engine refuses beyond the pack's limit, citing its article.
  months: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number({ error: "月数须为整数" }).int("月数须为整数").min(1, "月数至少为 1").max(120, "月数过大").optional(),
  ),
  gateOverride: optionalText(500),
});
const CorrectSchema = z.object({
  intent: z.literal("correct"),
  recordId: id,
  happenedOn: DateOnlySchema,
  note: optionalText(500),
  reason: z.string({ error: "请填写更正理由" }).trim().min(2, "请填写更正理由").max(500, "最多 500 个字符"),
  birthDate: optionalDate,
});
const ContactSchema = z.object({
  intent: z.literal("contact"),
  role: z.enum(CONTACT_ROLES, { error: "请选择类别" }),
  memberNumber: z.string({ error: "请填写学号/工号" }).trim().min(1, "请填写学号/工号").max(40),
  since: DateOnlySchema,
});
const ContactEndSchema = z.object({ intent: z.literal("contact-end"), contactId: id, endedOn: DateOnlySchema });
const UploadSchema = z.object({
  intent: z.literal("upload"),
  recordId: id,
  name: z.string({ error: "请选择材料名称" }).trim().min(1, "请选择材料名称").max(100),
  file: z.instanceof(File, { message: "请选择文件" }),
});
const ActionSchema = z.discriminatedUnion("intent", [RecordSchema, CorrectSchema, ContactSchema, ContactEndSchema, UploadSchema]);

type ActionReply = {
  result: SubmissionResult<string[]>;
  intent: string | null;
  target: number | null;
  message?: string;
  warnings?: string[];
  gateRefused?: boolean;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const personId = personIdFrom(params);
  // Authorise before reading the body: a person outside the scope gets 403 whatever was posted.
  const { user } = await requirePersonInScope(request, "people:view", personId);
  const multipart = (request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data");
  const formData = multipart
    ? await parseUploadForm(request, { fileField: "file", textFields: ["intent", "recordId", "name"], maxFileBytes: MAX_DOCUMENT_BYTES })
    : await readForm(request);
  const posted = formData.get("intent");
  const intent = typeof posted === "string" ? posted : null;
  const targetField = formData.get("recordId") ?? formData.get("contactId");
  const target = typeof targetField === "string" && /^\d+$/.test(targetField) ? Number(targetField) : null;
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<ActionReply>({ result: submission.reply(), intent, target }, { status: 400 });
  const done = (reply: Omit<ActionReply, "result" | "intent" | "target">) =>
    data<ActionReply>({ result: submission.reply({ resetForm: true }), intent, target, ...reply });
  const input = submission.value;
  const today = todayDate();
  try {
    switch (input.intent) {
      case "record": {
        const r = await recordStep(
          user,
          personId,
          {
            step: input.step,
            happenedOn: input.happenedOn,
            note: input.note,
            backfilled: input.backfilled,
            birthDate: input.birthDate ?? null,
            months: input.months ?? null,
          },
          today,
          { allowed: can(user, "rules:manage"), reason: input.gateOverride },
        );
        const status = r.statusChanged ? `，政治面貌已更新为“${POLITICAL_STATUS_LABELS[r.statusChanged]}”` : "";
        return done({ message: `已记录${status}`, warnings: [...r.late, ...r.warnings] });
      }
      case "correct": {
        const r = await correctRecord(
          user,
          personId,
          input.recordId,
          { happenedOn: input.happenedOn, note: input.note, reason: input.reason, birthDate: input.birthDate ?? null },
          today,
        );
        return done({ message: "已更正，原记录保留在更正历史中", warnings: r.late });
      }
      case "contact": {
        await addContact(user, personId, input.role, input.memberNumber, input.since);
        return done({ message: `已指定${CONTACT_ROLE_LABELS[input.role]}` });
      }
      case "contact-end": {
        await endContact(user, personId, input.contactId, input.endedOn);
        return done({ message: "已结束" });
      }
      case "upload": {
        await uploadDocument(user, personId, input.recordId, input.name, input.file);
        return done({ message: "材料已上传" });
      }
    }
  } catch (e) {
    return formRefusal(submission, e, { intent, target, gateRefused: (e as { reason?: string }).reason === "gate" });
  }
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Entry = Loaded["file"]["timeline"][number];
type Reply = ReturnType<typeof useActionData<typeof action>>;

const STATE_LABELS = { overdue: "已逾期", due: "待办", waiting: "未到时间", open: "可办理" } as const;
const STATE_CLASSES = { overdue: "text-red-700", due: "text-amber-800", waiting: "text-stone-500", open: "text-green-800" } as const;

export default function PipelineFilePage() {
  const { file, today, canOverrideGates } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const p = file.person;
  const recordable = file.timeline.filter((t) => t.mayRecord && (t.repeatable || t.records.length === 0));
  const resultFor = (intent: string, target: number | null = null) => (reply?.intent === intent && reply.target === target ? reply.result : undefined);
  const [recordForm, recordFields] = useForm({
    id: "record",
    lastResult: resultFor("record"),
    defaultValue: { happenedOn: today },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RecordSchema }),
  });
  const [contactForm, contactFields] = useForm({
    id: "contact",
    lastResult: resultFor("contact"),
    defaultValue: { since: today, role: "contact" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ContactSchema }),
  });

  return (
    <div className="space-y-4">
      <Link to={`/manage/people/${p.id}`} className="text-sm text-stone-600 hover:underline">
        ← {p.name}
      </Link>
      <section className="rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">{p.name}的发展党员档案</h1>
        <p className="mt-1 text-sm text-stone-600">
          {p.unit.name} · {POLITICAL_STATUS_LABELS[p.politicalStatus]}
          {p.statusSince ? `（${p.statusSince} 起）` : ""}
          {file.birthDate ? ` · 出生日期 ${file.birthDate}` : ""}
        </p>
        <p className="mt-1 text-xs text-stone-500">
          依据：{file.pack.name}（{file.pack.id} 第 {file.pack.version} 版）。
          {file.pack.publicNotice.workingDays ? `公示：${file.pack.publicNotice.note}` : ""}
        </p>
      </section>

      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      {reply && "warnings" in reply && reply.warnings?.length ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="alert" data-testid="file-warning">
          {reply.warnings.join("；")}
        </div>
      ) : null}

      {recordable.length ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="record-heading">
          <h2 id="record-heading" className="mb-2 font-bold">
            记录步骤
          </h2>
          <Form method="post" {...getFormProps(recordForm)} className="grid gap-2 sm:grid-cols-2">
            <input type="hidden" name="intent" value="record" />
            <FormMessage messages={recordForm.errors} />
            <label className="text-sm sm:col-span-2">
              步骤
              <select {...getSelectProps(recordFields.step)} aria-label="步骤" className={inputClass}>
                <option value="">选择要记录的步骤</option>
                {recordable.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.title}（{t.cite}）
                  </option>
                ))}
              </select>
              <FieldError field={recordFields.step} />
            </label>
            <label className="text-sm">
              日期
              <input {...getInputProps(recordFields.happenedOn, { type: "date" })} aria-label="日期" max={today} className={inputClass} />
              <FieldError field={recordFields.happenedOn} />
            </label>
            <label className="text-sm">
              出生日期（仅递交入党申请书时填写，用于核对年满十八岁）
              <input {...getInputProps(recordFields.birthDate, { type: "date" })} aria-label="出生日期" max={today} className={inputClass} />
              <FieldError field={recordFields.birthDate} />
            </label>
            {recordable.some((t) => t.length) ? (
              <label className="text-sm sm:col-span-2">
                {`延长的月数（仅${recordable
                  .filter((t) => t.length)
                  .map((t) => `“${t.title}”`)
                  .join("、")}填写；${recordable.find((t) => t.length)!.length}）`}
                <input {...getInputProps(recordFields.months, { type: "number" })} aria-label="延长的月数" min={1} max={12} className={inputClass} />
                <FieldError field={recordFields.months} />
              </label>
            ) : null}
            <label className="text-sm sm:col-span-2">
              说明
              <textarea {...getTextareaProps(recordFields.note)} aria-label="说明" rows={2} maxLength={500} className={inputClass} />
              <FieldError field={recordFields.note} />
            </label>
            <label className="flex items-center gap-2 text-sm sm:col-span-2">
              <input {...getInputProps(recordFields.backfilled, { type: "checkbox" })} />
              补录（此前已完成、现据原档案补记，须填写说明）
            </label>
            {canOverrideGates ? (
              <label className="text-sm sm:col-span-2">
                越过学时要求的理由（仅管理员；发展对象培训学时不足仍须接收时填写，将记入审计日志）
                <textarea
                  {...getTextareaProps(recordFields.gateOverride)}
                  rows={2}
                  maxLength={500}
                  className={`${inputClass} ${reply?.intent === "record" && reply.gateRefused ? "border-red-500" : ""}`}
                />
                <FieldError field={recordFields.gateOverride} />
              </label>
            ) : null}
            <button type="submit" className={`${buttonClass} sm:col-span-2`} disabled={busy}>
              记录
            </button>
          </Form>
        </section>
      ) : null}

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-2 font-bold">
          发展步骤
        </h2>
        <ol className="space-y-3" data-testid="timeline">
          {file.timeline.map((t, i) => (
            <TimelineItem key={t.key} entry={t} index={i} showStage={i === 0 || file.timeline[i - 1].stageTitle !== t.stageTitle} reply={reply} today={today} />
          ))}
        </ol>
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="contacts-heading">
        <h2 id="contacts-heading" className="mb-2 font-bold">
          培养联系人和入党介绍人
        </h2>
        <ul className="mb-3 space-y-1 text-sm" data-testid="contacts">
          {file.contacts.length === 0 ? <li className="text-stone-500">尚未指定。</li> : null}
          {file.contacts.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-2">
              <span>{`${CONTACT_ROLE_LABELS[c.role]}：${c.member.name}（${c.member.number}），${c.since} 起${c.endedOn ? `，${c.endedOn} 止` : ""}`}</span>
              {!c.endedOn ? <EndContactForm contactId={c.id} today={today} reply={reply} /> : null}
            </li>
          ))}
        </ul>
        <Form method="post" {...getFormProps(contactForm)} className="grid gap-2 sm:grid-cols-4">
          <input type="hidden" name="intent" value="contact" />
          <FormMessage messages={contactForm.errors} />
          <div>
            <select {...getSelectProps(contactFields.role)} aria-label="类别" className={inputClass}>
              {CONTACT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {CONTACT_ROLE_LABELS[r]}
                </option>
              ))}
            </select>
            <FieldError field={contactFields.role} />
          </div>
          <div>
            <input
              {...getInputProps(contactFields.memberNumber, { type: "text" })}
              aria-label="党员学号/工号"
              placeholder="党员学号/工号"
              className={inputClass}
            />
            <FieldError field={contactFields.memberNumber} />
          </div>
          <div>
            <input {...getInputProps(contactFields.since, { type: "date" })} aria-label="开始日期" max={today} className={inputClass} />
            <FieldError field={contactFields.since} />
          </div>
          <button type="submit" className={secondaryButtonClass} disabled={busy}>
            指定
          </button>
        </Form>
      </section>
    </div>
  );
}

function TimelineItem({ entry: t, index, showStage, reply, today }: { entry: Entry; index: number; showStage: boolean; reply: Reply; today: string }) {
  const done = t.records.length > 0;
  return (
    <li className="border-t border-stone-100 pt-2" data-step={t.key}>
      {showStage ? <p className="mb-1 text-xs font-semibold text-party">{t.stageTitle}</p> : null}
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className={`font-medium ${done ? "text-green-800" : "text-stone-800"}`}>
          {index + 1}. {t.title}
          {done ? " ✓" : ""}
        </span>
        <span className="text-xs text-stone-500">
          {t.cite} · {t.recorder}记录
        </span>
      </div>
      {t.records.map((r) => (
        <div key={r.id} className="mt-1 space-y-1 text-sm" data-testid={`record-${t.key}`}>
          <p>
            <time className="font-mono">{r.happenedOn}</time> · {r.recordedBy} 于 {r.recordedAt} 记录
            {r.months ? <span className="ml-1">· 延长 {r.months} 个月</span> : null}
            {r.backfilled ? <span className="ml-1 rounded bg-stone-100 px-1 text-xs">补录</span> : null}
            {r.changedStatus ? <span className="ml-1 rounded bg-red-50 px-1 text-xs text-party">变更政治面貌</span> : null}
            {r.note ? <span className="text-stone-600">（{r.note}）</span> : null}
          </p>
          {r.late ? (
            <p className="text-xs text-red-700" data-testid="late">
              {r.late}
            </p>
          ) : null}
          {r.correctionReason ? <p className="text-xs text-stone-600">{`更正理由：${r.correctionReason}`}</p> : null}
          {r.history.length ? (
            <details className="text-xs text-stone-500">
              <summary>更正历史（{r.history.length}）</summary>
              <ul data-testid="history">
                {r.history.map((h) => (
                  <li
                    key={h.id}
                  >{`原记录 ${h.happenedOn}（${h.recordedBy} 于 ${h.recordedAt} 记录${h.note ? `，${h.note}` : ""}），${h.supersededAt} 被更正`}</li>
                ))}
              </ul>
            </details>
          ) : null}
          {r.documents.length ? (
            <ul className="text-xs">
              {r.documents.map((d) => (
                <li key={d.id}>
                  <a className="text-party underline" href={`documents/${d.id}`} target="_blank" rel="noreferrer">
                    {d.name}：{d.fileName}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
          {t.mayRecord ? (
            <details className="text-xs">
              <summary className="cursor-pointer text-stone-600">更正或上传材料</summary>
              <CorrectForm
                recordId={r.id}
                happenedOn={r.happenedOn}
                withBirthDate={t.key === "apply"}
                movesStatus={r.changedStatus}
                today={today}
                reply={reply}
              />
              {t.documents.length ? <UploadForm recordId={r.id} documents={t.documents} reply={reply} /> : null}
            </details>
          ) : null}
        </div>
      ))}
      {t.next ? (
        <p className={`mt-1 text-sm ${STATE_CLASSES[t.next.state]}`} data-testid={`next-${t.key}`}>
          {STATE_LABELS[t.next.state]}
          {t.next.earliest ? ` · 最早 ${t.next.earliest}` : ""}
          {t.next.deadline ? ` · 期限 ${t.next.deadline}` : ""}
          <span className="block text-xs text-stone-500">{t.next.rule}</span>
        </p>
      ) : !done && t.blocked ? (
        <p className="mt-1 text-xs text-stone-500">{t.blocked}</p>
      ) : null}
      {t.note && !done ? <p className="mt-1 text-xs text-stone-500">{t.note}</p> : null}
    </li>
  );
}

function CorrectForm({
  recordId,
  happenedOn,
  withBirthDate,
  movesStatus,
  today,
  reply,
}: {
  recordId: number;
  happenedOn: string;
  withBirthDate: boolean;
  movesStatus: boolean;
  today: string;
  reply: Reply;
}) {
  const [form, fields] = useForm({
    id: `correct-${recordId}`,
    lastResult: reply?.intent === "correct" && reply.target === recordId ? reply.result : undefined,
    defaultValue: { happenedOn },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CorrectSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="mt-1 grid gap-1 sm:grid-cols-3">
      <input type="hidden" name="intent" value="correct" />
      <input type="hidden" name="recordId" value={recordId} />
      <FormMessage messages={form.errors} />
      <div>
        <input {...getInputProps(fields.happenedOn, { type: "date" })} aria-label="更正后的日期" max={today} className={inputClass} />
        <FieldError field={fields.happenedOn} />
      </div>
      <div>
        <input {...getInputProps(fields.note, { type: "text" })} aria-label="说明" placeholder="说明" className={inputClass} />
        <FieldError field={fields.note} />
      </div>
      <div>
        <input {...getInputProps(fields.reason, { type: "text" })} aria-label="更正理由" placeholder="更正理由（必填）" className={inputClass} />
        <FieldError field={fields.reason} />
      </div>
      {movesStatus ? <p className="text-xs text-stone-500 sm:col-span-3">更正日期时，人员页面发展阶段记录中政治面貌的变更日期随之更正。</p> : null}
      {withBirthDate ? (
        <label className="text-xs sm:col-span-3">
          更正出生日期（不改请留空）
          <input {...getInputProps(fields.birthDate, { type: "date" })} aria-label="更正出生日期" max={today} className={inputClass} />
          <FieldError field={fields.birthDate} />
        </label>
      ) : null}
      <button type="submit" className={`${secondaryButtonClass} sm:col-span-3`}>
        更正
      </button>
    </Form>
  );
}

function UploadForm({ recordId, documents, reply }: { recordId: number; documents: string[]; reply: Reply }) {
  const [form, fields] = useForm({
    id: `upload-${recordId}`,
    lastResult: reply?.intent === "upload" && reply.target === recordId ? reply.result : undefined,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UploadSchema }),
  });
  return (
    <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="mt-1 grid gap-1 sm:grid-cols-3">
      <input type="hidden" name="intent" value="upload" />
      <input type="hidden" name="recordId" value={recordId} />
      <FormMessage messages={form.errors} />
      <div>
        <select {...getSelectProps(fields.name)} aria-label="材料名称" className={inputClass}>
          {documents.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <FieldError field={fields.name} />
      </div>
      <div>
        <input
          {...getInputProps(fields.file, { type: "file" })}
          aria-label="文件（PDF 或图片）"
          accept="application/pdf,image/jpeg,image/png,image/webp"
          className="text-sm"
        />
        <FieldError field={fields.file} />
      </div>
      <button type="submit" className={secondaryButtonClass}>
        上传
      </button>
    </Form>
  );
}

function EndContactForm({ contactId, today, reply }: { contactId: number; today: string; reply: Reply }) {
  const [form, fields] = useForm({
    id: `contact-end-${contactId}`,
    lastResult: reply?.intent === "contact-end" && reply.target === contactId ? reply.result : undefined,
    defaultValue: { endedOn: today },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ContactEndSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="flex items-center gap-1">
      <input type="hidden" name="intent" value="contact-end" />
      <input type="hidden" name="contactId" value={contactId} />
      <input {...getInputProps(fields.endedOn, { type: "date" })} aria-label="结束日期" max={today} className={`${inputClass} w-auto py-1 text-sm`} />
      <button type="submit" className="text-xs text-party underline">
        结束
      </button>
      <FieldError field={fields.endedOn} />
    </Form>
  );
}
