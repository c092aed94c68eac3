import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { Form } from "@remix-run/react";
import { Field, FieldError, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { GRADE_COMPONENTS, GRADE_COMPONENT_LABELS, RuleFormSchema } from "~/lib/class-grading";

// A class's grading rule as a form (fields of RULE_FORM_FIELDS in app/lib/class-grading.ts), posted
// with intent "rule" to the class's results page, which checks and stores it. The results page shows
// it; a class page may embed it with `action` pointing at that page. Works before hydration.

export function GradingRuleForm({
  defaults,
  reply,
  action,
}: {
  defaults: Record<string, string>;
  reply?: { result: SubmissionResult<string[]> };
  action?: string;
}) {
  const [form, fields] = useForm({
    lastResult: reply?.result,
    defaultValue: defaults,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    // The same checks in the browser, so a typed weight is judged at once and never posted to be judged.
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RuleFormSchema }),
  });
  const weights = form.allErrors.weights;
  return (
    <Form method="post" action={action} {...getFormProps(form)} className="mt-3 space-y-3">
      <FormMessage messages={form.errors} />
      <fieldset aria-describedby={weights ? "weights-error" : undefined}>
        <legend className="text-sm font-medium text-stone-700">成绩组成（权重之和须为 100%；不计入的部分权重留空）</legend>
        <div className="mt-1 grid gap-2 sm:grid-cols-2">
          {GRADE_COMPONENTS.map((key) => {
            const label = GRADE_COMPONENT_LABELS[key];
            const weight = fields[`${key}Weight`];
            const min = fields[`${key}Min`];
            const zero = fields[`${key}MissingZero`];
            return (
              <div key={key} className="rounded border border-stone-200 p-2">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="w-10 font-medium">{label}</span>
                  <input
                    {...getInputProps(weight, { type: "text" })}
                    key={weight.key}
                    inputMode="numeric"
                    aria-label={`${label}权重（%）`}
                    className={`${inputClass} w-20`}
                  />
                  <span className="text-sm">%，最低</span>
                  <input
                    {...getInputProps(min, { type: "text" })}
                    key={min.key}
                    inputMode="decimal"
                    aria-label={`${label}最低分`}
                    className={`${inputClass} w-20`}
                  />
                  <span className="text-sm">分</span>
                </div>
                <label className="mt-1 flex items-center gap-1 text-xs text-stone-600">
                  <input {...getInputProps(zero, { type: "checkbox" })} key={zero.key} />
                  缺少成绩时按 0 分计（不勾选则缺少成绩即不合格）
                </label>
                <FieldError field={weight} />
                <FieldError field={min} />
              </div>
            );
          })}
        </div>
        {weights ? (
          <p id="weights-error" className="mt-1 text-sm text-red-700" role="alert">
            {weights.join("；")}
          </p>
        ) : null}
      </fieldset>
      <div className="grid gap-2 sm:grid-cols-3">
        <Field label="合格分数线（总分）" htmlFor={fields.passMark.id} errors={fields.passMark.errors} errorId={fields.passMark.errorId}>
          <input {...getInputProps(fields.passMark, { type: "text" })} key={fields.passMark.key} inputMode="decimal" className={inputClass} />
        </Field>
        <Field
          label="优秀学员分数线（留空则不评优秀）"
          htmlFor={fields.excellentMinTotal.id}
          errors={fields.excellentMinTotal.errors}
          errorId={fields.excellentMinTotal.errorId}
        >
          <input {...getInputProps(fields.excellentMinTotal, { type: "text" })} key={fields.excellentMinTotal.key} inputMode="decimal" className={inputClass} />
        </Field>
        <Field
          label="优秀比例（合格学员的前 %，留空不限）"
          htmlFor={fields.excellentTopPercent.id}
          errors={fields.excellentTopPercent.errors}
          errorId={fields.excellentTopPercent.errorId}
        >
          <input
            {...getInputProps(fields.excellentTopPercent, { type: "text" })}
            key={fields.excellentTopPercent.key}
            inputMode="numeric"
            className={inputClass}
          />
        </Field>
      </div>
      <button name="intent" value="rule" className={buttonClass}>
        保存评分规则
      </button>
    </Form>
  );
}
