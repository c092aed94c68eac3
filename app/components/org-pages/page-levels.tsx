import { Link } from "@remix-run/react";
import { UNIT_KIND_LABELS, type UnitKind } from "~/lib/vocabulary";

// The "four in one" levels a person reads: the committee, her college, her branch, and herself (her
// home page: docs/decisions/051). Shown on the home page and atop every unit page.

export type PageLevel = { id: number; name: string; kind: string };

export function PageLevels({ levels, current, label = "四位一体" }: { levels: readonly PageLevel[]; current?: number; label?: string }) {
  return (
    <nav aria-label={label} className="flex flex-wrap gap-2 text-sm">
      {levels.map((l) => (
        <Link
          key={l.id}
          to={`/org/${l.id}`}
          aria-current={l.id === current ? "page" : undefined}
          className={`rounded-full px-3 py-1 shadow ${l.id === current ? "bg-party text-white" : "bg-white text-party hover:ring-2 hover:ring-party"}`}
        >
          <span className="mr-1 text-xs">{UNIT_KIND_LABELS[l.kind as UnitKind] ?? ""}</span>
          {l.name}
        </Link>
      ))}
      <Link to="/" className="rounded-full bg-white px-3 py-1 text-party shadow hover:ring-2 hover:ring-party">
        <span className="mr-1 text-xs">党员</span>我的首页
      </Link>
    </nav>
  );
}

/** Plain-text paragraphs: React escapes the text, so a title or body can hold no markup at all. */
export function Paragraphs({ paragraphs }: { paragraphs: readonly string[] }) {
  return (
    <div className="space-y-3 leading-relaxed">
      {paragraphs.map((p, i) => (
        <p key={i} className="whitespace-pre-line">
          {p}
        </p>
      ))}
    </div>
  );
}
