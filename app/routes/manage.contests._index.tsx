import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { contestsOfUnits, createContest } from "~/.server/contest/contests";
import { unitsUnder } from "~/.server/org/units";
import { NewPaperForm } from "~/components/builder/new-paper-form";
import { BUILDER_PARSE, newPaperSchema } from "~/lib/builder-forms";
import { CONTEST_STATUS_LABELS } from "~/lib/contest-settings";
import { formatChinaDateTime } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { readForm } from "~/.server/http/form-body";

// The contests of the trainer's units, and a new one: /manage/contests

export const meta: MetaFunction = () => [{ title: "竞赛管理 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "contests:manage");
  const scope = scopePaths(user.grants, "contests:manage");
  const [units, contests] = await Promise.all([unitsUnder(scope), contestsOfUnits(scope)]);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    contests: contests.map((c) => ({ ...c, opensAt: formatChinaDateTime(c.opensAt), closesAt: formatChinaDateTime(c.closesAt) })),
  };
}

const NewContestSchema = newPaperSchema("竞赛");

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "contests:manage");
  const submission = parseWithZod(await readForm(request), { schema: NewContestSchema, ...BUILDER_PARSE });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { title, unitId } = submission.value;
  const user = await requirePermission(request, "contests:manage", unitId);
  const contest = await createContest(user.id, unitId, title);
  return redirect(`/manage/contests/${contest.id}`);
}

export default function ContestList() {
  const { units, contests } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">竞赛管理</h1>
      <NewPaperForm what="竞赛" placeholder="竞赛名称，如：党史知识竞赛" units={units} />
      <ul className="space-y-2">
        {contests.length === 0 ? <li className="text-sm text-stone-500">还没有竞赛。</li> : null}
        {contests.map((c) => (
          <li key={c.id} className="rounded-lg bg-white p-3 shadow" data-testid="contest-row">
            <Link to={`/manage/contests/${c.id}`} className="font-semibold text-party hover:underline">
              {c.title}
            </Link>
            <p className="text-xs text-stone-500">
              {CONTEST_STATUS_LABELS[c.status]} · {c.unit.name} · {c._count.sections} 组题 · {c._count.entries} 人参赛 · {c.opensAt} 至 {c.closesAt}
              {c._count.entries > 0 ? (
                <>
                  {" · "}
                  <Link to={`/manage/contests/${c.id}/results`} className="text-party hover:underline">
                    成绩
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
