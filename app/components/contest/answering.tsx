import { Link } from "@remix-run/react";
import { useState } from "react";
import { buttonClass, inputClass } from "~/components/ui/form";
import { useHydrated } from "~/components/ui/use-hydrated";

// The contest paper, one question at a time, as on the national study apps: choose, confirm, next. A
// confirmed answer goes to POST /api/contests/answer and counts once the server says it is kept; it
// cannot be changed (the first answer stands). Each question is a real form: without the script its
// 确定 posts to the contest page, which takes the answer through the same intake (decision 064). A request that gets no answer is sent again, unchanged:
// the server keeps an answer once, so repeating is harmless.

export type ContestItem = {
  position: number;
  type: string;
  stem: string;
  points: number;
  options: { value: string; label: string }[];
  answered: boolean;
  response: string[];
};

const TYPE_LABELS: Record<string, string> = { single: "单选题", multiple: "多选题", judge: "判断题", fill: "填空题" };
const RETRIES = 3;

type Reply = { ok: boolean; status?: string; message?: string; error?: string };

async function sendAnswer(entryId: number, position: number, values: string[]): Promise<Reply> {
  const body = new URLSearchParams({ entryId: String(entryId), position: String(position) });
  for (const v of values) body.append("answer", v);
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch("/api/contests/answer", { method: "POST", body, credentials: "same-origin" });
      if (res.status < 500) return (await res.json()) as Reply;
    } catch {
      // no answer from the server: send again
    }
    if (attempt >= RETRIES) return { ok: false, error: "网络不稳定，答案未能提交，请稍后再点“确定”" };
    await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
  }
}

/** What the paper's form posts without the script: the page's action takes it through the same intake. */
export const CONTEST_ANSWER_INTENT = "answer";

export function ContestAnswering({
  entryId,
  items,
  opened,
  onAnswered,
}: {
  entryId: number;
  items: ContestItem[];
  /** The question the address names (`?q=`), else the first one still open. */
  opened: number | null;
  onAnswered: (count: number) => void;
}) {
  const [answered, setAnswered] = useState<Map<number, string[]>>(() => new Map(items.filter((i) => i.answered).map((i) => [i.position, i.response])));
  const firstOpen = items.findIndex((i) => !answered.has(i.position));
  const named = opened === null ? -1 : items.findIndex((i) => i.position === opened);
  const [index, setIndex] = useState(named >= 0 ? named : firstOpen < 0 ? items.length - 1 : firstOpen);
  const [sending, setSending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  // With the script the answer goes to the intake's endpoint; before it (or without it) the form posts
  // to the page, which hands it to the same intake, so an entry is never wasted for want of a script.
  const hydrated = useHydrated();
  const item = items[index];
  const done = answered.get(item.position);

  const go = (i: number) => {
    setIndex(i);
    setMessage(null);
  };
  const confirm = async (form: HTMLFormElement) => {
    const choice = new FormData(form).getAll("answer").filter((v): v is string => typeof v === "string");
    if (choice.every((v) => v.trim() === "")) {
      setMessage("请先选择或填写答案");
      return;
    }
    setSending(true);
    setMessage(null);
    const reply = await sendAnswer(entryId, item.position, choice);
    setSending(false);
    if (!reply.ok) {
      setMessage(reply.error ?? "提交失败");
      return;
    }
    const next = new Map(answered).set(item.position, choice);
    setAnswered(next);
    onAnswered(next.size);
    if (reply.status === "duplicate") setMessage(reply.message ?? null);
    const following = items.findIndex((i, k) => k > index && !next.has(i.position));
    const anyOpen = following >= 0 ? following : items.findIndex((i) => !next.has(i.position));
    if (anyOpen >= 0 && reply.status !== "duplicate") go(anyOpen);
  };
  const step = (to: number, label: string) =>
    to < 0 || to >= items.length ? (
      <span className="min-h-11 px-3 py-2 text-sm text-stone-400" aria-hidden="true">
        {label}
      </span>
    ) : (
      <Link
        to={`?q=${items[to].position}`}
        replace
        preventScrollReset
        className="inline-flex min-h-11 items-center rounded border px-3 text-sm"
        onClick={(e) => {
          if (!hydrated) return;
          e.preventDefault();
          go(to);
        }}
      >
        {label}
      </Link>
    );

  return (
    <section className="rounded-lg bg-white p-4 shadow" data-testid="contest-question" data-position={item.position}>
      <form
        key={item.position}
        method="post"
        onSubmit={(e) => {
          if (!hydrated) return;
          e.preventDefault();
          void confirm(e.currentTarget);
        }}
        // A new choice answers the old "choose first" message.
        onChange={() => setMessage(null)}
      >
        <input type="hidden" name="intent" value={CONTEST_ANSWER_INTENT} />
        <input type="hidden" name="entryId" value={entryId} />
        <input type="hidden" name="position" value={item.position} />
        <fieldset disabled={!!done || sending}>
          <legend className="mb-1 text-xs text-stone-500">
            第 {item.position}/{items.length} 题 · {TYPE_LABELS[item.type]}（{item.points / 100} 分）
          </legend>
          <p className="mb-3 whitespace-pre-line text-lg">{item.stem}</p>
          {item.type === "fill" ? (
            <input type="text" name="answer" defaultValue={done ? (done[0] ?? "") : ""} maxLength={200} aria-label="答案" className={inputClass} />
          ) : (
            <div className="space-y-2">
              {item.options.map((o) => (
                <label
                  key={o.value}
                  className="flex min-h-12 w-full cursor-pointer items-center gap-3 rounded-md border border-stone-200 px-3 py-2.5 has-[:checked]:border-party has-[:checked]:bg-red-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-party has-[:disabled]:cursor-default"
                >
                  <input
                    type={item.type === "multiple" ? "checkbox" : "radio"}
                    name="answer"
                    value={o.value}
                    defaultChecked={done?.includes(o.value)}
                    className="size-4 shrink-0"
                  />
                  <span>
                    {item.type === "judge" ? "" : `${o.value}. `}
                    {o.label}
                  </span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <p className="mt-2 min-h-5 text-sm" role={message ? "alert" : undefined} aria-live="polite">
          {done ? <span className="text-green-700">已作答</span> : message ? <span className="text-red-700">{message}</span> : null}
        </p>
        <div className="mt-3 flex items-center gap-2">
          {step(index - 1, "上一题")}
          {done ? null : (
            <button type="submit" className={`${buttonClass} min-h-11 flex-1`} disabled={sending}>
              {sending ? "提交中…" : "确定"}
            </button>
          )}
          <span className="ml-auto">{step(index + 1, "下一题")}</span>
        </div>
      </form>
    </section>
  );
}
