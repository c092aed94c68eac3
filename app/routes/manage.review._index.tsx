import { type SubmissionResult, getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission, requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { unitsUnder } from "~/.server/org/units";
import { ownSettingsUnder, pendingInScope, setReviewSetting, submissionsOf } from "~/.server/review/review";
import { FieldError, FormMessage, Notice, buttonClass, inputClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { formatChinaDateTime } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { REVIEW_KIND_LABELS, REVIEW_STATE_LABELS, type ReviewKind, type ReviewState } from "~/lib/review-rules";
import { pageMeta } from "~/lib/page-meta";

// Publishing review (docs/decisions/052): what waits for the caller's review, what she submitted
// (待审核 / 已退回 with the reason / 已通过), and, for whoever holds `org:manage`, each unit's setting.

export const meta: MetaFunction = () => pageMeta("发布审核 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const settingScope = scopePaths(user.grants, "org:manage");
  const [pending, mine, units, settings] = await Promise.all([
    pendingInScope(user),
    submissionsOf(user.id),
    unitsUnder(settingScope),
    ownSettingsUnder(settingScope),
  ]);
  const row = (i: (typeof pending)[number]) => ({
    id: i.id,
    kind: REVIEW_KIND_LABELS[i.kind as ReviewKind] ?? i.kind,
    isEdit: i.targetId !== null,
    title: i.title,
    state: REVIEW_STATE_LABELS[i.state as ReviewState] ?? i.state,
    returned: i.state === "returned",
    reason: i.reason,
    unit: i.unit.name,
    author: i.author.name,
    submittedAt: formatChinaDateTime(i.submittedAt),
  });
  return {
    pending: pending.map(row),
    mine: mine.map(row),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    settings: settings.map((s) => ({ unitId: s.unit.id, unit: s.unit.name, required: s.required })),
  };
}

const SETTING_CHOICES = { required: "需要审核", not_required: "不需要审核", inherit: "跟随上级组织" } as const;
const SettingSchema = z.object({
  intent: z.literal("setting"),
  unitId: z.number({ error: "请选择党组织" }).int().positive(),
  choice: z.enum(["required", "not_required", "inherit"], { error: "请选择审核要求" }),
});
type Reply = { result: SubmissionResult<string[]>; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "org:manage");
  const submission = parseWithZod(await readForm(request), { schema: SettingSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply() }, { status: 400 });
  const { unitId, choice } = submission.value;
  const user = await requirePermission(request, "org:manage", unitId);
  try {
    await setReviewSetting(user.id, unitId, choice === "inherit" ? null : choice === "required");
  } catch (e) {
    return formRefusal(submission, e);
  }
  return data<Reply>({ result: submission.reply({ resetForm: true }), message: "审核设置已保存" });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["pending"][number];

function ItemList({ rows, empty, showAuthor }: { rows: Row[]; empty: string; showAuthor: boolean }) {
  if (rows.length === 0) return <p className="text-sm text-stone-500">{empty}</p>;
  return (
    <ul className="space-y-2">
      {rows.map((r) => (
        <li key={r.id} className="rounded-lg bg-white p-3 shadow">
          <p className="font-semibold">
            <span className="mr-1 rounded bg-stone-200 px-1.5 py-0.5 text-xs">{r.state}</span>
            <Link to={`/manage/review/${r.id}`} className="text-party underline">
              {r.title}
            </Link>
          </p>
          <p className="text-xs text-stone-500">
            {r.kind}
            {r.isEdit ? "（修改）" : "（新发布）"} · {r.unit}
            {showAuthor ? ` · ${r.author}` : ""} · {r.submittedAt}
          </p>
          {r.returned && r.reason ? <p className="mt-1 text-sm text-red-800">{`退回理由：${r.reason}`}</p> : null}
        </li>
      ))}
    </ul>
  );
}

export default function ReviewQueue() {
  const { pending, mine, units, settings } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "review-setting",
    lastResult: reply?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SettingSchema }),
  });
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-bold">发布审核</h1>
      <section className="space-y-2" aria-labelledby="review-pending">
        <h2 id="review-pending" className="font-bold">
          待我审核
        </h2>
        <ItemList rows={pending} empty="没有待审核的内容。" showAuthor />
      </section>
      <section className="space-y-2" aria-labelledby="review-mine">
        <h2 id="review-mine" className="font-bold">
          我提交的
        </h2>
        <ItemList rows={mine} empty="您没有提交过需要审核的内容。" showAuthor={false} />
      </section>
      {units.length > 0 ? (
        <section className="space-y-2">
          <h2 className="font-bold">审核设置</h2>
          <p className="text-sm text-stone-600">
            设置对该党组织及其下级组织发布的通知、页面文章、课程和文件生效；下级组织可另行设置。设为需要审核后，发布须经另一位有权限的同志审核通过。
          </p>
          {settings.length > 0 ? (
            <ul className="text-sm">
              {settings.map((s) => (
                <li key={s.unitId}>
                  {s.unit}：{s.required ? SETTING_CHOICES.required : SETTING_CHOICES.not_required}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-stone-500">尚无党组织设置发布审核，发布内容无需审核。</p>
          )}
          <Form method="post" {...getFormProps(form)} className="space-y-2 rounded-lg bg-white p-4 shadow">
            {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
            <FormMessage messages={form.errors} />
            <input type="hidden" name="intent" value="setting" />
            <select {...getSelectProps(fields.unitId)} aria-label="党组织" className={inputClass}>
              <UnitOptions units={units} />
            </select>
            <FieldError field={fields.unitId} />
            <select {...getSelectProps(fields.choice)} aria-label="审核要求" className={inputClass}>
              {Object.entries(SETTING_CHOICES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            <FieldError field={fields.choice} />
            <button type="submit" className={buttonClass}>
              保存设置
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
