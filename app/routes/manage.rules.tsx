import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermissionAtRoot } from "~/.server/auth/guard";
import { choosePack, overrideRequirement, packInForce, rulePacks, rulesHistory } from "~/.server/hours/rule-packs";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass, FieldError } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { DecimalText } from "~/lib/hours-fields";
import { HOURS_CATEGORY_LABELS } from "~/lib/hours-categories";
import { PRORATE_LABELS, describeAppliesTo, requirementHours } from "~/lib/rule-pack";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("学时规则 · 网上党校");

// The rule packs under content/rule-packs, the one in force, and the school's overrides. The rules
// bind the whole school, so only a grant at the root may change them.

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermissionAtRoot(request, "rules:manage");
  const { packs, errors } = rulePacks();
  const [inForce, history] = await Promise.all([packInForce(), rulesHistory()]);
  const labels = new Map(
    [...packs.values()].flatMap((p) => [
      ...p.requirements.map((r) => [`${p.id}/${r.id}`, r.label] as const),
      [`${p.id}/${p.gates.targetTraining.id}`, p.gates.targetTraining.label] as const,
    ]),
  );
  return {
    inForce: inForce.pack.id,
    errors,
    packs: [...packs.values()].map((p) => {
      const active = p.id === inForce.pack.id;
      const override = (id: string) => (active ? (inForce.overrides.get(id) ?? null) : null);
      return {
        id: p.id,
        name: p.name,
        version: p.version,
        description: p.description,
        requirements: p.requirements.map((r) => ({
          id: r.id,
          label: r.label,
          who: describeAppliesTo(r.appliesTo),
          hours: r.hours,
          override: override(r.id),
          counts: r.counts.map((c) => HOURS_CATEGORY_LABELS[c]).join("、"),
          prorate: PRORATE_LABELS[r.prorate],
          cite: `${r.source}${r.article}`,
          note: r.note,
        })),
        gates: {
          training: {
            id: p.gates.targetTraining.id,
            label: p.gates.targetTraining.label,
            hours: p.gates.targetTraining.hours,
            override: override(p.gates.targetTraining.id),
            counts: p.gates.targetTraining.counts.map((c) => HOURS_CATEGORY_LABELS[c]).join("、"),
            cite: `${p.gates.targetTraining.source}${p.gates.targetTraining.article}`,
            note: p.gates.targetTraining.note,
          },
          activist: {
            months: p.gates.activistTime.months,
            cite: `${p.gates.activistTime.source}${p.gates.activistTime.article}`,
            note: p.gates.activistTime.note,
          },
        },
      };
    }),
    choices: history.choices.map((c) => ({ id: c.id, pack: c.pack, reason: c.reason, by: c.by, at: formatChinaDateTime(c.createdAt) })),
    overrides: history.overrides.map((o) => ({
      id: o.id,
      pack: o.pack,
      label: labels.get(`${o.pack}/${o.requirement}`) ?? o.requirement,
      hours: o.hours,
      reason: o.reason,
      by: o.by,
      at: formatChinaDateTime(o.createdAt),
    })),
  };
}

const reason = z.string({ error: "请填写理由" }).trim().min(2, "请填写理由（至少 2 个字）").max(500, "理由最多 500 个字");
const key = z.string().trim().min(1).max(64);

const ChooseSchema = z.object({ intent: z.literal("choose"), pack: key, reason });
const OverrideSchema = z.object({
  intent: z.literal("override"),
  pack: key,
  requirement: key,
  hours: DecimalText.pipe(requirementHours(z.number({ error: "学时必须是数字" }))),
  reason,
});
const RestoreSchema = z.object({ intent: z.literal("restore"), pack: key, requirement: key, reason });
const ActionSchema = z.discriminatedUnion("intent", [ChooseSchema, OverrideSchema, RestoreSchema], { error: "未知的操作" });

