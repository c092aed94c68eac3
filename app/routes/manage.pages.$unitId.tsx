import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { SUBMITTED_FOR_REVIEW } from "~/lib/review-rules";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { addColumn, columnUnitId, managedPage, moveColumn, postArticle, updateColumn } from "~/.server/pages/pages";
import { FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { LabelOptions } from "~/components/ui/options";
import { formatDate } from "~/lib/dates";
import { ARTICLE_FIELDS, COLUMN_KIND_LABELS, ColumnKindSchema, MAX_BODY_CHARS, MAX_TITLE_CHARS, columnHoldsArticles } from "~/lib/org-pages";
import { pageMeta } from "~/lib/page-meta";

// A unit's page for those who manage it (`pages:manage` over the unit): its columns (name, kind,
// order, shown or hidden) and a form for a new article. A column named in a form must be this unit's:
// one of another unit is "not found" here, whatever the manager's other rights. /manage/pages/:unitId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.unit.name ?? "主页"} · 主页管理 · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const unitId = idParam(params.unitId, "没有找到该党组织");
  await requirePermission(request, "pages:manage", unitId);
  const page = await orRefuse(() => managedPage(unitId));
  return {
    ...page,
    columns: page.columns.map((c) => ({
      ...c,
      holdsArticles: columnHoldsArticles(c.kind),
      articles: c.articles.map((a) => ({ ...a, publishedAt: formatDate(a.publishedAt) })),
    })),
  };
}

const name = z.string({ error: "请填写栏目名称" }).trim().min(1, "请填写栏目名称").max(20, "栏目名称最多 20 字");
const ColumnFields = { name, kind: ColumnKindSchema, visible: z.boolean().default(false) };
const AddColumnSchema = z.object({ intent: z.literal("add_column"), ...ColumnFields });
const UpdateColumnSchema = z.object({ intent: z.literal("update_column"), columnId: z.number().int().positive(), ...ColumnFields });
const MoveColumnSchema = z.object({ intent: z.literal("move_column"), columnId: z.number().int().positive(), direction: z.enum(["up", "down"]) });
const PostArticleSchema = z.object({ intent: z.literal("post_article"), columnId: z.number({ error: "请选择栏目" }).int().positive(), ...ARTICLE_FIELDS });
const ActionSchema = z.discriminatedUnion("intent", [AddColumnSchema, UpdateColumnSchema, MoveColumnSchema, PostArticleSchema], { error: "未知的操作" });
type Reply = { result: SubmissionResult<string[]>; formId: string; message?: string };

function formIdOf(value: { intent?: unknown; columnId?: unknown } | undefined): string {
  if (value?.intent === "update_column") return `column-${String(value.columnId)}`;
  return value?.intent === "post_article" ? "article" : value?.intent === "add_column" ? "add-column" : "";
}

export async function action({ request, params }: ActionFunctionArgs) {
  const unitId = idParam(params.unitId, "没有找到该党组织");
  const user = await requirePermission(request, "pages:manage", unitId);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ActionSchema });
  const formId = formIdOf(Object.fromEntries(form) as { intent?: unknown; columnId?: unknown });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), formId }, { status: 400 });
  const input = submission.value;
  // A column id from the form is only trusted once it is found to be this unit's.
  if (input.intent !== "add_column" && (await columnUnitId(input.columnId)) !== unitId) throw new Response("没有找到该栏目", { status: 404 });
  const done = (message: string) => data<Reply>({ result: submission.reply({ resetForm: true }), formId, message });
  try {
    switch (input.intent) {
      case "add_column":
        await addColumn(user.id, unitId, { name: input.name, kind: input.kind, visible: input.visible });
        return done("栏目已添加");
      case "update_column":
        await updateColumn(user.id, input.columnId, { name: input.name, kind: input.kind, visible: input.visible });
        return done("栏目已保存");
      case "move_column":
        await moveColumn(user.id, input.columnId, input.direction);
        return done("栏目顺序已调整");
      case "post_article":
        return done(
          (await postArticle(user.id, input.columnId, { title: input.title, body: input.body, pinned: input.pinned })).published
            ? "文章已发布"
            : SUBMITTED_FOR_REVIEW,
        );
    }
  } catch (e) {
    return formRefusal(submission, e, { formId });
  }
}

type Column = ReturnType<typeof useLoaderData<typeof loader>>["columns"][number];

