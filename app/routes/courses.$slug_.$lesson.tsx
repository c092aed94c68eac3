import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useCallback, useState } from "react";
import { requireUser } from "~/.server/auth/guard";
import { cachedTree, compileInBackground } from "~/.server/content/mdx-cache";
import { LESSON_SELF_CREDIT_NOTICE, publishedBySelf } from "~/.server/hours/self-credit";
import { lessonForPerson } from "~/.server/learning/catalog";
import { CheckpointCard, type PublicCheckpoint } from "~/components/course/checkpoint-card";
import { type StudyStatus } from "~/components/course/study-client";
import { useReadingStudy } from "~/components/course/use-reading-study";
import { VideoStudy } from "~/components/course/video-study";
import { LessonMdxProvider, useMdxComponent } from "~/components/mdx/mdx-content";
import { formatHours } from "~/lib/hours";
import { type MdxNode } from "~/lib/mdx-tree";
import { formatMediaTime } from "~/lib/watch-credit";
import { BackLink } from "~/components/nav/back-link";
import { pageMeta } from "~/lib/page-meta";
import { figureSizes } from "~/.server/learning/figure-sizes";

// A lesson: its text (compiled MDX from the cache), its video with fair credit, its checkpoints, and
// what the learner has done so far. /courses/:slug/:lesson

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta(`${data?.lesson.title ?? "课时"} · 网上党校`, "课时学习：阅读或观看课时内容，回答检查点问题，完成后计入学时。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const found = await lessonForPerson(user.id, params.slug ?? "", params.lesson ?? "");
  if (!found) throw new Response("没有找到这个课时，或它不面向您", { status: 404 });
  const { course, lesson, video, checkpoints, progress } = found;
  const tree = await cachedTree(lesson.bodyHash);
  if (!tree)
    compileInBackground(
      lesson.body,
      checkpoints.map((c) => c.id),
    );
  return {
    course: { id: course.id, slug: course.slug, title: course.title },
    lesson: { id: lesson.id, key: lesson.key, title: lesson.title, minutes: lesson.minutes, credit: formatHours(lesson.credit) },
    selfCreditNotice: lesson.credit > 0 && (await publishedBySelf(course.id, user.id)) ? LESSON_SELF_CREDIT_NOTICE : null,
    tree,
    figures: await figureSizes(course.id, tree),
    video: video ? { src: `/media/${course.id}/${video.path}`, mime: video.mime, duration: video.duration } : null,
    completionPercent: found.completionPercent,
    checkpoints: checkpoints as PublicCheckpoint[],
    status: {
      watched: progress.watched.map(([a, b]) => [a, b] as [number, number]),
      furthest: progress.furthest,
      coverage: progress.coverage,
      readSeconds: progress.readSeconds,
      completed: progress.completedAt !== null,
      credited: 0,
    } satisfies StudyStatus,
    previous: found.previous ? { key: found.previous.key, title: found.previous.title } : null,
    next: found.next ? { key: found.next.key, title: found.next.title } : null,
  };
}

const hasNode = (nodes: readonly MdxNode[], name: string): boolean => nodes.some((n) => typeof n !== "string" && (n.t === name || hasNode(n.c ?? [], name)));
const placedCheckpoints = (nodes: readonly MdxNode[]): string[] =>
  nodes.flatMap((n) => (typeof n === "string" ? [] : [...(n.t === "Checkpoint" && n.p?.id ? [n.p.id] : []), ...placedCheckpoints(n.c ?? [])]));

