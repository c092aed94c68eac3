import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireManagerOf } from "~/.server/auth/guard";
import { courseUnitId, revisionDraft } from "~/.server/content/studio";
import { pageMeta } from "~/lib/page-meta";

// One published revision of a course, as it was published: settings, lessons and their MDX.
// /manage/courses/:courseId/revisions/:number

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`第 ${data?.number ?? ""} 版 · 课程管理`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id } = await requireManagerOf(request, "courses:manage", params.courseId, courseUnitId);
  const number = Number(params.number);
  const draft = Number.isSafeInteger(number) ? await revisionDraft(id, number) : null;
  if (!draft) throw new Response("该版本不存在", { status: 404 });
  return { courseId: id, number, draft };
}

export default function Revision() {
  const { courseId, number, draft } = useLoaderData<typeof loader>();
  const c = draft.course;
  return (
    <div className="space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <p className="text-sm">
          <Link to={`/manage/courses/${courseId}`} className="text-party hover:underline">
            ← 返回课程
          </Link>
        </p>
        <h1 className="text-xl font-bold">
          {c.title} · 第 {number} 版
        </h1>
        <p className="text-sm text-stone-600">
          {c.category} · {c.summary} · 标签：{c.tags.join("、") || "无"} · 视频完成比例 {Math.round(c.completion * 100)}%
        </p>
      </header>
      <section className="rounded-lg bg-white p-4 shadow">
        <h2 className="mb-1 font-bold">课程介绍</h2>
        <pre className="whitespace-pre-wrap text-sm">{c.body || "（无）"}</pre>
      </section>
      {draft.lessons.map((l) => (
        <details key={l.key} className="rounded-lg bg-white p-4 shadow" data-testid="revision-lesson">
          <summary className="cursor-pointer font-semibold">
            {String(l.position).padStart(2, "0")} {l.title} · {l.credit} 学时{l.video ? ` · 视频 ${l.video}` : ` · 至少 ${l.minutes} 分钟`}
          </summary>
          <pre className="mt-2 whitespace-pre-wrap text-sm">{l.body}</pre>
        </details>
      ))}
    </div>
  );
}
