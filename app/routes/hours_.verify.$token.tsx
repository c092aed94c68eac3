import { type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { verifyClassCertificate } from "~/.server/classes/certificates";
import { verifyCertificate } from "~/.server/hours/certificates";
import { CertificateFigures } from "~/components/hours/certificate-figures";
import { formatHours } from "~/lib/hours";
import { maskName } from "~/lib/mask";
import { pageMeta } from "~/lib/page-meta";

// Public: whoever scans a printed 学时证明 or 结业证书 lands here, signed in or not (one key, one route;
// the token says which kind). A genuine certificate shows its figures to compare with the paper and
// the name partly masked (decision 023); anything else — a forged or altered token, a revoked or
// deleted 学时证明 — gets the same answer with no details. A 结业证书 whose genuine token names a
// revoked certificate says it was revoked (decision 043): the signature already proved it was ours.

// Revocation must show at once: no cache keeps an old answer.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const meta: MetaFunction = () => [...pageMeta("证书核验 · 网上党校"), { name: "robots", content: "noindex" }];

export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const c = await verifyCertificate(token);
  if (!c) {
    const k = await verifyClassCertificate(token);
    if (!k) return data({ genuine: false as const, revoked: false }, { status: 404, headers: { "Cache-Control": "no-store" } });
    if (k.revoked) return data({ genuine: false as const, revoked: true }, { status: 410, headers: { "Cache-Control": "no-store" } });
    return data(
      {
        genuine: true as const,
        kind: "class" as const,
        certificate: {
          number: k.number,
          classTitle: k.classTitle,
          term: k.term,
          excellent: k.excellent,
          issuedOn: k.issuedOn,
          schoolName: k.schoolName,
          name: maskName(k.personName),
          unitName: k.unitName,
        },
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  }
  return data(
    {
      genuine: true as const,
      kind: "hours" as const,
      certificate: {
        number: c.number,
        year: c.year,
        earned: c.earned,
        byCategory: c.byCategory,
        issuedOn: c.issuedOn,
        schoolName: c.schoolName,
        name: maskName(c.person.name),
        unitName: c.person.unitName,
      },
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function VerifyCertificate() {
  const d = useLoaderData<typeof loader>();
  if (!d.genuine && d.revoked) {
    return (
      <section className="mx-auto max-w-md rounded-lg bg-white p-6 text-center shadow" data-testid="verify-result">
        <h1 className="text-xl font-bold text-red-700">此结业证书已撤销</h1>
        <p className="mt-2 text-sm text-stone-600">该结业证书曾由本校网上党校开具，现已撤销，不再有效。如有疑问，请联系举办培训班的党组织。</p>
      </section>
    );
  }
  if (!d.genuine) {
    return (
      <section className="mx-auto max-w-md rounded-lg bg-white p-6 text-center shadow" data-testid="verify-result">
        <h1 className="text-xl font-bold text-red-700">不是真实有效的证明</h1>
        <p className="mt-2 text-sm text-stone-600">该二维码不是本校网上党校开具的有效学时证明，或证明已被撤销。如有疑问，请联系证明持有人所在的党组织。</p>
      </section>
    );
  }
  if (d.kind === "class") {
    const k = d.certificate;
    return (
      <section className="mx-auto max-w-md space-y-3 rounded-lg bg-white p-6 shadow" data-testid="verify-result">
        <h1 className="text-center text-xl font-bold text-green-700">真实有效</h1>
        <p className="text-center text-sm text-stone-600">这是{k.schoolName}网上党校开具的结业证书，请与纸面内容逐项核对。</p>
        <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-stone-500">证书类别</dt>
          <dd data-testid="verify-kind">结业证书</dd>
          <dt className="text-stone-500">证书编号</dt>
          <dd className="font-mono">{k.number}</dd>
          <dt className="text-stone-500">培训班</dt>
          <dd data-testid="verify-class">
            {k.classTitle}（第 {k.term} 期）
          </dd>
          <dt className="text-stone-500">姓名</dt>
          <dd data-testid="verify-name">{k.name}</dd>
          <dt className="text-stone-500">所在党组织</dt>
          <dd>{k.unitName}</dd>
          <dt className="text-stone-500">结业情况</dt>
          <dd data-testid="verify-outcome">{k.excellent ? "结业，优秀学员" : "结业"}</dd>
          <dt className="text-stone-500">开具日期</dt>
          <dd>{k.issuedOn}</dd>
        </dl>
      </section>
    );
  }
  const c = d.certificate;
  return (
    <section className="mx-auto max-w-md space-y-3 rounded-lg bg-white p-6 shadow" data-testid="verify-result">
      <h1 className="text-center text-xl font-bold text-green-700">真实有效</h1>
      <p className="text-center text-sm text-stone-600">这是{c.schoolName}网上党校开具的学时证明，请与纸面内容逐项核对。</p>
      <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-stone-500">证明编号</dt>
        <dd className="font-mono">{c.number}</dd>
        <dt className="text-stone-500">姓名</dt>
        <dd data-testid="verify-name">{c.name}</dd>
        <dt className="text-stone-500">所在党组织</dt>
        <dd>{c.unitName}</dd>
        <dt className="text-stone-500">年度</dt>
        <dd data-testid="verify-year">{c.year} 年</dd>
        <dt className="text-stone-500">累计学时</dt>
        <dd>
          <strong data-testid="verify-total">{formatHours(c.earned)}</strong> 学时
        </dd>
        <dt className="text-stone-500">开具日期</dt>
        <dd>{c.issuedOn}</dd>
      </dl>
      <CertificateFigures byCategory={c.byCategory} earned={c.earned} />
    </section>
  );
}
