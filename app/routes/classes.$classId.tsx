import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { classPageFor } from "~/.server/classes/class-page";
import { idParam } from "~/.server/http/request-params";
import { orRefuse } from "~/.server/http/refusal";
import { CLASS_KIND_LABELS, CLASS_STATUS_LABELS } from "~/lib/classes";
import { formatChinaDateTime, formatDate } from "~/lib/dates";
import { BackLink } from "~/components/nav/back-link";
import { pageMeta } from "~/lib/page-meta";

// One class on a learner's phone: what is done, what is next, what is due; then the whole schedule
// with each item's state, read from the progress, check-ins, grades and submissions kept elsewhere.
// A tutor sees their group's members. Anyone else gets "not found". /classes/:classId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.cls.title ?? "培训班"} · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const classId = idParam(params.classId, "培训班不存在");
  const page = await orRefuse(() => classPageFor(user.id, classId));
  const item = <T extends { dueAt: Date | null }>(i: T) => ({ ...i, dueAt: i.dueAt ? formatChinaDateTime(i.dueAt) : null });
  return {
    cls: { ...page.cls, startsOn: formatDate(page.cls.startsOn), endsOn: formatDate(page.cls.endsOn) },
    membership: page.membership,
    items: page.items.map(item),
    summary: { done: page.summary.done, total: page.summary.total, next: page.summary.next ? item(page.summary.next) : null, due: page.summary.due.map(item) },
    tutoring: page.tutoring,
  };
}

const KIND_LABELS = { course: "课程", session: "面授", exam: "考试", assignment: "作业" } as const;
const STATE_STYLES = { done: "bg-green-100 text-green-800", todo: "bg-amber-100 text-amber-900", missed: "bg-stone-200 text-stone-700" } as const;
const STATE_LABELS = { done: "已完成", todo: "未完成", missed: "已错过" } as const;

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

function ItemTitle({ item }: { item: Item }) {
  return item.href ? (
    <Link to={item.href} className="font-medium text-party underline">
      {item.title}
    </Link>
  ) : (
    <span className="font-medium">{item.title}</span>
  );
}

export default function ClassPage() {
  const { cls, membership, items, summary, tutoring } = useLoaderData<typeof loader>();
  const withdrawn = membership?.status === "withdrawn";
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <div>
        <BackLink to="/classes">我的培训班</BackLink>
        <h1 className="mt-1 text-xl font-bold">{cls.title}</h1>
        <p className="text-sm text-stone-600">
          第 {cls.term} 期{CLASS_KIND_LABELS[cls.kind]} · {cls.unitName}
        </p>
        <p className="text-sm text-stone-600">
          {cls.startsOn} 至 {cls.endsOn} · {CLASS_STATUS_LABELS[cls.status]}
          {membership?.groupName ? ` · ${membership.groupName}` : ""}
        </p>
      </div>
      {withdrawn ? (
        <p className="rounded-md border border-stone-300 bg-stone-50 px-3 py-2 text-sm" role="status">
          您已退出本班{membership?.reason ? `（原因：${membership.reason}）` : ""}。
        </p>
      ) : null}
      {membership?.result ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-label="结业" data-testid="class-result">
          {membership.result.graduated ? (
            <p className="text-sm">
              您已结业{membership.result.excellent ? "，并被评为优秀学员" : ""}。
              <Link to={`/classes/${cls.id}/certificate`} className="ml-1 font-medium text-party underline">
                查看结业证书
              </Link>
            </p>
          ) : (
            <p className="text-sm">本期培训成绩已公布，您未达到结业要求。如有疑问请联系主办方。</p>
          )}
        </section>
      ) : null}
      {membership && !withdrawn && summary.total > 0 ? (
        <section className="space-y-3 rounded-lg bg-white p-4 shadow" aria-label="学习进度" data-testid="class-summary">
          <p className="text-sm">
            已完成 <strong data-testid="done-count">{summary.done}</strong> / {summary.total} 项
          </p>
          <div className="h-2 rounded bg-stone-200" aria-hidden>
            <div className="h-2 rounded bg-party" style={{ width: `${summary.total ? Math.round((summary.done / summary.total) * 100) : 0}%` }} />
          </div>
          <div data-testid="next-item">
            <h2 className="text-sm font-semibold text-stone-700">下一步</h2>
            {summary.next ? (
              <p className="text-sm">
                {KIND_LABELS[summary.next.kind]}：<ItemTitle item={summary.next} />
                {summary.next.dueAt ? <span className="text-stone-600">（{summary.next.dueAt}）</span> : null}
              </p>
            ) : (
              <p className="text-sm text-green-800">全部完成了。</p>
            )}
          </div>
          {summary.due.length ? (
            <div data-testid="due-items">
              <h2 className="text-sm font-semibold text-stone-700">近期待办</h2>
              <ul className="text-sm">
                {summary.due.map((i) => (
                  <li key={i.key} className={i.overdue ? "text-red-800" : ""}>
                    {i.overdue ? "已逾期：" : ""}
                    {i.title} · {i.dueAt}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </section>
      ) : null}
      {membership ? (
        <section aria-label="日程" className="space-y-2">
          <h2 className="font-semibold text-stone-700">日程</h2>
          {items.length === 0 ? <p className="text-sm text-stone-500">日程尚未安排。</p> : null}
          <ul className="space-y-2">
            {items.map((i) => (
              <li key={i.key} className="rounded-lg bg-white p-3 shadow" data-testid="class-item" data-state={i.state}>
                <div className="flex items-start gap-2">
                  <span className="shrink-0 rounded bg-stone-100 px-1.5 text-xs leading-5">{KIND_LABELS[i.kind]}</span>
                  <div className="min-w-0 flex-1 break-words">
                    <ItemTitle item={i} />
                    <p className="text-xs text-stone-600">
                      {i.detail}
                      {i.dueAt ? ` · ${i.kind === "session" ? "时间" : "截止"} ${i.dueAt}` : ""}
                    </p>
                  </div>
                  <span className={`shrink-0 rounded px-1.5 text-xs leading-5 ${STATE_STYLES[i.state]}`}>{STATE_LABELS[i.state]}</span>
                </div>
              </li>
            ))}
          </ul>
          {items.some((i) => i.kind === "session" && i.state === "todo") ? (
            <p className="text-xs text-stone-500">面授课到场后扫描投影屏幕上的二维码签到。</p>
          ) : null}
        </section>
      ) : null}
      {tutoring.map((g) => (
        <section key={g.id} className="space-y-2 rounded-lg bg-white p-4 shadow" data-testid="tutor-group">
          <h2 className="font-semibold">
            我指导的{g.name}（{g.members.length} 人）
          </h2>
          <ul className="text-sm">
            {g.members.map((m) => (
              <li key={m.personId}>
                {m.name} · {m.unitName}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
