import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import YAML from "yaml";
import { z } from "zod";
import { requireManagerOf } from "~/.server/auth/guard";
import { compileCached } from "~/.server/content/mdx-cache";
import { previewInTurn } from "~/.server/content/preview-turns";
import { MdxRejected } from "~/.server/content/mdx-compile";
import { parseSettingsYaml, settingsErrorLine } from "~/.server/content/settings-yaml";
import { courseUnitId, saveDraft, studioCourse } from "~/.server/content/studio";
import { LessonMdxProvider, useMdxComponent } from "~/components/mdx/mdx-content";
import { useHydrated } from "~/components/ui/use-hydrated";
import { useSubmitInTurn } from "~/components/ui/use-submit-in-turn";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { PREVIEW_INTENT, changesNoLoaderData } from "~/lib/autosave";
import { CheckpointSchema, describeIssues } from "~/lib/course-format";
import { DecimalText } from "~/lib/hours-fields";
import { type MdxNode } from "~/lib/mdx-tree";
import { readForm } from "~/.server/http/form-body";
import { numberField } from "~/lib/form-number";
import { isAppError } from "~/lib/app-error";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// Editing one lesson of a studio course: its settings, its checkpoints (YAML, the same as in course
// files), its MDX with a live preview rendered by the server (compiled through the queue and the
// cache, never run in the browser). Saved into the course's draft. /manage/courses/:courseId/lessons/:key

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.lesson.title ?? "课时"} · 课程管理`);

const CHECKPOINT_EXAMPLE = `- id: cp1
  at: 30            # 视频课时：播放到第 30 秒时暂停作答
  type: single      # single 单选 | multiple 多选 | judge 判断
  question: 党的最高领导机关是什么？
  options: { A: 党的全国代表大会和它所产生的中央委员会, B: 中央政治局 }
  answer: A
  explanation: 依据《中国共产党章程》第十条。`;

export const shouldRevalidate: ShouldRevalidateFunction = (args) => (changesNoLoaderData(args) ? false : args.defaultShouldRevalidate);

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const { user, id } = await requireManagerOf(request, "courses:manage", params.courseId, courseUnitId);
  const course = (await studioCourse(id))!;
  const lesson = course.draft.lessons.find((l) => l.key === params.key);
  if (!lesson) throw new Response("课时不存在", { status: 404 });
  return { user, id, course, lesson };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id, course, lesson } = await load(request, params);
  return {
    courseId: id,
    courseTitle: course.draft.course.title,
    readOnly: course.source === "content",
    lesson: { ...lesson, checkpointsYaml: lesson.checkpoints.length ? YAML.stringify(lesson.checkpoints) : "" },
    videos: course.media.filter((m) => m.mime.startsWith("video/")).map((m) => m.path),
  };
}

/** The preview's answer, read by its fetcher. */
type PreviewReply = { intent: typeof PREVIEW_INTENT; tree: MdxNode[] | null; problems: string[] };

// conform leaves an empty field out: an empty title, body or checkpoints field is "" as before
// (publishing names what is missing).
const texts = { body: z.string().max(100_000, "正文过长").default(""), checkpoints: z.string().default("") };
const SaveSchema = z.object({
  intent: z.literal("save-lesson"),
  title: z.string().trim().max(60, "课时标题不能超过 60 字").default(""),
  summary: z.string().trim().max(200, "简介不能超过 200 字").optional(),
  minutes: numberField("学习时长"),
  credit: DecimalText,
  video: z.string().optional(),
  ...texts,
});
const ActionSchema = z.discriminatedUnion("intent", [SaveSchema, z.object({ intent: z.literal(PREVIEW_INTENT), ...texts })], { error: "未知的操作" });

function parseCheckpoints(text: string): { checkpoints: unknown[]; problems: string[] } {
  if (!text.trim()) return { checkpoints: [], problems: [] };
  let raw: unknown;
  try {
    raw = parseSettingsYaml(text);
  } catch (e) {
    if (!isAppError(e)) throw e;
    const line = settingsErrorLine(e);
    return { checkpoints: [], problems: [`检查点${line ? `第 ${line} 行` : ""}${e.message}`] };
  }
  if (!Array.isArray(raw)) return { checkpoints: [], problems: ["检查点应是一个列表：每个检查点以 “- id:” 开头"] };
  const problems = raw.flatMap((c, i) => {
    const r = CheckpointSchema.safeParse(c);
    return r.success ? [] : describeIssues(r.error).map((m) => `第 ${i + 1} 个检查点：${m}`);
  });
  return { checkpoints: raw as unknown[], problems };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id, course, lesson } = await load(request, params);
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success")
    return data({ intent: "save-lesson", result: submission.reply(), saved: false, problems: [] as string[] }, { status: 400 });
  const input = submission.value;
  const { body } = input;
  const cps = parseCheckpoints(input.checkpoints);

  if (input.intent === PREVIEW_INTENT) {
    const ids = cps.checkpoints.map((c) => String((c as { id?: unknown })?.id ?? ""));
    try {
      const { tree } = await previewInTurn(user.id, () => compileCached(body, { checkpointIds: ids }, String(user.id)));
      return data<PreviewReply>({ intent: "preview", tree, problems: cps.problems });
    } catch (e) {
      if (!(e instanceof MdxRejected)) throw e;
      return data<PreviewReply>({
        intent: "preview",
        tree: null,
        problems: [...e.problems.map((p) => (p.line ? `第 ${p.line} 行：${p.message}` : p.message)), ...cps.problems],
      });
    }
  }

  const draft = structuredClone(course.draft);
  draft.lessons = draft.lessons.map((l) =>
    l.key === lesson.key
      ? {
          ...l,
          title: input.title,
          summary: input.summary || undefined,
          minutes: input.minutes,
          credit: input.credit,
          video: input.video || undefined,
          checkpoints: cps.checkpoints,
          body,
        }
      : l,
  );
  try {
    await saveDraft(user.id, id, draft);
  } catch (e) {
    return formRefusal(submission, e, { intent: "save-lesson", saved: false, problems: [] as string[] });
  }
  // Problems in the checkpoints are shown now; the rest are checked on publishing.
  return data({ intent: "save-lesson", result: submission.reply(), saved: true, problems: cps.problems });
}

type SaveReply = { result: SubmissionResult<string[]>; saved: boolean; problems: string[] };

export default function LessonEditor() {
  const d = useLoaderData<typeof loader>();
  // The page's own navigation only ever carries the save's answer (the preview goes through its fetcher).
  const saved = useActionData<typeof action>() as SaveReply | undefined;
  const [form, fields] = useForm({
    id: "lesson",
    lastResult: saved?.result,
    defaultValue: {
      title: d.lesson.title,
      summary: d.lesson.summary ?? "",
      credit: String(d.lesson.credit),
      minutes: String(d.lesson.minutes),
      video: d.lesson.video ?? "",
      body: d.lesson.body,
      checkpoints: d.lesson.checkpointsYaml,
    },
  });
  const preview = useFetcher<PreviewReply>();
  const submitPreview = useSubmitInTurn(preview);
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const Preview = useMdxComponent(preview.data?.tree ?? []);
  // 刷新预览 works through the script only.
  const hydrated = useHydrated();

  const requestPreview = () => {
    if (!formRef.current) return;
    const fd = new FormData(formRef.current);
    fd.set("intent", PREVIEW_INTENT);
    submitPreview(fd, { method: "post" });
  };
  useEffect(() => {
    requestPreview();
    // The first preview once the page is there; later ones follow the typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <p className="text-sm">
          <Link to={`/manage/courses/${d.courseId}`} className="text-party hover:underline">
            ← {d.courseTitle}
          </Link>
        </p>
        <h1 className="text-xl font-bold">{d.lesson.title}</h1>
        {saved?.saved ? <Notice>已保存为草稿；回到课程页点“发布”后学员可见。</Notice> : null}
        <FormMessage messages={[...(form.errors ?? []), ...(saved?.problems ?? [])]} />
      </header>
      <div className="grid gap-4 lg:grid-cols-2">
        <Form
          method="post"
          {...getFormProps(form)}
          ref={formRef}
          className="space-y-3 rounded-lg bg-white p-4 shadow"
          onChange={() => {
            clearTimeout(timer.current);
            timer.current = setTimeout(requestPreview, 600);
          }}
        >
          <fieldset disabled={d.readOnly} className="space-y-3">
            <input type="hidden" name="intent" value="save-lesson" />
            <Field label="标题" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
              <input {...getInputProps(fields.title, { type: "text" })} className={inputClass} maxLength={60} required />
            </Field>
            <Field label="简介" htmlFor={fields.summary.id} errors={fields.summary.errors} errorId={fields.summary.errorId}>
              <input {...getInputProps(fields.summary, { type: "text" })} className={inputClass} maxLength={200} />
            </Field>
            <div className="grid grid-cols-3 gap-2">
              <Field label="学时" htmlFor={fields.credit.id} errors={fields.credit.errors} errorId={fields.credit.errorId}>
                <input {...getInputProps(fields.credit, { type: "number" })} step="0.05" min="0" className={inputClass} />
              </Field>
              <Field label="学习时长（分钟）" htmlFor={fields.minutes.id} errors={fields.minutes.errors} errorId={fields.minutes.errorId}>
                <input {...getInputProps(fields.minutes, { type: "number" })} min="1" className={inputClass} />
              </Field>
              <Field label="视频" htmlFor={fields.video.id} errors={fields.video.errors} errorId={fields.video.errorId}>
                <select {...getSelectProps(fields.video)} className={inputClass}>
                  <option value="">无（图文课时）</option>
                  {d.videos.map((v) => (
                    <option key={v}>{v}</option>
                  ))}
                </select>
              </Field>
            </div>
            <Field
              label={`正文（MDX：Markdown，以及 <Callout>、<Figure>、<Checkpoint>、<Video> 组件）`}
              htmlFor={fields.body.id}
              errors={fields.body.errors}
              errorId={fields.body.errorId}
            >
              <textarea {...getTextareaProps(fields.body)} rows={18} className={`${inputClass} font-mono text-sm`} />
            </Field>
            <Field label="检查点（YAML，可留空）" htmlFor={fields.checkpoints.id} errors={fields.checkpoints.errors} errorId={fields.checkpoints.errorId}>
              <textarea {...getTextareaProps(fields.checkpoints)} placeholder={CHECKPOINT_EXAMPLE} rows={8} className={`${inputClass} font-mono text-xs`} />
            </Field>
            <div className="flex gap-2">
              <button type="submit" className={buttonClass}>
                保存草稿
              </button>
              <button type="button" className={secondaryButtonClass} disabled={!hydrated} onClick={requestPreview}>
                刷新预览
              </button>
            </div>
          </fieldset>
        </Form>
        {/* On a desk the preview and its problems stay beside the editor while the author scrolls the long body (decision 065); it scrolls on its own when taller than the window. */}
        <section
          className="rounded-lg bg-white p-4 shadow lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-y-auto"
          aria-labelledby="preview-heading"
          data-testid="preview"
          tabIndex={0}
        >
          <h2 id="preview-heading" className="mb-2 text-sm font-semibold text-stone-500">
            预览（学员看到的样子）{preview.state !== "idle" ? " · 正在生成…" : ""}
          </h2>
          {preview.data?.problems.length ? (
            <ul className="mb-2 list-disc pl-5 text-sm text-red-700" data-testid="preview-problems">
              {preview.data.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
          <LessonMdxProvider
            value={{
              mediaUrl: (p) => `/media/${d.courseId}/${p}`,
              video: () => <p className="rounded bg-stone-800 p-6 text-center text-sm text-white">〔视频播放器〕</p>,
              checkpoint: (id) => <p className="rounded border-2 border-amber-400 bg-amber-50 p-2 text-sm">〔检查点 {id}〕</p>,
            }}
          >
            <Preview />
          </LessonMdxProvider>
        </section>
      </div>
    </div>
  );
}
