import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireContestManager } from "~/.server/contest/access";
import { closeExpiredEntries } from "~/.server/contest/entries";
import { perfectCount, prizeDraws, recheckPrizeDraw, runPrizeDraw } from "~/.server/contest/prize-draws";
import { contestSummary, organisationLevels, organisationTable, trainerRanking } from "~/.server/contest/results";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { AppError } from "~/lib/app-error";
import { formatDuration } from "~/lib/contest-ranking";
import { AwardThresholdSchema, DEFAULT_AWARD_THRESHOLD, DrawSchema, ResultsQuerySchema } from "~/lib/contest-settings";
import { formatChinaDateTime } from "~/lib/dates";
import { PRIZE_DRAW_ALGORITHM } from "~/lib/prize-draw";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { searchParamsOf } from "~/.server/http/request-params";
import { pageMeta } from "~/lib/page-meta";

// A contest's results for its managers: individual ranking, organisation table with the award list,
// the prize draw among perfect papers (and its re-check), the Excel export. /manage/contests/:contestId/results

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.contest.title ?? "竞赛"} · 成绩`);

/** Rows of the individual ranking shown on the page; the export holds all of them. */
const SHOWN_ROWS = 200;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, contestId } = await requireContestManager(request, params.contestId);
  const query = searchParamsOf(request, ResultsQuerySchema);
  // A threshold out of range is said beside the table, which keeps the default: the page still shows.
  const threshold = AwardThresholdSchema.safeParse(query.threshold);
  // Entries the close left open are counted as what they are, not as still being answered (decision 090).
  await closeExpiredEntries(new Date(), { contestId });
  const { units, chosen } = await organisationLevels(contestId, query.unit ?? null);
  const [contest, ranking, table, draws, perfect] = await Promise.all([
    contestSummary(contestId),
    trainerRanking(contestId, user.grants),
    chosen ? organisationTable(contestId, chosen, threshold.success ? threshold.data : DEFAULT_AWARD_THRESHOLD) : null,
    prizeDraws(contestId),
    perfectCount(contestId),
  ]);
  const byEntry = new Map(ranking.map((r) => [r.entryId, r]));
  const row = (r: (typeof ranking)[number]) => ({
    entryId: r.entryId,
    place: r.place,
    name: r.name,
    unitName: r.unitName,
    score: r.score / 100,
    maxScore: r.maxScore / 100,
    duration: formatDuration(r.durationMs),
  });
  return {
    contest: {
      ...contest,
      opensAt: formatChinaDateTime(contest.opensAt),
      closesAt: formatChinaDateTime(contest.closesAt),
      closed: contest.closesAt.getTime() <= Date.now(),
    },
    ranking: ranking.slice(0, SHOWN_ROWS).map(row),
    rankedCount: ranking.length,
    table: table && { ...table, parent: { id: table.parent.id, name: table.parent.name } },
    thresholdError: threshold.success ? null : threshold.error.issues[0].message,
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    draws: draws.map((d) => ({
      id: d.id,
      seed: d.seed,
      poolSize: d.pool.length,
      pool: d.pool,
      createdAt: formatChinaDateTime(d.createdAt),
      createdByName: d.createdByName,
      winners: d.winners.map((id) => {
        const r = byEntry.get(id);
        return { entryId: id, name: r?.name ?? "—", unitName: r?.unitName ?? "—" };
      }),
    })),
    perfect,
  };
}

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    DrawSchema.extend({ intent: z.literal("draw") }),
    z.object({ intent: z.literal("recheck"), drawId: z.number({ error: "请选择要验证的抽奖" }).int("请选择要验证的抽奖").positive("请选择要验证的抽奖") }),
  ],
  { error: "未知的操作" },
);

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, contestId } = await requireContestManager(request, params.contestId);
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), message: null }, { status: 400 });
  const input = submission.value;
  try {
    if (input.intent === "draw") {
      const draw = await runPrizeDraw(user.id, contestId, input.prizes);
      return { result: submission.reply(), message: `抽奖完成：从 ${draw.pool.length} 份满分答卷中抽出 ${draw.winners.length} 名，种子 ${draw.seed}` };
    }
    const check = await recheckPrizeDraw(contestId, input.drawId);
    if (!check.matches) throw new AppError("invalid", `验证未通过：重新计算得到 ${check.recomputed.join("、")}，与记录不一致`);
    return { result: submission.reply(), message: `验证通过：用公布的种子和号池重新计算，中奖编号与记录一致（${check.recomputed.join("、")}）` };
  } catch (e) {
    return formRefusal(submission, e, { message: null });
  }
}

const points = (x: number | null) => (x === null ? "—" : String(x));

export default function ContestResults() {
  const { contest, ranking, rankedCount, table, thresholdError, units, draws, perfect } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  // The draw and the re-checks answer above the page; the draw's prize count also beside its field.
  const [pageForm] = useForm({ id: "results", lastResult: reply?.result });
  const [drawForm, drawFields] = useForm({
    id: "draw",
    lastResult: reply?.result,
    defaultValue: { prizes: String(Math.min(10, Math.max(1, perfect))) },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DrawSchema }),
  });
  const exportQuery = table ? `?unit=${table.parent.id}&threshold=${table.threshold}` : "";
  return (
    <div className="space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <p className="text-sm">
          <Link to={`/manage/contests/${contest.id}`} className="text-party hover:underline">
            ← 返回竞赛设置
          </Link>
        </p>
        <h1 className="text-xl font-bold">{contest.title} · 成绩</h1>
        <p className="text-sm text-stone-600">
          {contest.opensAt} 至 {contest.closesAt}
          {contest.closed ? "（已截止）" : "（进行中，成绩随交卷更新）"} · 已完成 {contest.finished} 人
          {contest.inProgress > 0 ? `，${contest.inProgress} 人正在答题` : ""} · 满分答卷 {perfect} 份
        </p>
        {reply?.message ? <Notice>{reply.message}</Notice> : null}
        <FormMessage messages={pageForm.errors} />
        <a href={`/manage/contests/${contest.id}/results.xlsx${exportQuery}`} className={`${secondaryButtonClass} mt-2 inline-block`} download>
          导出 Excel
        </a>
      </header>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="ranking-heading">
        <h2 id="ranking-heading" className="mb-1 font-bold">
          个人排名
        </h2>
        <p className="mb-2 text-xs text-stone-500">
          按得分从高到低，得分相同用时少者在前；得分与用时都相同的名次并列。您管理范围以外的人员，仅在本人同意时显示姓名。
          {rankedCount > ranking.length ? ` 此处显示前 ${ranking.length} 名，共 ${rankedCount} 人，完整名单请导出 Excel。` : ""}
        </p>
        {ranking.length === 0 ? (
          <p className="text-sm text-stone-600">还没有人完成答题。</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="ranking">
              <thead>
                <tr className="border-b text-left text-stone-600">
                  <th className="py-1 pr-2">名次</th>
                  <th className="py-1 pr-2">姓名</th>
                  <th className="py-1 pr-2">党组织</th>
                  <th className="py-1 pr-2">得分</th>
                  <th className="py-1 pr-2">用时</th>
                </tr>
              </thead>
              <tbody>
                {ranking.map((r) => (
                  <tr key={r.entryId} className="border-b border-stone-100">
                    <td className="py-1 pr-2">{r.place}</td>
                    <td className="py-1 pr-2">{r.name}</td>
                    <td className="py-1 pr-2">{r.unitName}</td>
                    <td className="py-1 pr-2">
                      {r.score}/{r.maxScore}
                    </td>
                    <td className="py-1 pr-2">{r.duration}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="org-heading">
        <h2 id="org-heading" className="mb-1 font-bold">
          组织排名与优秀组织奖
        </h2>
        {thresholdError ? <FormMessage messages={[thresholdError]} /> : null}
        {table ? (
          <>
            <Form method="get" className="mb-2 grid gap-2 sm:grid-cols-[2fr_1fr_auto]">
              <select name="unit" aria-label="统计层级" defaultValue={table.parent.id} className={inputClass}>
                <UnitOptions units={units} />
              </select>
              <label className="flex items-center gap-1 text-sm">
                获奖参与率 ≥
                <input
                  type="number"
                  name="threshold"
                  min={0}
                  max={100}
                  step="0.1"
                  defaultValue={table.threshold}
                  aria-label="获奖参与率门槛"
                  className={inputClass}
                />
                %
              </label>
              <button className={secondaryButtonClass}>统计</button>
            </Form>
            <p className="mb-2 text-xs text-stone-500">
              {table.parent.name}的下级组织：应参赛为参赛范围内的在册人员，参与率 = 参赛人数 ÷ 应参赛人数，平均分为参赛者的平均得分；按参与率、再按平均分排序。
            </p>
            {table.units.length === 0 ? (
              <p className="text-sm text-stone-600">该层级下没有参赛范围内的人员。</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-sm" data-testid="organisations">
                  <thead>
                    <tr className="border-b text-left whitespace-nowrap text-stone-600">
                      <th className="py-1 pr-2">名次</th>
                      <th className="py-1 pr-2">党组织</th>
                      <th className="py-1 pr-2">应参赛</th>
                      <th className="py-1 pr-2">参赛</th>
                      <th className="py-1 pr-2">参与率</th>
                      <th className="py-1 pr-2">平均分</th>
                      <th className="py-1 pr-2">优秀组织奖</th>
                    </tr>
                  </thead>
                  <tbody>
                    {table.units.map((u) => (
                      <tr key={u.unitId} className={`border-b border-stone-100 ${u.awarded ? "bg-amber-50" : ""}`}>
                        <td className="py-1 pr-2">{u.place}</td>
                        <td className="py-1 pr-2">{u.name}</td>
                        <td className="py-1 pr-2">{u.eligible}</td>
                        <td className="py-1 pr-2">{u.participants}</td>
                        <td className="py-1 pr-2">{u.rate === null ? "—" : `${u.rate.toFixed(1)}%`}</td>
                        <td className="py-1 pr-2">{points(u.averageScore)}</td>
                        <td className="py-1 pr-2">{u.awarded ? "★ 获奖" : ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        ) : (
          <p className="text-sm text-stone-600">还没有指定参赛范围。</p>
        )}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="draw-heading">
        <h2 id="draw-heading" className="mb-1 font-bold">
          满分答卷抽奖
        </h2>
        <p className="mb-2 text-xs text-stone-500">{PRIZE_DRAW_ALGORITHM}</p>
        {draws.length === 0 ? (
          contest.closed ? (
            <Form method="post" {...getFormProps(drawForm)} className="flex flex-wrap items-center gap-2">
              <input type="hidden" name="intent" value="draw" />
              <label className="flex items-center gap-1 text-sm">
                抽取
                <input {...getInputProps(drawFields.prizes, { type: "number" })} min={1} max={1000} className={`${inputClass} w-24`} required />名
              </label>
              {drawFields.prizes.errors ? (
                <p id={drawFields.prizes.errorId} className="w-full text-sm text-red-700" role="alert">
                  {drawFields.prizes.errors.join("；")}
                </p>
              ) : null}
              <button type="submit" className={buttonClass}>
                抽奖（只能进行一次）
              </button>
            </Form>
          ) : (
            <p className="text-sm text-stone-600">竞赛截止后才能抽奖。</p>
          )
        ) : null}
        {draws.map((d) => (
          <div key={d.id} className="mt-2 space-y-1 text-sm" data-testid="draw">
            <p>
              抽奖时间 {d.createdAt}
              {d.createdByName ? `，操作人 ${d.createdByName}` : ""}
            </p>
            <p className="break-all">
              种子：<code>{d.seed}</code>
            </p>
            <p className="break-all">
              号池（{d.poolSize} 份满分答卷的参赛编号）：{d.pool.join("、")}
            </p>
            <ol className="list-decimal pl-6">
              {d.winners.map((w) => (
                <li key={w.entryId}>
                  参赛编号 {w.entryId} · {w.name} · {w.unitName}
                </li>
              ))}
            </ol>
            <Form method="post">
              <input type="hidden" name="drawId" value={d.id} />
              <button name="intent" value="recheck" className={secondaryButtonClass}>
                验证
              </button>
            </Form>
          </div>
        ))}
      </section>
    </div>
  );
}
