import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { quizzesForPerson } from "~/.server/quiz/attempts";
import { QuizErrorBoundary, formatPercent } from "~/components/quiz/quiz-ui";
import { formatChinaDateTime } from "~/lib/dates";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("我的测验 · 网上党校", "在线测试：可参加的测试、剩余次数与成绩。");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const quizzes = await quizzesForPerson(user.id);
  return {
    quizzes: quizzes.map((q) => ({
      id: q.id,
      title: q.title,
      // A quiz with no attempt left is finished for this person even while it is open for others.
      section: q.window === "open" && q.attemptsUsed >= q.maxAttempts && q.inProgressAttemptId === null ? "closed" : q.window,
      opensAt: formatChinaDateTime(q.opensAt),
      closesAt: formatChinaDateTime(q.closesAt),
      attemptsUsed: q.attemptsUsed,
      maxAttempts: q.maxAttempts,
      inProgress: q.inProgressAttemptId !== null,
      grade: q.grade,
    })),
  };
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["quizzes"][number];

const SECTIONS = [
  { window: "open", title: "进行中", empty: "暂无可作答的测验。" },
  { window: "upcoming", title: "即将开始", empty: null },
  { window: "closed", title: "已结束", empty: null },
] as const;

export default function MyQuizzes() {
  const { quizzes } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-lg space-y-5">
      <h1 className="text-xl font-bold">我的测验</h1>
      {SECTIONS.map((s) => {
        const rows = quizzes.filter((q) => q.section === s.window);
        if (rows.length === 0 && !s.empty) return null;
        return (
          <section key={s.window} aria-labelledby={`quizzes-${s.window}`}>
            <h2 id={`quizzes-${s.window}`} className="mb-2 font-semibold text-stone-700">
              {s.title}
            </h2>
            {rows.length === 0 ? <p className="text-sm text-stone-500">{s.empty}</p> : null}
            <ul className="space-y-3">
              {rows.map((q) => (
                <QuizRow key={q.id} q={q} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function QuizRow({ q }: { q: Row }) {
  return (
    <li data-testid="quiz">
      <Link to={`/quizzes/${q.id}`} className="block rounded-lg bg-white p-4 shadow hover:ring-2 hover:ring-party">
        <span className="block font-semibold">{q.title}</span>
        <span className="mt-1 block text-xs text-stone-500">
          {q.opensAt ? `${q.opensAt} 起` : ""}
          {q.closesAt ? ` ${q.closesAt} 截止` : q.opensAt ? "" : "不限时间"}
        </span>
        <span className="mt-2 flex flex-wrap items-center gap-2 text-sm">
          <span>
            已作答 {q.attemptsUsed}/{q.maxAttempts} 次
          </span>
          {q.inProgress ? <span className="rounded bg-amber-100 px-1.5 text-amber-900">作答中</span> : null}
          {q.grade ? (
            <>
              <span>成绩 {formatPercent(q.grade.percent)} 分</span>
              <span className={`rounded px-1.5 ${q.grade.passed ? "bg-green-100 text-green-800" : "bg-stone-100 text-stone-700"}`}>
                {q.grade.passed ? "已通过" : "未通过"}
              </span>
            </>
          ) : null}
        </span>
      </Link>
    </li>
  );
}

export { QuizErrorBoundary as ErrorBoundary };
