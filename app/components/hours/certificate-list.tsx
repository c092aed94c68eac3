import { Link } from "@remix-run/react";
import { formatHours } from "~/lib/hours";

export type CertificateListItem = { id: number; number: string; year: number; earned: number; issuedOn: string; revoked: boolean };

/** Certificates issued so far, each opening its printable page. */
export function CertificateList({ certificates }: { certificates: CertificateListItem[] }) {
  if (certificates.length === 0) return <p className="text-sm text-stone-500">尚未开具学时证明。</p>;
  return (
    <ul className="space-y-1 text-sm" data-testid="certificate-list">
      {certificates.map((c) => (
        <li key={c.id}>
          <Link to={`/hours/certificates/${c.id}`} className="text-party underline">
            No. {c.number}
          </Link>{" "}
          <span className="text-stone-600">
            {c.year} 年 · {formatHours(c.earned)} 学时 · {c.issuedOn} 开具
          </span>
          {c.revoked ? <span className="ml-1 text-stone-500">（已撤销）</span> : null}
        </li>
      ))}
    </ul>
  );
}
