import { useState } from "react";
import { buttonClass } from "~/components/ui/form";
import { useHydrated } from "~/components/ui/use-hydrated";
import { type StudyChannel, type StudyStatus } from "./study-client";

// A checkpoint question: the learner answers, then sees whether it was right, the key and the
// explanation (which reach the browser only now, and stay: the page brings them back on a later visit).
// Any answer counts as answered. Each choice is a full-width card at least 44 px tall, for a thumb.

export type PublicCheckpoint = {
  id: string;
  at: number | null;
  type: "single" | "multiple" | "judge";
  question: string;
  options: Partial<Record<string, string>> | null;
  answered: boolean;
  /** Once answered: right or wrong, the key and the explanation. */
  result?: Result | null;
};

type Result = { correct: boolean; answer: string[]; explanation: string | null };

export function CheckpointCard({
  checkpoint,
  channel,
  onAnswered,
}: {
  checkpoint: PublicCheckpoint;
  channel: StudyChannel;
  onAnswered: (status: StudyStatus) => void;
}) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [result, setResult] = useState<Result | null>(null);
  // What an earlier visit's answer revealed (the choice itself is not kept, only whether it was right).
  const shown = result ?? checkpoint.result ?? null;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The choices are React's: one ticked before the script has loaded would show as chosen while
  // the answer stayed empty, and 提交答案 would never enable.
  const hydrated = useHydrated();
  const options: [string, string][] =
    checkpoint.type === "judge"
      ? [
          ["true", "正确"],
          ["false", "错误"],
        ]
      : Object.entries(checkpoint.options ?? {}).filter((e): e is [string, string] => typeof e[1] === "string");
  const multiple = checkpoint.type === "multiple";

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const r = await channel.answer(checkpoint.id, chosen);
      if (!r.ok) setError(r.error);
      else {
        setResult(r);
        onAnswered(r.status);
      }
    } catch {
      setError("网络连接中断，答案未提交，请重试");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="my-4 rounded-lg border-2 border-amber-400 bg-amber-50 p-3" data-testid="checkpoint" aria-label={`检查点：${checkpoint.question}`}>
      <p className="text-xs font-semibold text-amber-800">检查点{multiple ? "（多选）" : ""}</p>
      <p className="my-1 font-medium">{checkpoint.question}</p>
      {checkpoint.answered && !result ? (
        <p className="text-sm text-green-700">您已回答过这道题。</p>
      ) : (
        <fieldset disabled={!hydrated || busy || result !== null} className="space-y-2">
          <legend className="sr-only">{checkpoint.question}</legend>
          {options.map(([value, label]) => (
            <label
              key={value}
              className="flex min-h-11 w-full cursor-pointer items-center gap-3 rounded-md border border-amber-300 bg-white px-3 py-2 text-sm has-[:checked]:border-party has-[:checked]:bg-red-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-party has-[:disabled]:cursor-default"
            >
              <input
                type={multiple ? "checkbox" : "radio"}
                name={`cp-${checkpoint.id}`}
                value={value}
                className="size-4 shrink-0"
                checked={chosen.includes(value)}
                onChange={(e) => setChosen(multiple ? (e.target.checked ? [...chosen, value] : chosen.filter((c) => c !== value)) : [value])}
              />
              <span>
                {checkpoint.type === "judge" ? "" : `${value}. `}
                {label}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {shown ? (
        <div className="mt-2 text-sm" role="status">
          <p className={shown.correct ? "font-semibold text-green-700" : "font-semibold text-red-700"}>
            {shown.correct ? "回答正确" : `回答错误，正确答案：${shown.answer.join("、")}`}
          </p>
          {shown.explanation ? <p className="mt-1 text-stone-700">{shown.explanation}</p> : null}
        </div>
      ) : !checkpoint.answered ? (
        <button type="button" className={`${buttonClass} mt-2 min-h-11 w-full`} disabled={busy || chosen.length === 0} onClick={submit}>
          {busy ? "正在提交…" : "提交答案"}
        </button>
      ) : null}
      {error ? (
        <p role="alert" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </section>
  );
}
