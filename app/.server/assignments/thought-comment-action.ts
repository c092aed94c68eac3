import { parseWithZod } from "~/lib/zod-form";
import { data } from "@remix-run/node";
import { type CommentReply } from "~/components/assignments/report-to-read";
import { type Grant } from "~/lib/permissions";
import { ThoughtCommentSchema } from "~/lib/assignments";
import { readForm } from "../http/form-body";
import { formRefusal } from "../http/refusal";
import { commentThoughtReport } from "./thought-reports";

/**
 * The comment form of both 思想汇报 reading lists (a 培养联系人's and a secretary's): the route checks
 * who the reader is; who may comment on which report is decided by commentThoughtReport.
 */
export async function thoughtCommentAction(reader: { id: number; grants: readonly Grant[] }, request: Request) {
  const submission = parseWithZod(await readForm(request), { schema: ThoughtCommentSchema });
  const submissionId = submission.payload.submissionId ? Number(submission.payload.submissionId) : null;
  if (submission.status !== "success") return data<CommentReply>({ submissionId, result: submission.reply() }, { status: 400 });
  try {
    await commentThoughtReport(reader, submission.value.submissionId, submission.value.comment);
  } catch (e) {
    return formRefusal(submission, e, { submissionId });
  }
  return data<CommentReply>({ submissionId, result: submission.reply(), message: "已阅，意见已保存" });
}
