import { Form } from "@remix-run/react";
import { secondaryButtonClass } from "~/components/ui/form";

// The credit settings' approval on a quiz's or contest's manage page (decision 028): who set the pass
// mark and hours, who approved them, and the approve button for another manager of the unit.

export type CreditApprovalProps = {
  setByName: string | null;
  approvedByName: string | null;
  pending: boolean;
  viewerIsSetter: boolean;
  canApprove: boolean;
  fingerprint: string;
};

export function CreditApproval({ approval, what }: { approval: CreditApprovalProps; what: "测试" | "竞赛" }) {
  const settings = what === "测试" ? "及格线和学时" : "学时";
  return (
    <div className="mt-3 rounded border border-stone-200 p-3 text-sm" data-testid="credit-approval">
      <p>
        {settings}设置人：{approval.setByName ?? "未记录"}
        {approval.approvedByName ? `；已由 ${approval.approvedByName} 审核` : approval.pending ? "；待其他管理员审核" : ""}
      </p>
      {approval.pending ? (
        <p className="mt-1 text-amber-800">
          {approval.viewerIsSetter
            ? `${settings}是您设置的：审核前，您本人参加本${what}照常评分，但不记入学时。请本组织的其他管理员审核。`
            : `审核前，设置人本人参加本${what}照常评分，但不记入学时。`}
        </p>
      ) : null}
      {approval.canApprove ? (
        <Form method="post" className="mt-2">
          <input type="hidden" name="seen" value={approval.fingerprint} />
          <button name="intent" value="approve-credit" className={secondaryButtonClass}>
            审核通过学时设置
          </button>
        </Form>
      ) : null}
    </div>
  );
}
