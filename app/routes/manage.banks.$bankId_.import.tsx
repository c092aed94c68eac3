import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { parseUploadForm } from "~/.server/http/upload";
import { MAX_BANK_UPLOAD_BYTES, confirmBankImport, dryRunBankImport } from "~/.server/quiz/bank-import";
import { getBank } from "~/.server/quiz/banks";
import { useHydrated } from "~/components/ui/use-hydrated";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { ImportChoices, ImportNotesTable, ImportProblemTable } from "~/components/ui/import-problems";
import { BANK_COLUMNS, type BankImportReport, MAX_BANK_ROWS, PROBLEM_ROWS_SHOWN, TYPE_LABELS, isClean } from "~/lib/bank-import";
import { type QuestionType } from "~/lib/quiz-grading";
import { isAppError } from "~/lib/app-error";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [{ title: `导入题目 · ${d?.bank.title ?? "题库"} · 网上党校` }];

const PICK_FILE = "请选择要导入的 .xlsx 或 .csv 文件";

const ImportSchema = z
  .object({
    intent: z.enum(["dryRun", "confirm"]).default("dryRun"),
    file: z.instanceof(File, { message: PICK_FILE }).refine((f) => f.size > 0, PICK_FILE),
    expectedHash: z.string().optional(),
    hidden: z.enum(["skip", "include"]).default("skip"),
    fill: z.enum(["split", "whole"]).default("split"),
  })
  .superRefine((v, ctx) => {
    if (v.intent === "confirm" && !/^[0-9a-f]{64}$/.test(v.expectedHash ?? "")) {
      ctx.addIssue({ code: "custom", path: ["file"], message: "请先预检，预检通过后再确认导入" });
    }
  });

async function bankInScope(request: Request, bankIdParam: string | undefined) {
  const bank = await getBank(Number(bankIdParam));
  if (!bank) throw new Response("题库不存在", { status: 404 });
  const user = await requirePermission(request, "banks:manage", bank.unitId);
  return { user, bank };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { bank } = await bankInScope(request, params.bankId);
  return { bank: { id: bank.id, title: bank.title }, maxMegabytes: MAX_BANK_UPLOAD_BYTES / 1024 / 1024, maxRows: MAX_BANK_ROWS };
}

type ActionData = {
  result: SubmissionResult<string[]>;
  intent: "dryRun" | "confirm" | null;
  report: BankImportReport | null;
  imported: number | null;
};

