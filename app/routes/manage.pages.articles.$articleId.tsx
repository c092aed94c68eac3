import { type SubmissionResult, getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireManagerOf } from "~/.server/auth/guard";
import { pendingEditsOf } from "~/.server/review/review";
import { formatChinaDateTime } from "~/lib/dates";
import { SUBMITTED_FOR_REVIEW } from "~/lib/review-rules";
import { readForm } from "~/.server/http/form-body";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { parseUploadForm } from "~/.server/http/upload";
import { MAX_IMAGE_BYTES, addArticleImage, removeArticleImage } from "~/.server/pages/page-images";
import { archiveArticle, articleForEditing, articleUnitId, updateArticle } from "~/.server/pages/pages";
import { Field, FieldError, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { isAppError } from "~/lib/app-error";
import { ARTICLE_FIELDS, MAX_BODY_CHARS, MAX_TITLE_CHARS } from "~/lib/org-pages";
import { pageMeta } from "~/lib/page-meta";

// Editing one article of a unit's page: its text, pinned or not, its images (checked by their bytes,
// re-encoded at a bounded width), or taking it down. `pages:manage` over the article's unit; an
// unknown id is refused like one of another unit. /manage/pages/articles/:articleId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.title ?? "文章"} · 主页管理 · 网上党校`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id } = await requireManagerOf(request, "pages:manage", params.articleId, articleUnitId);
  const [article, pendingEdits] = await Promise.all([orRefuse(() => articleForEditing(id)), pendingEditsOf("page_article", id)]);
  return {
    ...article,
    readCount: article._count.reads,
    _count: undefined,
    archivedAt: undefined,
    pendingEdits: pendingEdits.map((e) => ({ id: e.id, title: e.title, author: e.author.name, submittedAt: formatChinaDateTime(e.submittedAt) })),
  };
}

const UpdateSchema = z.object({ intent: z.literal("update"), ...ARTICLE_FIELDS });
const ArchiveSchema = z.object({ intent: z.literal("archive") });
const RemoveImageSchema = z.object({ intent: z.literal("remove_image"), imageId: z.number().int().positive() });
const ActionSchema = z.discriminatedUnion("intent", [UpdateSchema, ArchiveSchema, RemoveImageSchema], { error: "未知的操作" });
const ImageSchema = z.object({
  image: z.instanceof(File, { error: "请选择图片" }),
  alt: z.string().trim().max(100, "图片说明最多 100 字").default(""),
});
type Reply = { result: SubmissionResult<string[]>; formId: string; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id } = await requireManagerOf(request, "pages:manage", params.articleId, articleUnitId);
  if ((request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await parseUploadForm(request, { fileField: "image", textFields: ["alt"], maxFileBytes: MAX_IMAGE_BYTES, maxTextBytes: 1024 });
    } catch (e) {
      // Refused before its fields could be read (too large, not a form): the sentence is the file's.
      if (!isAppError(e)) throw e;
      return data<Reply>({ result: { status: "error", error: { image: [e.message] } }, formId: "image" }, { status: e.status });
    }
    const submission = parseWithZod(form, { schema: ImageSchema });
    if (submission.status !== "success") return data<Reply>({ result: submission.reply(), formId: "image" }, { status: 400 });
    try {
      await addArticleImage(user.id, id, submission.value.image, submission.value.alt);
    } catch (e) {
      return formRefusal(submission, e, { formId: "image" });
    }
    return data<Reply>({ result: submission.reply({ resetForm: true }), formId: "image", message: "图片已上传" });
  }
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), formId: "article" }, { status: 400 });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "update": {
        const outcome = await updateArticle(user.id, id, { title: input.title, body: input.body, pinned: input.pinned });
        return data<Reply>({ result: submission.reply(), formId: "article", message: outcome.published ? "文章已保存" : SUBMITTED_FOR_REVIEW });
      }
      case "archive": {
        const unitId = (await articleUnitId(id))!;
        await archiveArticle(user.id, id);
        return redirect(`/manage/pages/${unitId}`);
      }
      case "remove_image":
        await removeArticleImage(user.id, id, input.imageId);
        return data<Reply>({ result: submission.reply(), formId: "images", message: "图片已删除" });
    }
  } catch (e) {
    return formRefusal(submission, e, { formId: input.intent === "remove_image" ? "images" : "article" });
  }
}

