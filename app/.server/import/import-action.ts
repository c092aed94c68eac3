import { parseWithZod } from "~/lib/zod-form";
import { data } from "@remix-run/node";
import { type z } from "zod";
import { isAppError } from "~/lib/app-error";
import { type ImportReply } from "~/lib/import-form";
import { type UploadedFile } from "../http/spreadsheet";
import { parseUploadForm } from "../http/upload";

// The action of every spreadsheet import page, written once: read the upload within the page's limit,
// parse the form, then dry-run it (a report, nothing written) or confirm it (the file that passed, all
// rows or none). A page brings its limits, its schema and its two domain calls.

type ConfirmOutcome<Report, Done extends { ok: true }> = Done | { ok: false; reason: "changed" } | { ok: false; reason: "problems"; report: Report };

type ImportSteps<Schema extends z.ZodType<{ intent: "dryRun" | "confirm"; file: File; expectedHash?: string }>, Report, Done extends { ok: true }> = {
  schema: Schema;
  maxFileBytes: number;
  /** The dry run's questions the form carries (e.g. `hidden`), read as text fields of the upload. */
  choiceFields: string[];
  dryRun: (upload: UploadedFile, input: z.output<Schema>) => Promise<Report>;
  confirm: (upload: UploadedFile, expectedHash: string, input: z.output<Schema>) => Promise<ConfirmOutcome<Report, Done>>;
};

// The upload and spreadsheet readers (and the import's domain) refuse a file with an AppError whose
// sentence belongs beside the file field.

export async function importAction<
  Schema extends z.ZodType<{ intent: "dryRun" | "confirm"; file: File; expectedHash?: string }>,
  Report,
  Done extends { ok: true },
>(request: Request, steps: ImportSteps<Schema, Report, Done>) {
  // What was imported goes back to the page; the confirmation's own report stays on the server.
  type Reply = ImportReply<Report, Omit<Done, "ok" | "report">>;
  let formData: FormData;
  try {
    formData = await parseUploadForm(request, {
      fileField: "file",
      textFields: ["intent", "expectedHash", ...steps.choiceFields],
      maxFileBytes: steps.maxFileBytes,
      tooLargeHint: "请拆分后分批导入",
    });
  } catch (e) {
    if (!isAppError(e)) throw e;
    return data<Reply>({ result: { status: "error", error: { file: [e.message] } }, intent: null, report: null, done: null }, { status: e.status });
  }
  const submission = parseWithZod(formData, { schema: steps.schema });
  if (submission.status !== "success") return data<Reply>({ result: submission.reply(), intent: null, report: null, done: null }, { status: 400 });
  const input = submission.value;
  const { intent } = input;
  const upload = { name: input.file.name, bytes: new Uint8Array(await input.file.arrayBuffer()) };
  const fileRefused = (message: string) =>
    data<Reply>({ result: submission.reply({ fieldErrors: { file: [message] } }), intent, report: null, done: null }, { status: 400 });
  try {
    if (intent === "dryRun") {
      return data<Reply>({ result: submission.reply(), intent, report: await steps.dryRun(upload, input), done: null });
    }
    const outcome = await steps.confirm(upload, input.expectedHash!, input);
    if (outcome.ok) {
      const { ok: _, report: __, ...done } = outcome as Done & { report?: unknown };
      return data<Reply>({ result: submission.reply({ resetForm: true }), intent, report: null, done });
    }
    if (outcome.reason === "changed") return fileRefused("所选文件与预检时的文件不一致，请重新预检");
    return data<Reply>({ result: submission.reply(), intent, report: outcome.report, done: null }, { status: 400 });
  } catch (e) {
    if (!isAppError(e)) throw e;
    return fileRefused(e.message);
  }
}
