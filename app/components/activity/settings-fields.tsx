import { inputClass } from "~/components/ui/form";
import { LabelOptions } from "~/components/ui/options";
import { ACTIVITY_KIND_LABELS, type ActivityKind } from "~/lib/activities";

// The fields of an activity's settings, shared by the new-activity form and the edit form.

export type ActivityFieldValues = {
  title: string;
  kind: ActivityKind;
  startsAt: string;
  endsAt: string;
  checkinOpensAt: string;
  checkinClosesAt: string;
  hours: string;
};

export function ActivitySettingsFields({ values }: { values: ActivityFieldValues }) {
  const field = (label: string, input: React.ReactNode) => (
    <label className="block text-sm">
      <span className="mb-1 block text-stone-700">{label}</span>
      {input}
    </label>
  );
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {field("活动名称", <input name="title" defaultValue={values.title} placeholder="如：十一月主题党日" className={inputClass} maxLength={100} required />)}
      {field(
        "活动类型",
        <select name="kind" defaultValue={values.kind} className={inputClass}>
          <LabelOptions labels={ACTIVITY_KIND_LABELS} />
        </select>,
      )}
      {field("开始时间", <input type="datetime-local" name="startsAt" defaultValue={values.startsAt} className={inputClass} required />)}
      {field("结束时间", <input type="datetime-local" name="endsAt" defaultValue={values.endsAt} className={inputClass} required />)}
      {field("签到开始", <input type="datetime-local" name="checkinOpensAt" defaultValue={values.checkinOpensAt} className={inputClass} required />)}
      {field("签到截止", <input type="datetime-local" name="checkinClosesAt" defaultValue={values.checkinClosesAt} className={inputClass} required />)}
      {field("每人学时", <input type="number" name="hours" defaultValue={values.hours} min="0.05" max="100" step="0.05" className={inputClass} required />)}
    </div>
  );
}
