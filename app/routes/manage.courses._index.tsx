import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { createStudioCourse, studioCourses } from "~/.server/content/studio";
import { unitsUnder } from "~/.server/org/units";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { COURSE_CATEGORIES, COURSE_STATUS_LABELS } from "~/lib/course-categories";
import { scopePaths } from "~/lib/permissions";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// The trainer's studio: the courses of the units in scope, and a new one. /manage/courses

export const meta: MetaFunction = () => pageMeta("课程管理 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "courses:manage");
  const scope = scopePaths(user.grants, "courses:manage");
  const [units, courses] = await Promise.all([unitsUnder(scope), studioCourses(scope)]);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    courses: courses.map((c) => ({ ...c, draft: c.draft !== null })),
  };
}

const CreateSchema = z.object({
  unitId: z.number({ error: "请选择所属党组织" }).int("请选择所属党组织").positive("请选择所属党组织"),
  title: z.string({ error: "请填写课程名称" }).trim().min(1, "请填写课程名称").max(60, "课程名称不能超过 60 字"),
  slug: z.string({ error: "请填写课程编号" }).trim().min(1, "请填写课程编号"),
  category: z.enum(COURSE_CATEGORIES, { error: "请选择课程分类" }),
});

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "courses:manage");
  const submission = parseWithZod(await readForm(request), { schema: CreateSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const user = await requirePermission(request, "courses:manage", submission.value.unitId);
  try {
    const course = await createStudioCourse(user.id, submission.value.unitId, submission.value);
    return redirect(`/manage/courses/${course.id}`);
  } catch (e) {
    return formRefusal(submission, e);
  }
}

export default function CourseList() {
  const { units, courses } = useLoaderData<typeof loader>();
  const [form, fields] = useForm({
    id: "course-create",
    lastResult: useActionData<typeof action>()?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateSchema }),
  });
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">课程管理</h1>
      <Form method="post" {...getFormProps(form)} className="grid gap-x-2 rounded-lg bg-white p-4 shadow sm:grid-cols-2">
        <div className="sm:col-span-2">
          <FormMessage messages={form.errors} />
        </div>
        <Field label="课程名称" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
          <input {...getInputProps(fields.title, { type: "text" })} placeholder="如：学习二十大精神微党课" className={inputClass} maxLength={60} required />
        </Field>
        <Field label="课程编号" htmlFor={fields.slug.id} errors={fields.slug.errors} errorId={fields.slug.errorId}>
          <input
            {...getInputProps(fields.slug, { type: "text" })}
            placeholder="英文，如 ershida-weidangke"
            className={inputClass}
            maxLength={60}
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            required
          />
        </Field>
        <Field label="课程分类" htmlFor={fields.category.id} errors={fields.category.errors} errorId={fields.category.errorId}>
          <select {...getSelectProps(fields.category)} className={inputClass}>
            {COURSE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <Field label="所属党组织" htmlFor={fields.unitId.id} errors={fields.unitId.errors} errorId={fields.unitId.errorId}>
          <select {...getSelectProps(fields.unitId)} className={inputClass}>
            <UnitOptions units={units} />
          </select>
        </Field>
        <button type="submit" className={`${buttonClass} sm:col-span-2`}>
          新建课程
        </button>
      </Form>
      <ul className="space-y-2">
        {courses.length === 0 ? <li className="text-sm text-stone-500">还没有课程。</li> : null}
        {courses.map((c) => (
          <li key={c.id} className="rounded-lg bg-white p-3 shadow" data-testid="course-row">
            <Link to={`/manage/courses/${c.id}`} className="font-semibold text-party hover:underline">
              {c.title}
            </Link>
            <p className="text-xs text-stone-500">
              {COURSE_STATUS_LABELS[c.status]}
              {c.revision > 0 ? ` · 第 ${c.revision} 版` : ""}
              {c.draft ? " · 有未发布的修改" : ""} · {c.category} · {c.unit.name} · {c._count.lessons} 课时
              {c.source === "content" ? " · 仓库课程文件" : ""}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
