import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { readBuilderForm } from "~/.server/builder-page/intents";
import { contestsOfUnits, createContest } from "~/.server/contest/contests";
import { unitsUnder } from "~/.server/org/units";
import { NewPaperForm } from "~/components/builder/new-paper-form";
import { PaperList } from "~/components/builder/paper-list";
import { newPaperSchema } from "~/lib/builder-forms";
import { CONTEST_STATUS_LABELS } from "~/lib/contest-settings";
import { formatChinaDateTime } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { pageMeta } from "~/lib/page-meta";

// The contests of the trainer's units, and a new one: /manage/contests

export const meta: MetaFunction = () => pageMeta("竞赛管理 · 网上党校");

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
  const form = await readBuilderForm(request, NewContestSchema);
  if (form.submission.status !== "success") return form.invalid();
  const { title, unitId } = form.submission.value;
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
      <PaperList
        testId="contest-row"
        empty="还没有竞赛。"
        rows={contests.map((c) => ({
          id: c.id,
          title: c.title,
          href: `/manage/contests/${c.id}`,
          summary: `${CONTEST_STATUS_LABELS[c.status]} · ${c.unit.name} · ${c._count.sections} 组题 · ${c._count.entries} 人参赛 · ${c.opensAt} 至 ${c.closesAt}`,
          report: c._count.entries > 0 ? { href: `/manage/contests/${c.id}/results`, label: "成绩" } : null,
        }))}
      />
    </div>
  );
}
