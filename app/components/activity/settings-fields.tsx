import { type FieldMetadata, getInputProps, getSelectProps, getTextareaProps } from "@conform-to/react";
import { InputField } from "~/components/builder/builder-parts";
import { Field } from "~/components/ui/form";
import { inputClass } from "~/components/ui/form";
import { LabelOptions } from "~/components/ui/options";
import { ACTIVITY_KIND_LABELS, type ActivityKind } from "~/lib/activities";

// The fields of an activity's settings, shared by the new-activity form and the edit form. The fields
// come from the page's `useForm` (its default values are the activity's, or a meeting starting now).

export type ActivityFieldValues = {
  title: string;
  kind: ActivityKind;
  startsAt: string;
  endsAt: string;
  checkinOpensAt: string;
  checkinClosesAt: string;
  hours: string;
  place: string;
  agenda: string;
};

type SettingsFields<S extends Record<string, unknown>> = { [K in keyof ActivityFieldValues]: FieldMetadata<unknown, S, string[]> };

export function ActivitySettingsFields<S extends Record<string, unknown>>({ fields }: { fields: SettingsFields<S> }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field label="活动名称" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
        <input {...getInputProps(fields.title, { type: "text" })} placeholder="如：十一月主题党日" className={inputClass} maxLength={100} required />
      </Field>
      <Field label="活动类型" htmlFor={fields.kind.id} errors={fields.kind.errors} errorId={fields.kind.errorId}>
        <select {...getSelectProps(fields.kind)} className={inputClass}>
          <LabelOptions labels={ACTIVITY_KIND_LABELS} />
        </select>
      </Field>
      <InputField label="开始时间" field={fields.startsAt} type="datetime-local" />
      <InputField label="结束时间" field={fields.endsAt} type="datetime-local" />
      <InputField label="签到开始" field={fields.checkinOpensAt} type="datetime-local" />
      <InputField label="签到截止" field={fields.checkinClosesAt} type="datetime-local" />
      <InputField label="每人学时" field={fields.hours} type="number" min="0.05" max="100" step="0.05" />
      <Field label="地点" htmlFor={fields.place.id} errors={fields.place.errors} errorId={fields.place.errorId}>
        <input {...getInputProps(fields.place, { type: "text" })} placeholder="如：文科楼 302 室" className={inputClass} maxLength={100} />
      </Field>
      <Field label="议程（每行一项）" htmlFor={fields.agenda.id} errors={fields.agenda.errors} errorId={fields.agenda.errorId}>
        <textarea {...getTextareaProps(fields.agenda)} rows={4} className={inputClass} maxLength={2000} />
      </Field>
    </div>
  );
}
