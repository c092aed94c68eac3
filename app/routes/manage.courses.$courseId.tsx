import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireManagerOf, requirePermission } from "~/.server/auth/guard";
import { type CourseProblem } from "~/.server/content/course-files";
import {
  addAssignment,
  courseAssignments,
  courseRevisions,
  courseUnitId,
  publishCourse,
  removeAssignment,
  rollbackCourse,
  saveDraft,
  studioCourse,
  unpublishCourse,
} from "~/.server/content/studio";
import { unitsUnder } from "~/.server/org/units";
import { openCourseRevisions, reviewRequiredFor } from "~/.server/review/review";
import { REVIEW_STATE_LABELS, type ReviewState, SUBMITTED_FOR_REVIEW } from "~/lib/review-rules";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { splitTags, withLessonMoved, withNewLesson, withSettings, withoutLesson } from "~/lib/course-draft";
import { COURSE_CATEGORIES, COURSE_STATUS_LABELS } from "~/lib/course-categories";
import { endOfChinaDay, formatChinaDateTime, formatDate } from "~/lib/dates";
import { DateOnlySchema } from "~/lib/date-fields";
import { scopePaths } from "~/lib/permissions";
import { CADRE_LEVELS, CADRE_LEVEL_LABELS, POLITICAL_STATUSES, POLITICAL_STATUS_LABELS } from "~/lib/vocabulary";
import { CadreLevelSchema, PoliticalStatusSchema } from "~/lib/vocabulary-fields";
import { readForm } from "~/.server/http/form-body";
import { numberField } from "~/lib/form-number";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// One course in the studio: its settings and introduction, its lessons, publishing (each publish a
// revision that can be rolled back to), its media and who must take it. /manage/courses/:courseId

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.draft.course.title ?? "课程"} · 课程管理`);

const manager = (request: Request, param: string | undefined) => requireManagerOf(request, "courses:manage", param, courseUnitId);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, id } = await manager(request, params.courseId);
  const course = (await studioCourse(id))!;
  const [revisions, assignments, units, reviewRequired, reviews] = await Promise.all([
    courseRevisions(id),
    courseAssignments(id),
    unitsUnder(scopePaths(user.grants, "courses:manage")),
    reviewRequiredFor(course.unitId),
    openCourseRevisions(id),
  ]);
  return {
    id,
    slug: course.slug,
    source: course.source,
    status: course.status,
    revision: course.revision,
    unitName: course.unit.name,
    draft: course.draft,
    media: course.media,
    revisions: revisions.map((r) => ({ ...r, createdAt: formatChinaDateTime(r.createdAt) })),
    assignments: assignments.map((a) => ({
      ...a,
      // The stored words are checked against the vocabulary: an unknown one is a bug, not a label.
      politicalStatus: a.politicalStatus ? POLITICAL_STATUS_LABELS[PoliticalStatusSchema.parse(a.politicalStatus)] : null,
      cadreLevel: a.cadreLevel ? CADRE_LEVEL_LABELS[CadreLevelSchema.parse(a.cadreLevel)] : null,
      dueAt: a.dueAt ? formatDate(a.dueAt) : null,
    })),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    // Publishing review (decision 053): whether 发布 goes to a reviewer, and the submissions not yet out.
    reviewRequired,
    reviews: reviews.map((r) => ({
      id: r.id,
      title: r.title,
      state: REVIEW_STATE_LABELS[r.state as ReviewState],
      reason: r.reason,
      author: r.authorId === user.id ? "我" : r.author.name,
      submittedAt: formatChinaDateTime(r.submittedAt),
    })),
  };
}

// The settings keep what saveDraft checks (an empty title or summary is a publish problem, not a
// form error); conform leaves an empty field out, hence the defaults.
const SettingsSchema = z.object({
  intent: z.literal("settings"),
  title: z.string().trim().default(""),
  summary: z.string().trim().default(""),
  category: z.string().default(""),
  tags: z.string().default(""),
  completion: numberField("完成比例"),
  audience: z.array(PoliticalStatusSchema, { error: "请选择面向的人员" }).default([]),
  assignedOnly: z.boolean().optional(),
  body: z.string().default(""),
});
const AssignSchema = z.object({
  intent: z.literal("assign"),
  unitId: z.number({ error: "请选择党组织" }).int("请选择党组织").positive("请选择党组织"),
  politicalStatus: z.enum(POLITICAL_STATUSES, { error: "请选择政治面貌" }).optional(),
  cadreLevel: z.enum(CADRE_LEVELS, { error: "请选择干部级别" }).optional(),
  dueAt: DateOnlySchema.optional(),
});
const lessonRow = <I extends string>(intent: I) => z.object({ intent: z.literal(intent), key: z.string({ error: "请选择课时" }) });
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    SettingsSchema,
    AssignSchema,
    z.object({ intent: z.literal("lesson-add") }),
    lessonRow("lesson-remove"),
    lessonRow("lesson-up"),
    lessonRow("lesson-down"),
    z.object({ intent: z.literal("publish") }),
    z.object({ intent: z.literal("unpublish") }),
    z.object({ intent: z.literal("rollback"), number: z.number({ error: "版本号不正确" }).int("版本号不正确").positive("版本号不正确") }),
    z.object({ intent: z.literal("unassign"), id: z.number({ error: "布置不存在" }).int("布置不存在").positive("布置不存在") }),
  ],
  { error: "未知的操作" },
);

/** Every answer of the page: the form's reply, the sentence shown on success, the problems a publish met. */
type Reply = { intent: string | null; message: string | null; problems: CourseProblem[] | null };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id } = await manager(request, params.courseId);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ActionSchema });
  const posted = form.get("intent");
  const reply: Reply = { intent: typeof posted === "string" ? posted : null, message: null, problems: null };
  if (submission.status !== "success") return data({ ...reply, result: submission.reply() }, { status: 400 });
  const done = (message: string) => data({ ...reply, result: submission.reply(), message });
  const problems = (message: string, list: CourseProblem[]) =>
    data({ ...reply, result: submission.reply({ formErrors: [message] }), problems: list }, { status: 400 });
  const input = submission.value;
  const draft = (await studioCourse(id))!.draft;
  try {
    switch (input.intent) {
      case "settings": {
        const { title, summary, category, tags, completion, audience, assignedOnly, body } = input;
        const settings = {
          title,
          summary,
          category,
          body,
          tags: splitTags(tags),
          completionPercent: completion,
          audienceStatuses: audience,
          assignedOnly: assignedOnly === true,
        };
        await saveDraft(user.id, id, withSettings(draft, settings));
        return done("已保存为草稿，发布后学员可见");
      }
      case "lesson-add":
        await saveDraft(user.id, id, withNewLesson(draft));
        return done("已添加课时");
      case "lesson-remove":
        await saveDraft(user.id, id, withoutLesson(draft, input.key));
        return done("已移除课时（学员的学习记录保留）");
      case "lesson-up":
      case "lesson-down": {
        const moved = withLessonMoved(draft, input.key, input.intent === "lesson-up" ? "up" : "down");
        if (moved) await saveDraft(user.id, id, moved);
        return done("已调整顺序");
      }
      case "publish": {
        const r = await publishCourse(user.id, id);
        if (!r.ok) return problems("课程有以下问题，未发布：", r.problems);
        return done(r.revision === null ? SUBMITTED_FOR_REVIEW : `已发布第 ${r.revision} 版，学员现在看到的是这一版`);
      }
      case "unpublish":
        await unpublishCourse(user.id, id);
        return done("已撤回发布：学员暂时看不到这门课程，已有的学习记录和学时保留");
      case "rollback": {
        const r = await rollbackCourse(user.id, id, input.number);
        if (!r.ok) return problems("该版本不能直接发布：", r.problems);
        return done(r.revision === null ? SUBMITTED_FOR_REVIEW : `已回滚至第 ${input.number} 版，发布为第 ${r.revision} 版`);
      }
      case "assign": {
        // Requiring a course of a unit needs the right over that unit too.
        await requirePermission(request, "courses:manage", input.unitId);
        await addAssignment(user.id, id, {
          unitId: input.unitId,
          politicalStatus: input.politicalStatus ?? null,
          cadreLevel: input.cadreLevel ?? null,
          dueAt: input.dueAt ? endOfChinaDay(input.dueAt) : null,
        });
        return done("已布置为必修课程");
      }
      case "unassign":
        await removeAssignment(user.id, id, input.id);
        return done("已取消布置");
    }
  } catch (e) {
    return formRefusal(submission, e, reply);
  }
}

type DraftCourse = {
  title: string;
  category: string;
  summary: string;
  tags: string[];
  completion: number;
  body: string;
  audience?: { statuses: string[] } | null;
};

/** The settings form's first values: the draft's. */
function settingsDefaults(c: DraftCourse) {
  return {
    title: c.title,
    category: c.category,
    summary: c.summary,
    tags: c.tags.join("、"),
    completion: String(Math.round(c.completion * 100)),
    audience: c.audience?.statuses ?? [],
    assignedOnly: c.audience?.statuses.length === 0 ? "on" : undefined,
    body: c.body,
  };
}

type ActionData = ReturnType<typeof useActionData<typeof action>>;

/** The reply for the form posted with `intent` (several intents share one form), else nothing. */
function resultFor(reply: ActionData, ...intents: string[]) {
  return reply && reply.intent !== null && intents.includes(reply.intent) ? reply.result : undefined;
}

export default function CourseStudio() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  // Settings and assignments show their errors beside their fields; every other form's at the top.
  const [pageForm] = useForm({ id: "course", lastResult: reply && reply.intent !== "settings" && reply.intent !== "assign" ? reply.result : undefined });
  const [settingsForm, settingsFields] = useForm({
    id: "course-settings",
    lastResult: resultFor(reply, "settings"),
    defaultValue: settingsDefaults(d.draft.course),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SettingsSchema }),
  });
  const [assignForm, assignFields] = useForm({
    id: "course-assign",
    lastResult: resultFor(reply, "assign"),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AssignSchema }),
  });
  const [search] = useSearchParams();
  const uploaded = search.get("uploaded");
  const c = d.draft.course;
  const readOnly = d.source === "content";
  const lessons = [...d.draft.lessons].sort((a, b) => a.position - b.position);
  return (
    <div className="space-y-4">
      <header className="rounded-lg bg-white p-4 shadow">
        <p className="text-sm">
          <Link to="/manage/courses" className="text-party hover:underline">
            ← 课程管理
          </Link>
        </p>
        <h1 className="text-xl font-bold">{c.title}</h1>
        <p className="text-sm text-stone-600" data-testid="course-status">
          {COURSE_STATUS_LABELS[d.status]}
          {d.revision > 0 ? ` · 第 ${d.revision} 版` : ""} · {d.unitName} · 编号 {d.slug}
          {d.status === "published" ? (
            <>
              {" · "}
              <Link to={`/courses/${d.slug}`} className="text-party hover:underline">
                以学员身份查看
              </Link>
            </>
          ) : null}
        </p>
        {readOnly ? <Notice>这门课程由仓库中的课程文件（content/courses/{d.slug}）管理，只能在这里布置必修和查看版本。</Notice> : null}
        {reply?.message ? <Notice>{reply.message}</Notice> : null}
        {!reply && uploaded ? <Notice>已上传 {uploaded}，可在课时设置中选用。</Notice> : null}
        <FormMessage messages={pageForm.errors} />
        {reply?.problems?.length ? (
          <ul className="mt-1 list-disc pl-5 text-sm text-red-700" data-testid="publish-problems">
            {reply.problems.map((p, i) => (
              <li key={i}>
                {p.file}
                {p.line ? ` 第 ${p.line} 行` : ""}：{p.message}
              </li>
            ))}
          </ul>
        ) : null}
        {d.reviewRequired && !readOnly ? <p className="mt-2 text-sm text-stone-600">本单位发布课程需经审核：点击“发布”后提交审核，审核通过才会发布。</p> : null}
        {d.reviews.length ? (
          <ul className="mt-2 space-y-1 text-sm" aria-label="课程发布审核">
            {d.reviews.map((r) => (
              <li key={r.id}>
                <span className="mr-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs">{r.state}</span>
                <Link to={`/manage/review/${r.id}`} className="text-party hover:underline">
                  {r.title}
                </Link>
                <span className="text-stone-500">
                  {" "}
                  · {r.author} · {r.submittedAt}
                </span>
                {r.reason ? <span className="ml-2 text-red-800">{`退回理由：${r.reason}`}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
        {!readOnly ? (
          <Form method="post" className="mt-2 flex flex-wrap gap-2">
            <button name="intent" value="publish" className={buttonClass}>
              {d.reviewRequired ? "提交发布审核" : "发布"}
            </button>
            {d.status === "published" ? (
              <button name="intent" value="unpublish" className={secondaryButtonClass}>
                撤回发布
              </button>
            ) : null}
          </Form>
        ) : null}
      </header>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="settings-heading">
        <h2 id="settings-heading" className="mb-2 font-bold">
          课程设置
        </h2>
        <Form method="post" {...getFormProps(settingsForm)} className="grid gap-x-3 sm:grid-cols-2">
          <fieldset disabled={readOnly} className="contents">
            <div className="sm:col-span-2">
              <FormMessage messages={settingsForm.errors} />
            </div>
            <input type="hidden" name="intent" value="settings" />
            <Field label="课程名称" htmlFor={settingsFields.title.id} errors={settingsFields.title.errors} errorId={settingsFields.title.errorId}>
              <input {...getInputProps(settingsFields.title, { type: "text" })} className={inputClass} maxLength={60} required />
            </Field>
            <Field label="分类" htmlFor={settingsFields.category.id} errors={settingsFields.category.errors} errorId={settingsFields.category.errorId}>
              <select {...getSelectProps(settingsFields.category)} className={inputClass}>
                {COURSE_CATEGORIES.map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
            </Field>
            <div className="sm:col-span-2">
              <Field label="简介" htmlFor={settingsFields.summary.id} errors={settingsFields.summary.errors} errorId={settingsFields.summary.errorId}>
                <input {...getInputProps(settingsFields.summary, { type: "text" })} className={inputClass} maxLength={200} />
              </Field>
            </div>
            <Field label="标签（用逗号或顿号分隔）" htmlFor={settingsFields.tags.id} errors={settingsFields.tags.errors} errorId={settingsFields.tags.errorId}>
              <input {...getInputProps(settingsFields.tags, { type: "text" })} className={inputClass} />
            </Field>
            <Field
              label="视频完成比例（%）"
              htmlFor={settingsFields.completion.id}
              errors={settingsFields.completion.errors}
              errorId={settingsFields.completion.errorId}
            >
              <input {...getInputProps(settingsFields.completion, { type: "number" })} min={50} max={100} step={1} className={inputClass} />
            </Field>
            <fieldset className="mb-4 text-sm sm:col-span-2">
              <legend>面向（不选则面向全体）</legend>
              <label className="mb-1 flex items-center gap-1">
                <input type="checkbox" name={settingsFields.assignedOnly.name} defaultChecked={c.audience?.statuses.length === 0} />
                仅限下方“必修布置”的人员可见
              </label>
              <div className="flex flex-wrap gap-3">
                {POLITICAL_STATUSES.map((s) => (
                  <label key={s} className="flex items-center gap-1">
                    <input type="checkbox" name={settingsFields.audience.name} value={s} defaultChecked={c.audience?.statuses.includes(s)} />
                    {POLITICAL_STATUS_LABELS[s]}
                  </label>
                ))}
              </div>
              {settingsFields.audience.errors ? (
                <p id={settingsFields.audience.errorId} className="mt-1 text-sm text-red-700" role="alert">
                  {settingsFields.audience.errors.join("；")}
                </p>
              ) : null}
            </fieldset>
            <div className="sm:col-span-2">
              <Field label="课程介绍（MDX）" htmlFor={settingsFields.body.id} errors={settingsFields.body.errors} errorId={settingsFields.body.errorId}>
                <textarea {...getTextareaProps(settingsFields.body)} rows={6} className={`${inputClass} font-mono text-sm`} />
              </Field>
            </div>
            <button type="submit" className={`${buttonClass} sm:col-span-2`}>
              保存草稿
            </button>
          </fieldset>
        </Form>
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="lessons-heading">
        <h2 id="lessons-heading" className="mb-2 font-bold">
          课时
        </h2>
        <ol className="space-y-2">
          {lessons.map((l, i) => (
            <li key={l.key} className="flex flex-wrap items-center gap-2 border-b pb-2 last:border-0" data-testid="studio-lesson">
              <Link to={`/manage/courses/${d.id}/lessons/${l.key}`} className="flex-1 font-semibold text-party hover:underline">
                {String(l.position).padStart(2, "0")} {l.title}
              </Link>
              <span className="text-xs text-stone-500">
                {l.video ? "视频" : "图文"} · {l.credit} 学时
              </span>
              {!readOnly ? (
                <Form method="post" className="flex gap-1">
                  <input type="hidden" name="key" value={l.key} />
                  <button name="intent" value="lesson-up" disabled={i === 0} className={secondaryButtonClass} aria-label={`上移 ${l.title}`}>
                    ↑
                  </button>
                  <button name="intent" value="lesson-down" disabled={i === lessons.length - 1} className={secondaryButtonClass} aria-label={`下移 ${l.title}`}>
                    ↓
                  </button>
                  <button name="intent" value="lesson-remove" className={secondaryButtonClass}>
                    移除
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ol>
        {!readOnly ? (
          <Form method="post" className="mt-2">
            <button name="intent" value="lesson-add" className={secondaryButtonClass}>
              添加课时
            </button>
          </Form>
        ) : null}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="media-heading">
        <h2 id="media-heading" className="mb-2 font-bold">
          视频与图片
        </h2>
        <ul className="mb-2 space-y-1 text-sm">
          {d.media.length === 0 ? <li className="text-stone-500">还没有文件。</li> : null}
          {d.media.map((m) => (
            <li key={m.id}>
              <code>{m.path}</code> · {(m.bytes / 1e6).toFixed(1)} MB{m.durationSec ? ` · ${Math.round(m.durationSec)} 秒` : ""}
            </li>
          ))}
        </ul>
        {!readOnly ? (
          <Form method="post" action={`/manage/courses/${d.id}/media`} encType="multipart/form-data" className="flex flex-wrap items-center gap-2">
            <input type="file" name="file" accept="video/mp4,video/webm,image/png,image/jpeg,image/webp,image/svg+xml" required aria-label="选择文件" />
            <button type="submit" className={secondaryButtonClass}>
              上传
            </button>
            <span className="text-xs text-stone-500">视频支持 MP4（H.264）和 WebM，最大 500 MB；图片支持 PNG、JPEG、WebP、SVG。</span>
          </Form>
        ) : null}
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="assign-heading">
        <h2 id="assign-heading" className="mb-2 font-bold">
          必修布置（规定动作）
        </h2>
        <ul className="mb-2 space-y-1 text-sm" data-testid="assignments">
          {d.assignments.length === 0 ? <li className="text-stone-500">未布置：这门课程是选修课。</li> : null}
          {d.assignments.map((a) => (
            <li key={a.id} className="flex items-center gap-2">
              <span className="flex-1">
                {a.unit.name}
                {a.politicalStatus ? ` · ${a.politicalStatus}` : " · 全体"}
                {a.cadreLevel ? ` · ${a.cadreLevel}` : ""}
                {a.dueAt ? ` · ${a.dueAt} 前完成` : ""}
              </span>
              <Form method="post">
                <input type="hidden" name="id" value={a.id} />
                <button name="intent" value="unassign" className={secondaryButtonClass}>
                  取消
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form method="post" {...getFormProps(assignForm)} className="grid gap-x-2 sm:grid-cols-4">
          <div className="sm:col-span-4">
            <FormMessage messages={assignForm.errors} />
          </div>
          <input type="hidden" name="intent" value="assign" />
          <Field label="党组织" htmlFor={assignFields.unitId.id} errors={assignFields.unitId.errors} errorId={assignFields.unitId.errorId}>
            <select {...getSelectProps(assignFields.unitId)} className={inputClass}>
              <UnitOptions units={d.units} />
            </select>
          </Field>
          <Field
            label="政治面貌"
            htmlFor={assignFields.politicalStatus.id}
            errors={assignFields.politicalStatus.errors}
            errorId={assignFields.politicalStatus.errorId}
          >
            <select {...getSelectProps(assignFields.politicalStatus)} className={inputClass}>
              <option value="">全体人员</option>
              <LabelOptions labels={POLITICAL_STATUS_LABELS} />
            </select>
          </Field>
          <Field label="干部级别" htmlFor={assignFields.cadreLevel.id} errors={assignFields.cadreLevel.errors} errorId={assignFields.cadreLevel.errorId}>
            <select {...getSelectProps(assignFields.cadreLevel)} className={inputClass}>
              <option value="">不限干部级别</option>
              <LabelOptions labels={CADRE_LEVEL_LABELS} />
            </select>
          </Field>
          <Field label="完成期限" htmlFor={assignFields.dueAt.id} errors={assignFields.dueAt.errors} errorId={assignFields.dueAt.errorId}>
            <input {...getInputProps(assignFields.dueAt, { type: "date" })} className={inputClass} />
          </Field>
          <button type="submit" className={`${secondaryButtonClass} sm:col-span-4`}>
            布置为必修
          </button>
        </Form>
      </section>

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="revisions-heading">
        <h2 id="revisions-heading" className="mb-2 font-bold">
          发布记录
        </h2>
        <ul className="space-y-1 text-sm" data-testid="revisions">
          {d.revisions.length === 0 ? <li className="text-stone-500">尚未发布。</li> : null}
          {d.revisions.map((r) => (
            <li key={r.number} className="flex items-center gap-2">
              <span className="flex-1">
                第 {r.number} 版 · {r.note ?? "发布"} · {r.createdAt}
              </span>
              <Link to={`/manage/courses/${d.id}/revisions/${r.number}`} className="text-party hover:underline">
                查看
              </Link>
              {!readOnly && r.number !== d.revision ? (
                <Form method="post">
                  <input type="hidden" name="number" value={r.number} />
                  <button name="intent" value="rollback" className={secondaryButtonClass}>
                    回滚到此版
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
