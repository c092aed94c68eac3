import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { readBuilderForm } from "~/.server/builder-page/intents";
import { unitsUnder } from "~/.server/org/units";
import { createQuiz, quizzesOfUnits } from "~/.server/quiz/quizzes";
import { NewPaperForm } from "~/components/builder/new-paper-form";
import { PaperList } from "~/components/builder/paper-list";
import { newPaperSchema } from "~/lib/builder-forms";
import { formatDate } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { QUIZ_STATUS_LABELS, QuizSettingsSchema } from "~/lib/quiz-settings";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("测试管理 · 网上党校");

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
  const form = await readBuilderForm(request, NewQuizSchema);
  if (form.submission.status !== "success") return form.invalid();
  const { title, unitId } = form.submission.value;
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
      <PaperList
        testId="quiz-row"
        empty="还没有测试。"
        rows={quizzes.map((q) => ({
          id: q.id,
          title: q.title,
          href: `/manage/quizzes/${q.id}`,
          summary:
            `${QUIZ_STATUS_LABELS[q.status]} · ${q.unit.name} · ${q._count.slots} 组题 · ${q._count.attempts} 人次作答` +
            (q.opensAt || q.closesAt ? ` · ${q.opensAt || "即时"} 至 ${q.closesAt || "不限"}` : ""),
          report: q._count.attempts > 0 ? { href: `/manage/quizzes/${q.id}/report`, label: "统计" } : null,
        }))}
      />
    </div>
  );
}
