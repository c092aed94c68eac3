import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { parseUploadForm } from "~/.server/http/upload";
import { type ImportedUnit, MAX_UPLOAD_BYTES, confirmImport, dryRunImport } from "~/.server/org/people-import";
import { useHydrated } from "~/components/ui/use-hydrated";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { ImportChoices, ImportNotesTable, ImportProblemTable } from "~/components/ui/import-problems";
import { IMPORT_COLUMNS, type ImportReport, MAX_IMPORT_ROWS, PROBLEM_ROWS_SHOWN, isClean } from "~/lib/people-import";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";
import { isAppError } from "~/lib/app-error";

export const meta: MetaFunction = () => [{ title: "批量导入人员 · 网上党校" }];

const PICK_FILE = "请选择要导入的 .xlsx 或 .csv 文件";

const ImportSchema = z
  .object({
    intent: z.enum(["dryRun", "confirm"]).default("dryRun"),
    file: z.instanceof(File, { message: PICK_FILE }).refine((f) => f.size > 0, PICK_FILE),
    expectedHash: z.string().optional(),
    hidden: z.enum(["skip", "include"]).default("skip"),
  })
  .superRefine((v, ctx) => {
    if (v.intent !== "confirm") return;
    if (!/^[0-9a-f]{64}$/.test(v.expectedHash ?? "")) ctx.addIssue({ code: "custom", path: ["file"], message: "请先预检，预检通过后再确认导入" });
  });

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "people:import");
  return { maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024, maxRows: MAX_IMPORT_ROWS };
}

type ActionData = {
  result: SubmissionResult<string[]>;
  intent: "dryRun" | "confirm" | null;
  report: ImportReport | null;
  imported: number | null;
  units?: ImportedUnit[];
};

function fileError(message: string): SubmissionResult<string[]> {
  return { status: "error", error: { file: [message] } };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "people:import");
  let formData: FormData;
  try {
    formData = await parseUploadForm(request, {
      fileField: "file",
      textFields: ["intent", "expectedHash", "hidden"],
      maxFileBytes: MAX_UPLOAD_BYTES,
      tooLargeHint: "请拆分后分批导入",
    });
  } catch (e) {
    if (!isAppError(e)) throw e;
    return data<ActionData>({ result: fileError(e.message), intent: null, report: null, imported: null }, { status: e.status });
  }
  const submission = parseWithZod(formData, { schema: ImportSchema });
  if (submission.status !== "success") {
    return data<ActionData>({ result: submission.reply(), intent: null, report: null, imported: null }, { status: 400 });
  }
  const { intent, file, expectedHash, hidden } = submission.value;
  const upload = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  try {
    if (intent === "dryRun") {
      const report = await dryRunImport(user, upload, { hidden });
      return data<ActionData>({ result: submission.reply(), intent, report, imported: null });
    }
    const outcome = await confirmImport(user, upload, expectedHash, { hidden });
    if (outcome.ok) {
      return data<ActionData>({ result: submission.reply({ resetForm: true }), intent, report: null, imported: outcome.imported, units: outcome.units });
    }
    if (outcome.reason === "changed") {
      return data<ActionData>(
        { result: submission.reply({ fieldErrors: { file: ["所选文件与预检时的文件不一致，请重新预检"] } }), intent, report: null, imported: null },
        { status: 400 },
      );
    }
    return data<ActionData>({ result: submission.reply(), intent, report: outcome.report, imported: null }, { status: 400 });
  } catch (e) {
    if (!isAppError(e)) throw e;
    return data<ActionData>({ result: submission.reply({ fieldErrors: { file: [e.message] } }), intent, report: null, imported: null }, { status: 400 });
  }
}

