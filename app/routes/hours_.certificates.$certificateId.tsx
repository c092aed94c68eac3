import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { type CurrentUser, can, requirePermission, requireUser } from "~/.server/auth/guard";
import { certificateSubject, getCertificate, revokeCertificate, verifyUrl } from "~/.server/hours/certificates";
import { qrDataUri } from "~/.server/http/public-link";
import { CertificateFigures } from "~/components/hours/certificate-figures";
import { PrintButton } from "~/components/hours/print-button";
import { FormMessage, secondaryButtonClass } from "~/components/ui/form";
import { formatHours } from "~/lib/hours";
import { maskPersonNumber } from "~/lib/mask";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { CertificateSignature } from "~/components/hours/certificate-signature";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => [...pageMeta("学时证明 · 网上党校"), { name: "robots", content: "noindex" }];

// A printed page holds personal data: no shared cache keeps it.
export const headers: HeadersFunction = ({ loaderHeaders }) => ({ "Cache-Control": loaderHeaders.get("Cache-Control") ?? "private, no-store" });

/**
 * The person themselves, or someone with "hours:report" over their unit. An unknown id is refused
 * like a certificate outside the scope (403, audited), so ids cannot be probed.
 */
// Not idParam: a malformed id is refused and audited like any other id outside the scope.
async function authorise(request: Request, idParam: string | undefined, { revoking = false } = {}) {
  const user = await requireUser(request);
  const id = idParam && /^\d{1,9}$/.test(idParam) ? Number(idParam) : 0;
  const subject = id > 0 ? await certificateSubject(id) : null;
  if (!subject) {
    await requirePermission(request, "hours:report", -1);
    throw new Response("没有权限", { status: 403 });
  }
  if (revoking || subject.personId !== user.id) await requirePermission(request, "hours:report", subject.unitId);
  return { user, id, subject };
}

function canRevoke(user: CurrentUser, unitPath: string) {
  return can(user, "hours:report", unitPath);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, id, subject } = await authorise(request, params.certificateId);
  const c = (await getCertificate(id))!;
  const url = c.revoked ? null : verifyUrl(c.id, request.url);
  return data(
    {
      certificate: { ...c, person: { name: c.person.name, unitName: c.person.unitName, numberMasked: maskPersonNumber(c.person.number) } },
      verify: url ? { url, qr: await qrDataUri(url) } : null,
      canRevoke: canRevoke(user, subject.unitPath),
      back: subject.personId === user.id ? { to: "/hours", label: "我的学时" } : { to: `/manage/people/${subject.personId}`, label: "人员信息" },
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

const ActionSchema = z.object({ intent: z.literal("revoke") });

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id } = await authorise(request, params.certificateId, { revoking: true });
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply({ formErrors: ["无法识别的操作"] }) }, { status: 400 });
  try {
    await revokeCertificate(user.id, id);
  } catch (e) {
    return formRefusal(submission, e);
  }
  return { result: submission.reply() };
}

export default function CertificatePage() {
  const { certificate: c, verify, canRevoke, back } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form] = useForm({ lastResult: reply?.result });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 print:hidden">
        <Link to={back.to} className="text-sm text-stone-600 hover:underline">
          ← {back.label}
        </Link>
        <span className="ml-auto flex gap-2">
          {verify ? <PrintButton /> : null}
          {canRevoke && !c.revoked ? (
            <Form method="post" {...getFormProps(form)}>
              <button name="intent" value="revoke" className={secondaryButtonClass}>
                撤销此证明
              </button>
            </Form>
          ) : null}
        </span>
      </div>
      <FormMessage messages={form.errors} />
      {c.revoked ? (
        <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" role="alert" data-testid="certificate-revoked">
          此证明已撤销，不再有效，扫码核验将显示“不是真实有效的证明”。
        </p>
      ) : null}
      <article
        className="mx-auto max-w-[190mm] bg-white px-6 py-8 shadow sm:px-12 sm:py-12 print:max-w-none print:p-0 print:shadow-none"
        aria-labelledby="certificate-title"
      >
        <h1 id="certificate-title" className="text-center text-3xl font-bold tracking-[0.5em] text-party print:text-black">
          学时证明
        </h1>
        <p className="mt-2 text-center text-sm text-stone-500" data-testid="certificate-number">
          No. {c.number}
        </p>
        <p className="mt-8 text-lg leading-9 indent-8">
          兹证明 <strong data-testid="certificate-name">{c.person.name}</strong>（学号/工号 <span className="font-mono">{c.person.numberMasked}</span>
          ），所在党组织 {c.person.unitName}，{c.year} 年度在{c.schoolName || "本校"}网上党校累计获得学时{" "}
          <strong data-testid="certificate-total">{formatHours(c.earned)}</strong> 学时
          {c.required !== null ? `（年度要求 ${formatHours(c.required)} 学时）` : ""}。
        </p>
        <p className="mt-2 text-lg indent-8">特此证明。</p>
        <CertificateFigures byCategory={c.byCategory} earned={c.earned} />
        <CertificateSignature verify={verify} qrAlt="扫码核验本证明" schoolName={c.schoolName} issuedOn={c.issuedOn} />
      </article>
    </div>
  );
}
