import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { unitsUnder } from "~/.server/org/units";
import { createQuiz, quizzesOfUnits } from "~/.server/quiz/quizzes";
import { FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { formatDate } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { QUIZ_STATUS_LABELS, QuizSettingsSchema } from "~/lib/quiz-settings";
import { readForm } from "~/.server/http/form-body";

export const meta: MetaFunction = () => [{ title: "测试管理 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "quizzes:manage");
  const scope = scopePaths(user.grants, "quizzes:manage");
  const [units, quizzes] = await Promise.all([unitsUnder(scope), quizzesOfUnits(scope)]);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    quizzes: quizzes.map((q) => ({ ...q, opensAt: formatDate(q.opensAt), closesAt: formatDate(q.closesAt) })),
  };
}

const CreateSchema = z.object({ unitId: z.coerce.number().int().positive("请选择所属党组织") });

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "quizzes:manage");
  const form = Object.fromEntries(await readForm(request));
  // A new quiz starts as a draft with sensible defaults; the builder page sets the rest.
  const unit = CreateSchema.safeParse(form);
  const settings = QuizSettingsSchema.safeParse({
    maxAttempts: "1",
    gradeMethod: "highest",
    passPercent: "60",
    shuffleQuestions: "on",
    shuffleOptions: "on",
    reviewPolicy: "after_submit",
    ...form,
  });
  if (!unit.success || !settings.success) {
    const issues = [...(unit.error?.issues ?? []), ...(settings.error?.issues ?? [])];
    return data({ errors: issues.map((i) => i.message) }, { status: 400 });
  }
  const user = await requirePermission(request, "quizzes:manage", unit.data.unitId);
  const quiz = await createQuiz(user.id, unit.data.unitId, settings.data);
  return redirect(`/manage/quizzes/${quiz.id}`);
}

export default function QuizList() {
  const { units, quizzes } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">测试管理</h1>
      <Form method="post" className="grid gap-2 rounded-lg bg-white p-4 shadow sm:grid-cols-[1fr_1fr_auto]">
        <FormMessage messages={reply?.errors} />
        <input name="title" placeholder="测试名称，如：两学一做第三章测试" aria-label="测试名称" className={inputClass} maxLength={100} required />
        <select name="unitId" aria-label="所属党组织" className={inputClass}>
          <UnitOptions units={units} />
        </select>
        <button type="submit" className={buttonClass}>
          新建测试
        </button>
      </Form>
      <ul className="space-y-2">
        {quizzes.length === 0 ? <li className="text-sm text-stone-500">还没有测试。</li> : null}
        {quizzes.map((q) => (
          <li key={q.id} className="rounded-lg bg-white p-3 shadow" data-testid="quiz-row">
            <Link to={`/manage/quizzes/${q.id}`} className="font-semibold text-party hover:underline">
              {q.title}
            </Link>
            <p className="text-xs text-stone-500">
              {QUIZ_STATUS_LABELS[q.status]} · {q.unit.name} · {q._count.slots} 组题 · {q._count.attempts} 人次作答
              {q.opensAt || q.closesAt ? ` · ${q.opensAt || "即时"} 至 ${q.closesAt || "不限"}` : ""}
              {q._count.attempts > 0 ? (
                <>
                  {" · "}
                  <Link to={`/manage/quizzes/${q.id}/report`} className="text-party hover:underline">
                    统计
                  </Link>
                </>
              ) : null}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
