import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { FormMessage, buttonClass, inputClass, FieldError } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { BUILDER_PARSE, newPaperSchema } from "~/lib/builder-forms";

// The form at the top of the quiz and contest lists: a name and the owning unit, then the builder page.

export function NewPaperForm({
  what,
  placeholder,
  units,
}: {
  what: "测试" | "竞赛";
  placeholder: string;
  units: { id: number; name: string; depth: number }[];
}) {
  const lastResult = useActionData<{ result: SubmissionResult<string[]> }>()?.result;
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "new-paper",
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPaperSchema(what), ...BUILDER_PARSE }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-2 rounded-lg bg-white p-4 shadow sm:grid-cols-[1fr_1fr_auto]">
      <div className="sm:col-span-3">
        <FormMessage messages={form.errors} />
      </div>
      <div>
        <input {...getInputProps(fields.title, { type: "text" })} placeholder={placeholder} aria-label={`${what}名称`} className={inputClass} maxLength={100} />
        <FieldError field={fields.title} />
      </div>
      <div>
        <select {...getSelectProps(fields.unitId)} aria-label="所属党组织" className={inputClass}>
          <UnitOptions units={units} />
        </select>
        <FieldError field={fields.unitId} />
      </div>
      <button type="submit" className={`${buttonClass} self-start`} disabled={busy}>
        新建{what}
      </button>
    </Form>
  );
}
