import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireManagerOf, requirePermission } from "~/.server/auth/guard";
import { approveClaim, claimUnitId, claimsForReview, rejectClaim } from "~/.server/claims/claims";
import { FormMessage, Notice, buttonClass, secondaryButtonClass } from "~/components/ui/form";
import { CLAIM_STATUS_LABELS, DecisionReasonSchema } from "~/lib/claims";
import { formatChinaDateTime, formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { HOURS_CATEGORY_LABELS, type HoursCategory } from "~/lib/hours-categories";
import { scopePaths } from "~/lib/permissions";
import { readForm } from "~/.server/http/form-body";
import { isAppError } from "~/lib/app-error";

// Requests for external training hours from people in the secretary's units, pending first:
// approve (hours credited through the ledger) or reject with a reason. /manage/claims

export const meta: MetaFunction = () => [{ title: "学时申请审核 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "claims:review");
  const { pending, decided } = await claimsForReview(scopePaths(user.grants, "claims:review"));
  const shape = (c: (typeof pending)[number]) => ({
    ...c,
    category: c.category as HoursCategory,
    earnedOn: formatDate(c.earnedOn),
    createdAt: formatChinaDateTime(c.createdAt),
    decidedAt: formatChinaDateTime(c.decidedAt),
    own: c.person.id === user.id,
  });
  return { pending: pending.map(shape), decided: decided.map(shape) };
}

const DecisionSchema = z.object({ intent: z.enum(["approve", "reject"]) });

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "claims:review");
  const form = Object.fromEntries(await readForm(request));
  const { user, id } = await requireManagerOf(request, "claims:review", typeof form.claimId === "string" ? form.claimId : undefined, claimUnitId);
  const decision = DecisionSchema.safeParse(form);
  const fail = (errors: string[]) => data({ ok: false as const, errors }, { status: 400 });
  if (!decision.success) return fail(["未知的操作"]);
  try {
    if (decision.data.intent === "approve") {
      await approveClaim(user.id, id);
      return { ok: true as const, message: "已通过，学时已记入" };
    }
    const reason = DecisionReasonSchema.safeParse(form.reason);
    if (!reason.success) return fail(reason.error.issues.map((i) => i.message));
    await rejectClaim(user.id, id, reason.data);
    return { ok: true as const, message: "已退回申请" };
  } catch (e) {
    if (isAppError(e)) return fail([e.message]);
    throw e;
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
        {HOURS_CATEGORY_LABELS[c.category] ?? c.category} · {formatHours(c.hours)} 学时 · 培训日期 {c.earnedOn} · 提交于 {c.createdAt}
      </p>
    </div>
  );
}

export default function ClaimReview() {
  const { pending, decided } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">学时申请审核</h1>
      {reply?.ok ? <Notice>{reply.message}</Notice> : null}
      {reply && !reply.ok ? <FormMessage messages={reply.errors} /> : null}
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
              <div className="flex flex-col gap-2 sm:w-64">
                <Form method="post">
                  <input type="hidden" name="claimId" value={c.id} />
                  <button name="intent" value="approve" className={buttonClass}>
                    通过并记入学时
                  </button>
                </Form>
                <Form method="post" className="flex gap-1">
                  <input type="hidden" name="claimId" value={c.id} />
                  <input
                    name="reason"
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
                </Form>
              </div>
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
