import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { meetingsOfPerson } from "~/.server/activities/meetings";
import { requireUser } from "~/.server/auth/guard";
import { MeetingStateBadges } from "~/components/meeting/meeting-state";
import { ACTIVITY_KIND_LABELS } from "~/lib/activities";
import { formatChinaDateTime } from "~/lib/dates";
import { pageMeta } from "~/lib/page-meta";

// A member's meetings (三会一课, 主题党日, 组织生活会) of her units: upcoming first, then past, with her
// state in each (请假, 签到, 补学). A phone page: /meetings

export const meta: MetaFunction = () => pageMeta("我的会议 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { upcoming, past } = await meetingsOfPerson(user.id);
  const row = (m: (typeof upcoming)[number]) => ({
    id: m.id,
    title: m.title,
    kind: ACTIVITY_KIND_LABELS[m.kind],
    status: m.status,
    startsAt: formatChinaDateTime(m.startsAt),
    place: m.place,
    unitName: m.unit.name,
    state: m.state,
  });
  return { upcoming: upcoming.map(row), past: past.slice(0, 50).map(row) };
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["upcoming"][number];

function MeetingList({ rows, empty, testId }: { rows: Row[]; empty: string; testId: string }) {
  if (rows.length === 0) return <p className="text-sm text-stone-500">{empty}</p>;
  return (
    <ul className="divide-y rounded-lg bg-white shadow" data-testid={testId}>
      {rows.map((m) => (
        <li key={m.id}>
          <Link to={`/meetings/${m.id}`} className="block space-y-1 p-3 hover:bg-stone-50">
            <span className="flex items-baseline justify-between gap-2">
              <span className="font-medium">{m.title}</span>
              <span className="shrink-0 text-xs text-stone-500">{m.kind}</span>
            </span>
            <span className="block text-sm text-stone-600">
              {m.startsAt}
              {m.place ? ` · ${m.place}` : ""}
            </span>
            <span className="flex items-center justify-between gap-2 text-xs text-stone-500">
              <span>{m.unitName}</span>
              <MeetingStateBadges state={m.state} status={m.status} />
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

export default function MyMeetings() {
  const { upcoming, past } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className="text-xl font-bold">我的会议</h1>
      <section className="space-y-2">
        <h2 className="font-semibold">即将召开</h2>
        <MeetingList rows={upcoming} empty="近期没有安排会议。" testId="upcoming-meetings" />
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">已召开</h2>
        <MeetingList rows={past} empty="还没有会议记录。" testId="past-meetings" />
      </section>
    </div>
  );
}
