import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { LETTER_NOT_FOUND, closeLetter, escalateLetter, letterForHandler, noteOnLetter, replyToLetter } from "~/.server/mailbox/letters";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { LETTER_LIMITS, isOverdue, letterStatusLabel, replyText } from "~/lib/mailbox";
import { WIDE_PAGE } from "~/lib/wide-page";
import { pageMeta } from "~/lib/page-meta";

// One letter as its handlers see it (desktop): the letter, every reply, internal note and escalation,
// and the forms to reply (the author reads it), note (handlers only), escalate to the parent unit's
// mailbox and close. An anonymous letter's page never holds its author. A letter outside the mailboxes
// the caller handles is "not found", by any id. Outside the /manage layout: a handler need hold no role.
// /manage/mailbox/letters/:letterId

// A desk page: the whole window's width (decision 065).
export const handle = WIDE_PAGE;

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.subject ?? "来信"} · 信箱处理 · 网上党校`);

const ENTRY_LABELS: Record<string, string> = { reply: "答复", note: "内部备注", escalation: "转上级信箱", close: "关闭" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const letter = await orRefuse(() => letterForHandler(user, idParam(params.letterId, LETTER_NOT_FOUND)));
  return {
    id: letter.id,
    subject: letter.subject,
    body: letter.body,
    status: letterStatusLabel(letter.status),
    closed: letter.status === "closed",
    answered: letter.firstRepliedAt !== null,
    overdue: isOverdue(letter, new Date()),
    author: letter.anonymous ? null : letter.author,
    mailbox: letter.mailbox,
    origin: letter.origin,
    at: formatChinaDateTime(letter.createdAt),
    dueAt: formatChinaDateTime(letter.dueAt),
    canAct: letter.canAct,
    entries: letter.entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      label: ENTRY_LABELS[e.kind] ?? e.kind,
      body: e.body,
      by: e.author?.name ?? "系统",
      at: formatChinaDateTime(e.createdAt),
    })),
  };
}

const ReplySchema = z.object({ intent: z.literal("reply"), body: replyText("答复") });
const NoteSchema = z.object({ intent: z.literal("note"), body: replyText("备注") });
const EscalateSchema = z.object({ intent: z.literal("escalate"), body: replyText("转上级的理由") });
const CloseSchema = z.object({ intent: z.literal("close"), body: replyText("关闭的理由") });
const ActionSchema = z.discriminatedUnion("intent", [ReplySchema, NoteSchema, EscalateSchema, CloseSchema], { error: "未知的操作" });
type Intent = z.infer<typeof ActionSchema>["intent"];
type Reply = { intent: string | null; result: SubmissionResult<string[]>; message?: string };

const DONE: Record<Intent, string> = { reply: "已答复，来信人可以看到", note: "已添加内部备注", escalate: "已转上级信箱", close: "已关闭" };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.letterId, LETTER_NOT_FOUND);
  const formData = await readForm(request);
  const posted = formData.get("intent");
  const intent = typeof posted === "string" ? posted : null;
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ intent, result: submission.reply() }, { status: 400 });
  const input = submission.value;
  try {
    const work = { reply: replyToLetter, note: noteOnLetter, escalate: escalateLetter, close: closeLetter }[input.intent];
    await work(user, id, input.body);
  } catch (e) {
    return formRefusal<Omit<Reply, "result">>(submission, e, { intent });
  }
  return data<Reply>({ intent, result: submission.reply({ resetForm: true }), message: DONE[input.intent] });
}

export default function HandlerLetter() {
  const l = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <Link to="/manage/mailbox" className="text-sm text-party hover:underline">
        ← 信箱处理
      </Link>
      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      <article className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h1 className="break-all text-xl font-bold">{l.subject}</h1>
        <dl className="grid grid-cols-[6rem_1fr] gap-y-1 text-sm">
          <dt className="text-stone-500">状态</dt>
          <dd data-testid="letter-status">
            {l.status}
            {l.overdue ? <span className="ml-2 text-red-700">已逾期</span> : null}
          </dd>
          <dt className="text-stone-500">来信人</dt>
          <dd data-testid="letter-author">{l.author ? `${l.author.name}（${l.author.unitName}）` : "匿名"}</dd>
          <dt className="text-stone-500">信箱</dt>
          <dd>
            {l.mailbox}
            {l.mailbox !== l.origin ? `（原写给${l.origin}）` : ""}
          </dd>
          <dt className="text-stone-500">来信时间</dt>
          <dd>{l.at}</dd>
          <dt className="text-stone-500">答复期限</dt>
          <dd>{l.dueAt}</dd>
        </dl>
        {/* Plain text as typed: React escapes it; no HTML or Markdown is ever made of a letter. */}
        <p className="whitespace-pre-wrap break-words border-t border-stone-100 pt-2 text-sm" data-testid="letter-body">
          {l.body}
        </p>
      </article>
      <section className="space-y-2">
        <h2 className="font-bold">办理记录</h2>
        {l.entries.length === 0 ? <p className="text-sm text-stone-500">还没有办理记录。</p> : null}
        <ol className="space-y-2">
          {l.entries.map((e) => (
            <li key={e.id} className={`rounded-lg p-3 text-sm shadow ${e.kind === "note" ? "bg-amber-50" : "bg-white"}`} data-testid="letter-entry">
              <p className="text-xs text-stone-500">
                {e.label} · {e.by} · {e.at}
                {e.kind === "note" ? " · 仅处理人可见" : ""}
              </p>
              <p className="whitespace-pre-wrap break-words">{e.body}</p>
            </li>
          ))}
        </ol>
      </section>
      {l.canAct && !l.closed ? (
        <div className="grid gap-4 md:grid-cols-2">
          <EntryForm intent="reply" title="答复（来信人可见）" button="发送答复" reply={reply} primary />
          <EntryForm intent="note" title="内部备注（仅处理人可见）" button="添加备注" reply={reply} />
          {l.answered ? null : <EntryForm intent="escalate" title="转上级信箱" button="转上级" reply={reply} />}
          <EntryForm intent="close" title="关闭" button="关闭这封信" reply={reply} />
        </div>
      ) : null}
    </div>
  );
}

const SCHEMAS = { reply: ReplySchema, note: NoteSchema, escalate: EscalateSchema, close: CloseSchema };

function EntryForm({
  intent,
  title,
  button,
  reply,
  primary = false,
}: {
  intent: Intent;
  title: string;
  button: string;
  reply: Reply | undefined;
  primary?: boolean;
}) {
  const [form, fields] = useForm({
    id: `letter-${intent}`,
    lastResult: reply?.intent === intent ? reply.result : undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SCHEMAS[intent] }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-2 rounded-lg bg-white p-4 shadow">
      <h2 className="font-semibold">{title}</h2>
      <FormMessage messages={form.errors} />
      <input type="hidden" name="intent" value={intent} />
      <textarea {...getTextareaProps(fields.body)} aria-label={title} rows={4} maxLength={LETTER_LIMITS.reply} className={inputClass} required />
      {fields.body.errors?.length ? (
        <p id={fields.body.errorId} className="text-sm text-red-700" role="alert">
          {fields.body.errors.join("；")}
        </p>
      ) : null}
      <button type="submit" className={primary ? buttonClass : secondaryButtonClass}>
        {button}
      </button>
    </Form>
  );
}
