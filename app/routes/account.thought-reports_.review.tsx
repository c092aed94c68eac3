import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { thoughtCommentAction } from "~/.server/assignments/thought-comment-action";
import { thoughtReportsToRead } from "~/.server/assignments/thought-reports";
import { requirePermission } from "~/.server/auth/guard";
import { type CommentReply, ReportToReadCard } from "~/components/assignments/report-to-read";
import { pageMeta } from "~/lib/page-meta";

// The 思想汇报 of the people under a secretary's units, to read and comment (已阅 with a comment).
// Secretaries and admins (people:view); the 培养联系人 read theirs on /account/thought-reports/contacts.
// /account/thought-reports/review

export const meta: MetaFunction = () => pageMeta("阅读思想汇报 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:view");
  return { reports: await thoughtReportsToRead(user) };
}

export async function action({ request }: ActionFunctionArgs) {
  return thoughtCommentAction(await requirePermission(request, "people:view"), request);
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
