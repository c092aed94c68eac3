import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireManagerOf, requirePermission } from "~/.server/auth/guard";
import { approveClaim, claimUnitId, claimsForReview, rejectClaim } from "~/.server/claims/claims";
import { FormMessage, Notice, buttonClass, secondaryButtonClass } from "~/components/ui/form";
import { CLAIM_STATUS_LABELS, DecisionReasonSchema } from "~/lib/claims";
import { formatChinaDateTime, formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { hoursCategoryLabel } from "~/lib/hours-categories";
import { scopePaths } from "~/lib/permissions";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// Requests for external training hours from people in the secretary's units, pending first:
// approve (hours credited through the ledger) or reject with a reason. /manage/claims

export const meta: MetaFunction = () => pageMeta("学时申请审核 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "claims:review");
  const { pending, decided } = await claimsForReview(scopePaths(user.grants, "claims:review"));
  const shape = (c: (typeof pending)[number]) => ({
    ...c,
    earnedOn: formatDate(c.earnedOn),
    createdAt: formatChinaDateTime(c.createdAt),
    decidedAt: formatChinaDateTime(c.decidedAt),
    own: c.person.id === user.id,
  });
  return { pending: pending.map(shape), decided: decided.map(shape) };
}

const ApproveSchema = z.object({ intent: z.literal("approve") });
const RejectSchema = z.object({ intent: z.literal("reject"), reason: DecisionReasonSchema });
const DecisionSchema = z.discriminatedUnion("intent", [ApproveSchema, RejectSchema], { error: "未知的操作" });
type Reply = { result: SubmissionResult<string[]>; claimId: number; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "claims:review");
  const formData = await readForm(request);
  const claimId = formData.get("claimId");
  const { user, id } = await requireManagerOf(request, "claims:review", typeof claimId === "string" ? claimId : undefined, claimUnitId);
  const submission = parseWithZod(formData, { schema: DecisionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), claimId: id }, { status: 400 });
  const done = (message: string) => data<Reply>({ result: submission.reply({ resetForm: true }), claimId: id, message });
  try {
    if (submission.value.intent === "approve") {
      await approveClaim(user.id, id);
      return done("已通过，学时已记入");
    }
    await rejectClaim(user.id, id, submission.value.reason);
    return done("已退回申请");
  } catch (e) {
    return formRefusal(submission, e, { claimId: id });
  }
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["pending"][number];

function ClaimSummary({ c }: { c: Row }) {
  return (
    <div className="flex-1">
      <p className="font-semibold">
        {c.person.name} <span className="text-xs font-normal text-stone-500">{c.person.unit.name}</span>
      </p>
      <p>
        {c.title}
        {c.organizer ? <span className="text-stone-500">（{c.organizer}）</span> : null}
      </p>
      <p className="text-xs text-stone-500">
        {hoursCategoryLabel(c.category)} · {formatHours(c.hours)} 学时 · 培训日期 {c.earnedOn} · 提交于 {c.createdAt}
      </p>
    </div>
  );
}

function DecisionForms({ c, lastResult }: { c: Row; lastResult: SubmissionResult<string[]> | undefined }) {
  const [approveForm] = useForm({ id: `approve-${c.id}` });
  const [rejectForm, rejectFields] = useForm({
    id: `reject-${c.id}`,
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RejectSchema }),
  });
  const reason = rejectFields.reason;
  return (
    <div className="flex flex-col gap-2 sm:w-64">
      <Form method="post" {...getFormProps(approveForm)}>
        <input type="hidden" name="claimId" value={c.id} />
        <button name="intent" value="approve" className={buttonClass}>
          通过并记入学时
        </button>
      </Form>
      <Form method="post" {...getFormProps(rejectForm)}>
        <div className="flex gap-1">
          <input type="hidden" name="claimId" value={c.id} />
          <input
            {...getInputProps(reason, { type: "text" })}
            aria-label={`退回${c.person.name}申请的原因`}
            placeholder="不通过的原因"
            required
            minLength={2}
            maxLength={200}
            className="w-full rounded border border-stone-300 px-2 py-1"
          />
          <button name="intent" value="reject" className={secondaryButtonClass}>
            退回
          </button>
        </div>
        {reason.errors?.length ? (
          <p id={reason.errorId} className="mt-1 text-sm text-red-700" role="alert">
            {reason.errors.join("；")}
          </p>
        ) : null}
      </Form>
    </div>
  );
}

export default function ClaimReview() {
  const { pending, decided } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  // A refusal of the whole decision shows at the top: the claim it names may have left the pending list.
  const [decision] = useForm({ id: "claim-decision", lastResult: reply?.result });
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">学时申请审核</h1>
      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      <FormMessage messages={decision.errors} />
      <section className="space-y-2">
        <h2 className="font-bold">待审核（{pending.length}）</h2>
        {pending.length === 0 ? <p className="text-sm text-stone-500">没有待审核的申请。</p> : null}
        {pending.map((c) => (
          <article key={c.id} className="flex flex-col gap-3 rounded-lg bg-white p-3 text-sm shadow sm:flex-row" data-testid="pending-claim">
            <a href={`/claims/${c.id}/certificate`} target="_blank" rel="noreferrer" className="shrink-0">
              <img
                src={`/claims/${c.id}/certificate`}
                loading="lazy"
                alt={`${c.title}的证书`}
                className="h-32 w-44 rounded border border-stone-200 object-contain"
              />
            </a>
            <ClaimSummary c={c} />
            {c.own ? (
              <p className="text-xs text-stone-500">本人的申请须由其他审核人处理。</p>
            ) : (
              <DecisionForms c={c} lastResult={reply?.claimId === c.id ? reply.result : undefined} />
            )}
          </article>
        ))}
      </section>
      <section className="space-y-2">
        <h2 className="font-bold">最近审核</h2>
        {decided.length === 0 ? <p className="text-sm text-stone-500">暂无。</p> : null}
        {decided.map((c) => (
          <article key={c.id} className="flex gap-3 rounded-lg bg-white p-3 text-sm shadow">
            <ClaimSummary c={c} />
            <p className="text-right text-xs">
              <span className={c.status === "approved" ? "text-green-700" : "text-red-700"}>{CLAIM_STATUS_LABELS[c.status] ?? c.status}</span>
              <span className="block text-stone-500">{c.decidedAt}</span>
              {c.decisionReason ? <span className="block text-stone-600">{c.decisionReason}</span> : null}
            </p>
          </article>
        ))}
      </section>
    </div>
  );
}
