import { type SubmissionResult, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { Form, Link, useNavigation } from "@remix-run/react";
import { type ReactNode } from "react";
import { type ZodType } from "zod";
import { Field, FormMessage, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { ImportChoices, ImportNotesTable, ImportProblemTable, type NoteRow, type ProblemRow } from "~/components/ui/import-problems";
import { useHydrated } from "~/components/ui/use-hydrated";
import { type ReportBasics } from "~/lib/import-form";

// The page of every spreadsheet import (people, a bank's questions), written once: the heading, the
// steps with the column help, the upload form with its dry run and confirmation, and the dry run's
// report. A page brings its words, its columns and how a previewed row reads.

export function ImportHeading({ title, back }: { title: string; back: { to: string; label: string } }) {
  return (
    <div className="mb-3 flex flex-wrap items-center gap-2">
      <h1 className="text-xl font-bold">{title}</h1>
      <Link to={back.to} className={`${secondaryButtonClass} ml-auto`}>
        {back.label}
      </Link>
    </div>
  );
}

type ColumnHelp = { key: string; header: string; required: boolean; hint: string };

/** How to import: the template, dry run, confirm (all or nothing), what else to know; then each column explained. */
export function ImportSteps({
  template,
  what,
  after,
  limits,
  columns,
}: {
  template: ReactNode;
  what: string;
  after?: ReactNode;
  limits: ReactNode;
  columns: readonly ColumnHelp[];
}) {
  return (
    <section className="mb-4 rounded-lg bg-white p-4 text-sm text-stone-700 shadow">
      <ol className="list-decimal space-y-1 pl-5">
        <li>{template}</li>
        <li>选择填好的文件，点“预检”。系统逐行检查，列出每一行的问题，此时不会写入任何数据。</li>
        <li>全部通过后点“确认导入”：{what}一次写入，任何一行出错则全部不写入。</li>
        {after ? <li>{after}</li> : null}
      </ol>
      <p className="mt-2 text-stone-500">{limits}</p>
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
              {columns.map((c) => (
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
  );
}

/**
 * The upload form: the file, the dry run's questions, "预检"; once a dry run is clean, its hash and the
 * confirmation. Without script the browser empties the file field after a post, so the page says so.
 */
export function ImportForm({
  schema,
  lastResult,
  report,
  clean,
  fills,
  importedKey,
  rowWord,
  confirmWord,
}: {
  schema: ZodType;
  lastResult: SubmissionResult<string[]> | undefined;
  report: (ReportBasics & { sha256: string }) | null;
  clean: boolean;
  /** Fill-in answers the dry run asks about (bank imports). */
  fills?: number;
  /** Changes after each import, so the form starts empty again. */
  importedKey: string;
  /** What a row of the file is ("行", "题") and what the confirmation imports ("人", "题"). */
  rowWord: string;
  confirmWord: string;
}) {
  const navigation = useNavigation();
  const hydrated = useHydrated();
  const busy = navigation.state === "submitting";
  const [form, fields] = useForm<Record<string, unknown>>({
    lastResult,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: schema as ZodType<Record<string, unknown>> }),
  });
  const chosen = (name: string) => fields[name]?.initialValue as string | undefined;
  const sending = (intent: string) => busy && navigation.formData?.get("intent") === intent;
  return (
    <Form method="post" encType="multipart/form-data" {...getFormProps(form)} key={importedKey} className="mb-4 rounded-lg bg-white p-4 shadow">
      <FormMessage messages={form.errors} />
      <Field label="导入文件（.xlsx 或 .csv）" htmlFor={fields.file.id} errors={fields.file.errors} errorId={fields.file.errorId}>
        <input
          {...getInputProps(fields.file, { type: "file" })}
          accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          className={inputClass}
        />
      </Field>
      {report ? <ImportChoices hiddenRowCount={report.hiddenRowCount} fills={fills} chosen={{ hidden: chosen("hidden"), fill: chosen("fill") }} /> : null}
      {clean && report ? <input type="hidden" name="expectedHash" value={report.sha256} /> : null}
      <button type="submit" name="intent" value="dryRun" className={clean ? secondaryButtonClass : buttonClass} disabled={busy}>
        {sending("dryRun") ? "正在预检…" : "预检"}
      </button>
      {clean && report ? (
        <div className="mt-4 border-t border-stone-200 pt-4">
          <p className="mb-3 text-sm text-green-800">
            预检通过：共 {report.total} {rowWord}，可以导入。
          </p>
          {!hydrated ? <p className="mb-2 text-sm text-amber-800">提交后文件选择已被浏览器清空：请重新选择同一个文件后再确认导入。</p> : null}
          <button type="submit" name="intent" value="confirm" className={buttonClass} disabled={busy}>
            {sending("confirm") ? "正在导入…" : `确认导入 ${report.total} ${confirmWord}`}
          </button>
        </div>
      ) : null}
    </Form>
  );
}

type Column<R> = { label: string; cell: (row: R) => ReactNode; mono?: boolean };

type DryRunReport<P extends ProblemRow, N extends NoteRow, V> = ReportBasics & { problemRows: P[]; rowNotes: N[]; preview: V[] };

/** The dry run's findings: file problems, notes, rows read in a particular way, rows with problems; when clean, a preview. */
export function ImportReport<P extends ProblemRow, N extends NoteRow, V extends { rowNumber: number }>({
  report,
  clean,
  shown,
  problemColumns,
  noteColumns,
  breakdown,
  previewWord,
  previewHeaders,
  previewCells,
}: {
  report: DryRunReport<P, N, V>;
  clean: boolean;
  /** How many problem rows a report lists at most. */
  shown: number;
  problemColumns: Column<P>[];
  noteColumns: Column<N>[];
  /** The clean file's rows counted by kind ("入党积极分子 3 人，…"). */
  breakdown: string;
  previewWord: string;
  previewHeaders: string[];
  previewCells: (row: V) => ReactNode;
}) {
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
          <ImportNotesTable rows={report.rowNotes} columns={noteColumns} />
        </details>
      ) : null}
      {report.problemRows.length ? (
        <>
          {report.problemRowCount > report.problemRows.length ? (
            <p className="mb-2 text-sm text-stone-600">仅列出前 {shown} 行有问题的记录，修改后请重新预检。</p>
          ) : null}
          <ImportProblemTable rows={report.problemRows} columns={problemColumns} />
        </>
      ) : null}
      {clean ? (
        <>
          <p className="mb-2 text-sm text-stone-600">
            {breakdown}。以下为前 {report.preview.length} {previewWord}预览：
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="bg-stone-100 text-stone-600">
                <tr>
                  {previewHeaders.map((h) => (
                    <th key={h} className="whitespace-nowrap px-2 py-1">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.preview.map((r) => (
                  <tr key={r.rowNumber} className="border-t border-stone-100" data-testid="preview-row">
                    {previewCells(r)}
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
