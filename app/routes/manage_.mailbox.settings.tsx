import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { addHandler, configurableMailboxes, openMailbox, removeHandler, updateMailbox } from "~/.server/mailbox/settings";
import { unitsUnder } from "~/.server/org/units";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { MAILBOX_KINDS, MAILBOX_KIND_LABELS, SERVICE_DAYS } from "~/lib/mailbox";
import { maskPersonNumber } from "~/lib/mask";
import { scopePaths } from "~/lib/permissions";
import { WIDE_PAGE } from "~/lib/wide-page";
import { pageMeta } from "~/lib/page-meta";

// Setting up the units' mailboxes (`mailbox:manage`, a secretary over their subtree): open a unit's
// 书记信箱 or 院长信箱, name its handlers, allow anonymous letters or not, set its service time in
// working days. /manage/mailbox/settings

// A desk page: the whole window's width (decision 065).
export const handle = WIDE_PAGE;

export const meta: MetaFunction = () => pageMeta("信箱设置 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "mailbox:manage");
  const [boxes, units] = await Promise.all([configurableMailboxes(user), unitsUnder(scopePaths(user.grants, "mailbox:manage"))]);
  return {
    boxes: boxes.map((b) => ({
      id: b.id,
      title: b.title,
      allowAnonymous: b.allowAnonymous,
      serviceDays: b.serviceDays,
      handlers: b.handlers.map((h) => ({ ...h, number: maskPersonNumber(h.number) })),
    })),
    units: units.filter((u) => ["committee", "college", "branch"].includes(u.kind)).map((u) => ({ id: u.id, name: u.name })),
  };
}

