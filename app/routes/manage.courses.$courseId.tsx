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
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { splitTags, withLessonMoved, withNewLesson, withSettings, withoutLesson } from "~/lib/course-draft";
import { COURSE_CATEGORIES, COURSE_STATUS_LABELS } from "~/lib/course-format";
import { DateOnlySchema, endOfChinaDay, formatChinaDateTime, formatDate } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { CADRE_LEVEL_LABELS, POLITICAL_STATUSES, POLITICAL_STATUS_LABELS } from "~/lib/vocabulary";
import { readForm } from "~/.server/http/form-body";
import { numberField } from "~/lib/form-number";
import { isAppError } from "~/lib/app-error";

// One course in the studio: its settings and introduction, its lessons, publishing (each publish a
// revision that can be rolled back to), its media and who must take it. /manage/courses/:courseId

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.draft.course.title ?? "课程"} · 课程管理` }];

const manager = (request: Request, param: string | undefined) => requireManagerOf(request, "courses:manage", param, courseUnitId);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, id } = await manager(request, params.courseId);
  const course = (await studioCourse(id))!;
  const [revisions, assignments, units] = await Promise.all([
    courseRevisions(id),
    courseAssignments(id),
    unitsUnder(scopePaths(user.grants, "courses:manage")),
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
    assignments: assignments.map((a) => ({ ...a, dueAt: a.dueAt ? formatDate(a.dueAt) : null })),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
  };
}

type Reply = { ok: true; message: string } | { ok: false; errors: string[]; problems?: CourseProblem[] };

const SettingsSchema = z.object({
  title: z.string().trim(),
  summary: z.string().trim(),
  category: z.string(),
  tags: z.string().default(""),
  completion: numberField("完成比例"),
  body: z.string().default(""),
});
const AssignSchema = z.object({
  unitId: z.coerce.number().int().positive("请选择党组织"),
  politicalStatus: z.string().optional(),
  cadreLevel: z.string().optional(),
  dueAt: z.union([z.literal(""), DateOnlySchema]).optional(),
});

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id } = await manager(request, params.courseId);
  const form = await readForm(request);
  const fields = Object.fromEntries(form);
  const fail = (errors: string[], problems?: CourseProblem[]) => data<Reply>({ ok: false, errors, problems }, { status: 400 });
  const course = (await studioCourse(id))!;
  const draft = course.draft;
  try {
    switch (fields.intent) {
      case "settings": {
        const s = SettingsSchema.safeParse(fields);
        if (!s.success) return fail(s.error.issues.map((i) => i.message));
        const audienceStatuses = form.getAll("audience").filter((v): v is string => typeof v === "string");
        const settings = {
          ...s.data,
          tags: splitTags(s.data.tags),
          completionPercent: s.data.completion,
          audienceStatuses,
          assignedOnly: fields.assignedOnly === "on",
        };
        await saveDraft(user.id, id, withSettings(draft, settings));
        return data<Reply>({ ok: true, message: "已保存为草稿，发布后学员可见" });
      }
      case "lesson-add": {
        await saveDraft(user.id, id, withNewLesson(draft));
        return data<Reply>({ ok: true, message: "已添加课时" });
      }
      case "lesson-remove": {
        await saveDraft(user.id, id, withoutLesson(draft, String(fields.key)));
        return data<Reply>({ ok: true, message: "已移除课时（学员的学习记录保留）" });
      }
      case "lesson-up":
      case "lesson-down": {
        const moved = withLessonMoved(draft, String(fields.key), fields.intent === "lesson-up" ? "up" : "down");
        if (moved) await saveDraft(user.id, id, moved);
        return data<Reply>({ ok: true, message: "已调整顺序" });
      }
      case "publish": {
        const r = await publishCourse(user.id, id);
        return r.ok ? data<Reply>({ ok: true, message: `已发布第 ${r.revision} 版，学员现在看到的是这一版` }) : fail(["课程有以下问题，未发布："], r.problems);
      }
      case "unpublish":
        await unpublishCourse(user.id, id);
        return data<Reply>({ ok: true, message: "已撤回发布：学员暂时看不到这门课程，已有的学习记录和学时保留" });
      case "rollback": {
        const n = z.coerce.number().int().positive().safeParse(fields.number);
        if (!n.success) return fail(["版本号不正确"]);
        const r = await rollbackCourse(user.id, id, n.data);
        return r.ok ? data<Reply>({ ok: true, message: `已回滚至第 ${n.data} 版，发布为第 ${r.revision} 版` }) : fail(["该版本不能直接发布："], r.problems);
      }
      case "assign": {
        const a = AssignSchema.safeParse(fields);
        if (!a.success) return fail(a.error.issues.map((i) => i.message));
        // Requiring a course of a unit needs the right over that unit too.
        await requirePermission(request, "courses:manage", a.data.unitId);
        await addAssignment(user.id, id, {
          unitId: a.data.unitId,
          politicalStatus: a.data.politicalStatus || null,
          cadreLevel: a.data.cadreLevel || null,
          dueAt: a.data.dueAt ? endOfChinaDay(a.data.dueAt) : null,
        });
        return data<Reply>({ ok: true, message: "已布置为必修课程" });
      }
      case "unassign": {
        const a = z.coerce.number().int().positive().safeParse(fields.id);
        if (!a.success) return fail(["布置不存在"]);
        await removeAssignment(user.id, id, a.data);
        return data<Reply>({ ok: true, message: "已取消布置" });
      }
      default:
        return fail(["未知的操作"]);
    }
  } catch (e) {
    if (isAppError(e)) return fail([e.message]);
    throw e;
  }
}

export default function CourseStudio() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
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
        {reply?.ok ? <Notice>{reply.message}</Notice> : null}
        {!reply && uploaded ? <Notice>已上传 {uploaded}，可在课时设置中选用。</Notice> : null}
        {reply && !reply.ok ? <FormMessage messages={reply.errors} /> : null}
        {reply && !reply.ok && reply.problems?.length ? (
          <ul className="mt-1 list-disc pl-5 text-sm text-red-700" data-testid="publish-problems">
            {reply.problems.map((p, i) => (
              <li key={i}>
                {p.file}
                {p.line ? ` 第 ${p.line} 行` : ""}：{p.message}
              </li>
            ))}
          </ul>
        ) : null}
        {!readOnly ? (
          <Form method="post" className="mt-2 flex flex-wrap gap-2">
            <button name="intent" value="publish" className={buttonClass}>
              发布
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
        <Form method="post" className="grid gap-3 sm:grid-cols-2">
          <fieldset disabled={readOnly} className="contents">
            <input type="hidden" name="intent" value="settings" />
            <label className="text-sm">
              课程名称
              <input name="title" defaultValue={c.title} className={inputClass} maxLength={60} required />
            </label>
            <label className="text-sm">
              分类
              <select name="category" defaultValue={c.category} className={inputClass}>
                {COURSE_CATEGORIES.map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
            </label>
            <label className="text-sm sm:col-span-2">
              简介
              <input name="summary" defaultValue={c.summary} className={inputClass} maxLength={200} />
            </label>
            <label className="text-sm">
              标签（用逗号或顿号分隔）
              <input name="tags" defaultValue={c.tags.join("、")} className={inputClass} />
            </label>
            <label className="text-sm">
              视频完成比例（%）
              <input name="completion" type="number" min={50} max={100} step={1} defaultValue={Math.round(c.completion * 100)} className={inputClass} />
            </label>
            <fieldset className="text-sm sm:col-span-2">
              <legend>面向（不选则面向全体）</legend>
              <label className="mb-1 flex items-center gap-1">
                <input type="checkbox" name="assignedOnly" defaultChecked={c.audience?.statuses.length === 0} />
                仅限下方“必修布置”的人员可见
              </label>
              <div className="flex flex-wrap gap-3">
                {POLITICAL_STATUSES.map((s) => (
                  <label key={s} className="flex items-center gap-1">
                    <input type="checkbox" name="audience" value={s} defaultChecked={c.audience?.statuses.includes(s)} />
                    {POLITICAL_STATUS_LABELS[s]}
                  </label>
                ))}
              </div>
            </fieldset>
            <label className="text-sm sm:col-span-2">
              课程介绍（MDX）
              <textarea name="body" defaultValue={c.body} rows={6} className={`${inputClass} font-mono text-sm`} />
            </label>
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
                {a.politicalStatus ? ` · ${POLITICAL_STATUS_LABELS[a.politicalStatus as keyof typeof POLITICAL_STATUS_LABELS]}` : " · 全体"}
                {a.cadreLevel ? ` · ${CADRE_LEVEL_LABELS[a.cadreLevel as keyof typeof CADRE_LEVEL_LABELS]}` : ""}
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
        <Form method="post" className="grid gap-2 sm:grid-cols-4">
          <input type="hidden" name="intent" value="assign" />
          <select name="unitId" aria-label="党组织" className={inputClass}>
            <UnitOptions units={d.units} />
          </select>
          <select name="politicalStatus" aria-label="政治面貌" className={inputClass} defaultValue="">
            <option value="">全体人员</option>
            <LabelOptions labels={POLITICAL_STATUS_LABELS} />
          </select>
          <select name="cadreLevel" aria-label="干部级别" className={inputClass} defaultValue="">
            <option value="">不限干部级别</option>
            <LabelOptions labels={CADRE_LEVEL_LABELS} />
          </select>
          <input type="date" name="dueAt" aria-label="完成期限" className={inputClass} />
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
