import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { Form, useFetcher, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { useSubmitInTurn } from "~/components/ui/use-submit-in-turn";
import { MAX_TEXT_LENGTH } from "~/lib/assignments";
import { AUTOSAVE_INTENT } from "~/lib/autosave";
import { formatWordCount, wordCount } from "~/lib/word-count";

// The editor of written work (a class's 心得, a 思想汇报): the text with its count as the server counts
// it (app/lib/word-count.ts), the draft saved a moment after typing stops and when the box is left
// (a fetcher post with intent=save to the page's own action, answered `{ ok, savedAt }`), and the
// 保存草稿 / 提交 buttons, which work without JavaScript too.

export type EditorReply = { result: SubmissionResult<string[]>; message?: string };
type SaveAnswer = { ok: true; savedAt: string } | { ok: false; error: string };

export function Editor({
  text: stored,
  savedAt,
  minChars,
  maxChars,
  again,
  reply,
  confirmText = "确定提交吗？提交后等待批阅，退回修改前不能再编辑。",
}: {
  text: string;
  savedAt: string | null;
  minChars: number;
  maxChars: number;
  /** A resubmission after a return: the button says so. */
  again: boolean;
  reply: EditorReply | undefined;
  confirmText?: string;
}) {
  const [form, fields] = useForm({ id: "work", lastResult: reply?.result, defaultValue: { text: stored } });
  // The value typed, for the live count: after a refused plain POST it is what was posted.
  const initial = (reply?.result.initialValue?.text as string | undefined) ?? stored;
  const [text, setText] = useState(initial);
  const count = wordCount(text);
  const outside = count < minChars || count > maxChars;
  const submitting = useNavigation().state === "submitting";

  const fetcher = useFetcher<SaveAnswer>({ key: "autosave" });
  const submitSave = useSubmitInTurn(fetcher);
  const lastSent = useRef(initial);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const save = (value: string) => {
    clearTimeout(timer.current);
    if (value === lastSent.current) return;
    lastSent.current = value;
    submitSave({ intent: AUTOSAVE_INTENT, text: value }, { method: "post" });
  };
  // Text typed before the page's script had loaded (a phone still loading it) is in the box but
  // neither counted nor saved: once hydrated, count it and save it.
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const typed = box.current?.value ?? initial;
    if (typed !== initial) {
      setText(typed);
      if (document.activeElement !== box.current) save(typed);
    }
    return () => clearTimeout(timer.current);
    // Once, when the page is hydrated.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const saved = fetcher.data && "ok" in fetcher.data ? fetcher.data : undefined;
  const status =
    fetcher.state !== "idle" ? (
      "保存中…"
    ) : saved && !saved.ok ? (
      <span className="text-red-700" role="alert">
        {saved.error}
      </span>
    ) : text !== lastSent.current ? (
      "有未保存的修改"
    ) : saved?.ok ? (
      <span className="text-green-700">草稿已保存 {saved.savedAt}</span>
    ) : savedAt ? (
      `草稿已保存 ${savedAt}`
    ) : null;

  return (
    <Form method="post" {...getFormProps(form)} className="rounded-lg bg-white p-4 shadow">
      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      <FormMessage messages={form.errors} />
      <Field label="正文" htmlFor={fields.text.id} errors={fields.text.errors} errorId={fields.text.errorId}>
        <textarea
          {...getTextareaProps(fields.text)}
          ref={box}
          rows={14}
          className={`${inputClass} leading-relaxed`}
          maxLength={MAX_TEXT_LENGTH}
          onChange={(e) => {
            const value = e.currentTarget.value;
            setText(value);
            clearTimeout(timer.current);
            timer.current = setTimeout(() => save(value), 2000);
          }}
          onBlur={(e) => save(e.currentTarget.value)}
        />
      </Field>
      <p className="-mt-2 mb-3 flex justify-between gap-2 text-sm">
        <span className={outside ? "text-red-700" : "text-stone-700"} data-testid="word-count" aria-live="polite">
          当前 {formatWordCount(count)}
          {count < minChars ? `，还差 ${minChars - count} 字` : count > maxChars ? `，超出 ${count - maxChars} 字` : ""}
        </span>
        <span className="text-right text-stone-500" data-testid="save-status" aria-live="polite">
          {status}
        </span>
      </p>
      <div className="flex gap-2">
        <button type="submit" name="intent" value="draft" className={secondaryButtonClass} disabled={submitting}>
          保存草稿
        </button>
        <button
          type="submit"
          name="intent"
          value="submit"
          className={`${buttonClass} flex-1`}
          disabled={submitting}
          onClick={(e) => {
            if (!window.confirm(confirmText)) e.preventDefault();
          }}
        >
          {again ? "重新提交" : "提交"}
        </button>
      </div>
    </Form>
  );
}
