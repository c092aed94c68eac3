import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { cachedTree, compileInBackground } from "~/.server/content/mdx-cache";
import { courseForPerson } from "~/.server/learning/catalog";
import { CourseCover } from "~/components/course/course-cover";
import { LessonMdxProvider, useMdxComponent } from "~/components/mdx/mdx-content";
import { formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { BackLink } from "~/components/nav/back-link";
import { pageMeta } from "~/lib/page-meta";

// A course: its introduction (compiled MDX from the cache, never compiled here) and its lessons with
// the learner's progress in each. /courses/:slug

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta(`${data?.course.title ?? "课程"} · 网上党校`, "课程介绍与课时列表：学习进度、完成要求和可获得的学时。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const found = await courseForPerson(user.id, params.slug ?? "");
  if (!found) throw new Response("没有找到这门课程，或它不面向您", { status: 404 });
  const { card, course, progress } = found;
  const intro = await cachedTree(course.bodyHash);
  if (!intro) compileInBackground(course.body);
  return {
    course: { ...card, dueAt: card.dueAt ? formatDate(card.dueAt) : null, credit: formatHours(card.credit) },
    intro,
    lessons: course.lessons.map((l) => {
      const p = progress.get(l.id);
      return {
        key: l.key,
        position: l.position,
        title: l.title,
        summary: l.summary,
        minutes: l.minutes,
        credit: formatHours(l.credit),
        video: l.videoPath !== null,
        state: p?.completedAt ? ("done" as const) : p ? ("started" as const) : ("new" as const),
      };
    }),
  };
}

const STATE_LABELS = { done: "已完成", started: "学习中", new: "未开始" } as const;

export default function CoursePage() {
  const { course, intro, lessons } = useLoaderData<typeof loader>();
  const Intro = useMdxComponent(intro ?? []);
  const next = lessons.find((l) => l.state !== "done");
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <BackLink to="/courses">全部课程</BackLink>
        <CourseCover courseId={course.id} coverPath={course.coverPath} title={course.title} eager className="mb-3 w-full" />
        <p className="text-xs text-stone-500">{course.category}</p>
        <h1 className="text-xl font-bold">{course.title}</h1>
        <p className="text-sm text-stone-600">
          {course.required ? `必修${course.dueAt ? ` · ${course.dueAt} 前完成` : ""}` : "选修"} · 共 {course.lessons} 课时、{course.credit} 学时 · 已完成{" "}
          {course.completedLessons} 课时
        </p>
        {next ? (
          <Link to={`/courses/${course.slug}/${next.key}`} className="mt-3 flex min-h-11 items-center justify-center rounded bg-party px-4 py-2 text-white">
            {course.completedLessons === 0 ? "开始学习" : "继续学习"}：{next.title}
          </Link>
        ) : (
          <p className="mt-3 text-sm font-semibold text-green-700">本课程已全部完成。</p>
        )}
      </header>

      {/* The lessons come before the introduction: they are what a learner opens the page for. */}
      <section aria-labelledby="lessons-heading">
        <h2 id="lessons-heading" className="mb-2 font-semibold text-stone-700">
          课时
        </h2>
        <ol className="space-y-2">
          {lessons.map((l) => (
            <li key={l.key} className="rounded-lg bg-white p-3 shadow" data-testid="lesson-row">
              <Link to={`/courses/${course.slug}/${l.key}`} className="font-semibold text-party hover:underline">
                {l.title}
              </Link>
              <p className="text-xs text-stone-500">
                {l.video ? "视频" : `图文 · 至少 ${l.minutes} 分钟`} · {l.credit} 学时 ·{" "}
                <span className={l.state === "done" ? "text-green-700" : ""}>{STATE_LABELS[l.state]}</span>
              </p>
            </li>
          ))}
        </ol>
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="intro-heading">
        <h2 id="intro-heading" className="mb-2 font-semibold text-stone-700">
          课程介绍
        </h2>
        {intro ? (
          <LessonMdxProvider value={{ mediaUrl: (p) => `/media/${course.id}/${p}` }}>
            <Intro />
          </LessonMdxProvider>
        ) : (
          <p className="text-sm text-stone-600">{course.summary}</p>
        )}
      </section>
    </div>
  );
}
