import { type EditableQuestion, type RequiredExtras, editableQuestionSchema, missingExtras } from "./bank-format";
import { parseTags } from "./bank-import";
import { OPTION_LETTERS, type QuestionType } from "./quiz-grading";

// The question editor's form, which works without JavaScript: every type's answer inputs are in the
// page, and the chosen type decides which one counts. Pure: the route hands in the submitted
// fields and gets back the question (checked by bank-format's rules) or errors per field.

export type QuestionFormValues = {
  type: string;
  stem: string;
  options: Record<string, string>;
  answerSingle: string;
  answerMultiple: string[];
  answerJudge: string;
  /** Accepted answers, one per line. */
  answerFill: string;
  explanation: string;
  difficulty: string;
  /** Separated by 、 ， or spaces. */
  tags: string;
  source: string;
};

export type QuestionFormField = "type" | "stem" | "options" | "answer" | "explanation" | "difficulty" | "tags" | "source" | "form";

export const EMPTY_QUESTION_FORM: QuestionFormValues = {
  type: "single",
  stem: "",
  options: {},
  answerSingle: "",
  answerMultiple: [],
  answerJudge: "",
  answerFill: "",
  explanation: "",
  difficulty: "2",
  tags: "",
  source: "",
};

export function formValuesOf(q: EditableQuestion): QuestionFormValues {
  return {
    type: q.type,
    stem: q.stem,
    options: q.type === "single" || q.type === "multiple" ? { ...q.options } : {},
    answerSingle: q.type === "single" ? q.answer : "",
    answerMultiple: q.type === "multiple" ? q.answer : [],
    answerJudge: q.type === "judge" ? String(q.answer) : "",
    answerFill: q.type === "fill" ? q.answer.join("\n") : "",
    explanation: q.explanation,
    difficulty: String(q.difficulty),
    tags: q.tags.join("、"),
    source: q.source ?? "",
  };
}

const str = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

export function formValuesFrom(form: FormData): QuestionFormValues {
  const options: Record<string, string> = {};
  for (const l of OPTION_LETTERS) options[l] = str(form.get(`option${l}`)).trim();
  return {
    type: str(form.get("type")),
    stem: str(form.get("stem")),
    options,
    answerSingle: str(form.get("answerSingle")),
    answerMultiple: form.getAll("answerMultiple").map(str),
    answerJudge: str(form.get("answerJudge")),
    answerFill: str(form.get("answerFill")),
    explanation: str(form.get("explanation")),
    difficulty: str(form.get("difficulty")),
    tags: str(form.get("tags")),
    source: str(form.get("source")),
  };
}

const TYPES: readonly string[] = ["single", "multiple", "judge", "fill"] satisfies QuestionType[];

export type QuestionFormResult = { ok: true; question: Omit<EditableQuestion, "id"> } | { ok: false; errors: Partial<Record<QuestionFormField, string[]>> };

/** Reads the editor's fields as a question of the chosen type and checks it with bank-format's rules. */
export function questionFromForm(v: QuestionFormValues, required: RequiredExtras = { explanation: false, tags: false }): QuestionFormResult {
  const errors: Partial<Record<QuestionFormField, string[]>> = {};
  const add = (f: QuestionFormField, m: string) => void (errors[f] ??= []).push(m);
  for (const missing of missingExtras({ explanation: v.explanation, tags: parseTags(v.tags) }, required))
    add(missing === "解析" ? "explanation" : "tags", `本校要求填写${missing}`);
  if (!TYPES.includes(v.type)) {
    add("type", "请选择题型");
    return { ok: false, errors };
  }
  const type = v.type as QuestionType;
  // Options are kept up to the last filled one, so a gap (A, C filled) is reported, not closed silently.
  const filled = OPTION_LETTERS.filter((l) => (v.options[l] ?? "") !== "");
  const last = filled.length ? OPTION_LETTERS.indexOf(filled[filled.length - 1]) : -1;
  const options: Record<string, string> = {};
  for (const l of OPTION_LETTERS.slice(0, last + 1)) options[l] = v.options[l] ?? "";
  const gaps = Object.keys(options).filter((l) => options[l] === "");
  if ((type === "single" || type === "multiple") && gaps.length) add("options", `选项须从 A 起连续填写（${gaps.join("、")} 未填写）`);
  const answer =
    type === "single"
      ? v.answerSingle || undefined
      : type === "multiple"
        ? [...new Set(v.answerMultiple)].sort()
        : type === "judge"
          ? v.answerJudge === "true"
            ? true
            : v.answerJudge === "false"
              ? false
              : undefined
          : v.answerFill
              .split(/[\n｜|；;]/)
              .map((a) => a.trim())
              .filter(Boolean);
  if (answer === undefined) add("answer", type === "judge" ? "请选择“正确”或“错误”" : "请选择正确答案");
  const candidate = {
    id: "editing",
    type,
    stem: v.stem,
    ...(type === "single" || type === "multiple" ? { options } : {}),
    ...(answer === undefined ? {} : { answer }),
    explanation: v.explanation,
    difficulty: Number(v.difficulty),
    tags: parseTags(v.tags),
    ...(v.source.trim() ? { source: v.source } : {}),
  };
  const result = editableQuestionSchema.safeParse(candidate);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? "form") as QuestionFormField;
      if ((field === "answer" && errors.answer) || (field === "options" && errors.options)) continue;
      add(["type", "stem", "options", "answer", "explanation", "difficulty", "tags", "source"].includes(field) ? field : "form", issue.message);
    }
  }
  if (!result.success || Object.keys(errors).length) return { ok: false, errors };
  const { id: _id, ...question } = result.data;
  return { ok: true, question };
}
