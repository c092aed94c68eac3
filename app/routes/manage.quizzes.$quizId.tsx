import { getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { banksForBuilder } from "~/.server/builder/banks";
import { builderAction } from "~/.server/builder-page/intents";
import { creditApproval } from "~/.server/hours/self-credit";
import { requireQuizManager } from "~/.server/quiz/access";
import { addSlot, getQuizForEdit, removeSlot, searchQuestions, updateQuizSettings } from "~/.server/quiz/quizzes";
import { unitsUnder } from "~/.server/org/units";
import {
  AudienceSection,
  BuilderHeader,
  DrawForm,
  InputField,
  PaperSection,
  SettingsForm,
  VALIDATE_WHEN,
  drawDescription,
  fieldAt,
  useBuilderReply,
} from "~/components/builder/builder-parts";
import { CreditApproval } from "~/components/hours/credit-approval";
import { Field, FormMessage, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions } from "~/components/ui/options";
import { BUILDER_PARSE, SHARED_BUILDER_FORMS, rowIntent } from "~/lib/builder-forms";
import { formatHours } from "~/lib/hours";
import { scopePaths } from "~/lib/permissions";
import {
  GRADE_METHOD_LABELS,
  QUIZ_LAYOUT_LABELS,
  QUIZ_STATUS_LABELS,
  QuizSettingsSchema,
  REVIEW_POLICY_LABELS,
  SlotSchema,
  toLocalInput,
} from "~/lib/quiz-settings";
import { pageMeta } from "~/lib/page-meta";

// The quiz builder: settings, the paper's slots (random draws and fixed questions), who may take it,
// publishing. /manage/quizzes/:quizId. The parts it shares with the contest builder are in
// ~/components/builder and ~/.server/builder.

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.quiz.title ?? "测试"} · 测试管理`);

const TYPE_LABELS: Record<string, string> = { single: "单选", multiple: "多选", judge: "判断", fill: "填空" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, quizId } = await requireQuizManager(request, params.quizId);
  const quiz = (await getQuizForEdit(quizId))!;
  const approval = await creditApproval(quiz, user.id);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const banks = await banksForBuilder(quiz.unit.path);
  const [units, found] = await Promise.all([
    unitsUnder(scopePaths(user.grants, "quizzes:manage")),
    searchQuestions(
      banks.map((b) => b.id),
      q.slice(0, 50),
    ),
  ]);
  const totalQuestions = quiz.slots.reduce((s, x) => s + x.count, 0);
  const totalMarks = quiz.slots.reduce((s, x) => s + x.count * x.markEach, 0);
  return {
    quiz: {
      ...quiz,
      opensAt: toLocalInput(quiz.opensAt),
      closesAt: toLocalInput(quiz.closesAt),
      timeLimitMin: quiz.timeLimitSec ? quiz.timeLimitSec / 60 : null,
      creditHours: quiz.creditHours ? formatHours(quiz.creditHours) : "",
      frozen: quiz._count.attempts > 0,
    },
    totalQuestions,
    totalMarks: totalMarks / 100,
    banks: banks.map((b) => ({ id: b.id, title: b.title, count: b._count.questions })),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    approval,
    found,
  };
}

const SettingsSchema = QuizSettingsSchema.safeExtend({ intent: z.literal("settings") });
// Not a destructuring: the client build drops the unused first element of an array pattern and
// would bind the draw schema to the fixed one.
const FixedSlot = SlotSchema.options[0];
const DrawSlot = SlotSchema.options[1];
const DrawSlotSchema = DrawSlot.extend({ intent: z.literal("slot-add") });
const SlotAddSchema = z.discriminatedUnion("kind", [FixedSlot.extend({ intent: z.literal("slot-add") }), DrawSlotSchema]);
const ActionSchema = z.discriminatedUnion("intent", [SettingsSchema, SlotAddSchema, rowIntent("slot-remove"), ...SHARED_BUILDER_FORMS], {
  error: "未知的操作",
});

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, quizId } = await requireQuizManager(request, params.quizId);
  return builderAction(request, { kind: "quiz", actorId: user.id, id: quizId }, ActionSchema, {
    settings: async (input) => {
      await updateQuizSettings(user.id, quizId, input);
      return "设置已保存";
    },
    "slot-add": async (input) => {
      await addSlot(user.id, quizId, input);
      return "已加入试卷";
    },
    "slot-remove": async (input) => {
      await removeSlot(user.id, quizId, input.id);
      return "已移出试卷";
    },
  });
}

export default function QuizBuilder() {
  const { quiz, totalQuestions, totalMarks, banks, units, approval } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <BuilderHeader
        title={quiz.title}
        status={quiz.status}
        summary={
          <>
            {QUIZ_STATUS_LABELS[quiz.status]} · {quiz.unit.name} · 共 {totalQuestions} 题，满分 {totalMarks} 分 · {quiz._count.attempts} 人次作答
          </>
        }
        links={
          <Link to={`/manage/quizzes/${quiz.id}/report`} className={secondaryButtonClass}>
            查看统计
          </Link>
        }
      />
      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="settings-heading">
        <h2 id="settings-heading" className="mb-2 font-bold">
          基本设置
        </h2>
        <QuizSettings />
        {approval ? <CreditApproval approval={approval} what="测试" /> : null}
      </section>
      <PaperSection
        heading="试卷"
        frozen={quiz.frozen}
        frozenText="已有人开始作答，试卷题目已锁定。"
        testId="slots"
        parts={quiz.slots}
        removeIntent="slot-remove"
        describe={(s) => (
          <>
            {s.question ? `【${TYPE_LABELS[s.question.type]}】${s.question.stem}` : drawDescription({ ...s, bankTitle: s.bank?.title ?? "" })}
            <span className="text-stone-500">（每题 {s.markEach / 100} 分）</span>
          </>
        )}
      >
        <div className="space-y-3">
          <DrawForm intent="slot-add" schema={DrawSlotSchema} banks={banks} pointsName="mark" hidden={{ kind: "draw" }} />
          <FixedQuestionSearch />
        </div>
      </PaperSection>
      <AudienceSection heading="参加范围" audiences={quiz.audiences} units={units} />
    </div>
  );
}

function QuizSettings() {
  const { quiz } = useLoaderData<typeof loader>();
  const { resultFor } = useBuilderReply();
  const [form, fields] = useForm({
    id: "settings",
    lastResult: resultFor("settings"),
    defaultValue: {
      title: quiz.title,
      description: quiz.description ?? "",
      opensAt: quiz.opensAt,
      closesAt: quiz.closesAt,
      timeLimitMin: quiz.timeLimitMin === null ? "" : String(quiz.timeLimitMin),
      maxAttempts: String(quiz.maxAttempts),
      gradeMethod: quiz.gradeMethod,
      passPercent: String(quiz.passPercent),
      reviewPolicy: quiz.reviewPolicy,
      layout: quiz.layout,
      creditHours: quiz.creditHours,
      shuffleQuestions: quiz.shuffleQuestions ? "on" : undefined,
      shuffleOptions: quiz.shuffleOptions ? "on" : undefined,
    },
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SettingsSchema, ...BUILDER_PARSE }),
  });
  return (
    <SettingsForm form={form} title={fields.title} description={fields.description}>
      <InputField label="开始时间（北京时间，留空为立即）" field={fields.opensAt} type="datetime-local" />
      <InputField label="截止时间（留空为不限）" field={fields.closesAt} type="datetime-local" />
      <InputField label="限时（分钟，留空为不限时）" field={fields.timeLimitMin} type="number" min={1} max={600} />
      <InputField label="可作答次数" field={fields.maxAttempts} type="number" min={1} max={20} />
      <Field label="计分方式" {...fieldAt(fields.gradeMethod)}>
        <select {...getSelectProps(fields.gradeMethod)} className={inputClass}>
          <LabelOptions labels={GRADE_METHOD_LABELS} />
        </select>
      </Field>
      <InputField label="及格线（百分制）" field={fields.passPercent} type="number" min={0} max={100} />
      <Field label="查看答案" {...fieldAt(fields.reviewPolicy)}>
        <select {...getSelectProps(fields.reviewPolicy)} className={inputClass}>
          <LabelOptions labels={REVIEW_POLICY_LABELS} />
        </select>
      </Field>
      <Field label="作答方式" {...fieldAt(fields.layout)}>
        <select {...getSelectProps(fields.layout)} className={inputClass}>
          <LabelOptions labels={QUIZ_LAYOUT_LABELS} />
        </select>
      </Field>
      <InputField label="及格后计学时（留空为不计）" field={fields.creditHours} type="number" step="0.05" min={0.05} max={100} />
      <label className="mb-4 flex items-center gap-2 text-sm">
        <input {...getInputProps(fields.shuffleQuestions, { type: "checkbox" })} /> 题目乱序
      </label>
      <label className="mb-4 flex items-center gap-2 text-sm">
        <input {...getInputProps(fields.shuffleOptions, { type: "checkbox" })} /> 选项乱序
      </label>
    </SettingsForm>
  );
}

/** Finds questions by stem or key in the banks within reach, each with its own form to put it on the paper. */
function FixedQuestionSearch() {
  const { found } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { reply } = useBuilderReply();
  const fixedErrors = reply?.intent === "slot-add" && reply.kind === "fixed" ? Object.values(reply.result.error ?? {}).flatMap((m) => m ?? []) : undefined;
  return (
    <>
      <Form method="get" className="flex gap-2">
        <input name="q" defaultValue={params.get("q") ?? ""} placeholder="搜索题干或题目编号，加入固定题" aria-label="搜索题目" className={inputClass} />
        <button className={secondaryButtonClass}>搜索</button>
      </Form>
      <FormMessage messages={fixedErrors} />
      <ul className="space-y-1 text-sm">
        {found.map((q) => (
          <li key={q.id} className="flex items-start gap-2">
            <span className="flex-1">
              【{TYPE_LABELS[q.type]}】{q.stem}{" "}
              <span className="text-stone-500">
                （{q.bank.title} · {q.key}）
              </span>
            </span>
            <Form method="post" className="flex gap-1">
              <input type="hidden" name="intent" value="slot-add" />
              <input type="hidden" name="kind" value="fixed" />
              <input type="hidden" name="questionId" value={q.id} />
              <input
                type="number"
                name="mark"
                min={0.5}
                max={100}
                step="0.5"
                defaultValue={5}
                aria-label="分值"
                className="w-16 rounded border border-stone-300 px-1"
              />
              <button className="text-xs text-party underline">加入</button>
            </Form>
          </li>
        ))}
      </ul>
    </>
  );
}
