import { type FieldMetadata, type FormMetadata, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { type InputHTMLAttributes, type ReactNode } from "react";
import { type ZodType } from "zod";
import { Field, FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { AudienceAddSchema, BUILDER_PARSE, type BuilderReply } from "~/lib/builder-forms";
import { DIFFICULTY_LABELS } from "~/lib/contest-settings";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";

// The parts the quiz builder and the contest builder pages share: the header with the publishing
// buttons and the action's answer, the paper's list of parts, the random-draw form and the audience
// editor. Every form posts an `intent` and works before hydration; conform puts a refusal beside the
// field it names, or at the top of the form that was sent.

/** The action's answer, and the conform result of one form (by intent, and `kind` where one intent has two forms). */
export function useBuilderReply() {
  const reply = useActionData<BuilderReply>();
  const resultFor = (intent: string, kind?: string) => (reply?.intent === intent && (kind === undefined || reply.kind === kind) ? reply.result : undefined);
  const formErrorsFor = (...intents: string[]) => (reply && intents.includes(reply.intent ?? "") ? (reply.result.error?.[""] ?? undefined) : undefined);
  return { reply, resultFor, formErrorsFor };
}

export function fieldAt(field: { id: string; errors?: string[]; errorId: string }) {
  return { htmlFor: field.id, errors: field.errors, errorId: field.errorId };
}

/** A labelled input with its messages beside it. */
export function InputField<T, S extends Record<string, unknown>>({
  label,
  field,
  type,
  ...attrs
}: { label: string; field: FieldMetadata<T, S, string[]>; type: "text" | "number" | "datetime-local" } & Pick<
  InputHTMLAttributes<HTMLInputElement>,
  "min" | "max" | "step" | "maxLength"
>) {
  return (
    <Field label={label} {...fieldAt(field)}>
      <input {...getInputProps(field, { type })} {...attrs} className={inputClass} />
    </Field>
  );
}

/**
 * The settings form of either builder: the name and description, the builder's own fields, and the
 * save button. `form` and the two fields come from the page's `useForm` (its schema is the page's).
 */
export function SettingsForm<T, D, S extends Record<string, unknown>>({
  form,
  title,
  description,
  children,
}: {
  form: FormMetadata<S, string[]>;
  title: FieldMetadata<T, S, string[]>;
  description: FieldMetadata<D, S, string[]>;
  children: ReactNode;
}) {
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-x-3 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <FormMessage messages={form.errors} />
      </div>
      <input type="hidden" name="intent" value="settings" />
      <div className="sm:col-span-2">
        <InputField label="名称" field={title} type="text" maxLength={100} />
      </div>
      <div className="sm:col-span-2">
        <Field label="说明" {...fieldAt(description)}>
          <textarea {...getTextareaProps(description)} rows={2} className={inputClass} maxLength={2000} />
        </Field>
      </div>
      {children}
      <button type="submit" className={`${buttonClass} sm:col-span-2`} disabled={busy}>
        保存设置
      </button>
    </Form>
  );
}

/** How every builder form validates in the browser: on leaving a field, then as it is corrected. */
export const VALIDATE_WHEN = { shouldValidate: "onBlur", shouldRevalidate: "onInput" } as const;

/** The form that is only a button naming a row (remove this part, this audience). */
export function RowButton({ intent, id, children }: { intent: string; id: number; children: ReactNode }) {
  return (
    <Form method="post">
      <input type="hidden" name="id" value={id} />
      <button name="intent" value={intent} className="text-xs text-party underline">
        {children}
      </button>
    </Form>
  );
}

/** The title, a summary line, the answer to the last form sent, and publish / withdraw / archive with the page's own links. */
export function BuilderHeader({
  title,
  summary,
  status,
  above,
  links,
}: {
  title: string;
  summary: ReactNode;
  status: string;
  above?: ReactNode;
  links: ReactNode;
}) {
  const { reply, formErrorsFor } = useBuilderReply();
  return (
    <header className="rounded-lg bg-white p-4 shadow">
      {above}
      <h1 className="text-xl font-bold">{title}</h1>
      <p className="text-sm text-stone-600">{summary}</p>
      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      <FormMessage messages={formErrorsFor("publish", "unpublish", "archive", "approve-credit")} />
      <Form method="post" className="mt-2 flex flex-wrap gap-2">
        {status !== "published" ? (
          <button name="intent" value="publish" className={buttonClass}>
            发布
          </button>
        ) : (
          <button name="intent" value="unpublish" className={secondaryButtonClass}>
            撤回为草稿
          </button>
        )}
        <button name="intent" value="archive" className={secondaryButtonClass}>
          归档
        </button>
        {links}
      </Form>
    </header>
  );
}

type PaperPart = { id: number; position: number };

/** The paper's parts in order, each removable until the paper is frozen, then the forms that add parts. */
export function PaperSection<P extends PaperPart>({
  heading,
  frozen,
  frozenText,
  testId,
  parts,
  removeIntent,
  describe,
  children,
}: {
  heading: string;
  frozen: boolean;
  frozenText: string;
  testId: string;
  parts: P[];
  removeIntent: string;
  describe: (part: P) => ReactNode;
  children: ReactNode;
}) {
  const { formErrorsFor } = useBuilderReply();
  return (
    <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="paper-heading">
      <h2 id="paper-heading" className="mb-2 font-bold">
        {heading}
      </h2>
      {frozen ? <p className="mb-2 text-sm text-amber-800">{frozenText}</p> : null}
      <FormMessage messages={formErrorsFor(removeIntent)} />
      <ol className="mb-3 space-y-1 text-sm" data-testid={testId}>
        {parts.length === 0 ? <li className="text-stone-500">还没有题目。</li> : null}
        {parts.map((p) => (
          <li key={p.id} className="flex items-start gap-2">
            <span className="flex-1">
              {p.position}. {describe(p)}
            </span>
            {!frozen ? (
              <RowButton intent={removeIntent} id={p.id}>
                移除
              </RowButton>
            ) : null}
          </li>
        ))}
      </ol>
      {!frozen ? children : null}
    </section>
  );
}

/** "从「党章题库」随机抽 3 题，标签“义务”，难度易": a random draw as the paper lists it. */
export function drawDescription(d: { bankTitle: string; count: number; tag: string | null; difficulty: number | null }): string {
  const difficulty = d.difficulty ? `，难度${DIFFICULTY_LABELS[String(d.difficulty) as keyof typeof DIFFICULTY_LABELS]}` : "";
  return `从「${d.bankTitle}」随机抽 ${d.count} 题${d.tag ? `，标签“${d.tag}”` : ""}${difficulty}`;
}

/**
 * Adds a random draw to the paper: a bank, an optional tag and difficulty, how many, and the points of
 * each (`pointsName`: a quiz calls them `mark`, a contest `points`). `hidden` names the builder's own
 * fields (a quiz slot's `kind`).
 */
export function DrawForm({
  intent,
  schema,
  banks,
  pointsName,
  hidden = {},
}: {
  intent: string;
  schema: ZodType<Record<string, unknown>, Record<string, unknown>>;
  banks: { id: number; title: string; count: number }[];
  pointsName: "mark" | "points";
  hidden?: Record<string, string>;
}) {
  const { resultFor } = useBuilderReply();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm<Record<string, unknown>>({
    id: `${intent}-draw`,
    lastResult: resultFor(intent, hidden.kind),
    defaultValue: { count: "10", [pointsName]: "5", difficulty: "" },
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema, ...BUILDER_PARSE }),
  });
  const points = fields[pointsName];
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-2 rounded border border-stone-200 p-3 sm:grid-cols-6">
      <div className="sm:col-span-6">
        <FormMessage messages={form.errors} />
      </div>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <select {...getSelectProps(fields.bankId)} aria-label="题库" className={`${inputClass} sm:col-span-2`}>
        {banks.map((b) => (
          <option key={b.id} value={b.id}>
            {b.title}（{b.count} 题）
          </option>
        ))}
      </select>
      <input {...getInputProps(fields.tag, { type: "text" })} placeholder="标签（可空）" aria-label="标签" className={inputClass} />
      <select {...getSelectProps(fields.difficulty)} aria-label="难度" className={inputClass}>
        <option value="">不限难度</option>
        <LabelOptions labels={DIFFICULTY_LABELS} />
      </select>
      <input {...getInputProps(fields.count, { type: "number" })} min={1} max={200} aria-label="抽题数量" className={inputClass} />
      <input {...getInputProps(points, { type: "number" })} min={0.5} max={100} step="0.5" aria-label="每题分值" className={inputClass} />
      <FieldError field={fields.bankId} />
      <FieldError field={fields.tag} />
      <FieldError field={fields.difficulty} />
      <FieldError field={fields.count} />
      <FieldError field={points} />
      <button type="submit" className={`${secondaryButtonClass} sm:col-span-6`} disabled={busy}>
        加入随机抽题
      </button>
    </Form>
  );
}

