import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { AUDIT_ACTIONS, type AuditAction } from "~/.server/audit";
import { recentAuditEntries } from "~/.server/audit-query";
import { requirePermissionAtRoot } from "~/.server/auth/guard";
import { inputClass, secondaryButtonClass } from "~/components/ui/form";

export const meta: MetaFunction = () => [{ title: "审计日志 · 网上党校" }];

// Every action has a label: the type makes a new action without one a compile error.
const ACTION_LABELS: Record<AuditAction, string> = {
  "login.success": "登录成功",
  "login.failure": "登录失败",
  logout: "退出登录",
  "password.change": "修改密码",
  "password.reset": "重置密码",
  "activation.issue": "发放激活码",
  "activation.export": "打印或导出激活码",
  "activation.use": "激活账号",
  "activation.revoke": "作废激活码",
  "activation.failure": "激活失败",
  "access.denied": "越权访问被拒绝",
  "person.view": "查看人员",
  "person.sensitive_view": "查看完整个人信息",
  "person.status_change": "变更政治面貌",
  "person.gate_override": "越过发展党员学时要求",
  "person.update": "修改人员信息",
  "person.disable": "停用账号",
  "person.enable": "启用账号",
  "people.import": "批量导入人员",
  "grant.add": "授予角色",
  "grant.remove": "撤销角色",
  "unit.create": "新建党组织",
  "unit.update": "修改党组织",
  "unit.move": "调整隶属关系",
  "unit.archive": "撤销党组织",
  "notice.post": "发布通知",
  "notice.archive": "撤下通知",
  "rules.choose": "更换学时规则包",
  "rules.override": "调整学时要求",
  "rules.restore": "恢复学时要求",
  "person.create": "新建人员",
  "people.export": "导出人员",
  "hours.credit": "记入学时",
  "hours.reverse": "冲销学时",
  "hours.repair": "补记遗漏的学时",
  "hours.export": "导出学时统计",
  "hours.approve_settings": "审核学时设置",
  "certificate.issue": "开具学时证明",
  "certificate.revoke": "作废学时证明",
  "admin.create": "创建管理员",
  "bank.create": "新建题库",
  "bank.import": "导入题库",
  "bank.export": "导出题库",
  "question.create": "新建试题",
  "question.update": "修改试题",
  "question.archive": "归档试题",
  "quiz.create": "新建测试",
  "quiz.update": "修改测试",
  "quiz.publish": "发布测试",
  "quiz.export": "导出测试报告",
  "attempt.flag": "标记异常作答",
  "contest.create": "新建竞赛",
  "contest.update": "修改竞赛",
  "contest.publish": "发布竞赛",
  "contest.draw": "满分答卷抽奖",
  "contest.export": "导出竞赛成绩",
  "course.create": "新建课程",
  "course.update": "修改课程",
  "course.publish": "发布课程",
  "course.unpublish": "撤下课程",
  "course.assign": "布置必修课程",
  "course.unassign": "取消必修布置",
  "media.upload": "上传课程媒体",
  "live.create": "新建现场赛",
  "activity.create": "新建组织生活",
  "activity.update": "修改组织生活",
  "activity.cancel": "取消组织生活",
  "activity.confirm": "确认组织生活出席",
  "activity.add_attendee": "补录出席人员",
  "activity.remove_attendee": "移除出席人员",
  "claim.submit": "提交学时申请",
  "claim.approve": "通过学时申请",
  "claim.reject": "驳回学时申请",
};

const FilterSchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  actor: z.string().trim().max(64).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  // The log covers the whole school, so only a grant at the root may read it.
  await requirePermissionAtRoot(request, "audit:view");
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const f = FilterSchema.parse({ action: params.action || undefined, actor: params.actor || undefined });
  const rows = await recentAuditEntries({ action: f.action, actorNumber: f.actor });
  return {
    actions: AUDIT_ACTIONS.map((a) => ({ key: a, label: ACTION_LABELS[a] })),
    rows: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString().replace("T", " ").slice(0, 19),
      action: ACTION_LABELS[r.action as AuditAction] ?? r.action,
      actor: r.actor ? `${r.actor.name}（${r.actor.number}）` : "—",
      target: r.targetKind ? `${r.targetKind}:${r.targetId}` : "",
      ip: r.ip ?? "",
      detail: r.detail ?? "",
    })),
  };
}

export default function AuditPage() {
  const { actions, rows } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div>
      <h1 className="mb-3 text-xl font-bold">审计日志</h1>
      <Form method="get" className="mb-3 flex flex-wrap gap-2">
        <select name="action" defaultValue={params.get("action") ?? ""} aria-label="操作" className={`${inputClass} w-auto`}>
          <option value="">全部操作</option>
          {actions.map((a) => (
            <option key={a.key} value={a.key}>
              {a.label}
            </option>
          ))}
        </select>
        <input name="actor" defaultValue={params.get("actor") ?? ""} placeholder="操作人学号/工号" aria-label="操作人学号/工号" className={`${inputClass} w-auto`} />
        <button className={secondaryButtonClass}>筛选</button>
      </Form>
      <p className="mb-2 text-xs text-stone-500">显示最近 200 条（UTC 时间）。</p>
      <div className="overflow-x-auto rounded-lg bg-white shadow">
        <table className="w-full text-left text-xs">
          <thead className="bg-stone-100">
            <tr>
              <th className="px-2 py-1">时间</th>
              <th className="px-2 py-1">操作</th>
              <th className="px-2 py-1">操作人</th>
              <th className="px-2 py-1">对象</th>
              <th className="px-2 py-1">地址</th>
              <th className="px-2 py-1">详情</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-stone-100 align-top" data-testid="audit-row">
                <td className="whitespace-nowrap px-2 py-1 font-mono">{r.at}</td>
                <td className="px-2 py-1">{r.action}</td>
                <td className="px-2 py-1">{r.actor}</td>
                <td className="px-2 py-1 font-mono">{r.target}</td>
                <td className="px-2 py-1 font-mono">{r.ip}</td>
                <td className="max-w-xs break-all px-2 py-1 font-mono">{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
