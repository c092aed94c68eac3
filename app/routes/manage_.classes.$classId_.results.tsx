import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { issueAllClassCertificates } from "~/.server/classes/certificates";
import { assignExamMakeup, classResults, extendAssignment, makeupChoices, publishResults, saveGradingRule } from "~/.server/classes/results";
import { resultsAccess } from "~/.server/classes/results-access";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { GradingRuleForm } from "~/components/classes/grading-rule-form";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import {
  DEFAULT_GRADING_RULE,
  GRADE_COMPONENT_LABELS,
  RULE_FORM_FIELDS,
  checkRuleForm,
  describeRule,
  formFromRule,
  formatPoints,
  ruleFromForm,
} from "~/lib/class-grading";
import { formatChinaDateTime } from "~/lib/dates";
import { DateTimeLocalSchema } from "~/lib/date-fields";
import { pageMeta } from "~/lib/page-meta";
import { WIDE_PAGE } from "~/lib/wide-page";

// A class's results (/manage/classes/:classId/results): the grading rule, each member's figures by
// it, the 结业 list's publication (and a correction's re-publication with a reason), 补考 and 补交,
// the certificates and the export. The organiser's staff act here; a tutor sees their group only.
// Anyone else is told there is no such class. Outside the /manage layout (`manage_`): that layout
// asks for org:view, and a tutor (辅导员) need hold no role at all.

// A desk page: the whole window's width (decision 065).
export const handle = WIDE_PAGE;

export const meta: MetaFunction = () => pageMeta("结业成绩 · 网上党校");

// Names and scores of people: no shared cache keeps the page.
export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

const NOT_FOUND = "没有找到该培训班";

async function authorise(request: Request, rawId: string | undefined) {
  const user = await requireUser(request);
  const classId = idParam(rawId, NOT_FOUND);
  const access = await resultsAccess(user, classId);
  if (!access) throw new Response(NOT_FOUND, { status: 404 });
  return { user, access };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, access } = await authorise(request, params.classId);
  const { cls, organiser, groupIds } = access;
  const [results, choices] = await Promise.all([classResults(cls, user.grants, groupIds), organiser ? makeupChoices(cls) : null]);
  const rule = results.rule ?? DEFAULT_GRADING_RULE;
  return {
    cls: { id: cls.id, title: cls.title, term: cls.term, unitName: cls.unitName },
    organiser,
    rule: {
      text: results.rule ? describeRule(results.rule) : null,
      error: results.ruleError,
      form: formFromRule(rule),
      components: results.rule?.components ?? [],
    },
    published: results.published ? formatChinaDateTime(cls.resultsPublishedAt) : null,
    members: results.members.map((m) => ({
      personId: m.personId,
      name: m.name,
      number: m.number,
      unitName: m.unitName,
      groupName: m.groupName,
      scores: Object.fromEntries(m.components.map((c) => [c.key, c.score === null ? null : formatPoints(c.score)])),
      total: formatPoints(m.total),
      passed: m.passed,
      excellent: m.excellent,
      reasons: m.reasons,
      makeup: m.facts.exam.makeup,
      study: `${m.facts.coursesDone}/${m.facts.courses} 门课程，${m.facts.sessionsAttended}/${m.facts.sessions} 次面授`,
    })),
    choices: choices && {
      members: choices.members,
      assignments: choices.assignments,
      quizzes: choices.quizzes,
      makeups: choices.makeups.map((m) => ({ ...m, createdAt: formatChinaDateTime(m.createdAt) })),
      extensions: choices.extensions.map((e) => ({ ...e, dueAt: formatChinaDateTime(e.dueAt) })),
    },
  };
}

const reasonField = z.string({ error: "请写明理由" }).trim().min(1, "请写明理由").max(500, "理由最多 500 字");
const idField = (message: string) => z.number({ error: message }).int(message).positive(message);

