import { Link } from "@remix-run/react";
import { AUDIENCE_LABELS, type Audience, KIND_LABELS, type DocumentKind } from "~/lib/library";
import { formatDate } from "~/lib/dates";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";

// One document in a list (a unit's library, search results): title to its page, kind, size, who sees it.

export type DocumentSummary = {
  id: number;
  title: string;
  kind: DocumentKind;
  size: number;
  audience: Audience;
  statuses: PoliticalStatus[];
  createdAt: string;
  unitName: string;
  uploaderName: string;
};

export const sizeLabel = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

export function audienceLabel(audience: Audience, statuses: readonly PoliticalStatus[]) {
  return audience === "status" ? `${AUDIENCE_LABELS.status}：${statuses.map((s) => POLITICAL_STATUS_LABELS[s]).join("、")}` : AUDIENCE_LABELS[audience];
}

export function DocumentRow({ doc, excerpt, children }: { doc: DocumentSummary; excerpt?: string; children?: React.ReactNode }) {
  return (
    <li className="rounded-lg bg-white p-3 text-sm shadow" data-testid="document-row">
      <p className="flex items-center gap-2">
        <span className="rounded bg-stone-100 px-1.5 text-xs text-stone-600">{KIND_LABELS[doc.kind]}</span>
        <Link to={`/documents/${doc.id}`} className="flex-1 font-semibold text-party hover:underline">
          {doc.title}
        </Link>
        {children}
      </p>
      {excerpt ? <p className="mt-1 line-clamp-2 text-stone-600">{excerpt}</p> : null}
      <p className="mt-1 text-xs text-stone-500">
        {doc.unitName} · {formatDate(doc.createdAt)} · {sizeLabel(doc.size)} · {audienceLabel(doc.audience, doc.statuses)}
      </p>
    </li>
  );
}
