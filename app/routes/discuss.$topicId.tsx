import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { moderatePost } from "~/.server/discussion/moderation";
import { type ThreadPost, editPost, reportPost, threadPage, toggleLike, writePost } from "~/.server/discussion/posts";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam, searchParamsOf } from "~/.server/http/request-params";
import { ModerationActions } from "~/components/discussion/moderation-actions";
import { PostBody } from "~/components/discussion/post-body";
import { FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { HIDDEN_PLACEHOLDER, heldMessage } from "~/lib/discussion-labels";
import { MODERATION_SCHEMAS, ModeratedPostId, moderationReason } from "~/lib/moderation-form";
import { POST_MAX_CHARS } from "~/lib/post-markdown";
import { pageMeta } from "~/lib/page-meta";

// A thread: a unit's 大家谈 topic or the discussion under a lesson, phone first. Members post, reply,
// quote, like, report and edit their own posts; moderators hide with a reason, restore and approve
// in place (the queue is /manage/discussion). /discuss/:topicId?page=N

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.topic.title ?? "讨论"} · 网上党校`);

const NOTICES: Record<string, string> = {
  posted: "已发表",
  words: heldMessage("words")!,
  review: heldMessage("review")!,
};

// Made once: zod compiles a schema on its first parse, which per request was about 1 % of the server's CPU under the bench.
const opened = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();
const ThreadQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
  notice: z.string().optional(),
  reply: opened,
  edit: opened,
  report: opened,
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const topicId = idParam(params.topicId, "没有找到这个话题");
  const { page, notice, ...open } = searchParamsOf(request, ThreadQuery);
  const thread = await orRefuse(() => threadPage({ id: user.id, grants: user.grants }, topicId, page ?? 1));
  type Dated = Omit<ThreadPost, "replies"> & { at: string; edited: string | null; replies: Dated[] };
  const dated = (p: ThreadPost): Dated => ({
    ...p,
    at: formatChinaDateTime(p.createdAt),
    edited: p.editedAt ? formatChinaDateTime(p.editedAt) : null,
    replies: p.replies.map(dated),
  });
  return {
    topic: thread.access.topic,
    back: thread.access.back,
    posts: thread.posts.map(dated),
    page: thread.page,
    pages: thread.pages,
    notice: notice && Object.hasOwn(NOTICES, notice) ? NOTICES[notice] : null,
    open: { reply: open.reply ?? null, edit: open.edit ?? null, report: open.report ?? null },
  };
}

const postId = ModeratedPostId;
const Body = z.string({ error: "请填写内容" }).max(POST_MAX_CHARS, `内容最多 ${POST_MAX_CHARS} 字`);
const Reason = z.string({ error: "请填写原因" }).trim().min(1, "请填写原因").max(200, "原因最多 200 字");
const PostSchema = z.object({ intent: z.literal("post"), body: Body, parentId: postId.optional(), quotedId: postId.optional() });
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    PostSchema,
    z.object({ intent: z.literal("edit"), postId, body: Body }),
    z.object({ intent: z.literal("like"), postId }),
    z.object({ intent: z.literal("report"), postId, reason: Reason }),
    ...MODERATION_SCHEMAS,
  ],
  { error: "未知的操作" },
);
type Reply = { result: SubmissionResult<string[]>; message?: string; postId?: number };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const topicId = idParam(params.topicId, "没有找到这个话题");
  const viewer = { id: user.id, grants: user.grants };
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  const about = "postId" in input ? input.postId : input.intent === "post" ? input.parentId : undefined;
  const done = (message: string) => data<Reply>({ result: submission.reply({ resetForm: true }), message, postId: about });
  try {
    switch (input.intent) {
      case "post": {
        const written = await writePost(viewer, topicId, { body: input.body, parentId: input.parentId, quotedId: input.quotedId });
        if (input.parentId !== undefined) return done(heldMessage(written.heldFor) ?? "已回复");
        // A new post goes to the end of the thread: the last page, where it is.
        return redirect(`/discuss/${topicId}?page=1000000&notice=${written.heldFor ?? "posted"}#post-${written.id}`);
      }
      case "edit": {
        const written = await editPost(viewer, input.postId, input.body);
        return done(heldMessage(written.heldFor) ?? "已修改");
      }
      case "like":
        return done((await toggleLike(viewer, input.postId)) ? "已点赞" : "已取消点赞");
      case "report":
        await reportPost(viewer, input.postId, input.reason);
        return done("已举报，管理员会尽快处理");
      default:
        return done(await moderatePost(viewer, input.postId, input.intent, moderationReason(input)));
    }
  } catch (e) {
    return formRefusal(submission, e, { postId: about });
  }
}

