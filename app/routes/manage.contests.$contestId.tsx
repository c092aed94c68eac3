import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { requireContestManager } from "~/.server/contest/access";
import {
  ContestError,
  addAudience,
  addSection,
  getContestForEdit,
  publishContest,
  removeAudience,
  removeSection,
  setContestStatus,
  updateContestSettings,
} from "~/.server/contest/contests";
import { unitsUnder } from "~/.server/org/units";
import { banksForBuilder } from "~/.server/quiz/quizzes";
import { approveCreditSettings, creditApproval } from "~/.server/hours/self-credit";
import { CreditApproval } from "~/components/hours/credit-approval";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { CONTEST_STATUS_LABELS, ContestSettingsSchema, DIFFICULTY_LABELS, SectionSchema } from "~/lib/contest-settings";
import { formatHours } from "~/lib/hours";
import { scopePaths } from "~/lib/permissions";
import { AudienceSchema, toLocalInput } from "~/lib/quiz-settings";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";
import { readForm } from "~/.server/http/form-body";

// The contest builder: settings, the paper's sections, who may enter, publishing. /manage/contests/:contestId

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.contest.title ?? "竞赛"} · 竞赛管理` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, contestId } = await requireContestManager(request, params.contestId);
  const contest = (await getContestForEdit(contestId))!;
  const approval = await creditApproval(contest, user.id);
  const [banks, units] = await Promise.all([banksForBuilder(contest.unit.path), unitsUnder(scopePaths(user.grants, "contests:manage"))]);
  return {
    contest: {
      ...contest,
      opensAt: toLocalInput(contest.opensAt),
      closesAt: toLocalInput(contest.closesAt),
      timeLimitMin: Math.round(contest.timeLimitSec / 60),
      creditHours: contest.creditHours ? formatHours(contest.creditHours) : "",
      frozen: contest._count.entries > 0,
    },
    totalQuestions: contest.sections.reduce((s, x) => s + x.count, 0),
    totalPoints: contest.sections.reduce((s, x) => s + x.count * x.pointsEach, 0) / 100,
    banks: banks.map((b) => ({ id: b.id, title: b.title, count: b._count.questions })),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    approval,
  };
}

const IntentSchema = z.object({
  intent: z.enum(["settings", "section-add", "section-remove", "audience-add", "audience-remove", "publish", "unpublish", "archive", "approve-credit"]),
});
const IdSchema = z.object({ id: z.coerce.number().int().positive() });

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, contestId } = await requireContestManager(request, params.contestId);
  const form = Object.fromEntries(await readForm(request));
  const intent = IntentSchema.safeParse(form);
  const fail = (errors: string[]) => data({ ok: false as const, errors }, { status: 400 });
  if (!intent.success) return fail(["未知的操作"]);
  const parse = <T,>(schema: z.ZodType<T>) => {
    const r = schema.safeParse(form);
    return r.success ? { value: r.data } : { errors: r.error.issues.map((i) => i.message) };
  };
  try {
    switch (intent.data.intent) {
      case "settings": {
        const r = parse(ContestSettingsSchema);
        if ("errors" in r) return fail(r.errors!);
        await updateContestSettings(user.id, contestId, r.value);
        return { ok: true as const, message: "设置已保存" };
      }
      case "section-add": {
        const r = parse(SectionSchema);
        if ("errors" in r) return fail(r.errors!);
        await addSection(user.id, contestId, r.value);
        return { ok: true as const, message: "已加入试卷" };
      }
      case "section-remove": {
        const r = parse(IdSchema);
        if ("errors" in r) return fail(r.errors!);
        await removeSection(user.id, contestId, r.value.id);
        return { ok: true as const, message: "已移出试卷" };
      }
      case "audience-add": {
        const r = parse(AudienceSchema);
        if ("errors" in r) return fail(r.errors!);
        // Inviting a unit needs the right over that unit too.
        await requirePermission(request, "contests:manage", r.value.unitId);
        await addAudience(user.id, contestId, r.value.unitId, r.value.politicalStatus);
        return { ok: true as const, message: "已添加参赛范围" };
      }
      case "audience-remove": {
        const r = parse(IdSchema);
        if ("errors" in r) return fail(r.errors!);
        await removeAudience(user.id, contestId, r.value.id);
        return { ok: true as const, message: "已移除参赛范围" };
      }
      case "publish":
        await publishContest(user.id, contestId);
        return { ok: true as const, message: "竞赛已发布，参赛范围内的人员可在开始后参赛" };
      case "unpublish":
        await setContestStatus(user.id, contestId, "draft");
        return { ok: true as const, message: "竞赛已撤回为草稿" };
      case "approve-credit": {
        const r = await approveCreditSettings(user.id, "contest", contestId, String(form.seen ?? "").slice(0, 100));
        return r.ok ? { ok: true as const, message: "学时设置已审核通过" } : fail([r.message]);
      }
      case "archive":
        await setContestStatus(user.id, contestId, "archived");
        return { ok: true as const, message: "竞赛已归档" };
    }
  } catch (e) {
    if (e instanceof ContestError) return fail([e.message]);
    throw e;
  }
}

export default function ContestBuilder() {
  const { contest, totalQuestions, totalPoints, banks, units, approval } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <p className="text-sm">
          <Link to="/manage/contests" className="text-party hover:underline">
            ← 竞赛列表
          </Link>
        </p>
        <h1 className="text-xl font-bold">{contest.title}</h1>
        <p className="text-sm text-stone-600">
          {CONTEST_STATUS_LABELS[contest.status]} · {contest.unit.name} · 每人 {totalQuestions} 题，满分 {totalPoints} 分 · {contest._count.entries} 人参赛
        </p>
        {reply?.ok ? <Notice>{reply.message}</Notice> : null}
        {reply && !reply.ok ? <FormMessage messages={reply.errors} /> : null}
        <Form method="post" className="mt-2 flex flex-wrap gap-2">
          {contest.status !== "published" ? (
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
          <Link to={`/manage/contests/${contest.id}/results`} className={secondaryButtonClass}>
            成绩与抽奖
          </Link>
          <Link to={`/contests/${contest.id}/host`} className={secondaryButtonClass}>
            现场赛大屏
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
            <input name="title" defaultValue={contest.title} className={inputClass} maxLength={100} required />
          </label>
          <label className="text-sm sm:col-span-2">
            说明
            <textarea name="description" defaultValue={contest.description ?? ""} rows={2} className={inputClass} maxLength={2000} />
          </label>
          <label className="text-sm">
            开始时间（北京时间）
            <input type="datetime-local" name="opensAt" defaultValue={contest.opensAt} className={inputClass} required />
          </label>
          <label className="text-sm">
            截止时间（北京时间）
            <input type="datetime-local" name="closesAt" defaultValue={contest.closesAt} className={inputClass} required />
          </label>
          <label className="text-sm">
            每人答题时长（分钟）
            <input type="number" name="timeLimitMin" min={1} max={600} defaultValue={contest.timeLimitMin} className={inputClass} required />
          </label>
          <label className="text-sm">
            参赛计学时（留空为不计）
            <input type="number" name="creditHours" step="0.05" min={0.05} max={100} defaultValue={contest.creditHours} className={inputClass} />
          </label>
          <button type="submit" className={`${buttonClass} sm:col-span-2`}>
            保存设置
          </button>
        </Form>
        {approval ? <CreditApproval approval={approval} what="竞赛" /> : null}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="paper-heading">
        <h2 id="paper-heading" className="mb-2 font-bold">
          试卷（每位参赛者各自随机抽题）
        </h2>
        {contest.frozen ? <p className="mb-2 text-sm text-amber-800">已有人参赛，试卷已锁定。</p> : null}
        <ol className="mb-3 space-y-1 text-sm" data-testid="sections">
          {contest.sections.length === 0 ? <li className="text-stone-500">还没有题目。</li> : null}
          {contest.sections.map((s) => (
            <li key={s.id} className="flex items-start gap-2">
              <span className="flex-1">
                {s.position}. 从「{s.bank.title}」随机抽 {s.count} 题{s.tag ? `，标签“${s.tag}”` : ""}
                {s.difficulty ? `，难度${DIFFICULTY_LABELS[String(s.difficulty) as keyof typeof DIFFICULTY_LABELS]}` : ""}
                <span className="text-stone-500">（每题 {s.pointsEach / 100} 分）</span>
              </span>
              {!contest.frozen ? (
                <Form method="post">
                  <input type="hidden" name="id" value={s.id} />
                  <button name="intent" value="section-remove" className="text-xs text-party underline">
                    移除
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ol>
        {!contest.frozen ? (
          <Form method="post" className="grid gap-2 rounded border border-stone-200 p-3 sm:grid-cols-6">
            <input type="hidden" name="intent" value="section-add" />
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
            <input type="number" name="points" min={0.5} max={100} step="0.5" defaultValue={5} aria-label="每题分值" className={inputClass} />
            <button type="submit" className={`${secondaryButtonClass} sm:col-span-6`}>
              加入随机抽题
            </button>
          </Form>
        ) : null}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="audience-heading">
        <h2 id="audience-heading" className="mb-2 font-bold">
          参赛范围
        </h2>
        <ul className="mb-3 space-y-1 text-sm" data-testid="audiences">
          {contest.audiences.length === 0 ? <li className="text-stone-500">还没有指定。</li> : null}
          {contest.audiences.map((a) => (
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
