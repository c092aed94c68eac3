import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/.server/auth/guard";
import { importAction } from "~/.server/import/import-action";
import { type ImportedUnit, MAX_UPLOAD_BYTES, confirmImport, dryRunImport } from "~/.server/org/people-import";
import { ImportForm, ImportHeading, ImportReport, ImportSteps } from "~/components/import/import-page";
import { Notice } from "~/components/ui/form";
import { HIDDEN_ROWS_CHOICE, importFormSchema } from "~/lib/import-form";
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS, PROBLEM_ROWS_SHOWN, isClean } from "~/lib/people-import";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";
import { pageMeta } from "~/lib/page-meta";

// Bulk import of people: dry run, then confirm (the shared import page, ~/components/import). /manage/people/import

export const meta: MetaFunction = () => pageMeta("批量导入人员 · 网上党校");

const ImportSchema = importFormSchema(HIDDEN_ROWS_CHOICE);

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "people:import");
  return { maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024, maxRows: MAX_IMPORT_ROWS };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "people:import");
  return importAction(request, {
    schema: ImportSchema,
    maxFileBytes: MAX_UPLOAD_BYTES,
    choiceFields: ["hidden"],
    dryRun: (upload, { hidden }) => dryRunImport(user, upload, { hidden }),
    confirm: (upload, expectedHash, { hidden }) => confirmImport(user, upload, expectedHash, { hidden }),
  });
}

const PREVIEW_HEADERS = ["行号", "学号/工号", "姓名", "性别", "人员类别", "所在党组织", "政治面貌", "起始日期", "发展经历", "干部级别", "支委"];

export default function PeopleImportPage() {
  const { maxMegabytes, maxRows } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const report = reply?.report ?? null;
  const clean = report !== null && reply?.intent === "dryRun" && isClean(report);
  return (
    <div className="max-w-5xl">
      <ImportHeading title="批量导入人员" back={{ to: "/manage/people", label: "返回人员管理" }} />
      <ImportSteps
        template={
          <>
            下载导入模板，按列填写（也可直接使用已有的 Excel 名单，第一行列名与模板一致即可）：
            <a href="/manage/people/import-template/xlsx" className="mx-1 text-party underline" download>
              Excel 模板（.xlsx）
            </a>
            <a href="/manage/people/import-template/csv" className="mx-1 text-party underline" download>
              CSV 模板
            </a>
          </>
        }
        what="所有行"
        after="导入的账号没有密码：为他们生成一次性激活码（按党支部打印通知单或导出 Excel），本人凭激活码设置自己的密码。"
        limits={`支持 .xlsx 和 .csv（UTF-8 或 GBK 编码），单个文件不超过 ${maxMegabytes} MB，最多 ${maxRows} 行。只能导入到您管理范围内的党组织。`}
        columns={IMPORT_COLUMNS}
      />
      {reply?.done ? <ImportedNotice imported={reply.done.imported} units={reply.done.units} /> : null}
      <ImportForm
        schema={ImportSchema}
        lastResult={reply?.result}
        report={report}
        clean={clean}
        importedKey={reply?.done ? `imported-${reply.done.imported}` : "import"}
        rowWord="行"
        confirmWord="人"
      />
      {report ? (
        <ImportReport
          report={report}
          clean={clean}
          shown={PROBLEM_ROWS_SHOWN}
          noteColumns={[{ label: "姓名", cell: (r) => r.name }]}
          problemColumns={[
            { label: "学号/工号", cell: (r) => r.number, mono: true },
            { label: "姓名", cell: (r) => r.name },
          ]}
          breakdown={Object.entries(report.byStatus)
            .map(([k, n]) => `${POLITICAL_STATUS_LABELS[k as PoliticalStatus]} ${n} 人`)
            .join("，")}
          previewWord="行"
          previewHeaders={PREVIEW_HEADERS}
          previewCells={(r) => (
            <>
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
            </>
          )}
        />
      ) : null}
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