type Shown = ReturnType<typeof useLoaderData<typeof loader>>["posts"][number];
type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type ActionReply = ReturnType<typeof useActionData<typeof action>>;

// The like button of every post belongs to this one form (the `form` attribute) and posts the post's id
// as its value: a page of 20 posts renders one form for liking, not 20 (decision 049, amended).
const LIKE_FORM = "like-form";

export default function ThreadPage() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "new-post",
    lastResult: reply && reply.postId === undefined ? reply.result : undefined,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PostSchema }),
  });
  const general = reply && reply.postId === undefined && "message" in reply ? reply.message : null;
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <nav className="text-sm" aria-label="返回">
        <Link to={d.back.href} className="text-party underline">
          {d.back.label}
        </Link>
      </nav>
      <header>
        <h1 className="text-xl font-bold break-words">{d.topic.title}</h1>
        {d.topic.unitName ? <p className="text-sm text-stone-600">{d.topic.unitName} · 大家谈</p> : <p className="text-sm text-stone-600">课时讨论</p>}
      </header>
      {d.notice ? <Notice>{d.notice}</Notice> : null}
      {general ? <Notice>{general}</Notice> : null}

      <Form method="post" id={LIKE_FORM} hidden>
        <input type="hidden" name="intent" value="like" />
      </Form>
      {d.posts.length === 0 ? <p className="rounded-lg bg-white p-4 text-sm text-stone-600 shadow">还没有人发言，来说第一句吧。</p> : null}
      <ol className="space-y-3">
        {d.posts.map((p) => (
          <li key={p.id} className="rounded-lg bg-white p-3 shadow">
            <PostCard post={p} reply={reply} d={d} />
            {p.replies.length ? (
              <ol className="mt-2 space-y-2 border-l-2 border-stone-200 pl-3">
                {p.replies.map((r) => (
                  <li key={r.id}>
                    <PostCard post={r} reply={reply} d={d} />
                  </li>
                ))}
                {p.moreReplies ? <li className="text-xs text-stone-500">另有 {p.moreReplies} 条回复未显示</li> : null}
              </ol>
            ) : null}
          </li>
        ))}
      </ol>

      {d.pages > 1 ? (
        <nav className="flex items-center justify-between text-sm" aria-label="分页">
          {d.page > 1 ? (
            <Link to={`?page=${d.page - 1}`} className="text-party underline">
              上一页
            </Link>
          ) : (
            <span />
          )}
          <span className="text-stone-600">
            第 {d.page} / {d.pages} 页
          </span>
          {d.page < d.pages ? (
            <Link to={`?page=${d.page + 1}`} className="text-party underline">
              下一页
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}

      <Form method="post" {...getFormProps(form)} className="space-y-2 rounded-lg bg-white p-3 shadow">
        <h2 className="font-bold">发表看法</h2>
        <FormMessage messages={form.errors} />
        <input type="hidden" name="intent" value="post" />
        <textarea {...getTextareaProps(fields.body)} aria-label="内容" rows={4} className={inputClass} maxLength={POST_MAX_CHARS} required />
        <FieldError field={fields.body} />
        <p className="text-xs text-stone-500">支持 **加粗**、*斜体*、列表、&gt; 引用、`代码` 和 [链接](https://…)；用 @学号 提到某人。</p>
        <button type="submit" className={buttonClass}>
          发表
        </button>
      </Form>
    </div>
  );
}

const HELD_LABEL: Record<string, string> = { words: "含需审核的词语", review: "发言需审核" };

/**
 * Replying, editing and reporting are links that open that one form under that one post (`?reply=`,
 * `?edit=`, `?report=`, kept with the page number): a page renders at most one such form, not three per
 * post, and each works before hydration as an ordinary link and form.
 */
function PostCard({ post: p, reply, d }: { post: Shown; reply: ActionReply; d: Loaded }) {
  const here = reply?.postId === p.id ? reply : null;
  const errors = here ? [...(here.result.error?.[""] ?? []), ...Object.entries(here.result.error ?? {}).flatMap(([k, v]) => (k === "" ? [] : (v ?? [])))] : [];
  const message = here && "message" in here ? here.message : null;
  const pageQuery = d.page > 1 ? `page=${d.page}&` : "";
  const opening = (what: "reply" | "edit" | "report") => `?${pageQuery}${what}=${p.id}#post-${p.id}`;
  const closing = `?page=${d.page}#post-${p.id}`;
  const open = d.open.reply === p.id ? "reply" : d.open.edit === p.id ? "edit" : d.open.report === p.id ? "report" : null;
  return (
    <article id={`post-${p.id}`} className="space-y-1">
      <p className="text-xs text-stone-500">
        <span className="font-semibold text-stone-800">{p.author}</span> · {p.at}
        {p.edited ? ` · 已编辑` : ""}
        {p.state === "held" ? (
          <span className="ml-1 rounded bg-amber-100 px-1 text-amber-800">待审核{p.heldFor ? `（${HELD_LABEL[p.heldFor] ?? p.heldFor}）` : ""}</span>
        ) : null}
        {p.state === "hidden" && p.tree ? <span className="ml-1 rounded bg-stone-200 px-1 text-stone-700">已隐藏</span> : null}
      </p>
      {p.quoted ? (
        <blockquote className="border-l-4 border-stone-300 bg-stone-50 px-2 py-1 text-xs text-stone-600">
          引用 {p.quoted.author}：{p.quoted.text ?? HIDDEN_PLACEHOLDER}
        </blockquote>
      ) : null}
      {p.tree ? <PostBody tree={p.tree} /> : <p className="text-sm italic text-stone-500">{HIDDEN_PLACEHOLDER}</p>}
      {p.state === "hidden" && p.hiddenReason ? <p className="text-sm text-red-700">隐藏原因：{p.hiddenReason}</p> : null}
      {p.mentions.length ? <p className="text-xs text-stone-500">提到：{p.mentions.join("、")}</p> : null}
      {message ? (
        <p className="text-sm text-green-800" role="status">
          {message}
        </p>
      ) : null}
      {errors.length ? (
        <p className="text-sm text-red-700" role="alert">
          {errors.join("；")}
        </p>
      ) : null}
      <div className="flex flex-wrap items-start gap-2 text-sm">
        {p.state === "published" ? (
          <button form={LIKE_FORM} name="postId" value={p.id} className={secondaryButtonClass} aria-pressed={p.liked}>
            {p.liked ? "已赞" : "赞"} {p.likes || ""}
          </button>
        ) : null}
        {p.state === "published" ? <OpenLink to={opening("reply")} label="回复" /> : null}
        {p.body !== null ? <OpenLink to={opening("edit")} label="修改" /> : null}
        {!p.mine && p.state === "published" ? <OpenLink to={opening("report")} label="举报" muted /> : null}
        {p.moderator ? <ModerationActions post={p} /> : null}
      </div>
      {open === "reply" && p.state === "published" ? (
        <Form method="post" className="space-y-1">
          <input type="hidden" name="parentId" value={p.id} />
          <textarea name="body" aria-label="回复内容" rows={3} className={inputClass} maxLength={POST_MAX_CHARS} required autoFocus />
          <label className="flex items-center gap-1 text-xs">
            <input type="checkbox" name="quotedId" value={p.id} /> 引用这条
          </label>
          <OpenForm submit={{ intent: "post", label: "回复", primary: true }} closing={closing} />
        </Form>
      ) : null}
      {open === "edit" && p.body !== null ? (
        <Form method="post" className="space-y-1">
          <input type="hidden" name="postId" value={p.id} />
          <textarea name="body" aria-label="修改内容" rows={4} className={inputClass} maxLength={POST_MAX_CHARS} defaultValue={p.body} required autoFocus />
          <OpenForm submit={{ intent: "edit", label: "保存修改", primary: true }} closing={closing} />
        </Form>
      ) : null}
      {open === "report" && !p.mine && p.state === "published" ? (
        <Form method="post" className="space-y-1">
          <input type="hidden" name="postId" value={p.id} />
          <input name="reason" aria-label="举报原因" className={inputClass} maxLength={200} placeholder="举报原因" required autoFocus />
          <OpenForm submit={{ intent: "report", label: "提交举报" }} closing={closing} />
        </Form>
      ) : null}
    </article>
  );
}

function OpenLink({ to, label, muted }: { to: string; label: string; muted?: boolean }) {
  return (
    <Link to={to} preventScrollReset replace className={`py-1.5 ${muted ? "text-stone-500" : "text-party"}`}>
      {label}
    </Link>
  );
}

function OpenForm({ submit, closing }: { submit: { intent: string; label: string; primary?: boolean }; closing: string }) {
  return (
    <div className="flex items-center gap-3">
      <button name="intent" value={submit.intent} className={submit.primary ? buttonClass : secondaryButtonClass}>
        {submit.label}
      </button>
      <Link to={closing} preventScrollReset replace className="text-sm text-stone-500">
        取消
      </Link>
    </div>
  );
}