function ColumnRow({ column, first, last, reply }: { column: Column; first: boolean; last: boolean; reply?: Reply }) {
  const id = `column-${column.id}`;
  const [form, fields] = useForm({
    id,
    lastResult: reply?.formId === id ? reply.result : undefined,
    defaultValue: { name: column.name, kind: column.kind, visible: column.visible ? "on" : undefined },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateColumnSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <li className="space-y-2 rounded-lg bg-white p-3 shadow" data-testid="managed-column">
      <Form method="post" {...getFormProps(form)} className="grid gap-2 sm:grid-cols-[1fr_9rem_auto_auto]">
        <FormMessage messages={form.errors} />
        <input type="hidden" name="intent" value="update_column" />
        <input type="hidden" name="columnId" value={column.id} />
        <input {...getInputProps(fields.name, { type: "text" })} aria-label="栏目名称" className={inputClass} maxLength={20} required />
        <select {...getSelectProps(fields.kind)} aria-label="栏目类型" className={inputClass}>
          <LabelOptions labels={COLUMN_KIND_LABELS} />
        </select>
        <label className="flex items-center gap-1 text-sm">
          <input {...getInputProps(fields.visible, { type: "checkbox" })} /> 显示
        </label>
        <button type="submit" className={secondaryButtonClass}>
          保存
        </button>
        <FieldError field={fields.name} />
        <FieldError field={fields.kind} />
      </Form>
      <div className="flex gap-2">
        <Form method="post">
          <input type="hidden" name="intent" value="move_column" />
          <input type="hidden" name="columnId" value={column.id} />
          <button name="direction" value="up" className={secondaryButtonClass} disabled={first} aria-label={`上移 ${column.name}`}>
            上移
          </button>
          <button name="direction" value="down" className={`${secondaryButtonClass} ml-2`} disabled={last} aria-label={`下移 ${column.name}`}>
            下移
          </button>
        </Form>
        {column.visible ? null : <span className="text-xs text-stone-500">（已隐藏，读者看不到）</span>}
      </div>
      {column.holdsArticles ? (
        <ul className="divide-y divide-stone-100 text-sm">
          {column.articles.map((a) => (
            <li key={a.id} className="flex gap-2 py-1">
              <Link to={`/manage/pages/articles/${a.id}`} className="flex-1 text-party underline">
                {a.pinned ? "【置顶】" : ""}
                {a.title}
              </Link>
              <span className="text-xs text-stone-500">
                {a.publishedAt} · 阅读 {a.readCount}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-stone-500">{column.kind === "notices" ? "显示本组织在“通知公告”中发布的通知。" : "链接到本组织的文件下载。"}</p>
      )}
    </li>
  );
}

export default function ManageUnitPage() {
  const { unit, columns } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const [addForm, addFields] = useForm({
    id: "add-column",
    lastResult: reply?.formId === "add-column" ? reply.result : undefined,
    defaultValue: { visible: "on", kind: "school_news" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddColumnSchema }),
    shouldValidate: "onBlur",
  });
  const [articleForm, articleFields] = useForm({
    id: "article",
    lastResult: reply?.formId === "article" ? reply.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PostArticleSchema }),
    shouldValidate: "onBlur",
  });
  const articleColumns = columns.filter((c) => c.holdsArticles);
  return (
    <div className="space-y-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-bold">{unit.name} · 主页管理</h1>
        <Link to={`/org/${unit.id}`} className="text-sm text-party underline">
          查看主页
        </Link>
      </div>
      {reply?.message ? <Notice>{reply.message}</Notice> : null}

      <section aria-labelledby="columns-heading" className="space-y-2">
        <h2 id="columns-heading" className="font-bold">
          栏目
        </h2>
        <ul className="space-y-2">
          {columns.map((c, i) => (
            <ColumnRow key={c.id} column={c} first={i === 0} last={i === columns.length - 1} reply={reply} />
          ))}
        </ul>
        <Form method="post" {...getFormProps(addForm)} className="grid gap-2 rounded-lg bg-white p-3 shadow sm:grid-cols-[1fr_9rem_auto_auto]">
          <FormMessage messages={addForm.errors} />
          <input type="hidden" name="intent" value="add_column" />
          <input
            {...getInputProps(addFields.name, { type: "text" })}
            aria-label="新栏目名称"
            placeholder="新栏目名称"
            className={inputClass}
            maxLength={20}
            required
          />
          <select {...getSelectProps(addFields.kind)} aria-label="新栏目类型" className={inputClass}>
            <LabelOptions labels={COLUMN_KIND_LABELS} />
          </select>
          <label className="flex items-center gap-1 text-sm">
            <input {...getInputProps(addFields.visible, { type: "checkbox" })} /> 显示
          </label>
          <button type="submit" className={buttonClass}>
            添加栏目
          </button>
          <FieldError field={addFields.name} />
          <FieldError field={addFields.kind} />
        </Form>
      </section>

      <section aria-labelledby="article-heading">
        <h2 id="article-heading" className="mb-2 font-bold">
          发布文章
        </h2>
        {articleColumns.length === 0 ? (
          <p className="text-sm text-stone-500">请先添加一个可发布文章的栏目（上级要求、学校要闻、院系风采、支部生活）。</p>
        ) : (
          <Form method="post" {...getFormProps(articleForm)} className="space-y-2 rounded-lg bg-white p-3 shadow">
            <FormMessage messages={articleForm.errors} />
            <input type="hidden" name="intent" value="post_article" />
            <select {...getSelectProps(articleFields.columnId)} aria-label="发布到栏目" className={inputClass}>
              {articleColumns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <FieldError field={articleFields.columnId} />
            <input
              {...getInputProps(articleFields.title, { type: "text" })}
              aria-label="标题"
              placeholder="标题"
              className={inputClass}
              maxLength={MAX_TITLE_CHARS}
              required
            />
            <FieldError field={articleFields.title} />
            <textarea
              {...getTextareaProps(articleFields.body)}
              aria-label="正文"
              placeholder="正文（空一行分段）"
              rows={8}
              className={inputClass}
              maxLength={MAX_BODY_CHARS}
              required
            />
            <FieldError field={articleFields.body} />
            <label className="flex items-center gap-2 text-sm">
              <input {...getInputProps(articleFields.pinned, { type: "checkbox" })} /> 置顶
            </label>
            <button type="submit" className={buttonClass}>
              发布
            </button>
            <p className="text-xs text-stone-500">发布后可在文章列表中打开文章上传图片。</p>
          </Form>
        )}
      </section>
    </div>
  );
}
