import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/.server/auth/guard";
import { type CourseCard, filterCatalog, recommendations, visibleCourses } from "~/.server/learning/catalog";
import { catalogueSearches } from "~/.server/learning/search-history";
import { SearchHistoryForm, searchHistoryNotice } from "~/components/account/search-history-form";
import { CourseCover } from "~/components/course/course-cover";
import { Notice, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { COURSE_CATEGORIES } from "~/lib/course-categories";
import { formatDate } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { pageMeta } from "~/lib/page-meta";

// The learner's courses: what is required of them first (规定动作, with due dates and progress), then
// the catalogue (自选动作) with search and category filters, and a few recommendations. /courses

export const meta: MetaFunction = () => pageMeta("学习 · 网上党校", "课程目录：入党积极分子培训、发展对象培训、两学一做与党课，按分类和关键词查找。");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 50);
  const category = url.searchParams.get("category") ?? "";
  const cards = await visibleCourses(user.id);
  const { recent, ...searchHistory } = await catalogueSearches(user.id, q);
  const now = Date.now();
  const view = (c: CourseCard) => ({
    ...c,
    dueAt: c.dueAt ? formatDate(c.dueAt) : null,
    overdue: c.dueAt !== null && c.dueAt.getTime() < now && c.completedLessons < c.lessons,
    credit: formatHours(c.credit),
  });
  const filtered = filterCatalog(cards, { q, category: (COURSE_CATEGORIES as readonly string[]).includes(category) ? category : undefined });
  return {
    q,
    category,
    required: filterCatalog(
      cards.filter((c) => c.required),
      {},
    ).map(view),
    catalog: filtered.map(view),
    recommended: (await recommendations(user.id, cards, recent)).map(view),
    searchHistory,
  };
}

// The cards a phone shows before any scrolling: their covers load at once, the rest lazily.
const FIRST_SCREEN_CARDS = 2;

type Card = ReturnType<typeof useLoaderData<typeof loader>>["catalog"][number];

function Progress({ c }: { c: Card }) {
  const pct = c.lessons === 0 ? 0 : Math.round((c.completedLessons / c.lessons) * 100);
  return (
    <div className="mt-2">
      <div className="h-1.5 rounded bg-stone-200" aria-hidden>
        <div className="h-1.5 rounded bg-party" style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-1 text-xs text-stone-600">
        已完成 {c.completedLessons}/{c.lessons} 课时 · 共 {c.credit} 学时
      </p>
    </div>
  );
}

function CourseItem({ c, eager = false }: { c: Card; eager?: boolean }) {
  return (
    <li className="flex gap-3 rounded-lg bg-white p-3 shadow" data-testid="course-card">
      <CourseCover courseId={c.id} coverPath={c.coverPath} title={c.title} eager={eager} className="w-24 shrink-0 self-start sm:w-32" />
      <div className="min-w-0 flex-1">
        <Link to={`/courses/${c.slug}`} className="font-semibold text-party hover:underline">
          {c.title}
        </Link>
        <p className="text-xs text-stone-500">
          {c.category}
          {c.required ? (
            <span className={`ml-2 rounded px-1 ${c.overdue ? "bg-red-100 text-red-800" : "bg-amber-100 text-amber-900"}`}>
              必修{c.dueAt ? ` · ${c.overdue ? "已逾期，" : ""}${c.dueAt} 前完成` : ""}
            </span>
          ) : (
            <span className="ml-2">选修</span>
          )}
        </p>
        <p className="mt-1 text-sm text-stone-700">{c.summary}</p>
        <Progress c={c} />
      </div>
    </li>
  );
}

export default function Courses() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const notice = searchHistoryNotice(params);
  const searching = d.q !== "" || d.category !== "";
  return (
    <div className="mx-auto max-w-lg space-y-5">
      <h1 className="text-xl font-bold">学习</h1>
      {notice ? <Notice>{notice}</Notice> : null}
      {!searching ? (
        <section aria-labelledby="required-heading">
          <h2 id="required-heading" className="mb-2 font-semibold text-stone-700">
            必修课程（规定动作）
          </h2>
          {d.required.length === 0 ? <p className="text-sm text-stone-500">目前没有布置给您的必修课程。</p> : null}
          <ul className="space-y-3">
            {d.required.map((c, i) => (
              <CourseItem key={c.id} c={c} eager={i < FIRST_SCREEN_CARDS} />
            ))}
          </ul>
        </section>
      ) : null}

      {!searching && d.recommended.length > 0 ? (
        <section aria-labelledby="recommended-heading">
          <h2 id="recommended-heading" className="mb-2 font-semibold text-stone-700">
            为您推荐
          </h2>
          <ul className="space-y-3">
            {d.recommended.map((c) => (
              <CourseItem key={c.id} c={c} />
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="catalog-heading">
        <h2 id="catalog-heading" className="mb-2 font-semibold text-stone-700">
          全部课程
        </h2>
        <Form method="get" className="mb-3 flex flex-wrap gap-2" role="search" aria-label="筛选课程">
          <input name="q" defaultValue={d.q} placeholder="搜索课程名称、简介或标签" aria-label="搜索课程" className={`${inputClass} flex-1`} maxLength={50} />
          <select name="category" defaultValue={d.category} aria-label="课程分类" className={inputClass}>
            <option value="">全部分类</option>
            {COURSE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <button type="submit" className={secondaryButtonClass}>
            搜索
          </button>
        </Form>
        {d.catalog.length === 0 ? <p className="text-sm text-stone-500">{searching ? "没有找到符合条件的课程。" : "暂无课程。"}</p> : null}
        <ul className="space-y-3">
          {d.catalog.map((c, i) => (
            <CourseItem key={c.id} c={c} eager={(searching || d.required.length === 0) && i < FIRST_SCREEN_CARDS} />
          ))}
        </ul>
      </section>

      <details className="rounded-lg bg-white p-3 shadow" open={notice !== null}>
        <summary className="cursor-pointer text-sm font-semibold text-stone-700">搜索记录</summary>
        <div className="mt-2">
          <SearchHistoryForm keep={d.searchHistory.keep} count={d.searchHistory.count} back="/courses" />
        </div>
      </details>
    </div>
  );
}