const RuleSchema = z.object({ intent: z.literal("rule"), ...RULE_FORM_FIELDS }).superRefine(checkRuleForm);
const PublishSchema = z.object({ intent: z.literal("publish"), reason: z.string().trim().max(500, "理由最多 500 字").optional() });
const MakeupSchema = z.object({ intent: z.literal("makeup"), personId: idField("请选择学员"), quizId: idField("请选择补考试卷"), reason: reasonField });
const ExtensionSchema = z.object({
  intent: z.literal("extension"),
  personId: idField("请选择学员"),
  assignmentId: idField("请选择作业"),
  dueAt: DateTimeLocalSchema.refine((d) => d !== null, "请填写补交截止时间"),
  reason: reasonField,
});
const CertificatesSchema = z.object({ intent: z.literal("certificates") });
const ActionSchema = z.discriminatedUnion("intent", [RuleSchema, PublishSchema, MakeupSchema, ExtensionSchema, CertificatesSchema], { error: "未知的操作" });

type ActionReply = { intent: string | null; result: SubmissionResult<string[]>; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, access } = await authorise(request, params.classId);
  // A tutor reads the results; changing them is the organiser's.
  if (!access.organiser) throw new Response("只有举办单位的管理人员可以修改结业成绩", { status: 403 });
  const { cls } = access;
  const formData = await readForm(request);
  const posted = formData.get("intent");
  const intent = typeof posted === "string" ? posted : null;
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<ActionReply>({ intent, result: submission.reply() }, { status: 400 });
  const done = (message: string) => data<ActionReply>({ intent, result: submission.reply({ resetForm: intent !== "rule" }), message });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "rule": {
        const rule = ruleFromForm(input);
        await saveGradingRule(user.id, cls, rule);
        return done(cls.resultsPublishedAt ? "评分规则已保存；已发布的结业名单不变，须更正并重新发布才按新规则计算" : "评分规则已保存");
      }
      case "publish": {
        const r = await publishResults(user.id, cls, input.reason ?? null);
        const what = cls.resultsPublishedAt ? `已更正并重新发布结业名单（${r.changed} 人的结果有变化）` : "已发布结业名单";
        return done(`${what}：共 ${r.members} 人，结业 ${r.passed} 人，优秀学员 ${r.excellent} 人`);
      }
      case "makeup":
        await assignExamMakeup(user.id, cls, input);
        return done("已安排补考；该学员参加补考后，以补考成绩计");
      case "extension":
        await extendAssignment(user.id, cls, { ...input, dueAt: input.dueAt! });
        return done("已准予补交");
      case "certificates": {
        const n = await issueAllClassCertificates(user.id, cls);
        return done(n ? `已为 ${n} 名结业学员开具结业证书` : "结业学员均已有结业证书");
      }
    }
  } catch (e) {
    return formRefusal<Omit<ActionReply, "result">>(submission, e, { intent });
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function ClassResultsPage() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const replyFor = (intent: string) => (reply?.intent === intent ? reply : undefined);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <Link to={`/manage/classes/${d.cls.id}`} className="text-sm text-stone-600 hover:underline">
          ← 培训班
        </Link>
        <h1 className="text-xl font-bold">
          {d.cls.title}（第 {d.cls.term} 期）结业成绩
        </h1>
        <a href={`/manage/classes/${d.cls.id}/results.xlsx`} className={`${secondaryButtonClass} ml-auto`} data-testid="results-export">
          导出名册与成绩
        </a>
      </div>
      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      <section className="rounded-lg bg-white p-4 shadow">
        <h2 className="font-bold">评分规则</h2>
        {d.rule.text ? (
          <p className="text-sm text-stone-700" data-testid="rule-text">
            {d.rule.text}
          </p>
        ) : (
          <p className="text-sm text-red-700" role="alert">
            {d.rule.error}
          </p>
        )}
        {d.organiser ? <GradingRuleForm defaults={d.rule.form} reply={replyFor("rule")} /> : null}
      </section>
      <section className="rounded-lg bg-white p-4 shadow">
        <div className="flex flex-wrap items-baseline gap-2">
          <h2 className="font-bold">学员成绩</h2>
          <p className="text-sm text-stone-600" data-testid="publication">
            {d.published ? `结业名单已于 ${d.published} 发布，以下为发布时的成绩` : "结业名单尚未发布，以下为按当前记录计算的成绩"}
          </p>
        </div>
        <ResultsTable d={d} />
        {d.organiser ? <PublishForm published={d.published !== null} reply={replyFor("publish")} /> : null}
        {d.organiser && d.published ? <CertificatesForm reply={replyFor("certificates")} /> : null}
      </section>
      {d.organiser && d.choices ? (
        <section className="grid gap-4 md:grid-cols-2">
          <MakeupForm choices={d.choices} reply={replyFor("makeup")} />
          <ExtensionForm choices={d.choices} reply={replyFor("extension")} />
        </section>
      ) : null}
    </div>
  );
}

