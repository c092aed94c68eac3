import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { commentThoughtReport, thoughtReportsToRead } from "~/.server/assignments/thought-reports";
import { requirePermission } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { type CommentReply, ReportToReadCard } from "~/components/assignments/report-to-read";
import { ThoughtCommentSchema } from "~/lib/assignments";

// The 思想汇报 of the people under a secretary's units, to read and comment (已阅 with a comment).
// Secretaries and admins (people:view); the 培养联系人 read theirs on /account/thought-reports/contacts.
// /account/thought-reports/review

export const meta: MetaFunction = () => [{ title: "阅读思想汇报 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:view");
  return { reports: await thoughtReportsToRead(user) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "people:view");
  const submission = parseWithZod(await readForm(request), { schema: ThoughtCommentSchema });
  const submissionId = submission.payload.submissionId ? Number(submission.payload.submissionId) : null;
  if (submission.status !== "success") return data<CommentReply>({ submissionId, result: submission.reply() }, { status: 400 });
  try {
    await commentThoughtReport(user, submission.value.submissionId, submission.value.comment);
  } catch (e) {
    return formRefusal(submission, e, { submissionId });
  }
  return data<CommentReply>({ submissionId, result: submission.reply(), message: "已阅，意见已保存" });
}

export default function ReadThoughtReports() {
  const { reports } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as CommentReply | undefined;
  return (
    <div className="mx-auto max-w-3xl space-y-3">
      <h1 className="text-xl font-bold">阅读思想汇报</h1>
      {reports.length === 0 ? <p className="text-sm text-stone-500">没有待阅读的思想汇报。</p> : null}
      {reports.map((r) => (
        <ReportToReadCard key={r.id} r={r} reply={reply} />
      ))}
    </div>
  );
}
