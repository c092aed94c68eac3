import { type LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { handlesAnyMailbox } from "~/.server/mailbox/letters";
import { hasAnyGrant, roleHas } from "~/lib/permissions";
import { WIDE_PAGE } from "~/lib/wide-page";

// The management area: organisation, people, notices, question banks. Each child route checks its own permission.

// A desk page: the whole window's width (decision 065).
export const handle = WIDE_PAGE;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "org:view");
  return {
    links: [
      { to: "/manage/org", label: "组织架构", show: true },
      { to: "/manage/people", label: "人员管理", show: hasAnyGrant(user.grants, "people:view") },
      { to: "/manage/pipeline", label: "发展党员", show: hasAnyGrant(user.grants, "people:view") },
      { to: "/manage/courses", label: "课程", show: hasAnyGrant(user.grants, "courses:manage") },
      { to: "/manage/quizzes", label: "测试", show: hasAnyGrant(user.grants, "quizzes:manage") },
      { to: "/manage/contests", label: "竞赛", show: hasAnyGrant(user.grants, "contests:manage") },
      { to: "/manage/activities", label: "组织生活", show: hasAnyGrant(user.grants, "activities:manage") },
      { to: "/manage/classes", label: "党校培训班", show: hasAnyGrant(user.grants, "classes:manage") || hasAnyGrant(user.grants, "classes:nominate") },
      { to: "/manage/reports", label: "学时统计", show: hasAnyGrant(user.grants, "hours:report") },
      { to: "/manage/claims", label: "学时申请", show: hasAnyGrant(user.grants, "claims:review") },
      { to: "/manage/notices", label: "通知公告", show: hasAnyGrant(user.grants, "notices:post") },
      { to: "/manage/mailbox", label: "书记信箱", show: hasAnyGrant(user.grants, "mailbox:manage") || (await handlesAnyMailbox(user)) },
      { to: "/manage/pages", label: "党组织主页", show: hasAnyGrant(user.grants, "pages:manage") },
      { to: "/manage/discussion", label: "讨论审核", show: hasAnyGrant(user.grants, "discussion:moderate") },
      {
        to: "/manage/review",
        label: "发布审核",
        show: (["notices:post", "pages:manage", "org:manage"] as const).some((p) => hasAnyGrant(user.grants, p)),
      },
      { to: "/manage/banks", label: "题库", show: hasAnyGrant(user.grants, "banks:manage") },
      { to: "/manage/rules", label: "学时规则", show: hasAnyGrant(user.grants, "rules:manage") },
      // The audit log is granted at the root only (a grant whose path has one segment).
      { to: "/manage/audit", label: "审计日志", show: user.grants.some((g) => roleHas(g.role, "audit:view") && /^\/\d+\/$/.test(g.unitPath)) },
      // The unit's calendar (docs/decisions/057).
      { to: "/manage/calendar", label: "组织日程", show: hasAnyGrant(user.grants, "activities:manage") },
    ].filter((l) => l.show),
  };
}

export default function ManageLayout() {
  const { links } = useLoaderData<typeof loader>();
  return (
    <div>
      <nav className="mb-4 flex gap-1 overflow-x-auto border-b border-stone-200 print:hidden" aria-label="管理">
        {links.map((l) => (
          <NavLink
            key={l.to}
            to={l.to}
            className={({ isActive }) =>
              `whitespace-nowrap border-b-2 px-3 py-2 text-sm ${isActive ? "border-party font-semibold text-party" : "border-transparent text-stone-600 hover:text-stone-900"}`
            }
          >
            {l.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
