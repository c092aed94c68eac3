import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { importAction } from "~/.server/import/import-action";
import { MAX_BANK_UPLOAD_BYTES, confirmBankImport, dryRunBankImport } from "~/.server/quiz/bank-import";
import { getBank } from "~/.server/quiz/banks";
import { ImportForm, ImportHeading, ImportReport, ImportSteps } from "~/components/import/import-page";
import { Notice } from "~/components/ui/form";
import { BANK_COLUMNS, MAX_BANK_ROWS, PROBLEM_ROWS_SHOWN, TYPE_LABELS, isClean } from "~/lib/bank-import";
import { HIDDEN_ROWS_CHOICE, importFormSchema } from "~/lib/import-form";
import { type QuestionType } from "~/lib/quiz-grading";
import { pageMeta } from "~/lib/page-meta";

// Questions imported into a bank: dry run, then confirm (the shared import page, ~/components/import).
// /manage/banks/:bankId/import

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`导入题目 · ${d?.bank.title ?? "题库"} · 网上党校`);

const ImportSchema = importFormSchema({ ...HIDDEN_ROWS_CHOICE, fill: z.enum(["split", "whole"]).default("split") });

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

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, bank } = await bankInScope(request, params.bankId);
  return importAction(request, {
    schema: ImportSchema,
    maxFileBytes: MAX_BANK_UPLOAD_BYTES,
    choiceFields: ["hidden", "fill"],
    dryRun: (upload, { hidden, fill }) => dryRunBankImport(bank, upload, { hidden, fill }),
    confirm: (upload, expectedHash, { hidden, fill }) => confirmBankImport(user.id, bank, upload, expectedHash, { hidden, fill }),
  });
}

export default function BankImportPage() {
  const { bank, maxMegabytes, maxRows } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const report = reply?.report ?? null;
  const clean = report !== null && reply?.intent === "dryRun" && isClean(report);
  return (
    <div className="max-w-5xl">
      <ImportHeading title={`导入题目：${bank.title}`} back={{ to: `/manage/banks/${bank.id}`, label: "返回题库" }} />
      <ImportSteps
        template={
          <>
            下载
            <a href="/manage/banks/import-template" className="mx-1 text-party underline" download>
              Excel 导入模板
            </a>
            按列填写（已有的 Excel 题库，第一行列名与模板一致即可；从本系统导出的文件也可直接导入到其他题库）。
          </>
        }
        what="所有题目"
        limits={`支持 .xlsx 和 .csv（UTF-8 或 GBK 编码），单个文件不超过 ${maxMegabytes} MB，最多 ${maxRows} 题。`}
        columns={BANK_COLUMNS}
      />
      {reply?.done ? (
        <Notice>
          已导入 {reply.done.imported} 道题目。
          <Link to={`/manage/banks/${bank.id}`} className="ml-2 underline">
            查看题库
          </Link>
        </Notice>
      ) : null}
      <ImportForm
        schema={ImportSchema}
        lastResult={reply?.result}
        report={report}
        clean={clean}
        fills={report?.ambiguousFillCount}
        importedKey={reply?.done ? `imported-${reply.done.imported}` : "import"}
        rowWord="题"
        confirmWord="题"
      />
      {report ? (
        <ImportReport
          report={report}
          clean={clean}
          shown={PROBLEM_ROWS_SHOWN}
          noteColumns={[{ label: "题干", cell: (r) => r.stem }]}
          problemColumns={[{ label: "题干", cell: (r) => r.stem }]}
          breakdown={Object.entries(report.byType)
            .map(([k, n]) => `${TYPE_LABELS[k as QuestionType]} ${n} 题`)
            .join("，")}
          previewWord="题"
          previewHeaders={["行号", "编号", "题型", "题干", "选项", "答案"]}
          previewCells={(r) => (
            <>
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
            </>
          )}
        />
      ) : null}
    </div>
  );
}
