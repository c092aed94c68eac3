import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { contestsOfUnits, createContest } from "~/.server/contest/contests";
import { unitsUnder } from "~/.server/org/units";
import { FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
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

const CreateSchema = z.object({
  title: z.string({ error: "请填写竞赛名称" }).trim().min(1, "请填写竞赛名称").max(100, "名称最多 100 字"),
  unitId: z.coerce.number({ error: "请选择所属党组织" }).int().positive("请选择所属党组织"),
});

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "contests:manage");
  const parsed = CreateSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ errors: parsed.error.issues.map((i) => i.message) }, { status: 400 });
  const user = await requirePermission(request, "contests:manage", parsed.data.unitId);
  const contest = await createContest(user.id, parsed.data.unitId, parsed.data.title);
  return redirect(`/manage/contests/${contest.id}`);
}

export default function ContestList() {
  const { units, contests } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">竞赛管理</h1>
      <Form method="post" className="grid gap-2 rounded-lg bg-white p-4 shadow sm:grid-cols-[1fr_1fr_auto]">
        <FormMessage messages={reply?.errors} />
        <input name="title" placeholder="竞赛名称，如：党史知识竞赛" aria-label="竞赛名称" className={inputClass} maxLength={100} required />
        <select name="unitId" aria-label="所属党组织" className={inputClass}>
          <UnitOptions units={units} />
        </select>
        <button type="submit" className={buttonClass}>
          新建竞赛
        </button>
      </Form>
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
