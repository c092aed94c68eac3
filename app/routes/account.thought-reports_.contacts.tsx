import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { thoughtCommentAction } from "~/.server/assignments/thought-comment-action";
import { contactThoughtReports } from "~/.server/assignments/thought-reports";
import { requireUser } from "~/.server/auth/guard";
import { type CommentReply, ReportToReadCard } from "~/components/assignments/report-to-read";
import { pageMeta } from "~/lib/page-meta";

// 我联系的入党积极分子的思想汇报: a 培养联系人 (第九条) reads and comments the reports of the people they are
// contact of today; they need no role in the school, and lose the page's reports when their term ends.
// /account/thought-reports/contacts

export const meta: MetaFunction = () => pageMeta("我联系的入党积极分子的思想汇报 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { reports: await contactThoughtReports(user) };
}

export async function action({ request }: ActionFunctionArgs) {
  return thoughtCommentAction(await requireUser(request), request);
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