function ResultsTable({ d }: { d: Data }) {
  if (d.members.length === 0) return <p className="mt-2 text-sm text-stone-500">暂无在册学员。</p>;
  return (
    <div className="mt-2 overflow-x-auto">
      <table className="w-full text-sm" data-testid="results-table">
        <thead>
          <tr className="border-b text-left text-stone-500">
            <th className="py-1 pr-2">姓名</th>
            <th className="pr-2">学号/工号</th>
            <th className="pr-2">党组织</th>
            <th className="pr-2">小组</th>
            {d.rule.components.map((c) => (
              <th key={c.key} className="pr-2">
                {GRADE_COMPONENT_LABELS[c.key]}（{c.weight}%）
              </th>
            ))}
            <th className="pr-2">总分</th>
            <th className="pr-2">结果</th>
            <th>说明</th>
          </tr>
        </thead>
        <tbody>
          {d.members.map((m) => (
            <tr key={m.personId} className="border-b align-top" data-testid={`result-${m.personId}`}>
              <td className="py-1 pr-2">{m.name}</td>
              <td className="pr-2 font-mono">{m.number}</td>
              <td className="pr-2">{m.unitName}</td>
              <td className="pr-2">{m.groupName ?? "—"}</td>
              {d.rule.components.map((c) => (
                <td key={c.key} className="pr-2" data-testid={`score-${c.key}`}>
                  {m.scores[c.key] ?? "—"}
                  {c.key === "exam" && m.makeup ? <span className="ml-1 text-xs text-amber-700">补考</span> : null}
                </td>
              ))}
              <td className="pr-2 font-bold" data-testid="total">
                {m.total}
              </td>
              <td className="pr-2" data-testid="outcome">
                {m.passed ? (d.published ? "结业" : "合格") : "未合格"}
                {m.excellent ? <span className="ml-1 rounded bg-party px-1 text-xs text-white">优秀学员</span> : null}
              </td>
              <td className="text-xs text-stone-600" data-testid="reasons">
                {m.reasons.join("；") || m.study}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PublishForm({ published, reply }: { published: boolean; reply?: ActionReply }) {
  const [form, fields] = useForm({
    lastResult: reply?.result,
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PublishSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="mt-4 border-t pt-3">
      <FormMessage messages={form.errors} />
      {published ? (
        <Field
          label="更正理由（重新发布将按当前记录和规则重新计算，并撤销不再相符的结业证书）"
          htmlFor={fields.reason.id}
          errors={fields.reason.errors}
          errorId={fields.reason.errorId}
        >
          <textarea {...getTextareaProps(fields.reason)} key={fields.reason.key} rows={2} className={inputClass} />
        </Field>
      ) : (
        <p className="mb-2 text-sm text-stone-600">
          发布后，每位学员的成绩、是否结业、是否优秀学员即固定，之后的学习记录不再改变结果；如需更正，须写明理由重新发布。
        </p>
      )}
      <button name="intent" value="publish" className={buttonClass}>
        {published ? "更正并重新发布结业名单" : "发布结业名单"}
      </button>
    </Form>
  );
}

function CertificatesForm({ reply }: { reply?: ActionReply }) {
  const [form] = useForm({ lastResult: reply?.result });
  return (
    <Form method="post" {...getFormProps(form)} className="mt-3">
      <FormMessage messages={form.errors} />
      <button name="intent" value="certificates" className={secondaryButtonClass}>
        为全部结业学员开具结业证书
      </button>
    </Form>
  );
}

type Choices = NonNullable<Data["choices"]>;

const VALIDATE_WHEN = { shouldValidate: "onBlur", shouldRevalidate: "onInput" } as const;

function MakeupForm({ choices, reply }: { choices: Choices; reply?: ActionReply }) {
  const [form, fields] = useForm({
    lastResult: reply?.result,
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MakeupSchema }),
  });
  const names = new Map(choices.members.map((m) => [m.personId, m.name]));
  const quizzes = new Map(choices.quizzes.map((q) => [q.id, q.title]));
  return (
    <Form method="post" {...getFormProps(form)} className="rounded-lg bg-white p-4 shadow">
      <h2 className="mb-2 font-bold">安排补考</h2>
      <FormMessage messages={form.errors} />
      <Field label="学员" htmlFor={fields.personId.id} errors={fields.personId.errors} errorId={fields.personId.errorId}>
        <select {...getSelectProps(fields.personId)} key={fields.personId.key} className={inputClass}>
          <option value="">请选择</option>
          {choices.members.map((m) => (
            <option key={m.personId} value={m.personId}>
              {m.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="补考试卷" htmlFor={fields.quizId.id} errors={fields.quizId.errors} errorId={fields.quizId.errorId}>
        <select {...getSelectProps(fields.quizId)} key={fields.quizId.key} className={inputClass}>
          <option value="">请选择</option>
          {choices.quizzes.map((q) => (
            <option key={q.id} value={q.id}>
              {q.title}
            </option>
          ))}
        </select>
      </Field>
      <Field label="理由" htmlFor={fields.reason.id} errors={fields.reason.errors} errorId={fields.reason.errorId}>
        <input {...getInputProps(fields.reason, { type: "text" })} key={fields.reason.key} className={inputClass} />
      </Field>
      <button name="intent" value="makeup" className={buttonClass}>
        安排补考
      </button>
      {choices.makeups.length ? (
        <ul className="mt-3 space-y-1 text-sm text-stone-700" data-testid="makeups">
          {choices.makeups.map((m) => (
            <li key={m.personId}>
              {names.get(m.personId) ?? m.personId}：{quizzes.get(m.quizId) ?? `试卷 ${m.quizId}`}（{m.reason}，{m.createdAt}）
            </li>
          ))}
        </ul>
      ) : null}
    </Form>
  );
}

function ExtensionForm({ choices, reply }: { choices: Choices; reply?: ActionReply }) {
  const [form, fields] = useForm({
    lastResult: reply?.result,
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ExtensionSchema }),
  });
  const names = new Map(choices.members.map((m) => [m.personId, m.name]));
  const titles = new Map(choices.assignments.map((a) => [a.id, a.title]));
  return (
    <Form method="post" {...getFormProps(form)} className="rounded-lg bg-white p-4 shadow">
      <h2 className="mb-2 font-bold">准予补交</h2>
      <FormMessage messages={form.errors} />
      <Field label="学员" htmlFor={fields.personId.id} errors={fields.personId.errors} errorId={fields.personId.errorId}>
        <select {...getSelectProps(fields.personId)} key={fields.personId.key} className={inputClass}>
          <option value="">请选择</option>
          {choices.members.map((m) => (
            <option key={m.personId} value={m.personId}>
              {m.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="作业" htmlFor={fields.assignmentId.id} errors={fields.assignmentId.errors} errorId={fields.assignmentId.errorId}>
        <select {...getSelectProps(fields.assignmentId)} key={fields.assignmentId.key} className={inputClass}>
          <option value="">请选择</option>
          {choices.assignments.map((a) => (
            <option key={a.id} value={a.id}>
              {a.title}
            </option>
          ))}
        </select>
      </Field>
      <Field label="补交截止时间" htmlFor={fields.dueAt.id} errors={fields.dueAt.errors} errorId={fields.dueAt.errorId}>
        <input {...getInputProps(fields.dueAt, { type: "datetime-local" })} key={fields.dueAt.key} className={inputClass} />
      </Field>
      <Field label="理由" htmlFor={fields.reason.id} errors={fields.reason.errors} errorId={fields.reason.errorId}>
        <input {...getInputProps(fields.reason, { type: "text" })} key={fields.reason.key} className={inputClass} />
      </Field>
      <button name="intent" value="extension" className={buttonClass}>
        准予补交
      </button>
      {choices.extensions.length ? (
        <ul className="mt-3 space-y-1 text-sm text-stone-700" data-testid="extensions">
          {choices.extensions.map((e) => (
            <li key={`${e.assignmentId}:${e.personId}`}>
              {names.get(e.personId) ?? e.personId}：《{titles.get(e.assignmentId) ?? e.assignmentId}》补交至 {e.dueAt}（{e.reason}）
            </li>
          ))}
        </ul>
      ) : null}
    </Form>
  );
}
