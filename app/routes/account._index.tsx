import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { accountProfile } from "~/.server/account/profile";
import { contactCount } from "~/.server/assignments/thought-reports";
import { handlesAnyMailbox } from "~/.server/mailbox/letters";
import { searchHistoryState } from "~/.server/learning/search-history";
import { unreadCount } from "~/.server/notify/inbox";
import { SearchHistoryForm, searchHistoryNotice } from "~/components/account/search-history-form";
import { SignOutForm } from "~/components/account/sign-out-form";
import { Notice } from "~/components/ui/form";
import { formatDate } from "~/lib/dates";
import { maskPhone } from "~/lib/mask";
import { CADRE_LEVEL_LABELS, POLITICAL_STATUS_LABELS, ROLE_LABELS, type CadreLevel, type PoliticalStatus, type Role } from "~/lib/vocabulary";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("我的账号 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const me = await accountProfile(user.id);
  return {
    ...me,
    statusSince: formatDate(me.statusSince),
    // Masked even for oneself: the page may be open on a shared or watched screen.
    phone: maskPhone(me.phone),
    grants: me.grants.map((g) => ({ role: g.role as Role, unit: g.unit.name })),
    searchHistory: await searchHistoryState(user.id),
    // A 培养联系人 reads the reports of the people they contact; most accounts contact nobody.
    contacts: await contactCount(user.id),
    // A named handler of a 书记信箱 need hold no role: the desk is linked from here.
    handlesMailbox: await handlesAnyMailbox(user),
    unread: await unreadCount(user.id),
  };
}

export default function AccountPage() {
  const me = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const searchNotice = searchHistoryNotice(params);
  return (
    <div className="mx-auto max-w-lg space-y-4">
      {params.get("changed") ? <Notice>密码已修改，其他设备上的登录已失效。</Notice> : null}
      {searchNotice ? <Notice>{searchNotice}</Notice> : null}
      <section className="rounded-lg bg-white p-4 shadow">
        <h1 className="mb-2 text-xl font-bold">{me.name}</h1>
        <dl className="grid grid-cols-[6rem_1fr] gap-y-1 text-sm">
          <dt className="text-stone-500">学号/工号</dt>
          <dd className="font-mono">{me.number}</dd>
          <dt className="text-stone-500">党组织</dt>
          <dd>{me.unit.name}</dd>
          <dt className="text-stone-500">政治面貌</dt>
          <dd>
            {POLITICAL_STATUS_LABELS[me.politicalStatus as PoliticalStatus]}
            {me.statusSince ? `（${me.statusSince} 起）` : ""}
          </dd>
          <dt className="text-stone-500">干部级别</dt>
          <dd>{CADRE_LEVEL_LABELS[me.cadreLevel as CadreLevel]}</dd>
          <dt className="text-stone-500">手机号</dt>
          <dd className="font-mono">{me.phone || "—"}</dd>
          <dt className="text-stone-500">角色</dt>
          <dd>{me.grants.length ? me.grants.map((g) => `${ROLE_LABELS[g.role]}（${g.unit}）`).join("、") : ROLE_LABELS.learner}</dd>
        </dl>
      </section>
      {/* The 我的 tab (decision 063): every personal place as a row a thumb can hit, sign-out last. */}
      <nav aria-label="我的账户" className="overflow-hidden rounded-lg bg-white shadow">
        <ul className="divide-y divide-stone-100">
          {[
            { to: "/notifications", label: "消息", detail: me.unread ? `${me.unread} 条未读` : null },
            { to: "/calendar", label: "我的日程", detail: null },
            { to: "/classes", label: "我的培训班", detail: null },
            { to: "/meetings", label: "组织生活", detail: null },
            { to: "/hours", label: "我的学时", detail: null },
            { to: "/hours#certificates-heading", label: "学时证明", detail: null },
            { to: "/account/claims", label: "学时申请", detail: null },
            { to: "/account/thought-reports", label: "思想汇报", detail: null },
            ...(me.contacts > 0
              ? [{ to: "/account/thought-reports/contacts", label: `我联系的入党积极分子的思想汇报（${me.contacts} 人）`, detail: null }]
              : []),
            { to: "/mailbox", label: "书记信箱", detail: null },
            ...(me.handlesMailbox ? [{ to: "/manage/mailbox", label: "信箱处理", detail: null }] : []),
            { to: "/account/password", label: "修改密码", detail: null },
            { to: "/account/notifications", label: "通知设置", detail: null },
          ].map((l) => (
            <li key={l.to}>
              <Link to={l.to} className="flex min-h-12 items-center gap-2 px-4 py-2 text-stone-900 hover:bg-stone-50">
                <span className="flex-1">{l.label}</span>
                {l.detail ? <span className="rounded-full bg-party px-2 text-xs font-bold text-white">{l.detail}</span> : null}
                <span aria-hidden="true" className="text-stone-500">
                  ›
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="space-y-3 rounded-lg bg-white p-4 shadow" aria-labelledby="privacy-heading">
        <h2 id="privacy-heading" className="font-semibold">
          个人信息
        </h2>
        <p className="flex flex-wrap gap-3 text-sm">
          <Link to="/account/data" className="text-party underline">
            查看和下载我的个人信息
          </Link>
          <Link to="/privacy" className="text-party underline">
            隐私说明
          </Link>
        </p>
        <SearchHistoryForm keep={me.searchHistory.keep} count={me.searchHistory.count} back="/account" />
      </section>
      <SignOutForm label="退出登录" className="min-h-12 w-full rounded-lg bg-white px-4 py-2 font-semibold text-party shadow hover:bg-stone-50" />
    </div>
  );
}
