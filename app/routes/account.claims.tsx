import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { formRefusal } from "~/.server/http/refusal";
import { MAX_CERTIFICATE_BYTES, claimsOf, submitClaim } from "~/.server/claims/claims";
import { parseUploadForm } from "~/.server/http/upload";
import { Field, FormMessage, Notice, buttonClass, inputClass } from "~/components/ui/form";
import { CLAIM_CATEGORIES, CLAIM_STATUS_LABELS, ClaimSchema } from "~/lib/claims";
import { formatDate, todayInChina } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { HOURS_CATEGORY_LABELS, hoursCategoryLabel } from "~/lib/hours-categories";
import { isAppError } from "~/lib/app-error";
import { pageMeta } from "~/lib/page-meta";

// A member's requests to have external training counted, with a certificate image: /account/claims

export const meta: MetaFunction = () => pageMeta("学时申请 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claims = await claimsOf(user.id);
  return {
    today: todayInChina(),
    claims: claims.map((c) => ({ ...c, earnedOn: formatDate(c.earnedOn), createdAt: formatDate(c.createdAt) })),
  };
}

const TEXT_FIELDS = ["title", "organizer", "category", "hours", "earnedOn"] as const;
const ClaimFormSchema = ClaimSchema.extend({ certificate: z.instanceof(File, { error: "请选择证书图片" }) });
type Reply = { result: SubmissionResult<string[]>; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let form: FormData;
  try {
    form = await parseUploadForm(request, { fileField: "certificate", textFields: TEXT_FIELDS, maxFileBytes: MAX_CERTIFICATE_BYTES });
  } catch (e) {
    // Refused before its fields could be read (too large, not a form): the sentence is the file's.
    if (!isAppError(e)) throw e;
    return data<Reply>({ result: { status: "error", error: { certificate: [e.message] } } }, { status: e.status });
  }
  const submission = parseWithZod(form, { schema: ClaimFormSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply() }, { status: 400 });
  const { certificate, ...claim } = submission.value;
  try {
    await submitClaim(user.id, claim, certificate);
  } catch (e) {
    return formRefusal(submission, e);
  }
  return data<Reply>({ result: submission.reply({ resetForm: true }), message: "申请已提交，请等待书记审核" });
}

export default function MyClaims() {
  const { claims, today } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "claim",
    lastResult: reply?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ClaimFormSchema }),
  });
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <Link to="/account/hours" className="text-sm text-party hover:underline">
        ← 我的学时
      </Link>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-3 rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">申请认定校外培训学时</h1>
        {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
        <FormMessage messages={form.errors} />
        <Field label="培训名称" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
          <input {...getInputProps(fields.title, { type: "text" })} className={inputClass} maxLength={100} required />
        </Field>
        <Field label="主办单位（可选）" htmlFor={fields.organizer.id} errors={fields.organizer.errors} errorId={fields.organizer.errorId}>
          <input {...getInputProps(fields.organizer, { type: "text" })} className={inputClass} maxLength={100} />
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field label="学时类别" htmlFor={fields.category.id} errors={fields.category.errors} errorId={fields.category.errorId}>
            <select {...getSelectProps(fields.category)} className={inputClass}>
              {CLAIM_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {HOURS_CATEGORY_LABELS[c]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="学时" htmlFor={fields.hours.id} errors={fields.hours.errors} errorId={fields.hours.errorId}>
            <input {...getInputProps(fields.hours, { type: "number" })} min="0.05" max="200" step="0.05" className={inputClass} required />
          </Field>
        </div>
        <Field label="培训日期" htmlFor={fields.earnedOn.id} errors={fields.earnedOn.errors} errorId={fields.earnedOn.errorId}>
          <input {...getInputProps(fields.earnedOn, { type: "date" })} max={today} className={inputClass} required />
        </Field>
        <Field
          label="证书或结业证明照片（JPEG、PNG、WebP，不超过 5 MB）"
          htmlFor={fields.certificate.id}
          errors={fields.certificate.errors}
          errorId={fields.certificate.errorId}
        >
          <input {...getInputProps(fields.certificate, { type: "file" })} accept="image/jpeg,image/png,image/webp" className="block w-full text-sm" required />
        </Field>
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
                {hoursCategoryLabel(c.category)} · {formatHours(c.hours)} 学时 · {c.earnedOn} ·{" "}
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