export default function EditArticle() {
  const a = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const [form, fields] = useForm({
    id: "article",
    lastResult: reply?.formId === "article" ? reply.result : undefined,
    defaultValue: { title: a.title, body: a.body, pinned: a.pinned ? "on" : undefined },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateSchema }),
    shouldValidate: "onBlur",
  });
  const [imageForm, imageFields] = useForm({
    id: "image",
    lastResult: reply?.formId === "image" ? reply.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ImageSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link to={`/manage/pages/${a.column.unit.id}`} className="text-party underline">
          {a.column.unit.name} · 主页管理
        </Link>
        <span className="text-stone-500">
          {" "}
          · {a.column.name} · 阅读 {a.readCount}
        </span>
      </p>
      {reply?.message ? <Notice>{reply.message}</Notice> : null}
      {a.pendingEdits.length > 0 ? (
        <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm" role="note">
          <p>以下修改待审核，审核通过前读者看到的仍是已发布的内容：</p>
          <ul>
            {a.pendingEdits.map((e) => (
              <li key={e.id}>
                <Link to={`/manage/review/${e.id}`} className="text-party underline">
                  {e.title}
                </Link>{" "}
                · {e.author} · {e.submittedAt}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h1 className="text-lg font-bold">编辑文章</h1>
        <FormMessage messages={form.errors} />
        <input type="hidden" name="intent" value="update" />
        <input {...getInputProps(fields.title, { type: "text" })} aria-label="标题" className={inputClass} maxLength={MAX_TITLE_CHARS} required />
        <FieldError field={fields.title} />
        <textarea {...getTextareaProps(fields.body)} aria-label="正文" rows={12} className={inputClass} maxLength={MAX_BODY_CHARS} required />
        <FieldError field={fields.body} />
        <label className="flex items-center gap-2 text-sm">
          <input {...getInputProps(fields.pinned, { type: "checkbox" })} /> 置顶
        </label>
        <button type="submit" className={buttonClass}>
          保存
        </button>
      </Form>

      <section aria-labelledby="images-heading" className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h2 id="images-heading" className="font-bold">
          图片
        </h2>
        <ul className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {a.images.map((img) => (
            <li key={img.id} className="space-y-1">
              <img src={`/page-images/${img.id}`} width={img.width} height={img.height} alt={img.alt} className="h-auto w-full rounded" />
              <p className="text-xs text-stone-500">
                {img.width}×{img.height} · {Math.ceil(img.bytes / 1024)} KB
              </p>
              <Form method="post">
                <input type="hidden" name="intent" value="remove_image" />
                <button name="imageId" value={img.id} className={secondaryButtonClass}>
                  删除
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form method="post" encType="multipart/form-data" {...getFormProps(imageForm)} className="space-y-2">
          <FormMessage messages={imageForm.errors} />
          <Field label="上传图片（JPEG、PNG 或 WebP）" htmlFor={imageFields.image.id} errors={imageFields.image.errors} errorId={imageFields.image.errorId}>
            <input {...getInputProps(imageFields.image, { type: "file" })} accept="image/jpeg,image/png,image/webp" className="block w-full text-sm" required />
          </Field>
          <input
            {...getInputProps(imageFields.alt, { type: "text" })}
            aria-label="图片说明"
            placeholder="图片说明（可选）"
            className={inputClass}
            maxLength={100}
          />
          <FieldError field={imageFields.alt} />
          <button type="submit" className={buttonClass}>
            上传
          </button>
        </Form>
      </section>

      <Form method="post">
        <input type="hidden" name="intent" value="archive" />
        <button type="submit" className={secondaryButtonClass}>
          撤下文章
        </button>
      </Form>
    </div>
  );
}