export default function PeopleImportPage() {
  const { maxMegabytes, maxRows } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const hydrated = useHydrated();
  const busy = navigation.state === "submitting";
  const report = actionData?.report ?? null;
  const clean = report !== null && actionData?.intent === "dryRun" && isClean(report);
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ImportSchema }),
  });

  return (
    <div className="max-w-5xl">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-bold">批量导入人员</h1>
        <Link to="/manage/people" className={`${secondaryButtonClass} ml-auto`}>
          返回人员管理
        </Link>
      </div>

      <section className="mb-4 rounded-lg bg-white p-4 text-sm text-stone-700 shadow">
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            下载导入模板，按列填写（也可直接使用已有的 Excel 名单，第一行列名与模板一致即可）：
            <a href="/manage/people/import-template/xlsx" className="mx-1 text-party underline" download>
              Excel 模板（.xlsx）
            </a>
            <a href="/manage/people/import-template/csv" className="mx-1 text-party underline" download>
              CSV 模板
            </a>
          </li>
          <li>选择填好的文件，点“预检”。系统逐行检查，列出每一行的问题，此时不会写入任何数据。</li>
          <li>全部通过后点“确认导入”：所有行一次写入，任何一行出错则全部不写入。</li>
          <li>导入的账号没有密码：为他们生成一次性激活码（按党支部打印通知单或导出 Excel），本人凭激活码设置自己的密码。</li>
        </ol>
        <p className="mt-2 text-stone-500">
          支持 .xlsx 和 .csv（UTF-8 或 GBK 编码），单个文件不超过 {maxMegabytes} MB，最多 {maxRows} 行。只能导入到您管理范围内的党组织。
        </p>
        <details className="mt-2">
          <summary className="cursor-pointer text-party">各列填写说明</summary>
          <div className="mt-2 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="bg-stone-100 text-stone-600">
                <tr>
                  <th className="px-2 py-1">列名</th>
                  <th className="px-2 py-1">必填</th>
                  <th className="px-2 py-1">填写说明</th>
                </tr>
              </thead>
              <tbody>
                {IMPORT_COLUMNS.map((c) => (
                  <tr key={c.key} className="border-t border-stone-100">
                    <td className="whitespace-nowrap px-2 py-1">{c.header}</td>
                    <td className="px-2 py-1">{c.required ? "是" : ""}</td>
                    <td className="px-2 py-1">{c.hint}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      {actionData?.imported ? <ImportedNotice imported={actionData.imported} units={actionData.units ?? []} /> : null}

      <Form
        method="post"
        encType="multipart/form-data"
        {...getFormProps(form)}
        key={actionData?.imported ? `imported-${actionData.imported}` : "import"}
        className="mb-4 rounded-lg bg-white p-4 shadow"
      >
        <FormMessage messages={form.errors} />
        <Field label="导入文件（.xlsx 或 .csv）" htmlFor={fields.file.id} errors={fields.file.errors} errorId={fields.file.errorId}>
          <input
            {...getInputProps(fields.file, { type: "file" })}
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            className={inputClass}
          />
        </Field>
        {report ? <ImportChoices hiddenRowCount={report.hiddenRowCount} chosen={{ hidden: fields.hidden.initialValue as string | undefined }} /> : null}
        {clean ? <input type="hidden" name="expectedHash" value={report.sha256} /> : null}
        <button type="submit" name="intent" value="dryRun" className={clean ? secondaryButtonClass : buttonClass} disabled={busy}>
          {busy && navigation.formData?.get("intent") === "dryRun" ? "正在预检…" : "预检"}
        </button>

        {clean ? (
          <div className="mt-4 border-t border-stone-200 pt-4">
            <p className="mb-3 text-sm text-green-800">预检通过：共 {report.total} 行，可以导入。</p>
            {!hydrated ? <p className="mb-2 text-sm text-amber-800">提交后文件选择已被浏览器清空：请重新选择同一个文件后再确认导入。</p> : null}
            <button type="submit" name="intent" value="confirm" className={buttonClass} disabled={busy}>
              {busy && navigation.formData?.get("intent") === "confirm" ? "正在导入…" : `确认导入 ${report.total} 人`}
            </button>
          </div>
        ) : null}
      </Form>

      {report ? <ReportView report={report} /> : null}
    </div>
  );
}

/** After an import: the people have no password yet, so the page leads to their activation codes, unit by unit. */
function ImportedNotice({ imported, units }: { imported: number; units: ImportedUnit[] }) {
  return (
    <Notice>
      <p>已导入 {imported} 人。导入的账号尚未激活：请为他们生成激活码，按党支部打印通知单或导出 Excel 分发给本人。</p>
      <ul className="mt-1 space-y-1" aria-label="生成激活码">
        {units.map((u) => (
          <li key={u.id}>
            <Link to={`/manage/people/activation?unitId=${u.id}`} className="underline">
              为{u.name}的 {u.people} 人生成激活码
            </Link>
          </li>
        ))}
      </ul>
    </Notice>
  );
}

function ReportView({ report }: { report: ImportReport }) {
  const clean = isClean(report);
  return (
    <section aria-label="预检结果" className="rounded-lg bg-white p-4 shadow">
      <h2 className="mb-2 font-semibold">预检结果：{report.fileName}</h2>
      {report.fileProblems.length ? <FormMessage messages={report.fileProblems} /> : null}
      {report.fileProblems.length === 0 ? (
        <p className="mb-2 text-sm" data-testid="import-summary">
          共 {report.total} 行，{report.problemRowCount} 行有问题
        </p>
      ) : null}
      {report.notes.map((n) => (
        <p key={n} className="mb-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {n}
        </p>
      ))}

      {report.rowNotes.length ? (
        <details className="mb-2 text-sm" open={report.rowNotes.length <= 20}>
          <summary className="cursor-pointer text-stone-700">{report.rowNotes.length} 行按以下方式读取，请核对</summary>
          <ImportNotesTable rows={report.rowNotes} columns={[{ label: "姓名", cell: (r) => r.name }]} />
        </details>
      ) : null}
      {report.problemRows.length ? (
        <>
          {report.problemRowCount > report.problemRows.length ? (
            <p className="mb-2 text-sm text-stone-600">仅列出前 {PROBLEM_ROWS_SHOWN} 行有问题的记录，修改后请重新预检。</p>
          ) : null}
          <ImportProblemTable
            rows={report.problemRows}
            columns={[
              { label: "学号/工号", cell: (r) => r.number, mono: true },
              { label: "姓名", cell: (r) => r.name },
            ]}
          />
        </>
      ) : null}

      {clean ? (
        <>
          <p className="mb-2 text-sm text-stone-600">
            {Object.entries(report.byStatus)
              .map(([k, n]) => `${POLITICAL_STATUS_LABELS[k as PoliticalStatus]} ${n} 人`)
              .join("，")}
            。以下为前 {report.preview.length} 行预览：
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="bg-stone-100 text-stone-600">
                <tr>
                  {["行号", "学号/工号", "姓名", "性别", "人员类别", "所在党组织", "政治面貌", "起始日期", "发展经历", "干部级别", "支委"].map((h) => (
                    <th key={h} className="whitespace-nowrap px-2 py-1">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.preview.map((r) => (
                  <tr key={r.rowNumber} className="border-t border-stone-100" data-testid="preview-row">
                    <td className="px-2 py-1 font-mono">{r.rowNumber}</td>
                    <td className="px-2 py-1 font-mono">{r.number}</td>
                    <td className="px-2 py-1">{r.name}</td>
                    <td className="px-2 py-1">{r.gender}</td>
                    <td className="px-2 py-1">{r.category}</td>
                    <td className="px-2 py-1">{r.unit}</td>
                    <td className="px-2 py-1">{r.politicalStatus}</td>
                    <td className="whitespace-nowrap px-2 py-1">{r.statusSince}</td>
                    <td className="px-2 py-1">{r.history}</td>
                    <td className="px-2 py-1">{r.cadreLevel}</td>
                    <td className="px-2 py-1">{r.committee}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
