import { type LeaderboardRow, type LiveQuestionView, type LiveReveal } from "~/lib/live-events";
import { formatLivePoints } from "~/lib/live-scoring";

// Pieces the big screen and the phones share.

const TYPE_LABELS: Record<LiveQuestionView["type"], string> = { single: "单选题", multiple: "多选题", judge: "判断题" };

/** "A" for a bank letter, the label for 正确/错误. */
export function optionTag(q: LiveQuestionView, value: string): string {
  return q.type === "judge" ? (q.options.find((o) => o.value === value)?.label ?? value) : value;
}

/** "A. 选项的文字" for a bank letter (a letter alone means nothing once the question has moved on), the label for 正确/错误. */
export function optionText(q: LiveQuestionView, value: string): string {
  return q.type === "judge" ? optionTag(q, value) : `${value}. ${q.options.find((o) => o.value === value)?.label ?? ""}`;
}

export function QuestionHeading({ q, total, big = false }: { q: LiveQuestionView; total: number; big?: boolean }) {
  return (
    <div>
      <p className="text-sm text-stone-500">
        第 {q.position} / {total} 题 · {TYPE_LABELS[q.type]} · {formatLivePoints(q.points)} 分 · 限时 {q.seconds} 秒
      </p>
      <h2 className={`mt-1 font-bold text-stone-900 ${big ? "text-3xl leading-snug" : "text-lg"}`} data-testid="live-stem">
        {q.stem}
      </h2>
    </div>
  );
}

export function Countdown({ seconds, big = false }: { seconds: number | null; big?: boolean }) {
  if (seconds === null) return null;
  return (
    <p
      className={`shrink-0 whitespace-nowrap font-bold tabular-nums ${seconds <= 5 ? "text-red-700" : "text-party"} ${big ? "text-5xl" : "text-2xl"}`}
      data-testid="live-countdown"
      role="timer"
    >
      {seconds > 0 ? `剩余 ${seconds} 秒` : "时间到"}
    </p>
  );
}

export function AnswerDistribution({ q, reveal }: { q: LiveQuestionView; reveal: LiveReveal }) {
  const most = Math.max(1, ...reveal.distribution.map((d) => d.count), reveal.unanswered);
  const bars = [
    ...reveal.distribution.map((d) => ({
      key: d.value,
      label: optionText(q, d.value),
      count: d.count,
      correct: d.correct,
    })),
    { key: "none", label: "未作答", count: reveal.unanswered, correct: false },
  ];
  return (
    <ul className="space-y-2" data-testid="live-distribution" aria-label="答案分布">
      {bars.map((b) => (
        <li key={b.key} className="grid grid-cols-[minmax(0,16rem)_1fr_3rem] items-center gap-3" data-testid="distribution-row">
          <span className={`truncate ${b.correct ? "font-bold text-green-800" : "text-stone-700"}`}>
            {b.correct ? "✓ " : ""}
            {b.label}
          </span>
          <span className="h-6 rounded bg-stone-100">
            <span className={`block h-6 rounded ${b.correct ? "bg-green-600" : "bg-stone-400"}`} style={{ width: `${(b.count / most) * 100}%` }} />
          </span>
          <span className="text-right tabular-nums">{b.count}</span>
        </li>
      ))}
    </ul>
  );
}

export function Leaderboard({ rows, title }: { rows: LeaderboardRow[]; title: string }) {
  return (
    <section className="rounded-lg bg-white p-4 shadow">
      <h2 className="mb-2 text-lg font-bold">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-stone-500">还没有选手。</p>
      ) : (
        <ol className="divide-y divide-stone-100" data-testid="leaderboard">
          {rows.map((r, i) => (
            <li key={`${r.place}-${i}`} className="flex items-center gap-3 py-1.5" data-testid="leaderboard-row">
              <span className="w-8 text-right font-bold tabular-nums text-party">{r.place}</span>
              <span className="font-medium">{r.name}</span>
              <span className="truncate text-sm text-stone-500">{r.unit}</span>
              <span className="ml-auto font-bold tabular-nums">{formatLivePoints(r.score)} 分</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