export default function LessonPage() {
  const d = useLoaderData<typeof loader>();
  const [status, setStatus] = useState<StudyStatus>(d.status);
  const [credited, setCredited] = useState(0);
  const onStatus = useCallback((s: StudyStatus) => {
    setStatus(s);
    if (s.credited > 0) setCredited(s.credited);
  }, []);
  const reading = useReadingStudy(d.lesson.id, d.video === null, onStatus);
  const Body = useMdxComponent(d.tree ?? []);
  const tree = d.tree ?? [];

  const videoPlayer = d.video ? (
    <VideoStudy
      key={d.lesson.id}
      lessonId={d.lesson.id}
      src={d.video.src}
      mime={d.video.mime}
      duration={d.video.duration}
      initial={d.status}
      checkpoints={d.checkpoints}
      onStatus={onStatus}
    />
  ) : null;
  const checkpointCard = (id: string) => {
    const cp = d.checkpoints.find((c) => c.id === id);
    return cp ? <CheckpointCard checkpoint={cp} channel={reading.channel} onAnswered={onStatus} /> : null;
  };
  const placed = placedCheckpoints(tree);
  const unplaced = d.video ? [] : d.checkpoints.filter((c) => !placed.includes(c.id));

  return (
    <div className="mx-auto max-w-lg space-y-4">
      <header>
        <BackLink to={`/courses/${d.course.slug}`}>{d.course.title}</BackLink>
        <h1 className="text-xl font-bold">{d.lesson.title}</h1>
      </header>
      {/* The reading timer follows the reader down the text (sticky within the page, not the header). */}
      <div className="sticky top-0 z-10 -mx-4 border-b border-stone-200 bg-stone-50/95 px-4 py-1.5 backdrop-blur">
        <p className="text-sm text-stone-600" data-testid="lesson-progress">
          {d.lesson.credit} 学时 ·{" "}
          {status.completed
            ? "已完成"
            : d.video
              ? `已观看 ${Math.floor(status.coverage * 100)}%（完成需 ${d.completionPercent}%${d.checkpoints.length ? "，并回答全部检查点" : ""}）`
              : `已阅读 ${formatMediaTime(status.readSeconds)}（至少 ${d.lesson.minutes} 分钟${d.checkpoints.length ? "，并回答全部检查点" : ""}）`}
        </p>
      </div>
      {d.selfCreditNotice ? (
        <p className="rounded bg-amber-50 p-2 text-sm text-amber-900" data-testid="self-credit-notice">
          {d.selfCreditNotice}
        </p>
      ) : null}

      {status.completed ? (
        <p role="status" className="rounded bg-green-50 p-2 text-sm font-semibold text-green-800" data-testid="lesson-complete">
          本课时已完成{credited > 0 ? `，获得 ${formatHours(credited)} 学时` : ""}。
        </p>
      ) : null}
      {reading.superseded ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">
          您已在另一个窗口或设备上开始学习，本页的阅读时间不再计入。
          <button type="button" className="ml-2 underline" onClick={() => void reading.resume()}>
            在此页继续
          </button>
        </div>
      ) : null}
      {reading.notes.length ? (
        <ul className="space-y-1 rounded bg-stone-100 p-2 text-sm text-stone-700" data-testid="credit-notes" aria-live="polite">
          {reading.notes.map((n, i) => (
            <li key={`${i}-${n}`}>{n}</li>
          ))}
        </ul>
      ) : null}
      {reading.error ? (
        <p role="alert" className="text-sm text-red-700">
          {reading.error}
        </p>
      ) : null}

      {d.video && !hasNode(tree, "Video") ? videoPlayer : null}
      <article className="rounded-lg bg-white p-4 shadow">
        {d.tree ? (
          <LessonMdxProvider
            value={{
              mediaUrl: (p) => `/media/${d.course.id}/${p}`,
              imageSize: (p) => d.figures[p],
              video: () => videoPlayer,
              checkpoint: d.video ? () => null : checkpointCard,
            }}
          >
            <Body />
          </LessonMdxProvider>
        ) : (
          <p className="text-sm text-stone-600">课时内容正在准备中，请稍后刷新页面。</p>
        )}
        {unplaced.map((c) => (
          <div key={c.id}>{checkpointCard(c.id)}</div>
        ))}
      </article>

      <Link to={`/courses/${d.course.slug}/${d.lesson.key}/discussion`} className="block rounded-lg bg-white p-3 text-center text-party shadow hover:underline">
        课时讨论 →
      </Link>

      <nav className="flex justify-between text-sm" aria-label="课时导航">
        {d.previous ? (
          <Link to={`/courses/${d.course.slug}/${d.previous.key}`} className="text-party hover:underline">
            ← {d.previous.title}
          </Link>
        ) : (
          <span />
        )}
        {d.next ? (
          <Link to={`/courses/${d.course.slug}/${d.next.key}`} className="text-party hover:underline">
            {d.next.title} →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
