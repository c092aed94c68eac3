import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { postForModerator } from "~/.server/discussion/moderation";
import { orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { formatChinaDateTime } from "~/lib/dates";
import { pageMeta } from "~/lib/page-meta";

// One post for its moderators: the text now, every earlier version its author replaced, its reports
// and the last decision. /manage/discussion/posts/:postId

export const meta: MetaFunction = () => pageMeta("讨论内容记录 · 网上党校");

const STATE: Record<string, string> = { published: "已公开", held: "待审核", hidden: "已隐藏" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "discussion:moderate");
  const postId = idParam(params.postId, "没有找到这条内容");
  const p = await orRefuse(() => postForModerator({ id: user.id, grants: user.grants }, postId));
  return {
    post: {
      id: p.id,
      topicId: p.topicId,
      topic: p.topic.title,
      author: p.author.name,
      body: p.body,
      state: STATE[p.state] ?? p.state,
      hiddenReason: p.hiddenReason,
      createdAt: formatChinaDateTime(p.createdAt),
      editedAt: p.editedAt ? formatChinaDateTime(p.editedAt) : null,
      moderated: p.moderatedAt ? `${p.moderatedBy?.name ?? ""} · ${formatChinaDateTime(p.moderatedAt)}` : null,
    },
    versions: p.versions.map((v) => ({ id: v.id, body: v.body, at: formatChinaDateTime(v.createdAt) })),
    reports: p.reports.map((r) => ({ reason: r.reason, at: formatChinaDateTime(r.createdAt), resolved: r.resolvedAt !== null })),
  };
}

export default function PostRecordPage() {
  const { post, versions, reports } = useLoaderData<typeof loader>();
  return (
    <div className="max-w-3xl space-y-4">
      <Link to="/manage/discussion" className="text-sm text-party underline">
        讨论审核
      </Link>
      <h1 className="text-xl font-bold">
        {post.author} 在“{post.topic}”中的发言
      </h1>
      <p className="text-sm text-stone-600">
        {post.state} · 发表于 {post.createdAt}
        {post.editedAt ? ` · 最后修改 ${post.editedAt}` : ""}
        {post.moderated ? ` · 最近处理：${post.moderated}` : ""}
        {post.hiddenReason ? ` · 隐藏原因：${post.hiddenReason}` : ""}
      </p>
      <section>
        <h2 className="font-bold">当前内容</h2>
        <pre className="whitespace-pre-wrap break-words rounded bg-white p-3 text-sm shadow">{post.body}</pre>
      </section>
      <section>
        <h2 className="font-bold">修改前的版本（{versions.length}）</h2>
        {versions.map((v) => (
          <div key={v.id} className="mt-2">
            <p className="text-xs text-stone-500">{v.at} 的版本</p>
            <pre className="whitespace-pre-wrap break-words rounded bg-white p-3 text-sm shadow">{v.body}</pre>
          </div>
        ))}
      </section>
      <section>
        <h2 className="font-bold">举报（{reports.length}）</h2>
        <ul className="text-sm">
          {reports.map((r, i) => (
            <li key={i}>
              {r.at}：{r.reason}
              {r.resolved ? "（已处理）" : ""}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
