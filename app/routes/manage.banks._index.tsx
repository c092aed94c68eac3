import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { unitsUnder } from "~/.server/org/units";
import { banksInScope, createBank } from "~/.server/quiz/banks";
import { Field, FormMessage, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { TYPE_LABELS } from "~/lib/bank-import";
import { scopePaths } from "~/lib/permissions";
import { type QuestionType } from "~/lib/quiz-grading";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("题库 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "banks:manage");
  const scope = scopePaths(user.grants, "banks:manage");
  const [banks, units] = await Promise.all([banksInScope(scope), unitsUnder(scope)]);
  return { banks, units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })) };
}

// conform leaves an empty field out, so the optional fields need no empty-string handling.
const CreateSchema = z.object({
  unitId: z.number({ error: "请选择所属党组织" }).int("请选择所属党组织").positive("请选择所属党组织"),
  title: z.string({ error: "请填写题库名称" }).trim().min(1, "请填写题库名称").max(50, "题库名称最多 50 字"),
  description: z.string().trim().max(500, "说明最多 500 字").optional(),
  slug: z
    .string()
    .trim()
    .max(40, "编号最多 40 个字符")
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "编号只能由小写字母、数字和连字符组成，如 branch-2026")
    .optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  // Authorise before reading the input; the unit named in the form is checked below.
  await requirePermission(request, "banks:manage");
  const submission = parseWithZod(await readForm(request), { schema: CreateSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const user = await requirePermission(request, "banks:manage", submission.value.unitId);
  try {
    const bank = await createBank(user.id, submission.value);
    return redirect(`/manage/banks/${bank.id}`);
  } catch (e) {
    // A taken or reserved slug names its field.
    return formRefusal(submission, e);
  }
}

const TYPES = Object.keys(TYPE_LABELS) as QuestionType[];

export default function BanksPage() {
  const { banks, units } = useLoaderData<typeof loader>();
  const [form, fields] = useForm({
    id: "bank-create",
    lastResult: useActionData<typeof action>()?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateSchema }),
  });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-bold">题库</h1>
        <a href="/manage/banks/import-template" className={`${secondaryButtonClass} ml-auto`} download>
          下载 Excel 导入模板
        </a>
      </div>

      <div className="overflow-x-auto rounded-lg bg-white shadow">
        <table className="w-full text-left text-sm">
          <thead className="bg-stone-100 text-stone-600">
            <tr>
              <th className="px-3 py-2">题库</th>
              <th className="hidden px-3 py-2 sm:table-cell">所属党组织</th>
              {TYPES.map((t) => (
                <th key={t} className="px-3 py-2 text-right">
                  {TYPE_LABELS[t]}
                </th>
              ))}
              <th className="px-3 py-2 text-right">合计</th>
            </tr>
          </thead>
          <tbody>
            {banks.map((b) => (
              <tr key={b.id} className="border-t border-stone-100" data-testid="bank-row">
                <td className="px-3 py-2">
                  <Link to={`/manage/banks/${b.id}`} className="text-party underline-offset-2 hover:underline">
                    {b.title}
                  </Link>
                  <span className="ml-1 font-mono text-xs text-stone-500">{b.slug}</span>
                </td>
                <td className="hidden px-3 py-2 sm:table-cell">{b.unit.name}</td>
                {TYPES.map((t) => (
                  <td key={t} className="px-3 py-2 text-right tabular-nums">
                    {b.counts[t]}
                  </td>
                ))}
                <td className="px-3 py-2 text-right font-semibold tabular-nums">{b.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {banks.length === 0 ? <p className="p-4 text-sm text-stone-500">您的管理范围内还没有题库。</p> : null}
      </div>

      <Form method="post" {...getFormProps(form)} className="rounded-lg bg-white p-4 shadow">
        <h2 className="mb-3 font-bold">新建题库</h2>
        <FormMessage messages={form.errors} />
        <Field label="所属党组织" htmlFor={fields.unitId.id} errors={fields.unitId.errors} errorId={fields.unitId.errorId}>
          <select {...getSelectProps(fields.unitId)} className={inputClass} required>
            <UnitOptions units={units} />
          </select>
        </Field>
        <Field label="题库名称" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
          <input {...getInputProps(fields.title, { type: "text" })} className={inputClass} maxLength={50} required />
        </Field>
        <Field label="说明（选填）" htmlFor={fields.description.id} errors={fields.description.errors} errorId={fields.description.errorId}>
          <textarea {...getTextareaProps(fields.description)} rows={2} className={inputClass} maxLength={500} />
        </Field>
        <Field
          label="编号（选填，小写字母、数字和连字符；新题目的编号以它开头）"
          htmlFor={fields.slug.id}
          errors={fields.slug.errors}
          errorId={fields.slug.errorId}
        >
          <input {...getInputProps(fields.slug, { type: "text" })} className={inputClass} maxLength={40} placeholder="如 branch-2026" />
        </Field>
        <button type="submit" className={buttonClass}>
          创建题库
        </button>
      </Form>
    </div>
  );
}
