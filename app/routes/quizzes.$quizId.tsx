import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { quizForPerson, startAttempt } from "~/.server/quiz/attempts";
import { SELF_CREDIT_NOTICE, selfCreditWithheld } from "~/.server/hours/self-credit";
import { QuizErrorBoundary, formatDuration, formatPercent } from "~/components/quiz/quiz-ui";
import { FormMessage, buttonClass } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { GRADE_METHOD_LABELS, REVIEW_POLICY_LABELS } from "~/lib/quiz-settings";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { BackLink } from "~/components/nav/back-link";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.title ?? "测验"} · 网上党校`, "测试说明：题量、时长、及格分与作答次数。");

const NOT_FOUND = "没有找到这个测验";
// The start button carries nothing: the form is the quiz in the address.
const StartSchema = z.object({});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const quizId = idParam(params.quizId, NOT_FOUND);
  return orRefuse(async () => {
    const q = await quizForPerson(user.id, quizId);
    const withheld = await selfCreditWithheld("quiz", quizId, user.id);
    return {
      id: q.id,
      title: q.title,
      description: q.description,
      window: q.window,
      opensAt: formatChinaDateTime(q.opensAt),
      closesAt: formatChinaDateTime(q.closesAt),
      timeLimitSec: q.timeLimitSec,
      maxAttempts: q.maxAttempts,
      gradeMethod: GRADE_METHOD_LABELS[q.gradeMethod],
      passPercent: q.passPercent,
      reviewPolicy: REVIEW_POLICY_LABELS[q.reviewPolicy],
      creditHours: q.creditHours,
      selfCreditNotice: withheld ? SELF_CREDIT_NOTICE.quiz : null,
      grade: q.grade,
      inProgressAttemptId: q.inProgressAttemptId,
      attempts: q.attempts.map((a) => ({
        id: a.id,
        number: a.number,
        state: a.state,
        finishedAt: formatChinaDateTime(a.finishedAt),
        percent: a.percent,
        passed: a.passed,
      })),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const quizId = idParam(params.quizId, NOT_FOUND);
  const submission = parseWithZod(await readForm(request), { schema: StartSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    const { attemptId } = await startAttempt(user.id, quizId);
    return redirect(`/quizzes/${quizId}/attempts/${attemptId}`);
  } catch (e) {
    return formRefusal(submission, e);
  }
}

const STATE_LABELS: Record<string, string> = { in_progress: "作答中", submitted: "已交卷", expired: "已到时收卷" };

export default function QuizIntro() {
  const q = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form] = useForm({ id: "start", lastResult: actionData?.result });
  const busy = useNavigation().state !== "idle";
  const attemptsLeft = q.maxAttempts - q.attempts.length;
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <BackLink to="/quizzes">全部测验</BackLink>
      <section className="rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">{q.title}</h1>
        {q.description ? <p className="mt-2 whitespace-pre-line text-sm text-stone-700">{q.description}</p> : null}
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-stone-500">开放时间</dt>
          <dd>
            {q.opensAt || "即时"} 至 {q.closesAt || "不限"}
          </dd>
          <dt className="text-stone-500">作答时长</dt>
          <dd>{q.timeLimitSec ? formatDuration(q.timeLimitSec) : "不限时"}</dd>
          <dt className="text-stone-500">作答次数</dt>
          <dd>
            共 {q.maxAttempts} 次，{q.gradeMethod}
          </dd>
          <dt className="text-stone-500">及格线</dt>
          <dd>{q.passPercent} 分</dd>
          <dt className="text-stone-500">查看答案</dt>
          <dd>{q.reviewPolicy}</dd>
          {q.creditHours ? (
            <>
              <dt className="text-stone-500">学时</dt>
              <dd>通过后计 {formatHours(q.creditHours)} 学时</dd>
            </>
          ) : null}
        </dl>
        {q.selfCreditNotice ? (
          <p className="mt-3 rounded bg-amber-50 p-2 text-sm text-amber-900" data-testid="self-credit-notice">
            {q.selfCreditNotice}
          </p>
        ) : null}
        {q.grade ? (
          <p className="mt-3 text-sm">
            当前成绩 <strong className="text-lg text-party">{formatPercent(q.grade.percent)}</strong> 分 · {q.grade.passed ? "已通过" : "未通过"}
          </p>
        ) : null}
      </section>

      <FormMessage messages={form.errors} />
      {q.inProgressAttemptId ? (
        <Link to={`/quizzes/${q.id}/attempts/${q.inProgressAttemptId}`} className={`${buttonClass} w-full`}>
          继续作答
        </Link>
      ) : q.window === "open" && attemptsLeft > 0 ? (
        <Form method="post" {...getFormProps(form)}>
          <p className="mb-2 text-sm text-stone-600">{q.timeLimitSec ? "开始后开始计时，中途离开计时不停止；" : ""}每道题作答后自动保存，可换设备继续。</p>
          <button type="submit" className={`${buttonClass} w-full`} disabled={busy}>
            {q.attempts.length ? `再次作答（剩余 ${attemptsLeft} 次）` : "开始作答"}
          </button>
        </Form>
      ) : (
        <p className="rounded-md bg-stone-100 px-3 py-2 text-sm text-stone-700" role="status">
          {q.window === "upcoming" ? `测验将于 ${q.opensAt} 开始。` : q.window === "closed" ? "测验已经结束。" : "您已用完全部作答次数。"}
        </p>
      )}

      {q.attempts.length ? (
        <section className="rounded-lg bg-white p-4 shadow">
          <h2 className="mb-2 font-semibold">作答记录</h2>
          <ul className="divide-y text-sm">
            {q.attempts.map((a) => (
              <li key={a.id} className="flex items-center gap-2 py-2">
                <span>第 {a.number} 次</span>
                <span className="text-stone-500">{STATE_LABELS[a.state] ?? a.state}</span>
                {a.percent !== null ? <span>{formatPercent(a.percent)} 分</span> : null}
                <Link to={`/quizzes/${q.id}/attempts/${a.id}`} className="ml-auto text-party underline">
                  {a.state === "in_progress" ? "继续" : "查看"}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export { QuizErrorBoundary as ErrorBoundary };
