import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission, requireUser } from "~/.server/auth/guard";
import { createTopic, topicsFor } from "~/.server/discussion/topics";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { unitsUnder } from "~/.server/org/units";
import { FieldError, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { formatDate } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { pageMeta } from "~/lib/page-meta";

// 大家谈: the topics of the committee, the person's college and branch (and, for a secretary, of the
// units they moderate), and a form for a secretary to open a topic. /discuss

export const meta: MetaFunction = () => pageMeta("大家谈 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const viewer = { id: user.id, grants: user.grants };
  const [topics, units] = await Promise.all([topicsFor(viewer), unitsUnder(scopePaths(user.grants, "discussion:moderate"))]);
  return {
    topics: topics.map((t) => ({ ...t, createdAt: formatDate(t.createdAt) })),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
  };
}

const TopicSchema = z.object({
  unitId: z.number({ error: "请选择党组织" }).int().positive(),
  title: z.string({ error: "请填写话题" }).trim().min(1, "请填写话题").max(60, "话题最多 60 字"),
});

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "discussion:moderate");
  const submission = parseWithZod(await readForm(request), { schema: TopicSchema });
  if (submission.status !== "success") return data<{ result: SubmissionResult<string[]> }>({ result: submission.reply() }, { status: 400 });
  const user = await requirePermission(request, "discussion:moderate", submission.value.unitId);
  try {
    const topic = await createTopic(user.id, submission.value.unitId, submission.value.title);
    return redirect(`/discuss/${topic.id}`);
  } catch (e) {
    return formRefusal(submission, e);
  }
}

export default function DiscussIndex() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "topic",
    lastResult: reply?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: TopicSchema }),
  });
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-xl font-bold">大家谈</h1>
      {d.topics.length === 0 ? <p className="rounded-lg bg-white p-4 text-sm text-stone-600 shadow">您所在的党组织还没有话题。</p> : null}
      <ul className="space-y-2">
        {d.topics.map((t) => (
          <li key={t.id}>
            <Link to={`/discuss/${t.id}`} className="block rounded-lg bg-white p-3 shadow hover:ring-2 hover:ring-party">
              <span className="block font-semibold break-words">{t.title}</span>
              <span className="text-xs text-stone-500">
                {t.unitName} · {t.createdAt} · {t.posts} 条发言
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {d.units.length ? (
        <Form method="post" {...getFormProps(form)} className="space-y-2 rounded-lg bg-white p-3 shadow">
          <h2 className="font-bold">新建话题</h2>
          <FormMessage messages={form.errors} />
          <select {...getSelectProps(fields.unitId)} aria-label="党组织" className={inputClass}>
            <UnitOptions units={d.units} />
          </select>
          <FieldError field={fields.unitId} />
          <input {...getInputProps(fields.title, { type: "text" })} aria-label="话题" placeholder="话题" className={inputClass} maxLength={60} required />
          <FieldError field={fields.title} />
          <button type="submit" className={buttonClass}>
            新建
          </button>
          <p className="text-xs text-stone-500">话题对所选党组织及其下级组织的全体人员可见。</p>
        </Form>
      ) : null}
    </div>
  );
}
