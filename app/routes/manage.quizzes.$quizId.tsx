import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { requireQuizManager } from "~/.server/quiz/access";
import { unitsUnder } from "~/.server/org/units";
import {
  QuizError,
  addAudience,
  addSlot,
  banksForBuilder,
  getQuizForEdit,
  publishQuiz,
  removeAudience,
  removeSlot,
  searchQuestions,
  setQuizStatus,
  updateQuizSettings,
} from "~/.server/quiz/quizzes";
import { approveCreditSettings, creditApproval } from "~/.server/hours/self-credit";
import { CreditApproval } from "~/components/hours/credit-approval";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { formatHours } from "~/lib/hours";
import { scopePaths } from "~/lib/permissions";
import {
  AudienceSchema,
  GRADE_METHOD_LABELS,
  QUIZ_STATUS_LABELS,
  QuizSettingsSchema,
  REVIEW_POLICY_LABELS,
  SlotSchema,
  toLocalInput,
} from "~/lib/quiz-settings";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";
import { readForm } from "~/.server/http/form-body";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.quiz.title ?? "测试"} · 测试管理` }];

const TYPE_LABELS: Record<string, string> = { single: "单选", multiple: "多选", judge: "判断", fill: "填空" };
const DIFFICULTY_LABELS = { "1": "易", "2": "中", "3": "难" } as const;

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

const IntentSchema = z.object({
  intent: z.enum(["settings", "slot-add", "slot-remove", "audience-add", "audience-remove", "publish", "unpublish", "archive", "approve-credit"]),
});
const IdSchema = z.object({ id: z.coerce.number().int().positive() });

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, quizId } = await requireQuizManager(request, params.quizId);
  const form = Object.fromEntries(await readForm(request));
  const intent = IntentSchema.safeParse(form);
  if (!intent.success) return data({ ok: false as const, errors: ["未知的操作"] }, { status: 400 });
  const fail = (errors: string[]) => data({ ok: false as const, errors }, { status: 400 });
  const parse = <T,>(schema: z.ZodType<T>) => {
    const r = schema.safeParse(form);
    return r.success ? { value: r.data } : { errors: r.error.issues.map((i) => i.message) };
  };
  try {
    switch (intent.data.intent) {
      case "settings": {
        const r = parse(QuizSettingsSchema);
        if ("errors" in r) return fail(r.errors!);
        await updateQuizSettings(user.id, quizId, r.value);
        return { ok: true as const, message: "设置已保存" };
      }
      case "slot-add": {
        const r = parse(SlotSchema);
        if ("errors" in r) return fail(r.errors!);
        await addSlot(user.id, quizId, r.value);
        return { ok: true as const, message: "已加入试卷" };
      }
      case "slot-remove": {
        const r = parse(IdSchema);
        if ("errors" in r) return fail(r.errors!);
        await removeSlot(user.id, quizId, r.value.id);
        return { ok: true as const, message: "已移出试卷" };
      }
      case "audience-add": {
        const r = parse(AudienceSchema);
        if ("errors" in r) return fail(r.errors!);
        // Inviting a unit needs the right over that unit too.
        await requirePermission(request, "quizzes:manage", r.value.unitId);
        await addAudience(user.id, quizId, r.value.unitId, r.value.politicalStatus);
        return { ok: true as const, message: "已添加参加范围" };
      }
      case "audience-remove": {
        const r = parse(IdSchema);
        if ("errors" in r) return fail(r.errors!);
        await removeAudience(user.id, quizId, r.value.id);
        return { ok: true as const, message: "已移除参加范围" };
      }
      case "publish":
        await publishQuiz(user.id, quizId);
        return { ok: true as const, message: "测试已发布，参加范围内的人员可以作答" };
      case "unpublish":
        await setQuizStatus(user.id, quizId, "draft");
        return { ok: true as const, message: "测试已撤回为草稿" };
      case "approve-credit": {
        const r = await approveCreditSettings(user.id, "quiz", quizId, String(form.seen ?? "").slice(0, 100));
        return r.ok ? { ok: true as const, message: "学时设置已审核通过" } : fail([r.message]);
      }
      case "archive":
        await setQuizStatus(user.id, quizId, "archived");
        return { ok: true as const, message: "测试已归档" };
    }
  } catch (e) {
    if (e instanceof QuizError) return fail([e.message]);
    throw e;
  }
}

export default function QuizBuilder() {
  const { quiz, totalQuestions, totalMarks, banks, units, found, approval } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">{quiz.title}</h1>
        <p className="text-sm text-stone-600">
          {QUIZ_STATUS_LABELS[quiz.status]} · {quiz.unit.name} · 共 {totalQuestions} 题，满分 {totalMarks} 分 · {quiz._count.attempts} 人次作答
        </p>
        {reply?.ok ? <Notice>{reply.message}</Notice> : null}
        {reply && !reply.ok ? <FormMessage messages={reply.errors} /> : null}
        <Form method="post" className="mt-2 flex flex-wrap gap-2">
          {quiz.status !== "published" ? (
            <button name="intent" value="publish" className={buttonClass}>
              发布
            </button>
          ) : (
            <button name="intent" value="unpublish" className={secondaryButtonClass}>
              撤回为草稿
            </button>
          )}
          <button name="intent" value="archive" className={secondaryButtonClass}>
            归档
          </button>
          <Link to={`/manage/quizzes/${quiz.id}/report`} className={secondaryButtonClass}>
            查看统计
          </Link>
        </Form>
      </header>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="settings-heading">
        <h2 id="settings-heading" className="mb-2 font-bold">
          基本设置
        </h2>
        <Form method="post" className="grid gap-3 sm:grid-cols-2">
          <input type="hidden" name="intent" value="settings" />
          <label className="text-sm sm:col-span-2">
            名称
            <input name="title" defaultValue={quiz.title} className={inputClass} maxLength={100} required />
          </label>
          <label className="text-sm sm:col-span-2">
            说明
            <textarea name="description" defaultValue={quiz.description ?? ""} rows={2} className={inputClass} maxLength={2000} />
          </label>
          <label className="text-sm">
            开始时间（北京时间，留空为立即）
            <input type="datetime-local" name="opensAt" defaultValue={quiz.opensAt} className={inputClass} />
          </label>
          <label className="text-sm">
            截止时间（留空为不限）
            <input type="datetime-local" name="closesAt" defaultValue={quiz.closesAt} className={inputClass} />
          </label>
          <label className="text-sm">
            限时（分钟，留空为不限时）
            <input type="number" name="timeLimitMin" min={1} max={600} defaultValue={quiz.timeLimitMin ?? ""} className={inputClass} />
          </label>
          <label className="text-sm">
            可作答次数
            <input type="number" name="maxAttempts" min={1} max={20} defaultValue={quiz.maxAttempts} className={inputClass} required />
          </label>
          <label className="text-sm">
            计分方式
            <select name="gradeMethod" defaultValue={quiz.gradeMethod} className={inputClass}>
              <LabelOptions labels={GRADE_METHOD_LABELS} />
            </select>
          </label>
          <label className="text-sm">
            及格线（百分制）
            <input type="number" name="passPercent" min={0} max={100} defaultValue={quiz.passPercent} className={inputClass} required />
          </label>
          <label className="text-sm">
            查看答案
            <select name="reviewPolicy" defaultValue={quiz.reviewPolicy} className={inputClass}>
              <LabelOptions labels={REVIEW_POLICY_LABELS} />
            </select>
          </label>
          <label className="text-sm">
            及格后计学时（留空为不计）
            <input type="number" name="creditHours" step="0.05" min={0.05} max={100} defaultValue={quiz.creditHours} className={inputClass} />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="shuffleQuestions" defaultChecked={quiz.shuffleQuestions} /> 题目乱序
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="shuffleOptions" defaultChecked={quiz.shuffleOptions} /> 选项乱序
          </label>
          <button type="submit" className={`${buttonClass} sm:col-span-2`}>
            保存设置
          </button>
        </Form>
        {approval ? <CreditApproval approval={approval} what="测试" /> : null}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="paper-heading">
        <h2 id="paper-heading" className="mb-2 font-bold">
          试卷
        </h2>
        {quiz.frozen ? <p className="mb-2 text-sm text-amber-800">已有人开始作答，试卷题目已锁定。</p> : null}
        <ol className="mb-3 space-y-1 text-sm" data-testid="slots">
          {quiz.slots.length === 0 ? <li className="text-stone-500">还没有题目。</li> : null}
          {quiz.slots.map((s) => (
            <li key={s.id} className="flex items-start gap-2">
              <span className="flex-1">
                {s.position}.{" "}
                {s.question
                  ? `【${TYPE_LABELS[s.question.type]}】${s.question.stem}`
                  : `从「${s.bank?.title}」随机抽 ${s.count} 题${s.tag ? `，标签“${s.tag}”` : ""}${s.difficulty ? `，难度${DIFFICULTY_LABELS[String(s.difficulty) as "1"]}` : ""}`}
                <span className="text-stone-500">（每题 {s.markEach / 100} 分）</span>
              </span>
              {!quiz.frozen ? (
                <Form method="post">
                  <input type="hidden" name="id" value={s.id} />
                  <button name="intent" value="slot-remove" className="text-xs text-party underline">
                    移除
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ol>
        {!quiz.frozen ? (
          <div className="space-y-3">
            <Form method="post" className="grid gap-2 rounded border border-stone-200 p-3 sm:grid-cols-6">
              <input type="hidden" name="intent" value="slot-add" />
              <input type="hidden" name="kind" value="draw" />
              <select name="bankId" aria-label="题库" className={`${inputClass} sm:col-span-2`}>
                {banks.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.title}（{b.count} 题）
                  </option>
                ))}
              </select>
              <input name="tag" placeholder="标签（可空）" aria-label="标签" className={inputClass} />
              <select name="difficulty" aria-label="难度" className={inputClass} defaultValue="">
                <option value="">不限难度</option>
                <LabelOptions labels={DIFFICULTY_LABELS} />
              </select>
              <input type="number" name="count" min={1} max={200} defaultValue={10} aria-label="抽题数量" className={inputClass} />
              <input type="number" name="mark" min={0.5} max={100} step="0.5" defaultValue={5} aria-label="每题分值" className={inputClass} />
              <button type="submit" className={`${secondaryButtonClass} sm:col-span-6`}>
                加入随机抽题
              </button>
            </Form>
            <Form method="get" className="flex gap-2">
              <input name="q" defaultValue={params.get("q") ?? ""} placeholder="搜索题干或题目编号，加入固定题" aria-label="搜索题目" className={inputClass} />
              <button className={secondaryButtonClass}>搜索</button>
            </Form>
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
          </div>
        ) : null}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="audience-heading">
        <h2 id="audience-heading" className="mb-2 font-bold">
          参加范围
        </h2>
        <ul className="mb-3 space-y-1 text-sm" data-testid="audiences">
          {quiz.audiences.length === 0 ? <li className="text-stone-500">还没有指定。</li> : null}
          {quiz.audiences.map((a) => (
            <li key={a.id} className="flex items-center gap-2">
              {a.unit.name}（含下级）{a.politicalStatus ? ` · 仅${POLITICAL_STATUS_LABELS[a.politicalStatus as PoliticalStatus]}` : " · 全体人员"}
              <Form method="post">
                <input type="hidden" name="id" value={a.id} />
                <button name="intent" value="audience-remove" className="text-xs text-party underline">
                  移除
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form method="post" className="grid gap-2 sm:grid-cols-3">
          <input type="hidden" name="intent" value="audience-add" />
          <select name="unitId" aria-label="党组织" className={inputClass}>
            <UnitOptions units={units} />
          </select>
          <select name="politicalStatus" aria-label="政治面貌" className={inputClass} defaultValue="">
            <option value="">全体人员</option>
            <LabelOptions labels={POLITICAL_STATUS_LABELS} />
          </select>
          <button type="submit" className={secondaryButtonClass}>
            添加
          </button>
        </Form>
      </section>
    </div>
  );
}