/** The form an answer belongs to: one requirement's override form (`pack/requirement`), or the pack choice. */
type Reply = { result: SubmissionResult<string[]>; target: string; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermissionAtRoot(request, "rules:manage");
  const formData = await readForm(request);
  const [pack, requirement] = [formData.get("pack"), formData.get("requirement")];
  const target = typeof requirement === "string" ? `${typeof pack === "string" ? pack : ""}/${requirement}` : "choose";
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), target }, { status: 400 });
  const done = (message: string) => data<Reply>({ result: submission.reply({ resetForm: true }), target, message });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "choose":
        await choosePack(user.id, input.pack, input.reason);
        return done(`已改为执行规则包 ${input.pack}`);
      case "override":
        await overrideRequirement(user.id, input.pack, input.requirement, input.hours, input.reason);
        return done(`已将该项要求调整为 ${formatHours(input.hours)} 学时`);
      case "restore":
        await overrideRequirement(user.id, input.pack, input.requirement, null, input.reason);
        return done("已恢复规则包原定学时");
    }
  } catch (e) {
    return formRefusal(submission, e, { target });
  }
}

const VALIDATE_WHEN = { shouldValidate: "onBlur", shouldRevalidate: "onInput" } as const;

function OverrideForm({ pack, id, hours, override }: { pack: string; id: string; hours: number; override: number | null }) {
  const reply = useActionData<typeof action>();
  const lastResult = reply?.target === `${pack}/${id}` ? reply.result : undefined;
  const [form, fields] = useForm({
    id: `override-${pack}-${id}`,
    lastResult,
    defaultValue: { hours: String((override ?? hours) / 100) },
    ...VALIDATE_WHEN,
    // Restoring needs only a reason: the button pressed decides which schema the fields answer to.
    onValidate: ({ formData }) => parseWithZod(formData, { schema: formData.get("intent") === "restore" ? RestoreSchema : OverrideSchema }),
  });
  return (
    <details className="mt-2 text-sm" open={lastResult?.status === "error" || undefined}>
      <summary className="cursor-pointer text-party">调整本校学时{override !== null ? " / 恢复原定" : ""}</summary>
      <Form method="post" {...getFormProps(form)} className="mt-2 grid gap-2 sm:grid-cols-[8rem_1fr_auto]">
        <input type="hidden" name="pack" value={pack} />
        <input type="hidden" name="requirement" value={id} />
        <div>
          <input {...getInputProps(fields.hours, { type: "number" })} step="0.01" min="0.01" max="10000" aria-label="学时" className={inputClass} />
          <FieldError field={fields.hours} />
        </div>
        <div>
          <input
            {...getInputProps(fields.reason, { type: "text" })}
            placeholder="理由（必填，如：校党委常委会决定）"
            aria-label="理由"
            className={inputClass}
            maxLength={500}
            required
          />
          <FieldError field={fields.reason} />
        </div>
        <div className="flex gap-2">
          <button name="intent" value="override" className={secondaryButtonClass}>
            保存调整
          </button>
          {override !== null ? (
            <button name="intent" value="restore" className={secondaryButtonClass}>
              恢复原定
            </button>
          ) : null}
        </div>
      </Form>
    </details>
  );
}

function ChooseForm({ others, busy }: { others: { id: string; name: string }[]; busy: boolean }) {
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "choose",
    lastResult: reply?.target === "choose" ? reply.result : undefined,
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChooseSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-2 sm:grid-cols-[1fr_2fr_auto]">
      <input type="hidden" name="intent" value="choose" />
      <select {...getSelectProps(fields.pack)} aria-label="规则包" className={inputClass}>
        {others.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}（{p.id}）
          </option>
        ))}
      </select>
      <div>
        <input
          {...getInputProps(fields.reason, { type: "text" })}
          placeholder="理由（必填）"
          aria-label="更换理由"
          className={inputClass}
          maxLength={500}
          required
        />
        <FieldError field={fields.reason} />
      </div>
      <button type="submit" className={buttonClass} disabled={busy}>
        更换
      </button>
    </Form>
  );
}

function Hours({ hours, override }: { hours: number; override: number | null }) {
  if (override === null) return <strong>{formatHours(hours)} 学时</strong>;
  return (
    <>
      <strong className="text-amber-800">{formatHours(override)} 学时</strong>
      <span className="ml-1 text-xs text-stone-500">（本校调整，规则包原定 {formatHours(hours)}）</span>
    </>
  );
}

