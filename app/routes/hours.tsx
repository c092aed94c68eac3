import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { ledgerYear } from "~/lib/hours";
import { certificatesOf } from "~/.server/hours/certificates";
import { requirementsForPerson } from "~/.server/hours/requirements";
import { CertificateList } from "~/components/hours/certificate-list";
import { secondaryButtonClass } from "~/components/ui/form";
import { CLASS_STATUS_LABELS, type ClassStatus, MEMBER_STATUS_LABELS, type MemberStatus } from "~/lib/classes";
import { formatChinaDateTime, formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { HOURS_CATEGORY_LABELS, type HoursCategory, hoursSourceLabel } from "~/lib/hours-categories";
import { PRORATE_LABELS } from "~/lib/rule-pack";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("我的学时 · 网上党校", "我的学时：年度学时要求、完成进度和每一笔学时记录。");

// The first year the shipped rules (2019) apply to: older years have nothing to measure against.
const FIRST_YEAR = 2019;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const current = ledgerYear(new Date());
  const year = z.coerce
    .number()
    .int()
    .min(FIRST_YEAR)
    .max(current)
    .catch(current)
    .parse(new URL(request.url).searchParams.get("year") ?? current);
  const [r, certificates] = await Promise.all([requirementsForPerson(user.id, year), certificatesOf(user.id, year)]);
  const labels = new Map(r.progress.map((p) => [p.id, p.label]));
  return {
    year,
    current,
    pack: r.pack,
    total: r.total,
    progress: r.progress.map((p) => ({
      id: p.id,
      label: p.label,
      required: p.required,
      earned: p.earned,
      missing: p.missing,
      met: p.met,
      explanation: p.explanation,
      note: p.note,
      source: p.source,
      article: p.article,
      prorate: PRORATE_LABELS[p.prorate],
      counts: p.counts.map((c) => HOURS_CATEGORY_LABELS[c]),
    })),
    certificates,
    training: r.training
      ? {
          label: r.gate.label,
          source: r.gate.source,
          article: r.gate.article,
          note: r.gate.note,
          required: r.training.required,
          earned: r.training.earned,
          missing: r.training.missing,
          message: r.training.message,
          byClass: r.training.metBy === "class",
        }
      : null,
    stage: r.stage
      ? {
          kind: r.stage.kind,
          activist:
            r.stage.kind === "activist" ? { ...r.stage.gate, since: formatDate(r.stage.gate.since), completeOn: formatDate(r.stage.gate.completeOn) } : null,
          classes: r.stage.classes.map((c) => ({
            id: c.id,
            title: c.title,
            term: c.term,
            classStatus: CLASS_STATUS_LABELS[c.classStatus as ClassStatus] ?? c.classStatus,
            memberStatus: MEMBER_STATUS_LABELS[c.memberStatus as MemberStatus] ?? c.memberStatus,
            dates: `${formatDate(c.startsOn)} 至 ${formatDate(c.endsOn)}`,
            result: c.graduatedAt ? "已结业" : c.passed === false ? "未结业" : null,
          })),
        }
      : null,
    entries: r.entries.map((e) => ({
      id: e.id,
      amount: e.amount,
      title: e.note,
      source: hoursSourceLabel(e.sourceKind),
      category: HOURS_CATEGORY_LABELS[e.category as HoursCategory] ?? e.category,
      earnedAt: formatChinaDateTime(e.earnedAt),
      countsToward: [...e.countsToward.map((id) => labels.get(id) ?? id), ...(e.towardTraining ? [r.gate.label] : [])],
    })),
  };
}

