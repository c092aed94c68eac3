import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requirePermission, requireUser } from "~/.server/auth/guard";
import { formRefusal, orRefuse } from "~/.server/http/refusal";
import { idParam } from "~/.server/http/request-params";
import { parseUploadForm } from "~/.server/http/upload";
import { createFolder, deleteDocument, libraryPage, uploadDocument } from "~/.server/library/documents";
import { DocumentRow } from "~/components/library/document-row";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { isAppError } from "~/lib/app-error";
import { AUDIENCES, AUDIENCE_LABELS, DOCUMENT_FIELD, LibraryFormSchema, MAX_DOCUMENT_BYTES } from "~/lib/library";
import { REVIEW_STATE_LABELS, type ReviewState, SUBMITTED_FOR_REVIEW } from "~/lib/review-rules";
import { POLITICAL_STATUSES, POLITICAL_STATUS_LABELS } from "~/lib/vocabulary";
import { pageMeta } from "~/lib/page-meta";

// A unit's document library: /org/:unitId/documents. Anyone signed in opens it and sees the documents
// whose audience admits them (decision 050); a manager of the unit (`documents:manage`) sees all of
// them and uploads, makes folders and deletes. Every form posts multipart, so one reader serves them.

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.unit.name ?? "文件"} · 文件下载 · 网上党校`);

const unitIdOf = (raw: string | undefined) => idParam(raw, "组织不存在");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return orRefuse(() => libraryPage(user, unitIdOf(params.unitId)));
}

type Reply = { result: SubmissionResult<string[]>; intent: string | null; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const unitId = unitIdOf(params.unitId);
  // Authorise before reading the body: outside the scope, 403 whatever was posted.
  const user = await requirePermission(request, "documents:manage", unitId);
  let form: FormData;
  try {
    form = await parseUploadForm(request, {
      fileField: DOCUMENT_FIELD,
      textFields: ["intent", "title", "folderId", "audience", "statuses", "name", "documentId"],
      maxFileBytes: MAX_DOCUMENT_BYTES,
    });
  } catch (e) {
    if (!isAppError(e)) throw e;
    return data<Reply>({ result: { status: "error", error: { [DOCUMENT_FIELD]: [e.message] } }, intent: "upload" }, { status: e.status });
  }
  const posted = form.get("intent");
  const intent = typeof posted === "string" ? posted : null;
  const submission = parseWithZod(form, { schema: LibraryFormSchema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), intent }, { status: 400 });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "folder":
        await createFolder(user, unitId, input.name);
        return data<Reply>({ result: submission.reply({ resetForm: true }), intent, message: "文件夹已建立" });
      case "upload": {
        const file = form.get(DOCUMENT_FIELD);
        const uploaded = await uploadDocument(user, unitId, input, file instanceof File ? file : null);
        const message = uploaded.reviewItemId === null ? "文件已上传，正文检索将在后台建立" : SUBMITTED_FOR_REVIEW;
        return data<Reply>({ result: submission.reply({ resetForm: true }), intent, message });
      }
      case "delete":
        await deleteDocument(user, unitId, input.documentId);
        return data<Reply>({ result: submission.reply({ resetForm: true }), intent, message: "文件已删除" });
    }
  } catch (e) {
    return formRefusal(submission, e, { intent });
  }
}

export default function UnitLibrary() {
  const { unit, canManage, folders, levels, documents, pending } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const loose = documents.filter((d) => d.folderId === null || !folders.some((f) => f.id === d.folderId));
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <nav className="flex flex-wrap gap-2 text-sm" aria-label="我的组织">
        {levels.map((l) => (
          <Link key={l.id} to={`/org/${l.id}/documents`} className={l.id === unit.id ? "font-bold" : "text-party hover:underline"}>
            {l.name}
          </Link>
        ))}
      </nav>
      <h1 className="text-xl font-bold">{unit.name} · 文件下载</h1>
      <Form method="get" action="/documents/search" className="flex gap-2">
        <input type="hidden" name="unit" value={unit.id} />
        <input name="q" aria-label="搜索文件" placeholder="搜索标题和正文" className={inputClass} maxLength={100} />
        <button type="submit" className={buttonClass}>
          搜索
        </button>
      </Form>
      {reply && "message" in reply && reply.message ? <Notice>{reply.message}</Notice> : null}
      {pending.length ? (
        <section className="space-y-1 rounded-lg bg-amber-50 p-3 text-sm" aria-label="我上传待审核的文件">
          <h2 className="font-bold">我上传待审核的文件（读者暂时看不到）</h2>
          <ul>
            {pending.map((i) => (
              <li key={i.id}>
                <span className="mr-1 rounded bg-stone-200 px-1.5 py-0.5 text-xs">{REVIEW_STATE_LABELS[i.state as ReviewState]}</span>
                <Link to={`/manage/review/${i.id}`} className="text-party underline">
                  {i.title}
                </Link>
                {i.reason ? <span className="ml-2 text-red-800">{`退回理由：${i.reason}`}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {documents.length === 0 ? <p className="text-sm text-stone-500">这里还没有您可以查看的文件。</p> : null}
      {folders.map((f) => {
        const inFolder = documents.filter((d) => d.folderId === f.id);
        return inFolder.length || canManage ? (
          <section key={f.id} className="space-y-2">
            <h2 className="font-bold">📁 {f.name}</h2>
            <DocumentList documents={inFolder} canManage={canManage} />
          </section>
        ) : null;
      })}
      {loose.length ? <DocumentList documents={loose} canManage={canManage} /> : null}
      {canManage ? <ManageForms folders={folders} reply={reply} /> : null}
    </div>
  );
}

function DocumentList({ documents, canManage }: { documents: ReturnType<typeof useLoaderData<typeof loader>>["documents"]; canManage: boolean }) {
  return (
    <ul className="space-y-2">
      {documents.map((d) => (
        <DocumentRow key={d.id} doc={d}>
          {canManage ? (
            <Form method="post" encType="multipart/form-data">
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="documentId" value={d.id} />
              <button type="submit" className="text-xs text-red-700 hover:underline">
                删除
              </button>
            </Form>
          ) : null}
        </DocumentRow>
      ))}
    </ul>
  );
}

function ManageForms({ folders, reply }: { folders: { id: number; name: string }[]; reply: Reply | undefined }) {
  const [upload, fields] = useForm({
    id: "upload",
    lastResult: reply?.intent === "upload" ? reply.result : undefined,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LibraryFormSchema }),
    defaultValue: { intent: "upload", audience: "subtree" },
  });
  const [folder, folderFields] = useForm({
    id: "folder",
    lastResult: reply?.intent === "folder" ? reply.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LibraryFormSchema }),
  });
  const fileErrors = (upload.allErrors as Record<string, string[] | undefined>)[DOCUMENT_FIELD];
  return (
    <section className="space-y-4 rounded-lg bg-white p-4 shadow">
      <Form method="post" encType="multipart/form-data" {...getFormProps(upload)}>
        <h2 className="mb-2 font-bold">上传文件</h2>
        <input type="hidden" name="intent" value="upload" />
        <FormMessage messages={upload.errors} />
        <Field
          label={`文件（PDF、Word .docx、Excel .xlsx，不超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB）`}
          htmlFor="upload-file"
          errors={fileErrors}
          errorId="upload-file-error"
        >
          <input id="upload-file" name={DOCUMENT_FIELD} type="file" required className="block w-full text-sm" accept=".pdf,.docx,.xlsx" />
        </Field>
        <Field label="标题（可选，默认用文件名）" htmlFor={fields.title.id} errors={fields.title.errors} errorId={fields.title.errorId}>
          <input {...getInputProps(fields.title, { type: "text" })} className={inputClass} maxLength={120} />
        </Field>
        {folders.length ? (
          <Field label="文件夹" htmlFor={fields.folderId.id} errors={fields.folderId.errors} errorId={fields.folderId.errorId}>
            <select {...getSelectProps(fields.folderId)} className={inputClass}>
              <option value="">（不放入文件夹）</option>
              {folders.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <fieldset className="mb-4">
          <legend className="mb-1 text-sm font-medium text-stone-700">谁可以查看</legend>
          {AUDIENCES.map((a) => (
            <label key={a} className="block text-sm">
              <input type="radio" name={fields.audience.name} value={a} defaultChecked={fields.audience.initialValue === a} /> {AUDIENCE_LABELS[a]}
            </label>
          ))}
          <div className="mt-1 flex flex-wrap gap-3 pl-5 text-sm">
            {POLITICAL_STATUSES.map((s) => (
              <label key={s}>
                <input type="checkbox" name={fields.statuses.name} value={s} /> {POLITICAL_STATUS_LABELS[s]}
              </label>
            ))}
          </div>
          {fields.statuses.errors?.length ? (
            <p id={fields.statuses.errorId} className="mt-1 text-sm text-red-700" role="alert">
              {fields.statuses.errors.join("；")}
            </p>
          ) : null}
        </fieldset>
        <button type="submit" className={buttonClass}>
          上传
        </button>
      </Form>
      <Form method="post" encType="multipart/form-data" {...getFormProps(folder)} className="flex flex-wrap items-start gap-2">
        <input type="hidden" name="intent" value="folder" />
        <div className="flex-1">
          <Field label="新建文件夹" htmlFor={folderFields.name.id} errors={folderFields.name.errors} errorId={folderFields.name.errorId}>
            <input {...getInputProps(folderFields.name, { type: "text" })} className={inputClass} maxLength={40} />
          </Field>
        </div>
        <button type="submit" className={`${secondaryButtonClass} mt-6`}>
          建立
        </button>
      </Form>
    </section>
  );
}