export default function RulesPage() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const others = d.packs.filter((p) => p.id !== d.inForce);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">学时规则</h1>
      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      {/* A refusal of a whole form (an unknown pack or requirement) shows at the top. */}
      <FormMessage messages={reply?.result.error?.[""] ?? undefined} />
      {d.errors.length ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="alert">
          以下规则包文件有误，未载入：
          <ul className="list-disc pl-5">
            {d.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {d.packs.map((p) => (
        <section key={p.id} className="rounded-lg bg-white p-4 shadow" data-testid={`pack-${p.id}`}>
          <h2 className="font-bold">
            {p.name}
            <span className="ml-2 text-sm font-normal text-stone-500">
              {p.id} · 第 {p.version} 版
            </span>
            {p.id === d.inForce ? <span className="ml-2 rounded bg-party px-1.5 py-0.5 text-xs text-white">执行中</span> : null}
          </h2>
          <p className="mb-3 text-sm text-stone-600">{p.description}</p>
          <ul className="space-y-3">
            {p.requirements.map((r) => (
              <li key={r.id} className="border-t border-stone-100 pt-2 text-sm" data-testid={`requirement-${r.id}`}>
                <div className="font-semibold">{r.label}</div>
                <div>
                  适用：{r.who} · 每年 <Hours hours={r.hours} override={r.override} /> · {r.prorate}
                </div>
                <div className="text-xs text-stone-500">
                  计入：{r.counts} · 依据：{r.cite}
                </div>
                <div className="text-xs text-stone-600">{r.note}</div>
                {p.id === d.inForce ? <OverrideForm pack={p.id} id={r.id} hours={r.hours} override={r.override} /> : null}
              </li>
            ))}
            <li className="border-t border-stone-100 pt-2 text-sm" data-testid={`requirement-${p.gates.training.id}`}>
              <div className="font-semibold">接收预备党员门槛：{p.gates.training.label}</div>
              <div>
                不少于 <Hours hours={p.gates.training.hours} override={p.gates.training.override} />
                ，自成为发展对象之日起计
              </div>
              <div className="text-xs text-stone-500">
                计入：{p.gates.training.counts} · 依据：{p.gates.training.cite}
              </div>
              {p.id === d.inForce ? (
                <OverrideForm pack={p.id} id={p.gates.training.id} hours={p.gates.training.hours} override={p.gates.training.override} />
              ) : null}
            </li>
            <li className="border-t border-stone-100 pt-2 text-sm">
              <div className="font-semibold">列为发展对象的提醒：入党积极分子培养考察不少于 {p.gates.activist.months} 个月</div>
              <div className="text-xs text-stone-500">依据：{p.gates.activist.cite}</div>
            </li>
          </ul>
        </section>
      ))}

      {others.length ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="choose-heading">
          <h2 id="choose-heading" className="mb-2 font-bold">
            更换执行的规则包
          </h2>
          <ChooseForm others={others} busy={busy} />
        </section>
      ) : (
        <p className="text-sm text-stone-500">目前只有一个规则包；新的规则包随系统更新发布在 content/rule-packs/ 下。</p>
      )}

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="history-heading">
        <h2 id="history-heading" className="mb-2 font-bold">
          变更记录
        </h2>
        <h3 className="text-sm font-semibold">规则包选择</h3>
        <ol className="mb-3 space-y-1 text-sm" data-testid="choice-history">
          {d.choices.length === 0 ? <li className="text-stone-500">从未更换，执行系统默认规则包。</li> : null}
          {d.choices.map((c) => (
            <li key={c.id}>
              <time className="font-mono">{c.at}</time> {c.by} 改为 <strong>{c.pack}</strong>
              {c.reason ? <span className="text-stone-600">：{c.reason}</span> : null}
            </li>
          ))}
        </ol>
        <h3 className="text-sm font-semibold">学时调整</h3>
        <ol className="space-y-1 text-sm" data-testid="override-history">
          {d.overrides.length === 0 ? <li className="text-stone-500">暂无调整。</li> : null}
          {d.overrides.map((o) => (
            <li key={o.id}>
              <time className="font-mono">{o.at}</time> {o.by} 将 {o.pack} 的“{o.label}”
              {o.hours === null ? "恢复为原定学时" : `调整为 ${formatHours(o.hours)} 学时`}
              <span className="text-stone-600">：{o.reason}</span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
