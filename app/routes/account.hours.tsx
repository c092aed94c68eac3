import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { certificatesOf } from "~/.server/hours/certificates";
import { entriesForYear, hoursForYear, ledgerYear } from "~/.server/hours/ledger";
import { CertificateList } from "~/components/hours/certificate-list";
import { secondaryButtonClass } from "~/components/ui/form";
import { formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { HOURS_CATEGORY_LABELS, type HoursCategory } from "~/lib/hours-categories";

export const meta: MetaFunction = () => [{ title: "我的学时 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const current = ledgerYear(new Date());
  const year = z.coerce.number().int().min(2000).max(current).catch(current).parse(new URL(request.url).searchParams.get("year") ?? current);
  const [summary, entries, certificates] = await Promise.all([hoursForYear(user.id, year), entriesForYear(user.id, year), certificatesOf(user.id, year)]);
  return {
    year,
    current,
    total: summary.total,
    entries: entries.map((e) => ({ ...e, category: e.category as HoursCategory, createdAt: formatDate(e.createdAt) })),
    certificates,
  };
}

export default function MyHours() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <section className="rounded-lg bg-white p-4 shadow">
        <div className="flex items-center gap-2">
          <h1 className="text-xl font-bold">我的学时</h1>
          <nav className="ml-auto flex gap-2 text-sm" aria-label="年度">
            <Link to={`?year=${d.year - 1}`}>‹ {d.year - 1}</Link>
            {d.year < d.current ? <Link to={`?year=${d.year + 1}`}>{d.year + 1} ›</Link> : null}
          </nav>
        </div>
        <p className="mt-2">
          {d.year} 年合计 <strong className="text-2xl text-party" data-testid="hours-total">{formatHours(d.total)}</strong> 学时
        </p>
        <p className="mt-2 text-sm">
          <Link to="/account/claims" className="text-party underline">
            申请认定校外培训学时
          </Link>
        </p>
      </section>
      <section className="space-y-2 rounded-lg bg-white p-4 shadow" aria-labelledby="certificates-heading">
        <div className="flex items-center gap-2">
          <h2 id="certificates-heading" className="font-bold">
            学时证明
          </h2>
          <Form method="post" action="/hours/certificates/issue" className="ml-auto">
            <input type="hidden" name="year" value={d.year} />
            <button type="submit" className={secondaryButtonClass}>
              开具 {d.year} 年学时证明
            </button>
          </Form>
        </div>
        <CertificateList certificates={d.certificates} />
      </section>
      <ul className="space-y-2">
        {d.entries.length === 0 ? <li className="text-sm text-stone-500">本年度暂无学时记录。</li> : null}
        {d.entries.map((e) => (
          <li key={e.id} className="flex items-center gap-3 rounded-lg bg-white p-3 text-sm shadow">
            <span className="flex-1">
              {e.note ?? HOURS_CATEGORY_LABELS[e.category]}
              <span className="block text-xs text-stone-500">
                {HOURS_CATEGORY_LABELS[e.category]} · {e.createdAt}
              </span>
            </span>
            <span className={`font-mono ${e.amount < 0 ? "text-stone-500" : "text-party"}`}>
              {e.amount > 0 ? "+" : ""}
              {formatHours(e.amount)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
