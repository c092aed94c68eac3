import { Form, Link } from "@remix-run/react";
import { inputClass, secondaryButtonClass } from "~/components/ui/form";

// A moderator's buttons on one post, the same on the thread page and in the moderation queue
// (/manage/discussion): approve a held post, dismiss its reports, restore a hidden one or hide it with
// a reason the author reads, and the post's record. Each is a plain form posting `intent` and `postId`
// to the page it is on, whose action takes the shared schemas of app/lib/moderation-form.ts; so every
// button works before hydration. Only moderators see them, so a thread read by members renders none.

export type ModeratedPost = { id: number; state: string; /** Has open reports: the queue offers to dismiss them. */ reported?: boolean };

function Decision({ postId, intent, label }: { postId: number; intent: string; label: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="postId" value={postId} />
      <button name="intent" value={intent} className={secondaryButtonClass}>
        {label}
      </button>
    </Form>
  );
}

export function ModerationActions({ post: p }: { post: ModeratedPost }) {
  return (
    <>
      {p.state === "held" ? <Decision postId={p.id} intent="approve" label="审核通过" /> : null}
      {p.state === "published" && p.reported ? <Decision postId={p.id} intent="dismiss" label="驳回举报" /> : null}
      {p.state === "hidden" ? (
        <Decision postId={p.id} intent="restore" label="恢复" />
      ) : (
        <details>
          <summary className="cursor-pointer py-1.5 text-red-700">隐藏</summary>
          <Form method="post" className="mt-1 space-y-1">
            <input type="hidden" name="postId" value={p.id} />
            <input name="reason" aria-label="隐藏原因" className={inputClass} maxLength={200} placeholder="隐藏原因（作者可见）" required />
            <button name="intent" value="hide" className={secondaryButtonClass}>
              隐藏
            </button>
          </Form>
        </details>
      )}
      <Link to={`/manage/discussion/posts/${p.id}`} className="py-1.5 text-stone-500 underline">
        记录
      </Link>
    </>
  );
}
