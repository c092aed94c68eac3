import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { type ShouldRevalidateFunction, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { handInThoughtReport, myThoughtReports, saveThoughtDraft } from "~/.server/assignments/thought-reports";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, refusalBody } from "~/.server/http/refusal";
import { Editor, type EditorReply } from "~/components/assignments/editor";
import { isAppError } from "~/lib/app-error";
import { SUBMISSION_STATUS_LABELS, type SubmissionStatus, SubmissionTextSchema } from "~/lib/assignments";
import { AUTOSAVE_INTENT, changesNoLoaderData } from "~/lib/autosave";
import { formatChinaDateTime } from "~/lib/dates";
import { formatWordCount } from "~/lib/word-count";
import { pageMeta } from "~/lib/page-meta";

// A person's quarterly 思想汇报: this quarter's report (written, saved as a draft, handed in) and the
// earlier ones with the comments of whoever read them (a secretary or their 培养联系人). /account/thought-reports

export const meta: MetaFunction = () => pageMeta("思想汇报 · 网上党校");

/** A thought report read by a secretary shows as 已阅, not 已批阅: it is commented, not graded. */
const statusLabel = (status: SubmissionStatus) => (status === "graded" ? "已阅" : status === "submitted" ? "待阅" : SUBMISSION_STATUS_LABELS[status]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { quarter, current, reports } = await myThoughtReports(user);
  return {
    quarter: { title: quarter.title, dueAt: formatChinaDateTime(quarter.dueAt), minChars: quarter.minChars, maxChars: quarter.maxChars },
    current: current
      ? { status: current.status as SubmissionStatus, text: current.text, version: current.version, savedAt: formatChinaDateTime(current.updatedAt) }
      : null,
    reports: reports
      .filter((r) => r.status !== "draft")
      .map((r) => ({
        id: r.id,
        title: r.assignment.title,
        status: statusLabel(r.status as SubmissionStatus),
        chars: r.chars,
        submittedAt: formatChinaDateTime(r.submittedAt),
        comment: r.comment,
        text: r.text,
      })),
  };
}

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal(AUTOSAVE_INTENT), text: SubmissionTextSchema }),
    z.object({ intent: z.literal("draft"), text: SubmissionTextSchema }),
    z.object({ intent: z.literal("submit"), text: SubmissionTextSchema }),
  ],
  { error: "无法识别的操作" },
);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  if (input.intent === AUTOSAVE_INTENT) {
    try {
      const saved = await saveThoughtDraft(user, input.text);
      return data({ ok: true as const, savedAt: formatChinaDateTime(saved.savedAt) });
    } catch (e) {
      if (!isAppError(e)) throw e;
      return data(refusalBody(e), { status: e.status });
    }
  }
  try {
    if (input.intent === "draft") {
      const saved = await saveThoughtDraft(user, input.text);
      return data({ result: submission.reply(), message: `草稿已保存（${formatWordCount(saved.chars)}）` });
    }
    const done = await handInThoughtReport(user, input.text);
    return data({ result: submission.reply(), message: `思想汇报已提交（${formatWordCount(done.chars)}），党支部书记阅后会在此留下意见` });
  } catch (e) {
    return formRefusal(submission, e);
  }
}

export const shouldRevalidate: ShouldRevalidateFunction = (args) => (changesNoLoaderData(args) ? false : args.defaultShouldRevalidate);

export default function ThoughtReports() {
  const { quarter, current, reports } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const editorReply = reply && "result" in reply ? (reply as EditorReply) : undefined;
  const editable = !current || current.status === "draft" || current.status === "returned";
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <section className="rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">{quarter.title}</h1>
        <p className="text-sm text-stone-600">
          每季度一份，本季度截止 {quarter.dueAt}；不少于 {quarter.minChars} 字。
        </p>
        {current && !editable ? <p className="mt-2 font-semibold">本季度思想汇报：{statusLabel(current.status)}</p> : null}
      </section>
      {editable ? (
        <Editor
          key={current?.version ?? 0}
          text={current?.text ?? ""}
          savedAt={current?.savedAt ?? null}
          minChars={quarter.minChars}
          maxChars={quarter.maxChars}
          again={current?.status === "returned"}
          reply={editorReply}
          confirmText="确定提交本季度的思想汇报吗？提交后不能再修改。"
        />
      ) : editorReply?.message ? (
        <p className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800" role="status">
          {editorReply.message}
        </p>
      ) : null}
      <section className="space-y-2">
        <h2 className="font-bold">我的思想汇报</h2>
        {reports.length === 0 ? <p className="text-sm text-stone-500">还没有提交过思想汇报。</p> : null}
        {reports.map((r) => (
          <div key={r.id} className="rounded-lg bg-white p-3 text-sm shadow" data-testid="thought-report">
            <p>
              <span className="font-semibold">{r.title}</span> · {r.status} · {r.submittedAt} · {formatWordCount(r.chars)}
            </p>
            {r.comment ? <p className="mt-1 text-stone-800">{`阅读意见：${r.comment}`}</p> : null}
            <details className="mt-1">
              <summary className="cursor-pointer text-party">正文</summary>
              <div className="mt-1 whitespace-pre-wrap rounded bg-stone-50 p-2">{r.text}</div>
            </details>
          </div>
        ))}
      </section>
    </div>
  );
}