type Audience = { id: number; politicalStatus: string | null; unit: { id: number; name: string } };

/** Who may take part: units (with their subtrees), each optionally one political status; add and remove. */
export function AudienceSection({
  heading,
  audiences,
  units,
}: {
  heading: string;
  audiences: Audience[];
  units: { id: number; name: string; depth: number }[];
}) {
  const { resultFor, formErrorsFor } = useBuilderReply();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "audience-add",
    lastResult: resultFor("audience-add"),
    defaultValue: { politicalStatus: "" },
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AudienceAddSchema, ...BUILDER_PARSE }),
  });
  return (
    <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="audience-heading">
      <h2 id="audience-heading" className="mb-2 font-bold">
        {heading}
      </h2>
      <FormMessage messages={formErrorsFor("audience-remove")} />
      <ul className="mb-3 space-y-1 text-sm" data-testid="audiences">
        {audiences.length === 0 ? <li className="text-stone-500">还没有指定。</li> : null}
        {audiences.map((a) => (
          <li key={a.id} className="flex items-center gap-2">
            {a.unit.name}（含下级）{a.politicalStatus ? ` · 仅${POLITICAL_STATUS_LABELS[a.politicalStatus as PoliticalStatus]}` : " · 全体人员"}
            <RowButton intent="audience-remove" id={a.id}>
              移除
            </RowButton>
          </li>
        ))}
      </ul>
      <Form method="post" {...getFormProps(form)} className="grid gap-2 sm:grid-cols-3">
        <div className="sm:col-span-3">
          <FormMessage messages={form.errors} />
        </div>
        <input type="hidden" name="intent" value="audience-add" />
        <select {...getSelectProps(fields.unitId)} aria-label="党组织" className={inputClass}>
          <UnitOptions units={units} />
        </select>
        <select {...getSelectProps(fields.politicalStatus)} aria-label="政治面貌" className={inputClass}>
          <option value="">全体人员</option>
          <LabelOptions labels={POLITICAL_STATUS_LABELS} />
        </select>
        <button type="submit" className={secondaryButtonClass} disabled={busy}>
          添加
        </button>
        <FieldError field={fields.unitId} />
        <FieldError field={fields.politicalStatus} />
      </Form>
    </section>
  );
}
