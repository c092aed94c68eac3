import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { searchParamsOf } from "~/.server/http/request-params";
import { requireMailboxDesk } from "~/.server/mailbox/access";
import { lettersForHandler, repliesBy } from "~/.server/mailbox/letters";
import { mailboxStatistics } from "~/.server/mailbox/statistics";
import { inputClass, secondaryButtonClass } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { letterStatusLabel } from "~/lib/mailbox";
import { WIDE_PAGE } from "~/lib/wide-page";
import { pageMeta } from "~/lib/page-meta";

// The handlers' desk (desktop): open and overdue letters of the mailboxes the caller handles (and of
// the units under a secretary's grant), each mailbox's figures, the caller's own replies, the export.
// The list never names an author. Outside the /manage layout: a named handler need hold no role.
// /manage/mailbox

// A desk page: the whole window's width (decision 065).
export const handle = WIDE_PAGE;

export const meta: MetaFunction = () => pageMeta("信箱处理 · 网上党校");

const VIEWS = ["open", "overdue", "all"] as const;
const VIEW_LABELS: Record<(typeof VIEWS)[number], string> = { open: "待办", overdue: "已逾期", all: "全部" };
const QuerySchema = z.object({ view: z.enum(VIEWS).default("open") });

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, configures } = await requireMailboxDesk(request);
  const { view } = searchParamsOf(request, QuerySchema);
  const now = new Date();
  const [letters, stats, replies] = await Promise.all([lettersForHandler(user, view, now), mailboxStatistics(user, now), repliesBy(user.id)]);
  return {
    view,
    configures,
    letters: letters.map((l) => ({
      id: l.id,
      subject: l.subject,
      status: letterStatusLabel(l.status),
      anonymous: l.anonymous,
      mailbox: l.mailbox,
      at: formatChinaDateTime(l.createdAt),
      dueAt: formatChinaDateTime(l.dueAt),
      overdue: l.overdue,
    })),
    stats,
    replies: replies.map((r) => ({
      id: r.id,
      letterId: r.letter.id,
      subject: r.letter.subject,
      body: r.body.slice(0, 80),
      at: formatChinaDateTime(r.createdAt),
    })),
  };
}

export default function MailboxDesk() {
  const { view, configures, letters, stats, replies } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-bold">信箱处理</h1>
        <Form method="get" className="ml-auto flex gap-2">
          <select name="view" defaultValue={view} aria-label="范围" className={`${inputClass} w-auto`}>
            {VIEWS.map((v) => (
              <option key={v} value={v}>
                {VIEW_LABELS[v]}
              </option>
            ))}
          </select>
          <button className={secondaryButtonClass}>查看</button>
        </Form>
        <a href="/manage/mailbox/statistics.xlsx" className={secondaryButtonClass}>
          导出统计（Excel）
        </a>
        {configures ? (
          <Link to="/manage/mailbox/settings" className={secondaryButtonClass}>
            信箱设置
          </Link>
        ) : null}
      </div>

      <section>
        <h2 className="mb-2 font-semibold">来信（{VIEW_LABELS[view]}）</h2>
        {letters.length === 0 ? (
          <p className="rounded-lg bg-white p-4 text-sm text-stone-500 shadow">没有来信。</p>
        ) : (
          <table className="w-full rounded-lg bg-white text-sm shadow">
            <thead className="text-left text-stone-500">
              <tr>
                <th className="p-2">主题</th>
                <th className="p-2">信箱</th>
                <th className="p-2">来信人</th>
                <th className="p-2">状态</th>
                <th className="p-2">来信时间</th>
                <th className="p-2">答复期限</th>
              </tr>
            </thead>
            <tbody>
              {letters.map((l) => (
                <tr key={l.id} className="border-t border-stone-100" data-testid="desk-letter">
                  <td className="break-all p-2">
                    <Link to={`/manage/mailbox/letters/${l.id}`} className="text-party underline">
                      {l.subject}
                    </Link>
                  </td>
                  <td className="p-2">{l.mailbox}</td>
                  <td className="p-2">{l.anonymous ? "匿名" : "署名"}</td>
                  <td className="p-2">{l.status}</td>
                  <td className="p-2 whitespace-nowrap">{l.at}</td>
                  <td className={`p-2 whitespace-nowrap ${l.overdue ? "font-semibold text-red-700" : ""}`}>
                    {l.dueAt}
                    {l.overdue ? "（已逾期）" : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section>
        <h2 className="mb-2 font-semibold">各信箱统计</h2>
        <table className="w-full rounded-lg bg-white text-sm shadow" data-testid="mailbox-stats">
          <thead className="text-left text-stone-500">
            <tr>
              <th className="p-2">信箱</th>
              <th className="p-2">收信</th>
              <th className="p-2">已答复</th>
              <th className="p-2">按时答复</th>
              <th className="p-2">逾期未答复</th>
              <th className="p-2">答复用时中位数</th>
            </tr>
          </thead>
          <tbody>
            {stats.map((s) => (
              <tr key={s.id} className="border-t border-stone-100">
                <td className="p-2">{s.title}</td>
                <td className="p-2">{s.received}</td>
                <td className="p-2">{s.answered}</td>
                <td className="p-2">{s.answeredOnTime}</td>
                <td className="p-2">{s.overdue}</td>
                <td className="p-2">{s.medianHoursToAnswer === null ? "—" : `${s.medianHoursToAnswer} 小时`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h2 className="mb-2 font-semibold">我的答复记录</h2>
        {replies.length === 0 ? <p className="text-sm text-stone-500">还没有答复过来信。</p> : null}
        <ul className="space-y-1 text-sm">
          {replies.map((r) => (
            <li key={r.id}>
              <span className="text-stone-500">{r.at}</span>{" "}
              <Link to={`/manage/mailbox/letters/${r.letterId}`} className="text-party underline">
                {r.subject}
              </Link>
              ：{r.body}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
