import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { commentThoughtReport, contactThoughtReports } from "~/.server/assignments/thought-reports";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { type CommentReply, ReportToReadCard } from "~/components/assignments/report-to-read";
import { ThoughtCommentSchema } from "~/lib/assignments";

// 我联系的入党积极分子的思想汇报: a 培养联系人 (第九条) reads and comments the reports of the people they are
// contact of today; they need no role in the school, and lose the page's reports when their term ends.
// /account/thought-reports/contacts

export const meta: MetaFunction = () => [{ title: "我联系的入党积极分子的思想汇报 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { reports: await contactThoughtReports(user) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
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

export default function ContactThoughtReports() {
  const { reports } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as CommentReply | undefined;
  return (
    <div className="mx-auto max-w-3xl space-y-3">
      <h1 className="text-xl font-bold">我联系的入党积极分子的思想汇报</h1>
      <p className="text-sm text-stone-600">您作为培养联系人（《细则》第九条）阅读并批注所联系同志的思想汇报。</p>
      {reports.length === 0 ? <p className="text-sm text-stone-500">您联系的同志还没有提交思想汇报。</p> : null}
      {reports.map((r) => (
        <ReportToReadCard key={r.id} r={r} reply={reply} />
      ))}
    </div>
  );
}
