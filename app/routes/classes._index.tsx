import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { myClasses } from "~/.server/classes/class-page";
import { CLASS_KIND_LABELS, CLASS_STATUS_LABELS, MEMBER_STATUS_LABELS, type MemberStatus } from "~/lib/classes";
import { formatDate } from "~/lib/dates";
import { pageMeta } from "~/lib/page-meta";

// A learner's party-school classes (and the ones they tutor): /classes

export const meta: MetaFunction = () => pageMeta("我的培训班 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { member, tutoring } = await myClasses(user.id);
  const dates = <T extends { startsOn: Date; endsOn: Date }>(c: T) => ({ ...c, startsOn: formatDate(c.startsOn), endsOn: formatDate(c.endsOn) });
  return { member: member.map(dates), tutoring: tutoring.map(dates) };
}

export default function MyClasses() {
  const { member, tutoring } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-lg space-y-5">
      <h1 className="text-xl font-bold">我的培训班</h1>
      {member.length === 0 && tutoring.length === 0 ? (
        <p className="text-sm text-stone-500">您还没有参加党校培训班。由所在支部推荐或党校录取后，培训班会显示在这里。</p>
      ) : null}
      <ul className="space-y-3">
        {member.map((c) => (
          <li key={c.id} className="rounded-lg bg-white p-4 shadow" data-testid="my-class">
            {c.memberStatus === "nominated" ? (
              <p className="font-semibold">{c.title}</p>
            ) : (
              <Link to={`/classes/${c.id}`} className="font-semibold text-party hover:underline">
                {c.title}
              </Link>
            )}
            <p className="text-sm text-stone-600">
              第 {c.term} 期{CLASS_KIND_LABELS[c.kind]} · {c.unitName}
            </p>
            <p className="text-sm text-stone-600">
              {c.startsOn} 至 {c.endsOn} · {CLASS_STATUS_LABELS[c.status]} · {MEMBER_STATUS_LABELS[c.memberStatus as MemberStatus]}
            </p>
          </li>
        ))}
      </ul>
      {tutoring.length ? (
        <section className="space-y-3">
          <h2 className="font-semibold text-stone-700">我担任导师的培训班</h2>
          <ul className="space-y-3">
            {tutoring.map((c) => (
              <li key={`${c.id}-${c.groupName}`} className="rounded-lg bg-white p-4 shadow">
                <Link to={`/classes/${c.id}`} className="font-semibold text-party hover:underline">
                  {c.title}
                </Link>
                <p className="text-sm text-stone-600">
                  {c.groupName} · {CLASS_STATUS_LABELS[c.status]}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