const ref = (message: string) => z.number({ error: message }).int(message).positive(message);
const OpenSchema = z.object({ intent: z.literal("open"), unitId: ref("请选择党组织"), kind: z.enum(MAILBOX_KINDS, { error: "请选择信箱类型" }) });
const SettingsSchema = z.object({
  intent: z.literal("settings"),
  mailboxId: ref("请选择信箱"),
  allowAnonymous: z.boolean().default(false),
  serviceDays: z
    .number({ error: "请填写答复时限" })
    .int("答复时限须为整数个工作日")
    .min(SERVICE_DAYS.min, `答复时限为 ${SERVICE_DAYS.min}–${SERVICE_DAYS.max} 个工作日`)
    .max(SERVICE_DAYS.max, `答复时限为 ${SERVICE_DAYS.min}–${SERVICE_DAYS.max} 个工作日`),
});
const AddSchema = z.object({
  intent: z.literal("addHandler"),
  mailboxId: ref("请选择信箱"),
  number: z.string({ error: "请填写学号/工号" }).trim().min(1, "请填写学号/工号").max(32, "学号/工号过长"),
});
const RemoveSchema = z.object({ intent: z.literal("removeHandler"), mailboxId: ref("请选择信箱"), personId: ref("请选择处理人") });
const ActionSchema = z.discriminatedUnion("intent", [OpenSchema, SettingsSchema, AddSchema, RemoveSchema], { error: "未知的操作" });
type Reply = { intent: string | null; mailboxId: number | null; result: SubmissionResult<string[]>; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "mailbox:manage");
  const formData = await readForm(request);
  const posted = formData.get("intent");
  const intent = typeof posted === "string" ? posted : null;
  const mailboxId = Number(formData.get("mailboxId")) || null;
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ intent, mailboxId, result: submission.reply() }, { status: 400 });
  const input = submission.value;
  const done = (message: string) => data<Reply>({ intent, mailboxId, result: submission.reply({ resetForm: true }), message });
  try {
    switch (input.intent) {
      case "open":
        await requirePermission(request, "mailbox:manage", input.unitId);
        await openMailbox(user.id, input.unitId, input.kind);
        return done(`已开设${MAILBOX_KIND_LABELS[input.kind]}`);
      case "settings":
        await updateMailbox(user, input.mailboxId, { allowAnonymous: input.allowAnonymous, serviceDays: input.serviceDays });
        return done("已保存信箱设置");
      case "addHandler":
        await addHandler(user, input.mailboxId, input.number);
        return done("已添加处理人");
      case "removeHandler":
        await removeHandler(user, input.mailboxId, input.personId);
        return done("已移除处理人");
    }
  } catch (e) {
    return formRefusal<Omit<Reply, "result">>(submission, e, { intent, mailboxId });
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function MailboxSettings() {
  const { boxes, units } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [openForm, openFields] = useForm({
    id: "open-mailbox",
    lastResult: reply?.intent === "open" ? reply.result : undefined,
    defaultValue: { kind: "secretary" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OpenSchema }),
  });
  return (
    <div className="space-y-4">
      <Link to="/manage/mailbox" className="text-sm text-party hover:underline">
        ← 信箱处理
      </Link>
      <h1 className="text-xl font-bold">信箱设置</h1>
      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      <Form method="post" {...getFormProps(openForm)} className="flex flex-wrap items-end gap-2 rounded-lg bg-white p-4 shadow">
        <FormMessage messages={openForm.errors} />
        <input type="hidden" name="intent" value="open" />
        <select {...getSelectProps(openFields.unitId)} aria-label="党组织" className={`${inputClass} w-auto`}>
          <option value="">选择党组织</option>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <select {...getSelectProps(openFields.kind)} aria-label="信箱类型" className={`${inputClass} w-auto`}>
          {MAILBOX_KINDS.map((k) => (
            <option key={k} value={k}>
              {MAILBOX_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <button className={buttonClass}>开设信箱</button>
        {[openFields.unitId, openFields.kind].map((f) =>
          f.errors?.length ? (
            <p key={f.id} className="w-full text-sm text-red-700" role="alert">
              {f.errors.join("；")}
            </p>
          ) : null,
        )}
      </Form>
      {boxes.map((b) => (
        <MailboxPanel key={`${b.id}:${b.allowAnonymous}:${b.serviceDays}:${b.handlers.length}`} box={b} reply={reply?.mailboxId === b.id ? reply : undefined} />
      ))}
    </div>
  );
}

function MailboxPanel({ box, reply }: { box: Data["boxes"][number]; reply: Reply | undefined }) {
  const [settingsForm, settingsFields] = useForm({
    id: `settings-${box.id}`,
    lastResult: reply?.intent === "settings" ? reply.result : undefined,
    defaultValue: { allowAnonymous: box.allowAnonymous ? "on" : undefined, serviceDays: String(box.serviceDays) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SettingsSchema }),
  });
  const [addForm, addFields] = useForm({
    id: `add-${box.id}`,
    lastResult: reply?.intent === "addHandler" ? reply.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddSchema }),
  });
  return (
    <section className="space-y-3 rounded-lg bg-white p-4 shadow" data-testid="mailbox-settings">
      <h2 className="font-semibold">{box.title}</h2>
      <Form method="post" {...getFormProps(settingsForm)} className="flex flex-wrap items-center gap-3 text-sm">
        <FormMessage messages={settingsForm.errors} />
        <input type="hidden" name="intent" value="settings" />
        <input type="hidden" name="mailboxId" value={box.id} />
        <label className="flex items-center gap-1">
          <input {...getInputProps(settingsFields.allowAnonymous, { type: "checkbox" })} />
          接受匿名来信
        </label>
        <label className="flex items-center gap-1">
          答复时限
          <input
            {...getInputProps(settingsFields.serviceDays, { type: "number" })}
            min={SERVICE_DAYS.min}
            max={SERVICE_DAYS.max}
            className={`${inputClass} w-20`}
          />
          个工作日
        </label>
        <button className={secondaryButtonClass}>保存</button>
        {settingsFields.serviceDays.errors?.length ? (
          <p className="w-full text-red-700" role="alert">
            {settingsFields.serviceDays.errors.join("；")}
          </p>
        ) : null}
      </Form>
      <div className="text-sm">
        <p className="mb-1 text-stone-500">处理人</p>
        {box.handlers.length === 0 ? <p className="text-stone-500">还没有处理人。</p> : null}
        <ul className="space-y-1">
          {box.handlers.map((h) => (
            <li key={h.id} className="flex items-center gap-2">
              <span>
                {h.name}（{h.number}）
              </span>
              <Form method="post">
                <input type="hidden" name="intent" value="removeHandler" />
                <input type="hidden" name="mailboxId" value={box.id} />
                <input type="hidden" name="personId" value={h.id} />
                <button className="text-xs text-red-700 underline">移除</button>
              </Form>
            </li>
          ))}
        </ul>
      </div>
      <Form method="post" {...getFormProps(addForm)} className="flex flex-wrap items-center gap-2 text-sm">
        <FormMessage messages={addForm.errors} />
        <input type="hidden" name="intent" value="addHandler" />
        <input type="hidden" name="mailboxId" value={box.id} />
        <input {...getInputProps(addFields.number, { type: "text" })} aria-label="处理人学号/工号" placeholder="学号/工号" className={`${inputClass} w-40`} />
        <button className={secondaryButtonClass}>添加处理人</button>
        {addFields.number.errors?.length ? (
          <p className="w-full text-red-700" role="alert">
            {addFields.number.errors.join("；")}
          </p>
        ) : null}
      </Form>
    </section>
  );
}
