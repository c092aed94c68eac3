import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { classCertificateOf, classVerifyUrl, hasGraduated, issueClassCertificate } from "~/.server/classes/certificates";
import { resultsAccess } from "~/.server/classes/results-access";
import { readForm } from "~/.server/http/form-body";
import { qrDataUri } from "~/.server/http/public-link";
import { formRefusal } from "~/.server/http/refusal";
import { idParam, searchParamsOf } from "~/.server/http/request-params";
import { PrintButton } from "~/components/hours/print-button";
import { FormMessage, buttonClass } from "~/components/ui/form";
import { CertificateSignature } from "~/components/hours/certificate-signature";
import { pageMeta } from "~/lib/page-meta";

// 结业证书 (/classes/:classId/certificate): a graduate issues and prints their own; the class's
// organiser opens a member's with ?person=. The QR code carries the one signed token and points at the
// one verify route, like the 学时证明's. Anyone else, and a member who did not graduate, finds nothing.

export const meta: MetaFunction = () => [...pageMeta("结业证书 · 网上党校"), { name: "robots", content: "noindex" }];

export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

const NOT_FOUND = "没有找到该培训班的结业证书";
const QuerySchema = z.object({ person: z.coerce.number().int().positive().optional() });

async function subject(request: Request, rawId: string | undefined) {
  const user = await requireUser(request);
  const classId = idParam(rawId, NOT_FOUND);
  const { person } = searchParamsOf(request, QuerySchema);
  const personId = person ?? user.id;
  if (personId !== user.id && !(await resultsAccess(user, classId))?.organiser) throw new Response(NOT_FOUND, { status: 404 });
  return { user, classId, personId };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, classId, personId } = await subject(request, params.classId);
  const [certificate, graduated] = await Promise.all([classCertificateOf(classId, personId), hasGraduated(classId, personId)]);
  if (!certificate && !graduated) throw new Response(NOT_FOUND, { status: 404 });
  const standing = certificate && !certificate.revoked ? certificate : null;
  const url = standing ? classVerifyUrl(standing.id, request.url) : null;
  return {
    certificate,
    verify: url ? { url, qr: await qrDataUri(url) } : null,
    canIssue: graduated && !standing && personId === user.id,
    classId,
  };
}

const ActionSchema = z.object({ intent: z.literal("issue") });

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, classId, personId } = await subject(request, params.classId);
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply({ formErrors: ["无法识别的操作"] }) }, { status: 400 });
  // The organiser issues in bulk from the results page; here a member issues their own.
  if (personId !== user.id) throw new Response(NOT_FOUND, { status: 404 });
  try {
    await issueClassCertificate(user.id, classId, user.id);
  } catch (e) {
    return formRefusal(submission, e);
  }
  return redirect(`/classes/${classId}/certificate`);
}

export default function ClassCertificatePage() {
  const { certificate: c, verify, canIssue, classId } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form] = useForm({ lastResult: reply?.result });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 print:hidden">
        <Link to={`/classes/${classId}`} className="text-sm text-stone-600 hover:underline">
          ← 培训班
        </Link>
        <span className="ml-auto flex gap-2">
          {verify ? <PrintButton /> : null}
          {canIssue ? (
            <Form method="post" {...getFormProps(form)}>
              <button name="intent" value="issue" className={buttonClass}>
                开具结业证书
              </button>
            </Form>
          ) : null}
        </span>
      </div>
      <FormMessage messages={form.errors} />
      {!c ? <p className="rounded-lg bg-white p-4 text-sm shadow">你已结业，可以开具结业证书。</p> : null}
      {c?.revoked ? (
        <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" role="alert" data-testid="certificate-revoked">
          此结业证书已撤销，不再有效，扫码核验将显示“此结业证书已撤销”。
        </p>
      ) : null}
      {c ? (
        <article
          className="mx-auto max-w-[190mm] bg-white px-6 py-8 shadow sm:px-12 sm:py-12 print:max-w-none print:p-0 print:shadow-none"
          aria-labelledby="certificate-title"
        >
          <h1 id="certificate-title" className="text-center text-3xl font-bold tracking-[0.5em] text-party print:text-black">
            结业证书
          </h1>
          <p className="mt-2 text-center text-sm text-stone-500" data-testid="certificate-number">
            No. {c.number}
          </p>
          <p className="mt-8 text-lg leading-9 indent-8">
            <strong data-testid="certificate-name">{c.personName}</strong> 同志（所在党组织 {c.unitName}）参加{c.schoolName || "本校"}
            <strong data-testid="certificate-class">{c.classTitle}</strong>（第 {c.term} 期）学习，完成规定课程，考核合格，准予结业
            {c.excellent ? (
              <>
                ，并被评为<strong data-testid="certificate-excellent">优秀学员</strong>
              </>
            ) : null}
            。
          </p>
          <p className="mt-2 text-lg indent-8">特发此证。</p>
          <CertificateSignature verify={verify} qrAlt="扫码核验本证书" schoolName={c.schoolName} issuedOn={c.issuedOn} />
        </article>
      ) : null}
    </div>
  );
}
