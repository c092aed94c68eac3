import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission, requirePersonInScope } from "~/.server/auth/guard";
import { moderatePost, moderationQueue, personToMark, reviewMarks, setReviewMark } from "~/.server/discussion/moderation";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { ModerationActions } from "~/components/discussion/moderation-actions";
import { PostBody } from "~/components/discussion/post-body";
import { FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { formatChinaDateTime, formatDate } from "~/lib/dates";
import { MODERATION_SCHEMAS, moderationReason } from "~/lib/moderation-form";
import { grantsCover } from "~/lib/permissions";
import { pageMeta } from "~/lib/page-meta";

// The moderation queue (desktop): posts held for review and reported posts in the moderator's scope,
// with approve, hide with a reason, restore and dismiss; and the people whose posts need review.

export const meta: MetaFunction = () => pageMeta("讨论审核 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "discussion:moderate");
  const viewer = { id: user.id, grants: user.grants };
  const [queue, marks] = await Promise.all([moderationQueue(viewer), reviewMarks(viewer)]);
  return {
    queue: queue.map((p) => ({ ...p, createdAt: formatChinaDateTime(p.createdAt) })),
    marks: marks.map((m) => ({ ...m, markedAt: formatDate(m.markedAt) })),
    // The word list is the school's: kept by whoever moderates at the root.
    wordsLink: user.grants.some((g) => /^\/\d+\/$/.test(g.unitPath) && grantsCover([g], "discussion:moderate", g.unitPath)),
  };
}

const MarkSchema = z.object({ intent: z.literal("mark"), number: z.string({ error: "请填写学号/工号" }).trim().min(1, "请填写学号/工号").max(40) });
const ActionSchema = z.discriminatedUnion(
  "intent",
  [...MODERATION_SCHEMAS, MarkSchema, z.object({ intent: z.literal("unmark"), personId: z.number().int().positive() })],
  { error: "未知的操作" },
);
type Reply = { result: SubmissionResult<string[]>; message?: string; postId?: number };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "discussion:moderate");
  const viewer = { id: user.id, grants: user.grants };
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  const about = "postId" in input ? input.postId : undefined;
  const done = (message: string) => data<Reply>({ result: submission.reply({ resetForm: true }), message, postId: about });
  try {
    if (input.intent === "mark") {
      const personId = await personToMark(viewer, input.number);
      await setReviewMark(viewer, personId, true);
      return done("已设置：此人的发言需审核后才能公开");
    }
    if (input.intent === "unmark") {
      await requirePersonInScope(request, "discussion:moderate", input.personId);
      await setReviewMark(viewer, input.personId, false);
      return done("已取消发言审核");
    }
    return done(await moderatePost(viewer, input.postId, input.intent, moderationReason(input)));
  } catch (e) {
    return formRefusal(submission, e, { postId: about });
  }
}

const HELD: Record<string, string> = { words: "含敏感词", review: "发言需审核" };

export default function ModerationPage() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "mark",
    lastResult: reply && reply.postId === undefined ? reply.result : undefined,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MarkSchema }),
  });
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-bold">讨论审核</h1>
        {d.wordsLink ? (
          <Link to="/manage/discussion/words" className="text-party underline">
            敏感词表
          </Link>
        ) : null}
      </div>
      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      {reply && reply.postId !== undefined ? <FormMessage messages={Object.values(reply.result.error ?? {}).flatMap((v) => v ?? [])} /> : null}

      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading" className="mb-2 text-lg font-bold">
          待处理（{d.queue.length}）
        </h2>
        {d.queue.length === 0 ? <p className="text-sm text-stone-600">没有待审核或被举报的内容。</p> : null}
        <table className="w-full border-collapse text-sm">
          <tbody>
            {d.queue.map((p) => (
              <tr key={p.id} className="border-b border-stone-200 align-top">
                <td className="w-64 py-2 pr-3 text-xs text-stone-600">
                  <Link to={`/discuss/${p.topicId}`} className="font-semibold text-party underline">
                    {p.topic}
                  </Link>
                  <br />
                  {p.author}（{p.authorUnit}）
                  <br />
                  {p.createdAt}
                  {p.edited ? ` · 修改过 ${p.versions} 次` : ""}
                  <br />
                  {p.state === "held" ? <span className="rounded bg-amber-100 px-1 text-amber-800">待审核：{HELD[p.heldFor ?? ""] ?? "—"}</span> : null}
                  {p.state === "hidden" ? <span className="rounded bg-stone-200 px-1">已隐藏</span> : null}
                  {p.words.length ? <span className="block">命中：{p.words.join("、")}</span> : null}
                  {p.reports.length ? (
                    <span className="block text-red-700">
                      举报 {p.reports.length} 次：{p.reports.join("；")}
                    </span>
                  ) : null}
                </td>
                <td className="py-2 pr-3">
                  <PostBody tree={p.tree} />
                </td>
                <td className="w-72 py-2">
                  <div className="flex flex-wrap gap-2">
                    <ModerationActions post={{ id: p.id, state: p.state, reported: p.reports.length > 0 }} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="marks-heading" className="space-y-2">
        <h2 id="marks-heading" className="text-lg font-bold">
          发言需审核的人员
        </h2>
        <Form method="post" {...getFormProps(form)} className="flex max-w-md items-start gap-2">
          <input type="hidden" name="intent" value="mark" />
          <div className="flex-1">
            <input {...getInputProps(fields.number, { type: "text" })} aria-label="学号/工号" placeholder="学号/工号" className={inputClass} />
            <FieldError field={fields.number} />
          </div>
          <button type="submit" className={buttonClass}>
            设为需审核
          </button>
        </Form>
        <FormMessage messages={form.errors} />
        <ul className="divide-y divide-stone-200 text-sm">
          {d.marks.map((m) => (
            <li key={m.personId} className="flex items-center gap-3 py-1.5">
              <span className="flex-1">
                {m.name}（{m.number}，{m.unit}）· {m.markedAt} 起
              </span>
              <Form method="post">
                <input type="hidden" name="personId" value={m.personId} />
                <button name="intent" value="unmark" className={secondaryButtonClass}>
                  取消
                </button>
              </Form>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
