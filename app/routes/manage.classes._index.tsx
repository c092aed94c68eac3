import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { requireClassStaffArea } from "~/.server/classes/access";
import { classesForStaff, createClass, organiserUnits } from "~/.server/classes/classes";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { unitsUnder } from "~/.server/org/units";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { CLASS_KIND_LABELS, CLASS_STATUS_LABELS, NewClassSchema } from "~/lib/classes";
import { formatDate, todayInChina } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { pageMeta } from "~/lib/page-meta";

// The party school's classes (期次) a member of staff organises or may nominate for, and a new class:
// /manage/classes. Creating takes `classes:manage` over the organising unit (校党校 or a 二级党校).

export const meta: MetaFunction = () => pageMeta("党校培训班 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireClassStaffArea(request);
  const [classes, organisers, audienceUnits] = await Promise.all([
    classesForStaff(user.grants),
    organiserUnits(user.grants),
    unitsUnder(scopePaths(user.grants, "classes:manage")),
  ]);
  const today = todayInChina();
  return {
    classes: classes.map((c) => ({ ...c, startsOn: formatDate(c.startsOn), endsOn: formatDate(c.endsOn) })),
    organisers: organisers.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    audienceUnits: audienceUnits.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    defaults: { kind: "activist" as string, startsOn: today, endsOn: today, term: "", title: "", description: "", unitId: "", audienceUnitIds: [] as string[] },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "classes:manage");
  const submission = parseWithZod(await readForm(request), { schema: NewClassSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const user = await requirePermission(request, "classes:manage", submission.value.unitId);
  try {
    const created = await createClass(user.id, submission.value);
    return redirect(`/manage/classes/${created.id}`);
  } catch (e) {
    return formRefusal(submission, e);
  }
}

export default function ClassList() {
  const { classes, organisers, audienceUnits, defaults } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "new-class",
    lastResult: reply?.result,
    defaultValue: defaults,
    constraint: getZodConstraint(NewClassSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewClassSchema }),
  });
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">党校培训班</h1>
      <ul className="space-y-2">
        {classes.length === 0 ? <li className="text-sm text-stone-500">还没有培训班。</li> : null}
        {classes.map((c) => (
          <li key={c.id} className="rounded-lg bg-white p-3 shadow" data-testid="class-row">
            <Link to={`/manage/classes/${c.id}`} className="font-semibold text-party hover:underline">
              {c.title}
            </Link>
            <p className="text-xs text-stone-500">
              第 {c.term} 期{CLASS_KIND_LABELS[c.kind]} · {c.unitName} · {c.startsOn} 至 {c.endsOn} · {CLASS_STATUS_LABELS[c.status]} · 在读 {c.enrolled} 人
              {c.organiser ? "" : " · 可推荐"}
            </p>
          </li>
        ))}
      </ul>
      {organisers.length ? (
        <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-lg bg-white p-4 shadow">
          <h2 className="font-bold">新建培训班</h2>
          <FormMessage messages={form.errors} />
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="培训班类型" htmlFor={fields.kind.id} errors={fields.kind.errors} errorId={fields.kind.errorId}>
              <select {...getSelectProps(fields.kind)} className={inputClass}>
                <LabelOptions labels={CLASS_KIND_LABELS} />
              </select>
            </Field>
            <Field label="期次（第几期）" htmlFor={fields.term.id} errors={fields.term.errors} errorId={fields.term.errorId}>
              <input {...getInputProps(fields.term, { type: "text" })} inputMode="numeric" className={inputClass} />
            </Field>
            <Field label="名称" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
              <input {...getInputProps(fields.title, { type: "text" })} placeholder="如：第 12 期入党积极分子培训班" className={inputClass} />
            </Field>
            <Field label="主办党校" htmlFor={fields.unitId.id} errors={fields.unitId.errors} errorId={fields.unitId.errorId}>
              <select {...getSelectProps(fields.unitId)} className={inputClass}>
                <UnitOptions units={organisers} />
              </select>
            </Field>
            <Field label="开始日期" htmlFor={fields.startsOn.id} errors={fields.startsOn.errors} errorId={fields.startsOn.errorId}>
              <input {...getInputProps(fields.startsOn, { type: "date" })} className={inputClass} />
            </Field>
            <Field label="结束日期" htmlFor={fields.endsOn.id} errors={fields.endsOn.errors} errorId={fields.endsOn.errorId}>
              <input {...getInputProps(fields.endsOn, { type: "date" })} className={inputClass} />
            </Field>
          </div>
          <Field
            label="面向的党组织（可多选，含下级组织）"
            htmlFor={fields.audienceUnitIds.id}
            errors={fields.audienceUnitIds.errors}
            errorId={fields.audienceUnitIds.errorId}
          >
            <select {...getSelectProps(fields.audienceUnitIds)} multiple size={8} className={inputClass}>
              <UnitOptions units={audienceUnits} />
            </select>
          </Field>
          <Field label="简介（选填）" htmlFor={fields.description.id} errors={fields.description.errors} errorId={fields.description.errorId}>
            <textarea {...getTextareaProps(fields.description)} rows={3} className={inputClass} />
          </Field>
          <button type="submit" className={buttonClass}>
            创建培训班
          </button>
          <p className="text-xs text-stone-500">新建的培训班为“筹备中”：设置日程、分组后点“开始报名”，各支部即可推荐人员。</p>
        </Form>
      ) : null}
    </div>
  );
}
