import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireQuizManager } from "~/.server/quiz/access";
import { closeExpiredAttempts } from "~/.server/quiz/attempts";
import { quizTitle } from "~/.server/quiz/quizzes";
import { describeEvidence, flaggedAttempts, participation, questionStats, scores } from "~/.server/quiz/reports";
import { secondaryButtonClass } from "~/components/ui/form";
import { formatChinaDateTime } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { DISCRIMINATION_LABELS, rateDiscrimination } from "~/lib/quiz-stats";
import { pageMeta } from "~/lib/page-meta";

// A quiz's report: participation per unit against the eligible people, the score distribution, each
// question's correct rate and discrimination, and the flagged attempts with their evidence. Figures
// cover the people in the viewer's own scope. /manage/quizzes/:quizId/report

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.title ?? "测试"} · 统计`);

const TYPE_LABELS: Record<string, string> = { single: "单选", multiple: "多选", judge: "判断", fill: "填空" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, quizId } = await requireQuizManager(request, params.quizId);
  const scope = scopePaths(user.grants, "quizzes:manage");
  // Attempts past their deadline are graded before the figures are read, not counted as in progress (decision 090).
  await closeExpiredAttempts(new Date(), { quizIds: [quizId] });
  const [title, part, score, questions, flagged] = await Promise.all([
    quizTitle(quizId),
    participation(quizId, scope),
    scores(quizId, scope),
    questionStats(quizId, scope),
    flaggedAttempts(quizId, scope, user.grants),
  ]);
  return {
    quizId,
    title,
    participation: part,
    scores: score,
    // The stems are the trainer's own; the key and explanations stay out: the report is about how
    // the questions fared, and the builder shows the rest.
    questions: questions.map((q) => ({ ...q, rating: rateDiscrimination(q.discrimination) })),
    flagged: {
      count: flagged.count,
      attempts: flagged.attempts.map((a) => ({ ...a, finishedAt: formatChinaDateTime(a.finishedAt), evidence: describeEvidence(a.evidence) })),
    },
  };
}

const pct = (part: number, whole: number) => (whole === 0 ? "—" : `${((part / whole) * 100).toFixed(1)}%`);
const orDash = (x: number | null, unit = "") => (x === null ? "—" : `${x}${unit}`);
const rateText = (x: number | null) => (x === null ? "—" : `${x.toFixed(1)}%`);

export default function QuizReport() {
  const { quizId, title, participation: part, scores: score, questions, flagged } = useLoaderData<typeof loader>();
  const maxBucket = Math.max(1, ...score.histogram.map((b) => b.count));
  return (
    <div className="space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <p className="text-sm">
          <Link to={`/manage/quizzes/${quizId}`} className="text-party hover:underline">
            ← 返回测试设置
          </Link>
        </p>
        <h1 className="text-xl font-bold">{title} · 统计</h1>
        <p className="text-sm text-stone-600">
          应参加 {part.total.eligible} 人，已参加 {part.total.took} 人（{pct(part.total.took, part.total.eligible)}），通过 {part.total.passed} 人
          {part.inProgress > 0 ? `，${part.inProgress} 人正在作答` : ""}。统计范围为您有权管理的党组织。
        </p>
        <a href={`/manage/quizzes/${quizId}/report.xlsx`} className={`${secondaryButtonClass} mt-2 inline-block`} download>
          导出 Excel
        </a>
      </header>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="participation-heading">
        <h2 id="participation-heading" className="mb-2 font-bold">
          参与情况
        </h2>
        {part.units.length === 0 ? (
          <p className="text-sm text-stone-600">参加范围内还没有人员。请在测试设置中添加参加范围。</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="participation">
              <thead>
                <tr className="border-b text-left text-stone-600">
                  <th className="py-1 pr-2">党组织</th>
                  <th className="px-2 text-right">应参加</th>
                  <th className="px-2 text-right">已参加</th>
                  <th className="px-2 text-right">参与率</th>
                  <th className="px-2 text-right">通过</th>
                  <th className="px-2 text-right">平均分</th>
                </tr>
              </thead>
              <tbody>
                {part.units.map((u) => (
                  <tr key={u.unitId} className="border-b last:border-0">
                    <th scope="row" className={`py-1 pr-2 text-left ${u.depth === 0 ? "font-bold" : "font-normal"}`} style={{ paddingLeft: `${u.depth}rem` }}>
                      {u.name}
                    </th>
                    <td className="px-2 text-right">{u.eligible}</td>
                    <td className="px-2 text-right">{u.took}</td>
                    <td className={`px-2 text-right ${u.eligible > 0 && u.took / u.eligible < 0.5 ? "text-red-700" : ""}`}>{pct(u.took, u.eligible)}</td>
                    <td className="px-2 text-right">{u.passed}</td>
                    <td className="px-2 text-right">{orDash(u.mean)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {part.outsideAudience > 0 ? (
          <p className="mt-2 text-sm text-stone-600">另有 {part.outsideAudience} 人已有成绩，但现已不在参加范围内（政治面貌或参加范围有变动），未计入上表。</p>
        ) : null}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="scores-heading">
        <h2 id="scores-heading" className="mb-2 font-bold">
          成绩分布
        </h2>
        {score.count === 0 ? (
          <p className="text-sm text-stone-600">还没有人完成作答。</p>
        ) : (
          <>
            <p className="mb-2 text-sm">
              {score.count} 人有成绩 · 平均分 {orDash(score.mean)} · 中位数 {orDash(score.median)} · 通过 {score.passed} 人（{pct(score.passed, score.count)}）
            </p>
            <ol className="space-y-1" aria-label="各分数段人数" data-testid="histogram">
              {score.histogram.map((b) => (
                <li key={b.label} className="flex items-center gap-2 text-sm">
                  <span className="w-14 shrink-0 text-right tabular-nums">{b.label}</span>
                  <span className="h-4 rounded bg-party/80" style={{ width: `${(b.count / maxBucket) * 70}%` }} aria-hidden />
                  <span className="tabular-nums">{b.count} 人</span>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="questions-heading">
        <h2 id="questions-heading" className="mb-1 font-bold">
          题目分析
        </h2>
        <p className="mb-2 text-xs text-stone-600">
          按每人第一次完成的作答统计，正确率从低到高排列。区分度为答对与否和其余题目得分的相关系数：0.3 以上良好，低于 0.2
          建议修改，为负说明高分者反而答错更多，请核对答案；作答少于 10 人时不计算。
        </p>
        {questions.length === 0 ? (
          <p className="text-sm text-stone-600">还没有已完成的作答。</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="question-stats">
              <thead>
                <tr className="border-b text-left text-stone-600">
                  <th className="py-1 pr-2">题目</th>
                  <th className="px-2 text-right">作答</th>
                  <th className="px-2 text-right">正确率</th>
                  <th className="px-2 text-right">区分度</th>
                  <th className="px-2">最常见的错误答案</th>
                </tr>
              </thead>
              <tbody>
                {questions.map((q) => (
                  <tr key={q.questionId} className="border-b align-top last:border-0">
                    <td className="py-1 pr-2">
                      <span className="text-xs text-stone-500">
                        [{TYPE_LABELS[q.type] ?? q.type}] {q.bankTitle} · {q.key}
                      </span>
                      <br />
                      {q.stem}
                    </td>
                    <td className="px-2 text-right tabular-nums">{q.drawn}</td>
                    <td className={`px-2 text-right tabular-nums ${q.correctRate !== null && q.correctRate < 60 ? "text-red-700" : ""}`}>
                      {rateText(q.correctRate)}
                    </td>
                    <td className="px-2 text-right" title={DISCRIMINATION_LABELS[q.rating]}>
                      <span className="tabular-nums">{q.discrimination === null ? "—" : q.discrimination.toFixed(2)}</span>
                      <br />
                      <span className={`text-xs ${q.rating === "negative" || q.rating === "poor" ? "text-red-700" : "text-stone-500"}`}>
                        {DISCRIMINATION_LABELS[q.rating]}
                      </span>
                    </td>
                    <td className="px-2">{q.commonWrong ? `${q.commonWrong.answer}（${q.commonWrong.count} 人）` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="flagged-heading">
        <h2 id="flagged-heading" className="mb-1 font-bold">
          异常作答（{flagged.count}）
        </h2>
        <p className="mb-2 text-xs text-stone-600">
          作答速度快于正常阅读速度的作答会被标记供您核实。成绩照常计算，学员不会收到任何提示；如需处理，请先与学员本人核实。
        </p>
        {flagged.count === 0 ? (
          <p className="text-sm text-stone-600">没有被标记的作答。</p>
        ) : (
          <ul className="divide-y text-sm" data-testid="flagged">
            {flagged.attempts.map((a) => (
              <li key={a.attemptId} className="py-2">
                <p>
                  <span className="font-semibold">{a.personName}</span>（{a.personNumber}，{a.unitName}）第 {a.number} 次作答 · {orDash(a.percent, " 分")} ·{" "}
                  {a.finishedAt}
                </p>
                <p className="text-stone-600">{a.evidence}</p>
              </li>
            ))}
            {flagged.count > flagged.attempts.length ? (
              <li className="py-2 text-stone-600">仅显示最近 {flagged.attempts.length} 条，完整名单请导出 Excel。</li>
            ) : null}
          </ul>
        )}
      </section>
    </div>
  );
}
