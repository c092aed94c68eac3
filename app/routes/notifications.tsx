import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { searchParamsOf } from "~/.server/http/request-params";
import { inboxPage, markAllRead, markRead } from "~/.server/notify/inbox";
import { secondaryButtonClass } from "~/components/ui/form";
import { NOTIFICATION_KINDS, isNotificationKind } from "~/lib/notification-kinds";
import { safeRedirect } from "~/lib/safe-redirect";
import { pageMeta } from "~/lib/page-meta";

// The inbox: the caller's own notifications, newest first, a page at a time. Opening one marks it read
// and follows its link; "全部标为已读" clears the header's count.

export const meta: MetaFunction = () => pageMeta("消息通知 · 网上党校");

const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { page } = searchParamsOf(request, PageQuery, "页码有误");
  const inbox = await inboxPage(user.id, page);
  return {
    page,
    pages: inbox.pages,
    unread: inbox.unread,
    rows: inbox.rows.map((n) => ({
      id: n.id,
      kind: isNotificationKind(n.kind) ? NOTIFICATION_KINDS[n.kind].label : n.kind,
      title: n.title,
      body: n.body,
      hasLink: n.url !== null,
      createdAt: n.createdAt.toISOString(),
      read: n.readAt !== null,
    })),
  };
}

const InboxAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("open"), id: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("read_all") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readForm(request), { schema: InboxAction });
  if (submission.status !== "success") throw new Response("提交的内容有误", { status: 400 });
  if (submission.value.intent === "read_all") {
    await markAllRead(user.id);
    return redirect("/notifications");
  }
  const opened = await markRead(user.id, submission.value.id);
  if (!opened) throw new Response("这条通知不存在", { status: 404 });
  return redirect(safeRedirect(opened.url, "/notifications"));
}

const beijing = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });

export default function Notifications() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-2xl">
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-bold">消息通知</h1>
        <span className="text-sm text-stone-600" data-testid="unread-summary">
          {d.unread ? `${d.unread} 条未读` : "没有未读消息"}
        </span>
        <Link to="/account/notifications" className="ml-auto text-sm text-party underline">
          通知设置
        </Link>
        {d.unread ? (
          <Form method="post">
            <button type="submit" name="intent" value="read_all" className={secondaryButtonClass}>
              全部标为已读
            </button>
          </Form>
        ) : null}
      </div>
      {d.rows.length === 0 ? <p className="rounded-lg bg-white p-6 text-center text-stone-500 shadow">暂无消息。</p> : null}
      <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg bg-white shadow">
        {d.rows.map((n) => (
          <li key={n.id} className={n.read ? "" : "bg-amber-50"} data-testid="notification">
            <Form method="post">
              <input type="hidden" name="id" value={n.id} />
              <button type="submit" name="intent" value="open" className="block w-full px-4 py-3 text-left hover:bg-stone-50">
                <span className="flex items-baseline gap-2">
                  {n.read ? null : <span className="inline-block h-2 w-2 shrink-0 rounded-full bg-party" aria-label="未读" />}
                  <span className={`min-w-0 flex-1 ${n.read ? "" : "font-semibold"}`}>{n.title}</span>
                  <time dateTime={n.createdAt} className="shrink-0 text-xs text-stone-500">
                    {beijing.format(new Date(n.createdAt))}
                  </time>
                </span>
                <span className="mt-1 block text-sm text-stone-600">{n.body}</span>
                <span className="mt-1 block text-xs text-stone-600">
                  {n.kind}
                  {n.hasLink ? " · 点击查看" : ""}
                </span>
              </button>
            </Form>
          </li>
        ))}
      </ul>
      {d.pages > 1 ? (
        <nav className="mt-4 flex items-center justify-center gap-4 text-sm" aria-label="分页">
          {d.page > 1 ? <Link to={`?page=${d.page - 1}`}>上一页</Link> : null}
          <span>
            第 {d.page} / {d.pages} 页
          </span>
          {d.page < d.pages ? <Link to={`?page=${d.page + 1}`}>下一页</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
