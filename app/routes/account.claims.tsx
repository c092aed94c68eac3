import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { MAX_CERTIFICATE_BYTES, claimsOf, submitClaim } from "~/.server/claims/claims";
import { parseUploadForm } from "~/.server/http/upload";
import { FormMessage, Notice, buttonClass, inputClass } from "~/components/ui/form";
import { CLAIM_CATEGORIES, CLAIM_STATUS_LABELS, ClaimSchema } from "~/lib/claims";
import { formatDate, todayInChina } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { HOURS_CATEGORY_LABELS } from "~/lib/hours-categories";
import { isAppError } from "~/lib/app-error";

// A member's requests to have external training counted, with a certificate image: /account/claims

export const meta: MetaFunction = () => [{ title: "学时申请 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claims = await claimsOf(user.id);
  return {
    today: todayInChina(),
    claims: claims.map((c) => ({ ...c, earnedOn: formatDate(c.earnedOn), createdAt: formatDate(c.createdAt) })),
  };
}

const TEXT_FIELDS = ["title", "organizer", "category", "hours", "earnedOn"] as const;

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let form: FormData;
  try {
    form = await parseUploadForm(request, { fileField: "certificate", textFields: TEXT_FIELDS, maxFileBytes: MAX_CERTIFICATE_BYTES });
  } catch (e) {
    if (isAppError(e)) return data({ ok: false as const, errors: [e.message] }, { status: e.status });
    throw e;
  }
  const parsed = ClaimSchema.safeParse(Object.fromEntries(TEXT_FIELDS.map((k) => [k, form.get(k) ?? undefined])));
  const file = form.get("certificate");
  const errors = [...(parsed.success ? [] : parsed.error.issues.map((i) => i.message)), ...(file instanceof File ? [] : ["请选择证书图片"])];
  if (!parsed.success || !(file instanceof File)) return data({ ok: false as const, errors }, { status: 400 });
  try {
    await submitClaim(user.id, parsed.data, file);
  } catch (e) {
    if (isAppError(e)) return data({ ok: false as const, errors: [e.message] }, { status: 400 });
    throw e;
  }
  return { ok: true as const, message: "申请已提交，请等待书记审核" };
}

export default function MyClaims() {
  const { claims, today } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <Link to="/account/hours" className="text-sm text-party hover:underline">
        ← 我的学时
      </Link>
      <Form method="post" encType="multipart/form-data" className="space-y-3 rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">申请认定校外培训学时</h1>
        {reply?.ok ? <Notice>{reply.message}</Notice> : null}
        {reply && !reply.ok ? <FormMessage messages={reply.errors} /> : null}
        <label className="block text-sm">
          <span className="mb-1 block text-stone-700">培训名称</span>
          <input name="title" className={inputClass} maxLength={100} required />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block text-stone-700">主办单位（可选）</span>
          <input name="organizer" className={inputClass} maxLength={100} />
        </label>
        <div className="grid grid-cols-2 gap-3">
          <label className="block text-sm">
            <span className="mb-1 block text-stone-700">学时类别</span>
            <select name="category" className={inputClass}>
              {CLAIM_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {HOURS_CATEGORY_LABELS[c]}
                </option>
              ))}
            </select>
          </label>
          <label className="block text-sm">
            <span className="mb-1 block text-stone-700">学时</span>
            <input type="number" name="hours" min="0.05" max="200" step="0.05" className={inputClass} required />
          </label>
        </div>
        <label className="block text-sm">
          <span className="mb-1 block text-stone-700">培训日期</span>
          <input type="date" name="earnedOn" max={today} className={inputClass} required />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block text-stone-700">证书或结业证明照片（JPEG、PNG、WebP，不超过 5 MB）</span>
          <input type="file" name="certificate" accept="image/jpeg,image/png,image/webp" className="block w-full text-sm" required />
        </label>
        <button type="submit" className={buttonClass}>
          提交申请
        </button>
      </Form>
      <section className="space-y-2">
        <h2 className="font-bold">我的申请</h2>
        {claims.length === 0 ? <p className="text-sm text-stone-500">还没有申请。</p> : null}
        <ul className="space-y-2">
          {claims.map((c) => (
            <li key={c.id} className="rounded-lg bg-white p-3 text-sm shadow" data-testid="claim-row">
              <p className="flex items-center gap-2">
                <span className="flex-1 font-semibold">{c.title}</span>
                <span className={c.status === "approved" ? "text-green-700" : c.status === "rejected" ? "text-red-700" : "text-stone-600"}>
                  {CLAIM_STATUS_LABELS[c.status] ?? c.status}
                </span>
              </p>
              <p className="text-xs text-stone-500">
                {c.organizer ? `${c.organizer} · ` : ""}
                {HOURS_CATEGORY_LABELS[c.category as (typeof CLAIM_CATEGORIES)[number]] ?? c.category} · {formatHours(c.hours)} 学时 · {c.earnedOn} ·{" "}
                <a href={`/claims/${c.id}/certificate`} target="_blank" rel="noreferrer" className="text-party underline">
                  证书
                </a>
              </p>
              {c.decisionReason ? <p className="mt-1 text-red-800">原因：{c.decisionReason}</p> : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