const fileError = (message: string): SubmissionResult<string[]> => ({ status: "error", error: { file: [message] } });

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, bank } = await bankInScope(request, params.bankId);
  let formData: FormData;
  try {
    formData = await parseUploadForm(request, {
      fileField: "file",
      textFields: ["intent", "expectedHash", "hidden", "fill"],
      maxFileBytes: MAX_BANK_UPLOAD_BYTES,
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
  const { intent, file, expectedHash, hidden, fill } = submission.value;
  const upload = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  try {
    if (intent === "dryRun") {
      const report = await dryRunBankImport(bank, upload, { hidden, fill });
      return data<ActionData>({ result: submission.reply(), intent, report, imported: null });
    }
    const outcome = await confirmBankImport(user.id, bank, upload, expectedHash!, { hidden, fill });
    if (outcome.ok) return data<ActionData>({ result: submission.reply({ resetForm: true }), intent, report: null, imported: outcome.imported });
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

export default function BankImportPage() {
  const { bank, maxMegabytes, maxRows } = useLoaderData<typeof loader>();
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
        <h1 className="text-xl font-bold">导入题目：{bank.title}</h1>
        <Link to={`/manage/banks/${bank.id}`} className={`${secondaryButtonClass} ml-auto`}>
          返回题库
        </Link>
      </div>

      <section className="mb-4 rounded-lg bg-white p-4 text-sm text-stone-700 shadow">
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            下载
            <a href="/manage/banks/import-template" className="mx-1 text-party underline" download>
              Excel 导入模板
            </a>
            按列填写（已有的 Excel 题库，第一行列名与模板一致即可；从本系统导出的文件也可直接导入到其他题库）。
          </li>
          <li>选择填好的文件，点“预检”。系统逐行检查，列出每一行的问题，此时不会写入任何数据。</li>
          <li>全部通过后点“确认导入”：所有题目一次写入，任何一行出错则全部不写入。</li>
        </ol>
        <p className="mt-2 text-stone-500">
          支持 .xlsx 和 .csv（UTF-8 或 GBK 编码），单个文件不超过 {maxMegabytes} MB，最多 {maxRows} 题。
        </p>
        <details className="mt-2">
          <summary className="cursor-pointer text-party">各列填写说明</summary>
          <table className="mt-2 w-full text-left text-sm">
            <thead className="bg-stone-100 text-stone-600">
              <tr>
                <th className="px-2 py-1">列名</th>
                <th className="px-2 py-1">必填</th>
                <th className="px-2 py-1">填写说明</th>
              </tr>
            </thead>
            <tbody>
              {BANK_COLUMNS.map((c) => (
                <tr key={c.key} className="border-t border-stone-100">
                  <td className="whitespace-nowrap px-2 py-1">{c.header}</td>
                  <td className="px-2 py-1">{c.required ? "是" : ""}</td>
                  <td className="px-2 py-1">{c.hint}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>

      {actionData?.imported ? (
        <Notice>
          已导入 {actionData.imported} 道题目。
          <Link to={`/manage/banks/${bank.id}`} className="ml-2 underline">
            查看题库
          </Link>
        </Notice>
      ) : null}

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
        {report ? (
          <ImportChoices
            hiddenRowCount={report.hiddenRowCount}
            fills={report.ambiguousFillCount}
            chosen={{ hidden: fields.hidden.initialValue as string | undefined, fill: fields.fill.initialValue as string | undefined }}
          />
        ) : null}
        {clean ? <input type="hidden" name="expectedHash" value={report.sha256} /> : null}
        <button type="submit" name="intent" value="dryRun" className={clean ? secondaryButtonClass : buttonClass} disabled={busy}>
          {busy && navigation.formData?.get("intent") === "dryRun" ? "正在预检…" : "预检"}
        </button>
        {clean ? (
          <div className="mt-4 border-t border-stone-200 pt-4">
            <p className="mb-3 text-sm text-green-800">预检通过：共 {report.total} 题，可以导入。</p>
            {!hydrated ? <p className="mb-2 text-sm text-amber-800">提交后文件选择已被浏览器清空：请重新选择同一个文件后再确认导入。</p> : null}
            <button type="submit" name="intent" value="confirm" className={buttonClass} disabled={busy}>
              {busy && navigation.formData?.get("intent") === "confirm" ? "正在导入…" : `确认导入 ${report.total} 题`}
            </button>
          </div>
        ) : null}
      </Form>

      {report ? <ReportView report={report} /> : null}
    </div>
  );
}

function ReportView({ report }: { report: BankImportReport }) {
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
          <ImportNotesTable rows={report.rowNotes} columns={[{ label: "题干", cell: (r) => r.stem }]} />
        </details>
      ) : null}
      {report.problemRows.length ? (
        <>
          {report.problemRowCount > report.problemRows.length ? (
            <p className="mb-2 text-sm text-stone-600">仅列出前 {PROBLEM_ROWS_SHOWN} 行有问题的记录，修改后请重新预检。</p>
          ) : null}
          <ImportProblemTable rows={report.problemRows} columns={[{ label: "题干", cell: (r) => r.stem }]} />
        </>
      ) : null}
      {clean ? (
        <>
          <p className="mb-2 text-sm text-stone-600">
            {Object.entries(report.byType)
              .map(([k, n]) => `${TYPE_LABELS[k as QuestionType]} ${n} 题`)
              .join("，")}
            。以下为前 {report.preview.length} 题预览：
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="bg-stone-100 text-stone-600">
                <tr>
                  {["行号", "编号", "题型", "题干", "选项", "答案"].map((h) => (
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
                    <td className="px-2 py-1 font-mono">{r.key}</td>
                    <td className="whitespace-nowrap px-2 py-1">{r.type}</td>
                    <td className="px-2 py-1">{r.stem}</td>
                    <td className="px-2 py-1">
                      {r.options.map((o) => (
                        <div key={o}>{o}</div>
                      ))}
                    </td>
                    <td className="px-2 py-1">{r.answer}</td>
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
