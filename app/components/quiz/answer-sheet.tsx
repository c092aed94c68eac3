import { useRef } from "react";

// The 答题卡: one numbered button per question, showing which are answered and which the learner
// marked (标记), and jumping to one. Each button is also a real submit of the attempt's form (save the
// answers on screen, then open that question), so the sheet works before and without the page's script;
// with the script the answers are saved as they are given and the jump happens in place.

/** The intent of the attempt form's no-script save (a 保存, 上一题/下一题 or answer-sheet button). */
export const SAVE_FORM_INTENT = "save-form";

/** The form action of a button that saves and then opens question `position`. */
export const saveAndOpen = (position: number) => `?at=${position}`;

export function AnswerSheet({
  formId,
  positions,
  answered,
  marked,
  current,
  hydrated,
  onJump,
}: {
  formId: string;
  positions: number[];
  answered: ReadonlySet<number>;
  marked: ReadonlySet<number>;
  current: number | null;
  hydrated: boolean;
  onJump: (position: number) => void;
}) {
  const sheet = useRef<HTMLDetailsElement>(null);
  const count = positions.filter((p) => answered.has(p)).length;
  return (
    <details ref={sheet} className="group mt-1" data-testid="answer-sheet">
      <summary className="flex min-h-11 cursor-pointer items-center gap-2 text-sm text-stone-700">
        <span className="font-semibold text-party">答题卡</span>
        <span data-testid="answered-count">{`已答 ${count}/${positions.length} 题${marked.size ? ` · 标记 ${marked.size} 题` : ""}`}</span>
        <span aria-hidden="true" className="ml-auto text-stone-400 group-open:rotate-180">
          ▾
        </span>
      </summary>
      <ol className="grid grid-cols-6 gap-2 pb-2 pt-1" aria-label="答题卡">
        {positions.map((p) => {
          const isAnswered = answered.has(p);
          const isMarked = marked.has(p);
          return (
            <li key={p}>
              <button
                type="submit"
                form={formId}
                name="intent"
                value={SAVE_FORM_INTENT}
                formAction={saveAndOpen(p)}
                formNoValidate
                data-testid="sheet-item"
                data-answered={isAnswered || undefined}
                data-marked={isMarked || undefined}
                aria-current={current === p ? "step" : undefined}
                aria-label={`第 ${p} 题，${isAnswered ? "已答" : "未答"}${isMarked ? "，已标记" : ""}`}
                onClick={(e) => {
                  if (!hydrated) return;
                  e.preventDefault();
                  if (sheet.current) sheet.current.open = false;
                  onJump(p);
                }}
                className={`relative h-11 w-full rounded-md border text-sm tabular-nums ${
                  isAnswered ? "border-party bg-party text-white" : "border-stone-300 bg-white text-stone-800"
                } ${current === p ? "ring-2 ring-amber-500 ring-offset-1" : ""}`}
              >
                {p}
                {isMarked ? (
                  <span aria-hidden="true" className="absolute -right-1 -top-1 rounded-full bg-amber-500 px-1 text-[10px] leading-4 text-white">
                    标
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ol>
      <p className="pb-2 text-xs text-stone-500">红色为已答，带“标”字的为已标记的题目；点题号跳到该题。</p>
    </details>
  );
}
