import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { homePage } from "~/.server/home/home-page";
import { PageLevels } from "~/components/org-pages/page-levels";
import { TodoList } from "~/components/todo/todo-list";
import { formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { todoRows } from "~/lib/todo";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus, UNIT_KIND_LABELS, type UnitKind } from "~/lib/vocabulary";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("首页 · 网上党校", "我的待办：要学的课程、要参加的测试与竞赛、将要召开的组织生活和学时进度。");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { unitName, year, hoursTotal, notices, pageLevels, todo, duties } = await homePage(user);
  return {
    todo: todoRows(todo),
    duties,
    name: user.name,
    status: user.politicalStatus as PoliticalStatus,
    unitName,
    year,
    hoursTotal,
    pageLevels,
    notices: notices.map((n) => ({ ...n, publishedAt: formatDate(n.publishedAt), unitKind: n.unit.kind as UnitKind })),
  };
}

const PLACES = [
  { to: "/courses", title: "学习", text: "课程与微党课" },
  { to: "/quizzes", title: "答题", text: "在线测试" },
  { to: "/contests", title: "竞赛", text: "知识竞赛" },
  { to: "/hours", title: "学时", text: "学时要求与记录" },
  { to: "/classes", title: "培训班", text: "党校培训班" },
  { to: "/meetings", title: "组织生活", text: "会议、请假与补学" },
  { to: "/calendar", title: "日程", text: "我的日历" },
  { to: "/mailbox", title: "信箱", text: "书记信箱" },
  { to: "/discuss", title: "大家谈", text: "交流讨论" },
];

export default function Home() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="space-y-5">
      <header>
        <h1 className="text-xl font-bold">您好，{d.name}</h1>
        <p className="text-sm text-stone-600">
          {POLITICAL_STATUS_LABELS[d.status]} · {d.unitName}
        </p>
      </header>

      <section aria-labelledby="todo-heading">
        <h2 id="todo-heading" className="mb-2 text-lg font-bold">
          我的待办
        </h2>
        <TodoList items={d.todo} empty="眼下没有待办事项。" />
      </section>

      {d.duties.length > 0 ? (
        <section aria-labelledby="duties-heading">
          <h2 id="duties-heading" className="mb-2 text-lg font-bold">
            待我处理
          </h2>
          <ul className="grid gap-2 sm:grid-cols-2">
            {d.duties.map((t) => (
              <li key={t.key} data-testid="duty">
                <Link to={t.href} className="flex items-center justify-between gap-2 rounded-lg bg-white p-3 shadow hover:ring-2 hover:ring-party">
                  <span className="break-words">{t.title}</span>
                  <span className="shrink-0 text-sm">
                    <strong className="text-party text-lg">{t.count}</strong> 项
                    {t.overdue > 0 ? <span className="ml-1 rounded bg-red-600 px-1.5 py-0.5 text-xs text-white">逾期 {t.overdue}</span> : null}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="rounded-lg bg-white p-4 shadow">
        <p className="text-sm">
          {d.year} 年已获学时 <strong className="text-party text-xl">{formatHours(d.hoursTotal)}</strong>
        </p>
      </section>

      <section aria-labelledby="levels-heading">
        <h2 id="levels-heading" className="mb-2 text-lg font-bold">
          党组织主页
        </h2>
        <PageLevels levels={d.pageLevels} label="我的党组织主页" />
      </section>

      <nav className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="学习入口">
        {PLACES.map((p) => (
          <Link key={p.to} to={p.to} className="rounded-lg bg-white p-3 text-center shadow hover:ring-2 hover:ring-party">
            <span className="block text-lg font-bold text-party">{p.title}</span>
            <span className="text-xs text-stone-600">{p.text}</span>
          </Link>
        ))}
      </nav>

      <section aria-labelledby="notices-heading">
        <h2 id="notices-heading" className="mb-2 text-lg font-bold">
          通知公告
        </h2>
        {d.notices.length === 0 ? <p className="text-sm text-stone-500">暂无通知。</p> : null}
        <ul className="space-y-3">
          {d.notices.map((n) => (
            <li key={n.id} className="rounded-lg bg-white p-4 shadow" data-testid="notice">
              <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-stone-500">
                {n.pinned ? <span className="rounded bg-party px-1.5 py-0.5 text-white">置顶</span> : null}
                <span>{UNIT_KIND_LABELS[n.unitKind]}</span>
                <span>{n.unit.name}</span>
                <time>{n.publishedAt}</time>
              </div>
              <h3 className="font-semibold">{n.title}</h3>
              <p className="mt-1 whitespace-pre-line text-sm text-stone-700">{n.body}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
