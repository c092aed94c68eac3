import { useState } from "react";
import { buttonClass, inputClass } from "~/components/ui/form";
import { useHydrated } from "~/components/ui/use-hydrated";

// The contest paper, one question at a time, as on the national study apps: choose, confirm, next. A
// confirmed answer goes to POST /api/contests/answer and counts once the server says it is kept; it
// cannot be changed (the first answer stands). A request that gets no answer is sent again, unchanged:
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

export function ContestAnswering({ entryId, items, onAnswered }: { entryId: number; items: ContestItem[]; onAnswered: (count: number) => void }) {
  const [answered, setAnswered] = useState<Map<number, string[]>>(() => new Map(items.filter((i) => i.answered).map((i) => [i.position, i.response])));
  const firstOpen = items.findIndex((i) => !answered.has(i.position));
  const [index, setIndex] = useState(firstOpen < 0 ? items.length - 1 : firstOpen);
  const [choice, setChoice] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  // Answering needs the script: until it runs, the controls are disabled rather than dead to a tap.
  const ready = useHydrated() && !sending;
  const item = items[index];
  const done = answered.get(item.position);

  const go = (i: number) => {
    setIndex(i);
    setChoice([]);
    setMessage(null);
  };
  const confirm = async () => {
    if (choice.length === 0 || choice.every((v) => v.trim() === "")) {
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

  const toggle = (value: string) => setChoice((c) => (item.type === "multiple" ? (c.includes(value) ? c.filter((v) => v !== value) : [...c, value]) : [value]));

  return (
    <section className="rounded-lg bg-white p-4 shadow" data-testid="contest-question" data-position={item.position} aria-live="polite">
      <p className="mb-1 text-xs text-stone-500">
        第 {item.position}/{items.length} 题 · {TYPE_LABELS[item.type]}（{item.points / 100} 分）
      </p>
      <p className="mb-3 whitespace-pre-line text-lg">{item.stem}</p>
      {item.type === "fill" ? (
        <input
          type="text"
          value={done ? (done[0] ?? "") : (choice[0] ?? "")}
          disabled={!!done || !ready}
          maxLength={200}
          aria-label="答案"
          className={inputClass}
          onChange={(e) => setChoice([e.currentTarget.value])}
        />
      ) : (
        <div className="space-y-2">
          {item.options.map((o) => {
            const selected = (done ?? choice).includes(o.value);
            return (
              <button
                key={o.value}
                type="button"
                disabled={!!done || !ready}
                aria-pressed={selected}
                onClick={() => toggle(o.value)}
                className={`block w-full rounded-md border px-3 py-3 text-left ${selected ? "border-party bg-red-50" : "border-stone-200"} disabled:opacity-80`}
              >
                {item.type === "judge" ? "" : `${o.value}. `}
                {o.label}
              </button>
            );
          })}
        </div>
      )}
      <p className="mt-2 min-h-5 text-sm" role={message ? "alert" : undefined}>
        {done ? <span className="text-green-700">已作答</span> : message ? <span className="text-red-700">{message}</span> : null}
      </p>
      <div className="mt-3 flex items-center gap-2">
        <button type="button" className="rounded border px-3 py-2 text-sm disabled:opacity-40" disabled={index === 0} onClick={() => go(index - 1)}>
          上一题
        </button>
        {done ? null : (
          <button type="button" className={`${buttonClass} flex-1`} disabled={!ready} onClick={() => void confirm()}>
            {sending ? "提交中…" : "确定"}
          </button>
        )}
        <button
          type="button"
          className="ml-auto rounded border px-3 py-2 text-sm disabled:opacity-40"
          disabled={index === items.length - 1}
          onClick={() => go(index + 1)}
        >
          下一题
        </button>
      </div>
    </section>
  );
}
