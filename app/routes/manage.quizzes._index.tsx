import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { unitsUnder } from "~/.server/org/units";
import { createQuiz, quizzesOfUnits } from "~/.server/quiz/quizzes";
import { NewPaperForm } from "~/components/builder/new-paper-form";
import { BUILDER_PARSE, newPaperSchema } from "~/lib/builder-forms";
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

const NewQuizSchema = newPaperSchema("测试");

/** A new quiz starts as a draft with these settings; the builder page sets the rest. */
const NEW_QUIZ_SETTINGS = {
  maxAttempts: "1",
  gradeMethod: "highest",
  passPercent: "60",
  shuffleQuestions: "on",
  shuffleOptions: "on",
  reviewPolicy: "after_submit",
};

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "quizzes:manage");
  const submission = parseWithZod(await readForm(request), { schema: NewQuizSchema, ...BUILDER_PARSE });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { title, unitId } = submission.value;
  const user = await requirePermission(request, "quizzes:manage", unitId);
  const quiz = await createQuiz(user.id, unitId, QuizSettingsSchema.parse({ ...NEW_QUIZ_SETTINGS, title }));
  return redirect(`/manage/quizzes/${quiz.id}`);
}

export default function QuizList() {
  const { units, quizzes } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">测试管理</h1>
      <NewPaperForm what="测试" placeholder="测试名称，如：两学一做第三章测试" units={units} />
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
