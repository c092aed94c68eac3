import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { LETTER_NOT_FOUND, letterForAuthor } from "~/.server/mailbox/letters";
import { Notice } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { letterStatusLabel } from "~/lib/mailbox";
import { pageMeta } from "~/lib/page-meta";

// One of the person's own letters: its status and the replies (never the handlers' internal notes).
// Anyone else's letter, by any id, is "not found". /mailbox/letters/:letterId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.subject ?? "来信"} · 书记信箱 · 网上党校`);

const ENTRY_LABELS: Record<string, string> = { reply: "答复", escalation: "转上级信箱", close: "已关闭" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const letter = await orRefuse(() => letterForAuthor(user.id, idParam(params.letterId, LETTER_NOT_FOUND)));
  return {
    subject: letter.subject,
    body: letter.body,
    status: letterStatusLabel(letter.status),
    anonymous: letter.anonymous,
    mailbox: letter.mailbox,
    origin: letter.origin,
    at: formatChinaDateTime(letter.createdAt),
    dueAt: formatChinaDateTime(letter.dueAt),
    entries: letter.entries.map((e) => ({ id: e.id, label: ENTRY_LABELS[e.kind] ?? e.kind, kind: e.kind, body: e.body, at: formatChinaDateTime(e.createdAt) })),
  };
}

export default function MyLetter() {
  const l = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <Link to="/mailbox" className="text-sm text-party hover:underline">
        ← 书记信箱
      </Link>
      {params.get("sent") ? <Notice>信已送达{l.origin}，处理人会在答复期限内答复。</Notice> : null}
      <article className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h1 className="break-all text-xl font-bold">{l.subject}</h1>
        <p className="text-sm">
          状态：<strong data-testid="letter-status">{l.status}</strong>
        </p>
        <p className="text-xs text-stone-500">
          写给{l.origin}
          {l.mailbox !== l.origin ? `，现由${l.mailbox}办理` : ""} · {l.at} · 答复期限 {l.dueAt}
          {l.anonymous ? " · 匿名" : ""}
        </p>
        {/* Plain text, kept as typed: React escapes it, line breaks are kept by CSS. */}
        <p className="whitespace-pre-wrap break-words text-sm">{l.body}</p>
      </article>
      <section className="space-y-2">
        <h2 className="font-bold">办理情况</h2>
        {l.entries.length === 0 ? <p className="text-sm text-stone-500">还没有答复。</p> : null}
        <ol className="space-y-2">
          {l.entries.map((e) => (
            <li key={e.id} className={`rounded-lg p-3 text-sm shadow ${e.kind === "reply" ? "bg-white" : "bg-stone-50"}`} data-testid="letter-entry">
              <p className="text-xs text-stone-500">
                {e.label} · {e.at}
              </p>
              <p className="whitespace-pre-wrap break-words">{e.body}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
