import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { contestsForPerson } from "~/.server/contest/entries";
import { formatChinaDateTime } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { pageMeta } from "~/lib/page-meta";

// The knowledge competitions open to the learner: under way, coming, ended, with their own entry. /contests

export const meta: MetaFunction = () => pageMeta("知识竞赛 · 网上党校", "知识竞赛：正在进行和即将开始的竞赛。");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const contests = await contestsForPerson(user.id);
  return {
    contests: contests.map((c) => ({
      id: c.id,
      title: c.title,
      window: c.window,
      opensAt: formatChinaDateTime(c.opensAt),
      closesAt: formatChinaDateTime(c.closesAt),
      minutes: Math.round(c.timeLimitSec / 60),
      questionCount: c.questionCount,
      credit: c.creditHours ? formatHours(c.creditHours) : null,
      state: c.entry?.state ?? null,
      score: c.entry?.score ?? null,
    })),
  };
}

const SECTIONS = [
  { window: "open", title: "进行中", empty: "暂无正在进行的竞赛。" },
  { window: "upcoming", title: "即将开始", empty: null },
  { window: "closed", title: "已结束", empty: null },
] as const;

const STATE_LABELS: Record<string, string> = { in_progress: "答题中", submitted: "已交卷", expired: "已到时交卷" };

export default function Contests() {
  const { contests } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-lg space-y-5">
      <h1 className="text-xl font-bold">知识竞赛</h1>
      {SECTIONS.map((s) => {
        const rows = contests.filter((c) => c.window === s.window);
        if (rows.length === 0 && !s.empty) return null;
        return (
          <section key={s.window} aria-labelledby={`contests-${s.window}`}>
            <h2 id={`contests-${s.window}`} className="mb-2 font-semibold text-stone-700">
              {s.title}
            </h2>
            {rows.length === 0 ? <p className="text-sm text-stone-500">{s.empty}</p> : null}
            <ul className="space-y-3">
              {rows.map((c) => (
                <li key={c.id} data-testid="contest">
                  <Link to={`/contests/${c.id}`} className="block rounded-lg bg-white p-4 shadow hover:ring-2 hover:ring-party">
                    <span className="block font-semibold">{c.title}</span>
                    <span className="mt-1 block text-xs text-stone-500">
                      {c.opensAt} 至 {c.closesAt} · {c.questionCount} 题 · 限时 {c.minutes} 分钟{c.credit ? ` · 参赛计 ${c.credit} 学时` : ""}
                    </span>
                    {c.state ? (
                      <span className="mt-2 inline-block rounded bg-stone-100 px-1.5 text-sm text-stone-700">
                        {STATE_LABELS[c.state]}
                        {c.score !== null ? ` · ${c.score / 100} 分` : ""}
                      </span>
                    ) : null}
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
export { ContestErrorBoundary as ErrorBoundary } from "~/components/quiz/quiz-ui";