/** `earned` and `required` in hundredths of a 学时, or in whole months when `unit` says so. */
function Bar({ label, earned, required, unit = "学时" }: { label: string; earned: number; required: number; unit?: "学时" | "个月" }) {
  const percent = required > 0 ? Math.min(100, Math.max(0, Math.round((earned / required) * 100))) : 100;
  return (
    <div
      className="h-2 w-full overflow-hidden rounded bg-stone-200"
      role="progressbar"
      aria-label={`${label}完成进度`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={unit === "学时" ? `${formatHours(earned)} / ${formatHours(required)} 学时` : `${earned} / ${required} 个月`}
    >
      <div className={`h-full ${percent >= 100 ? "bg-green-600" : "bg-party"}`} style={{ width: `${percent}%` }} />
    </div>
  );
}

type StageView = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["stage"]>;

/** An activist's or development target's stage: the gate to the next step and the classes that train them for it. */
function Stage({ stage }: { stage: StageView }) {
  const a = stage.activist;
  return (
    <section className="space-y-3 rounded-lg bg-white p-4 shadow" aria-labelledby="stage-heading" data-testid="stage">
      <h2 id="stage-heading" className="font-bold">
        {stage.kind === "activist" ? "入党积极分子培养考察" : "发展对象培训与考察"}
      </h2>
      {a ? (
        <div data-testid="activist-gate">
          <p className="text-sm">
            培养考察 <strong className="text-party">{a.months}</strong> / {a.needed} 个月
            {a.met ? <span className="ml-2 text-green-700">已满</span> : null}
          </p>
          <Bar label="培养考察期" earned={Math.min(a.months, a.needed)} required={a.needed} unit="个月" />
          <p className="mt-2 text-sm">{a.message}</p>
          <p className="mt-1 text-xs text-stone-500">
            依据：{a.source}
            {a.article}。{a.note}
          </p>
        </div>
      ) : (
        <p className="text-sm text-stone-700">发展对象须参加集中培训，完成后方可提交支部大会讨论接收为预备党员；培训学时见上方。</p>
      )}
      <div>
        <h3 className="text-sm font-semibold">{stage.kind === "activist" ? "我的入党积极分子培训班" : "我的发展对象培训班"}</h3>
        {stage.classes.length === 0 ? (
          <p className="mt-1 text-sm text-stone-600" data-testid="stage-no-class">
            您还没有编入培训班。培训班由党支部推荐、党校组织，开班后会显示在这里和“我的培训班”中。
          </p>
        ) : (
          <ul className="mt-1 space-y-1">
            {stage.classes.map((c) => (
              <li key={c.id} className="text-sm" data-testid="stage-class">
                <Link to={`/classes/${c.id}`} className="font-medium text-party underline">
                  {c.title}（第 {c.term} 期）
                </Link>
                <span className="block text-xs text-stone-600">
                  {c.dates} · {c.classStatus} · {c.memberStatus}
                  {c.result ? ` · ${c.result}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

export default function MyHours() {
  const d = useLoaderData<typeof loader>();
  const years = Array.from({ length: d.current - FIRST_YEAR + 1 }, (_, i) => d.current - i);
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <section className="rounded-lg bg-white p-4 shadow">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-xl font-bold">我的学时</h1>
          <Form method="get" className="ml-auto flex items-center gap-2 text-sm">
            <label htmlFor="year" className="sr-only">
              年度
            </label>
            <select id="year" name="year" defaultValue={d.year} className="rounded border border-stone-300 px-2 py-1">
              {years.map((y) => (
                <option key={y} value={y}>
                  {y} 年
                </option>
              ))}
            </select>
            <button type="submit" className={secondaryButtonClass}>
              查看
            </button>
          </Form>
        </div>
        <p className="mt-2">
          {d.year} 年合计{" "}
          <strong className="text-2xl text-party" data-testid="hours-total">
            {formatHours(d.total)}
          </strong>{" "}
          学时
        </p>
        <p className="mt-1 text-xs text-stone-500">
          执行规则：{d.pack.name}（第 {d.pack.version} 版）。每条学时计入所有包含其类别的要求，同一学时可同时满足多项要求。
        </p>
        <p className="mt-2 text-sm">
          <Link to="/account/claims" className="text-party underline">
            申请认定校外培训学时
          </Link>
        </p>
      </section>

      <section className="space-y-2 rounded-lg bg-white p-4 shadow" aria-labelledby="certificates-heading">
        <div className="flex items-center gap-2">
          <h2 id="certificates-heading" className="font-bold">
            学时证明
          </h2>
          <Form method="post" action="/hours/certificates/issue" className="ml-auto">
            <input type="hidden" name="year" value={d.year} />
            <button type="submit" className={secondaryButtonClass}>
              开具 {d.year} 年学时证明
            </button>
          </Form>
        </div>
        <CertificateList certificates={d.certificates} />
      </section>

      {d.training ? (
        <section className="rounded-lg bg-white p-4 shadow" data-testid="training">
          <h2 className="font-bold">{d.training.label}</h2>
          <p className="my-1 text-sm">
            <strong className="text-party">{formatHours(d.training.earned)}</strong> / {formatHours(d.training.required)} 学时
            {d.training.missing > 0 ? (
              <span className="ml-2 text-red-700">还差 {formatHours(d.training.missing)}</span>
            ) : (
              <span className="ml-2 text-green-700">已完成</span>
            )}
          </p>
          <Bar label={d.training.label} earned={d.training.earned} required={d.training.required} />
          {d.training.byClass ? (
            <p className="mt-2 text-sm text-green-800" data-testid="training-by-class">
              {d.training.message}
            </p>
          ) : null}
          <p className="mt-2 text-sm text-stone-700">{d.training.note}</p>
          <p className="mt-1 text-xs text-stone-500">
            依据：{d.training.source}
            {d.training.article}
          </p>
        </section>
      ) : null}

      {d.stage ? <Stage stage={d.stage} /> : null}

      {/* The yearly requirements are members' and cadres' rules: a person who is not yet a member, with
          none of them, sees their stage above instead of an empty header about others' rules. */}
      {d.stage && d.progress.length === 0 ? null : (
        <section aria-labelledby="req-heading" className="space-y-3">
          <h2 id="req-heading" className="text-lg font-bold">
            {d.year} 年学时要求
          </h2>
          {d.progress.length === 0 ? (
            <p className="rounded-lg bg-white p-4 text-sm text-stone-600 shadow">本年度没有适用于您的年度学时要求，学时照常记录。</p>
          ) : null}
          {d.progress.map((p) => (
            <article key={p.id} className="rounded-lg bg-white p-4 shadow" data-testid="requirement">
              <h3 className="font-semibold">{p.label}</h3>
              <p className="my-1 text-sm">
                <strong className="text-party">{formatHours(p.earned)}</strong> / {formatHours(p.required)} 学时
                {p.met ? <span className="ml-2 text-green-700">已完成</span> : <span className="ml-2 text-red-700">还差 {formatHours(p.missing)}</span>}
              </p>
              <Bar label={p.label} earned={p.earned} required={p.required} />
              <p className="mt-2 text-sm" data-testid="explanation">
                {p.explanation}
              </p>
              <p className="mt-1 text-sm text-stone-600">{p.note}</p>
              <p className="mt-1 text-xs text-stone-500">
                计入类别：{p.counts.join("、")} · 折算规则：{p.prorate}
              </p>
              <p className="text-xs text-stone-500">
                依据：{p.source}
                {p.article}
              </p>
            </article>
          ))}
        </section>
      )}

      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading" className="mb-2 text-lg font-bold">
          {d.year} 年学时记录
        </h2>
        <ul className="space-y-2">
          {d.entries.length === 0 ? <li className="text-sm text-stone-500">本年度暂无学时记录。</li> : null}
          {d.entries.map((e) => (
            <li key={e.id} className="rounded-lg bg-white p-3 text-sm shadow" data-testid="entry">
              <div className="flex items-start gap-3">
                <span className="flex-1">
                  {e.title ?? e.source}
                  <span className="block text-xs text-stone-500">
                    {e.source === e.category ? e.source : `${e.source} · ${e.category}`} · {e.earnedAt}
                  </span>
                </span>
                <span className={`font-mono ${e.amount < 0 ? "text-stone-500" : "text-party"}`}>
                  {e.amount > 0 ? "+" : ""}
                  {formatHours(e.amount)}
                </span>
              </div>
              {e.countsToward.length ? (
                <p className="mt-1 text-xs text-stone-600">计入：{e.countsToward.join("、")}</p>
              ) : d.progress.length > 0 ? (
                <p className="mt-1 text-xs text-stone-600">不计入本年度的学时要求</p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <p className="text-center text-sm">
        <Link to="/" className="text-stone-600 underline">
          返回首页
        </Link>
      </p>
    </div>
  );
}
