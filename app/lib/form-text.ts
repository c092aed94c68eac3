import { z } from "zod";

// Text a person types into a form. A single-line field (a title, a place, a reason typed on one line)
// never holds a line break or another control character: they come only from a script or a paste,
// and they break what the text is later put into (a calendar feed's line, a mail header, a CSV cell,
// a log line). Multi-line fields keep their line breaks and tabs, nothing else. Pasted \r\n and lone
// \r become \n. Trimmed, then measured by the same limits as before.

/** C0 controls, DEL and C1 controls, the line and paragraph separators, and the bidi overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The same, less the line feed and tab a multi-line text may hold. */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** `label` names the field in the messages; `tooShort` replaces the message for fewer than `min` characters. */
type TextRules = { label: string; max: number; min?: number; required?: boolean; tooShort?: string };

function text(control: RegExp, controlMessage: string, { label, max, min = 0, required = false, tooShort }: TextRules) {
  const least = required ? Math.max(min, 1) : min;
  let checked = z.string().refine((s) => !control.test(s), controlMessage);
  if (least > 0) checked = checked.min(least, tooShort ?? (least > 1 ? `请填写${label}（至少 ${least} 个字）` : `请填写${label}`));
  return z
    .string({ error: `请填写${label}` })
    .transform((s) => s.replace(/\r\n?/g, "\n").trim())
    .pipe(checked.max(max, `${label}最多 ${max} 字`));
}

/** One line of text: control characters (line breaks included) are refused with a message naming the field. */
export function singleLineText(rules: TextRules) {
  return text(CONTROL, `${rules.label}只能填写一行文字，不能包含换行或控制字符`, rules);
}

/** Several lines of text: line breaks and tabs are kept, other control characters refused. */
export function multiLineText(rules: TextRules) {
  return text(CONTROL_BUT_LINES, `${rules.label}不能包含控制字符`, rules);
}
